#pragma once
// Measures the SM clock on the device: clock64 ticks against %globaltimer nanoseconds over a short
// spin, so each figure can say the clock it ran at without NVML.

#include <cuda_runtime_api.h>

#include "kernels/common/clock_sample.hpp"

namespace gpubench::probe {

using common::clock_mhz;
using common::ClockSample;

// One thread spins for about duration_ns of %globaltimer time and writes what both clocks advanced.
void launch_clock_probe(ClockSample* out, unsigned long long duration_ns, cudaStream_t stream);

}  // namespace gpubench::probe
