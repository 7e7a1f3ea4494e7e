#pragma once
// The PTX the Hopper HGEMM's pipeline is made of (wgmma_hgemm.cu): mbarrier waits and arrivals
// (within the block and across a cluster), TMA box loads (plain and multicast) and the cluster's
// rank and barrier. sm_90a only: elsewhere (and in host compilation) GPUBENCH_WGMMA_DEVICE is 0
// and none is defined.

#include <cuda.h>

#include <cstdint>

#include "kernels/common/device_timer.cuh"
#include "kernels/common/wgmma.cuh"
#include "kernels/gemm/wgmma_hgemm_tiling.hpp"

namespace gpubench::gemm::hopper {

#if GPUBENCH_WGMMA_DEVICE

__device__ __forceinline__ void barrier_init(std::uint32_t bar, std::uint32_t count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(count) : "memory");
}
// Makes the initialized barriers visible to the async proxy (TMA) and the other threads.
__device__ __forceinline__ void barrier_init_fence() {
  asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
}
__device__ __forceinline__ void barrier_arrive(std::uint32_t bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar) : "memory");
}
__device__ __forceinline__ void barrier_arrive_expect_tx(std::uint32_t bar, std::uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(bar), "r"(bytes)
               : "memory");
}
// Whether the barrier's phase of parity `parity` has completed (waiting a while in hardware first).
// Default semantics (acquire at CTA scope), also where the arrivals come from the other block of a
// cluster: see barrier_arrive_in_block for why nothing needs cluster scope.
__device__ __forceinline__ bool barrier_try_wait(std::uint32_t bar, std::uint32_t parity) {
  std::uint32_t done = 0;
  asm volatile(
      "{\n.reg .pred done;\n"
      "mbarrier.try_wait.parity.shared::cta.b64 done, [%1], %2;\n"
      "selp.u32 %0, 1, 0, done;\n}\n"
      : "=r"(done)
      : "r"(bar), "r"(parity)
      : "memory");
  return done != 0;
}
// Returns once the barrier's phase of parity `parity` has completed. A pipeline whose loads or
// releases never arrive is a bug: after kStallLimitNs the kernel traps (the launch fails with an
// error) instead of hanging the benchmark, the tests and a GPU session's time.
inline constexpr unsigned long long kStallLimitNs = 10'000'000'000ull;
__device__ __forceinline__ void barrier_wait(std::uint32_t bar, std::uint32_t parity) {
  if (barrier_try_wait(bar, parity)) return;
  const unsigned long long start = common::global_timer_ns();
  while (!barrier_try_wait(bar, parity)) {
    if (common::global_timer_ns() - start > kStallLimitNs) __trap();
  }
}
// One 2D TMA box into shared memory, completing `bar`'s transaction bytes.
__device__ __forceinline__ void tma_load_2d(std::uint32_t dst, const CUtensorMap* map, BoxOrigin at,
                                            std::uint32_t bar) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, "
      "{%2, %3}], [%4];\n" ::"r"(dst),
      "l"(reinterpret_cast<std::uint64_t>(map)), "r"(at.inner), "r"(at.outer), "r"(bar)
      : "memory");
}
// The same box into the shared memory of every block of the cluster in `blocks` (bit r: rank r), at
// the same offset, each block's barrier at `bar` completing the bytes that block received.
__device__ __forceinline__ void tma_load_2d_multicast(std::uint32_t dst, const CUtensorMap* map,
                                                      BoxOrigin at, std::uint32_t bar,
                                                      std::uint16_t blocks) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::"
      "cluster [%0], [%1, {%2, %3}], [%4], %5;\n" ::"r"(dst),
      "l"(reinterpret_cast<std::uint64_t>(map)), "r"(at.inner), "r"(at.outer), "r"(bar), "h"(blocks)
      : "memory");
}
// Arrives on the barrier at shared offset `bar` of block `rank` of this cluster (this block's
// own included): a consumer warp giving a stage back to the producer of that block.
//
// Default semantics (release at CTA scope), as CUTLASS's ClusterBarrier emits for its remote
// arrive. ".release.cluster" here cost a MEMBAR.ALL.GPU before every arrival and the producer's
// ".acquire.cluster" wait a CCTL.IVALL (an L1 invalidation) after every wait, and bought nothing:
//  - A release/acquire pair publishes the releasing thread's earlier writes to the acquiring
//    thread. Through "empty" there is nothing to publish: the consumers wrote nothing into the
//    stage (wgmma only read it) and the producer reads nothing the consumers wrote (it only issues
//    TMA loads into the stage).
//  - What the stage's reuse needs is the opposite order: the consumers' wgmma must have finished
//    reading the stage before the next TMA load overwrites it (a write after read). The consumer
//    arrives only after wgmma.wait_group has returned, which it does once the waited-for wgmma
//    have completed, their shared-memory reads included; the producer issues the overwriting load
//    only after its wait has seen the phase those arrivals complete. The reads are over before the
//    write is issued; no fence can order them further.
//  - The data the consumers read (the "full" barrier) comes from TMA, whose complete-tx on the
//    consumer's own block's barrier makes the bytes visible to the threads that see that phase
//    complete; that wait never had cluster scope.
// The barrier operations themselves are atomic on the barrier whatever the scope; the CPU model of
// the protocol (tests/support/hopper_pipeline_model.hpp) checks their counts and parities.
__device__ __forceinline__ void barrier_arrive_in_block(std::uint32_t bar, std::uint32_t rank) {
  asm volatile(
      "{\n"
      ".reg .b32 remote;\n"
      "mapa.shared::cluster.u32 remote, %0, %1;\n"
      "mbarrier.arrive.shared::cluster.b64 _, [remote];\n"
      "}\n" ::"r"(bar),
      "r"(rank)
      : "memory");
}
__device__ __forceinline__ std::uint32_t cluster_rank() {
  std::uint32_t rank = 0;
  asm volatile("mov.u32 %0, %%cluster_ctarank;\n" : "=r"(rank));
  return rank;
}
// Every thread of every block of the cluster: a release-acquire barrier across the cluster.
__device__ __forceinline__ void cluster_sync() {
  asm volatile("barrier.cluster.arrive;\nbarrier.cluster.wait;\n" ::: "memory");
}
// The epilogue's shared-memory traffic: the 128 threads of consumer warpgroup `consumer` (named
// barrier 1 + consumer; 0 is __syncthreads'), a 4-byte store and a 16-byte load. Volatile with a
// memory clobber, so that the compiler keeps them on their side of the barriers.
__device__ __forceinline__ void consumer_barrier(int consumer) {
  asm volatile("bar.sync %0, %1;\n" ::"r"(1 + consumer), "n"(wgmma::kWarpgroupThreads) : "memory");
}
__device__ __forceinline__ void store_shared_b32(std::uint32_t address, std::uint32_t value) {
  asm volatile("st.shared.b32 [%0], %1;\n" ::"r"(address), "r"(value) : "memory");
}
__device__ __forceinline__ uint4 load_shared_v4(std::uint32_t address) {
  uint4 v;
  asm volatile("ld.shared.v4.b32 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "r"(address)
               : "memory");
  return v;
}
__device__ __forceinline__ void tma_prefetch_descriptor(const CUtensorMap* map) {
  asm volatile("prefetch.tensormap [%0];\n" ::"l"(reinterpret_cast<std::uint64_t>(map)) : "memory");
}

#endif  // GPUBENCH_WGMMA_DEVICE

}  // namespace gpubench::gemm::hopper
