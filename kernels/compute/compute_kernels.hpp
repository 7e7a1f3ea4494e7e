#pragma once
// Launchers of the compute family: peak-throughput and latency kernels for the scalar units
// (FFMA, HFMA2, BF16 HFMA2, DFMA, IMAD) and the tensor cores through mma.sync.

#include <cuda_runtime_api.h>

#include <cstdint>

#include "kernels/common/clock_sample.hpp"
#include "kernels/compute/compute_math.hpp"

namespace gpubench::compute {

inline constexpr int kComputeBlockThreads = 256;
// Independent accumulators per warp in the tensor throughput kernels.
inline constexpr int kMmaAccumulators = 4;
// Loop steps per unrolled body; iterations must be a multiple of this.
inline constexpr int kScalarUnroll = 32;
inline constexpr int kMmaUnroll = 4;  // pairs (B, -B) per body

// Whether this build has device code for `op` on architecture `sm` (e.g. 89), and whether that
// code is emulated rather than a native tensor path (FP8 and INT4 mma.sync on Hopper).
bool compute_op_built(ComputeOp op, int sm);
bool compute_op_emulated(ComputeOp op, int sm);

// 32-bit words each thread writes: its chains' final values.
GPUBENCH_HD constexpr int output_words_per_thread(ComputeOp op, int sm) {
  if (!is_tensor(op)) return op == ComputeOp::kDfma ? 2 * kScalarChains : kScalarChains;
  return kMmaAccumulators * accumulator_words(op, sm);
}

// 32-bit words one latency launch writes: one warp's accumulators (tensor) or one chain's final
// value (scalar; DFMA's is two words). Readers copy back exactly these, nothing unwritten.
GPUBENCH_HD constexpr int latency_output_words(ComputeOp op, int sm) {
  if (is_tensor(op)) return 32 * accumulator_words(op, sm);
  return op == ComputeOp::kDfma ? 2 : 1;
}

// Work one throughput launch does, in FLOPs (or OPs).
GPUBENCH_HD constexpr double launch_flops(ComputeOp op, int sm, long long blocks,
                                          long long iterations) {
  const double threads = static_cast<double>(blocks) * kComputeBlockThreads;
  if (!is_tensor(op)) {
    return threads * static_cast<double>(iterations) * kScalarChains *
           flops_per_scalar_instruction(op);
  }
  const double mmas_per_warp = static_cast<double>(2 * iterations + 1) * kMmaAccumulators;
  return threads / 32 * mmas_per_warp * static_cast<double>(mma_shape(op, sm).flops());
}

// Blocks of kComputeBlockThreads that fill the device once for `op`.
int compute_full_wave_blocks(ComputeOp op, int sm, int device);

// Every thread runs its chains `iterations` steps; block 0 records the SM clock over its run.
void launch_compute_throughput(ComputeOp op, int sm, int blocks, long long iterations,
                               std::uint32_t seed, std::uint32_t* out, common::ClockSample* clock,
                               cudaStream_t stream);

// One chain, one thread (scalar) or one warp (tensor): `iterations` dependent instructions
// (tensor: 2 * iterations + 1 mma), clock64 ticks into *cycles, final values into out.
void launch_compute_latency(ComputeOp op, int sm, long long iterations, std::uint32_t seed,
                            std::uint32_t* out, unsigned long long* cycles, cudaStream_t stream);

}  // namespace gpubench::compute
