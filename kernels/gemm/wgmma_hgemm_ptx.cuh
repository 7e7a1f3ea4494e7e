#pragma once
// The PTX of the Hopper HGEMM (wgmma_hgemm.cu) beyond the general wrappers of kernels/common/
// (mbarrier_sm90.cuh, tma_sm90.cuh, wgmma.cuh): its TMA loads addressed by the tiling's box
// origins, and the epilogue's named barrier and shared-memory traffic. sm_90a only: elsewhere (and
// in host compilation) GPUBENCH_WGMMA_DEVICE is 0 and none is defined.

#include <cuda.h>

#include <cstdint>

#include "kernels/common/mbarrier_sm90.cuh"
#include "kernels/common/tma_sm90.cuh"
#include "kernels/common/wgmma.cuh"
#include "kernels/gemm/wgmma_hgemm_tiling.hpp"

namespace gpubench::gemm::hopper {

#if GPUBENCH_WGMMA_DEVICE

// One 2D TMA box at `at` of the tiling (a_box, b_box), completing `bar`'s transaction bytes.
__device__ __forceinline__ void tma_load_2d(std::uint32_t dst, const CUtensorMap* map, BoxOrigin at,
                                            sm90::Mbarrier bar) {
  sm90::tma_load_2d(dst, map, at.inner, at.outer, bar);
}
// The same box multicast to the blocks of the cluster in `blocks` (bit r: rank r).
__device__ __forceinline__ void tma_load_2d_multicast(std::uint32_t dst, const CUtensorMap* map,
                                                      BoxOrigin at, sm90::Mbarrier bar,
                                                      std::uint16_t blocks) {
  sm90::tma_load_2d_multicast(dst, map, at.inner, at.outer, bar, blocks);
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

#endif  // GPUBENCH_WGMMA_DEVICE

}  // namespace gpubench::gemm::hopper
