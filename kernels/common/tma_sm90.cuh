#pragma once
// Inline-PTX wrappers of Hopper's tensor memory accelerator (sm_90): 2D box loads from a tensor map
// into shared memory (into this block's, or multicast to several blocks of the cluster), each
// completing an mbarrier's transaction bytes (kernels/common/mbarrier_sm90.cuh), and the tensor
// map's prefetch. Device code only, defined where GPUBENCH_SM90_DEVICE is 1.

#include <cuda.h>

#include <cstdint>

#include "kernels/common/mbarrier_sm90.cuh"

namespace gpubench::sm90 {

#if GPUBENCH_SM90_DEVICE

// One 2D TMA box, whose first element is at (inner, outer) in the tensor map's coordinates, into
// shared memory at `dst`, completing `bar`'s transaction bytes.
__device__ __forceinline__ void tma_load_2d(std::uint32_t dst, const CUtensorMap* map, int inner,
                                            int outer, Mbarrier bar) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, "
      "{%2, %3}], [%4];\n" ::"r"(dst),
      "l"(reinterpret_cast<std::uint64_t>(map)), "r"(inner), "r"(outer), "r"(bar.address)
      : "memory");
}
// The same box into the shared memory of every block of the cluster in `blocks` (bit r: rank r), at
// the same offset, each block's barrier at `bar`'s offset completing the bytes that block received.
__device__ __forceinline__ void tma_load_2d_multicast(std::uint32_t dst, const CUtensorMap* map,
                                                      int inner, int outer, Mbarrier bar,
                                                      std::uint16_t blocks) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::"
      "cluster [%0], [%1, {%2, %3}], [%4], %5;\n" ::"r"(dst),
      "l"(reinterpret_cast<std::uint64_t>(map)), "r"(inner), "r"(outer), "r"(bar.address),
      "h"(blocks)
      : "memory");
}
// Brings the tensor map into the cache ahead of its first load.
__device__ __forceinline__ void tma_prefetch_descriptor(const CUtensorMap* map) {
  asm volatile("prefetch.tensormap [%0];\n" ::"l"(reinterpret_cast<std::uint64_t>(map)) : "memory");
}

#endif  // GPUBENCH_SM90_DEVICE

}  // namespace gpubench::sm90
