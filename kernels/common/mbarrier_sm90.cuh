#pragma once
// Inline-PTX wrappers of Hopper's shared-memory mbarriers (sm_90): initialization, arrivals (with
// and without a transaction count, on this block's barrier or on another block's of the cluster)
// and the phase wait, plus the cluster's rank and barrier. Device code only: outside an sm_90+
// device pass (and in host compilation) GPUBENCH_SM90_DEVICE is 0 and none is defined, so a
// translation unit that includes this builds for any target. Used by the Hopper HGEMM's TMA
// pipeline (kernels/gemm/wgmma_hgemm.cu); kernels/common/tma_sm90.cuh completes them with loads.

#include <cstdint>

#include "kernels/common/device_timer.cuh"

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
#define GPUBENCH_SM90_DEVICE 1
#else
#define GPUBENCH_SM90_DEVICE 0
#endif

namespace gpubench::sm90 {

// An 8-byte mbarrier in shared memory, by its shared-window address (what the PTX operands take).
// A type of its own so that a barrier cannot be passed where a shared-memory data address is meant
// (a TMA destination, a staging buffer) or the other way round; passed by value to forceinline
// wrappers it compiles to the bare 32-bit register it holds.
struct Mbarrier {
  std::uint32_t address;
};

#if GPUBENCH_SM90_DEVICE

__device__ __forceinline__ void barrier_init(Mbarrier bar, std::uint32_t count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar.address), "r"(count)
               : "memory");
}
// Makes the initialized barriers visible to the async proxy (TMA) and the other threads.
__device__ __forceinline__ void barrier_init_fence() {
  asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
}
__device__ __forceinline__ void barrier_arrive(Mbarrier bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar.address) : "memory");
}
__device__ __forceinline__ void barrier_arrive_expect_tx(Mbarrier bar, std::uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(bar.address),
               "r"(bytes)
               : "memory");
}
// Whether the barrier's phase of parity `parity` has completed (waiting a while in hardware first).
// Default semantics (acquire at CTA scope), also where the arrivals come from the other block of a
// cluster: see barrier_arrive_in_block for why nothing needs cluster scope.
__device__ __forceinline__ bool barrier_try_wait(Mbarrier bar, std::uint32_t parity) {
  std::uint32_t done = 0;
  asm volatile(
      "{\n.reg .pred done;\n"
      "mbarrier.try_wait.parity.shared::cta.b64 done, [%1], %2;\n"
      "selp.u32 %0, 1, 0, done;\n}\n"
      : "=r"(done)
      : "r"(bar.address), "r"(parity)
      : "memory");
  return done != 0;
}
// Returns once the barrier's phase of parity `parity` has completed. A pipeline whose loads or
// releases never arrive is a bug: after kStallLimitNs the kernel traps (the launch fails with an
// error) instead of hanging the benchmark, the tests and a GPU session's time.
inline constexpr unsigned long long kStallLimitNs = 10'000'000'000ull;
__device__ __forceinline__ void barrier_wait(Mbarrier bar, std::uint32_t parity) {
  if (barrier_try_wait(bar, parity)) return;
  const unsigned long long start = common::global_timer_ns();
  while (!barrier_try_wait(bar, parity)) {
    if (common::global_timer_ns() - start > kStallLimitNs) __trap();
  }
}
// Arrives on the barrier at the shared offset of `bar` in block `rank` of this cluster (this
// block's own included): in the HGEMM, a consumer warp giving a stage back to the producer of that
// block.
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
__device__ __forceinline__ void barrier_arrive_in_block(Mbarrier bar, std::uint32_t rank) {
  asm volatile(
      "{\n"
      ".reg .b32 remote;\n"
      "mapa.shared::cluster.u32 remote, %0, %1;\n"
      "mbarrier.arrive.shared::cluster.b64 _, [remote];\n"
      "}\n" ::"r"(bar.address),
      "r"(rank)
      : "memory");
}

// This block's rank in its cluster.
__device__ __forceinline__ std::uint32_t cluster_rank() {
  std::uint32_t rank = 0;
  asm volatile("mov.u32 %0, %%cluster_ctarank;\n" : "=r"(rank));
  return rank;
}
// Every thread of every block of the cluster: a release-acquire barrier across the cluster.
__device__ __forceinline__ void cluster_sync() {
  asm volatile("barrier.cluster.arrive;\nbarrier.cluster.wait;\n" ::: "memory");
}

#endif  // GPUBENCH_SM90_DEVICE

}  // namespace gpubench::sm90
