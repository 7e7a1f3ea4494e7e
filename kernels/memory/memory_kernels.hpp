#pragma once
// Launchers of the memory family. The harness calls these and nothing else of kernels/memory/.

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "kernels/memory/stream_math.hpp"

namespace gpubench::memory {

// Three arrays of n floats (n a multiple of 4: the kernels move 16-byte vectors) and a scratch
// area of `reduction_slots` (>= stream_blocks(kRead, n)) doubles for the reductions' partial sums.
struct StreamArrays {
  float* a = nullptr;
  float* b = nullptr;
  float* c = nullptr;
  std::size_t n = 0;
  double* partials = nullptr;
  int reduction_slots = 0;
};

inline constexpr int kStreamBlockThreads = 256;
// The reductions sum this many 16-byte vectors per thread before the block reduction.
inline constexpr std::size_t kReductionVectorsPerThread = 4;

// Blocks `op` launches over n floats. The array ops give each thread one 16-byte vector and
// launch as many blocks as that takes: on an H100 this shape reached about 6% more DRAM bandwidth
// than grid-stride loops over one full wave, whatever their block count or unrolling.
constexpr std::size_t stream_blocks(StreamOp op, std::size_t n) {
  const std::size_t per_block =
      kStreamBlockThreads * (output_array(op) < 0 ? kReductionVectorsPerThread : 1);
  return (n / 4 + per_block - 1) / per_block;
}

// Blocks of kStreamBlockThreads that fill the device once (every SM at full occupancy).
int full_wave_blocks(int device);

// a, b, c = initial_a, initial_b, initial_c.
void launch_stream_init(const StreamArrays& arrays, cudaStream_t stream);
// One run of `op`; reductions leave stream_blocks(op, n) partial sums in arrays.partials.
void launch_stream_op(StreamOp op, const StreamArrays& arrays, cudaStream_t stream);

// Counts elements of x[0..n) that differ from expected_output(op, i); the count and the first bad
// index land in result[0], result[1] (result must hold 2 values).
void launch_verify_stream_output(StreamOp op, const float* x, std::size_t n,
                                 unsigned long long* result, cudaStream_t stream);

// L2 working-set sweep over buffer[0..n), n / 4 a power of two: each of blocks x
// kStreamBlockThreads threads issues loads_per_thread 16-byte loads through L2, summing into
// per-block partials. l2_sweep_expected_sum gives the exact total.
void launch_l2_sweep_init(float* buffer, std::size_t n, cudaStream_t stream);
void launch_l2_sweep_read(const float* buffer, std::size_t n, int loads_per_thread,
                          double* partials, int blocks, cudaStream_t stream);

// Pointer chase through one cycle: next[order[k] * stride] = order[k + 1] * stride.
void launch_chase_build(std::uint32_t* next, const std::uint32_t* order, std::size_t slots,
                        std::uint32_t stride_elements, cudaStream_t stream);
struct ChaseResult {
  std::uint32_t final_index;
  unsigned long long cycles;       // clock64 ticks of the timed loads
  unsigned long long nanoseconds;  // %globaltimer over the same loads
};
// One thread walks `warm_steps` untimed, then `timed_steps` timed, dependent loads from `start`.
void launch_chase(const std::uint32_t* next, std::uint32_t start, std::uint64_t warm_steps,
                  std::uint64_t timed_steps, ChaseResult* result, cudaStream_t stream);

// Host<->device transfer buffers: fill with transfer_word(i) and count mismatches (result as
// above).
void launch_transfer_fill(std::uint32_t* words, std::size_t count, cudaStream_t stream);
void launch_transfer_verify(const std::uint32_t* words, std::size_t count,
                            unsigned long long* result, cudaStream_t stream);

}  // namespace gpubench::memory
