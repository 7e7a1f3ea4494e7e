#pragma once
// Launchers of the Hopper tensor-core peak kernels (wgmma.mma_async, built for sm_90a only; see
// wgmma_math.hpp for the chain and its CPU model). The mma.sync kernels of compute_kernels.hpp stay
// the path on every other architecture, and the legacy path on Hopper.

#include <cuda_runtime_api.h>

#include <cstdint>

#include "kernels/common/clock_sample.hpp"
#include "kernels/compute/wgmma_math.hpp"

namespace gpubench::compute {

// Whether this build holds the sm_90a wgmma kernels (GPUBENCH_SM90A_KERNELS at configure time).
bool wgmma_kernels_built();

// Whether `op`'s wgmma peak kernel runs on a device of architecture `sm` (90 for compute
// capability 9.0: sm_90a code runs on 9.0 exactly).
bool wgmma_runs_on(ComputeOp op, int sm);

// Blocks (one warpgroup each) that fill the device once.
int wgmma_full_wave_blocks(ComputeOp op, int device);

// Each block runs the chain with `iterations` (B, -B) pairs (a multiple of kWgmmaUnroll) and
// writes wgmma_output_words(op) words per thread; block 0 records the SM clock over its run.
// Throws std::invalid_argument where wgmma_runs_on is false for the current device.
void launch_wgmma_throughput(ComputeOp op, int blocks, long long iterations, std::uint32_t seed,
                             std::uint32_t* out, common::ClockSample* clock, cudaStream_t stream);

}  // namespace gpubench::compute
