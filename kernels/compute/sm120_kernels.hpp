#pragma once
// Launchers of the sm_120 tensor peaks (GeForce and RTX PRO Blackwell): mma.sync of
// .kind::f8f6f4 and the block-scaled kinds, built for sm_120a only (gpubench_kernels_sm120a,
// kernels/sm120a.cmake). See sm120_math.hpp for the chains and their CPU model.

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string_view>

#include "kernels/common/clock_sample.hpp"
#include "kernels/compute/sm120_math.hpp"

namespace gpubench::compute {

inline constexpr int kSm120BlockThreads = 256;
inline constexpr int kSm120Accumulators = 4;  // independent chains per warp
inline constexpr int kSm120Unroll = 8;        // (B, -B) pairs per loop body

// 32-bit words each thread writes: its chains' final accumulators.
inline constexpr int kSm120WordsPerThread = kSm120Accumulators * kSm120AccumulatorWords;

// Whether this build holds the sm_120a kernels (GPUBENCH_SM120A_KERNELS at configure time).
bool sm120_kernels_built();

// The one check every sm_120 row makes: the kernels are built for the device's own arch-specific
// code (sm_120a for 12.0, sm_121a for 12.1: "a" code runs on its own architecture alone).
bool sm120_mma_supported(int sm);
// Why sm120_mma_supported(sm) is false, as one sentence; empty when it is true.
std::string_view sm120_unsupported_reason(int sm);

// Work one launch does, in FLOPs: every warp runs (2 * iterations + 1) mma per chain.
GPUBENCH_HD constexpr double sm120_launch_flops(Sm120Op op, long long blocks,
                                                long long iterations) {
  const double warps = static_cast<double>(blocks) * (kSm120BlockThreads / 32);
  const double mmas = static_cast<double>(2 * iterations + 1) * kSm120Accumulators;
  return warps * mmas * static_cast<double>(sm120_shape(op).flops());
}

// Blocks of kSm120BlockThreads that fill the device once.
int sm120_full_wave_blocks(Sm120Op op, int device);

// Every warp runs its chains with `iterations` (B, -B) pairs (a multiple of kSm120Unroll); block 0
// records the SM clock over its run. Throws std::invalid_argument where sm120_mma_supported is
// false for the current device.
void launch_sm120_throughput(Sm120Op op, int blocks, long long iterations, std::uint32_t seed,
                             std::uint32_t* out, common::ClockSample* clock, cudaStream_t stream);

}  // namespace gpubench::compute
