#pragma once
// Measures the SM clock on the device: clock64 ticks against %globaltimer nanoseconds over a short
// spin, so each figure can say the clock it ran at without NVML.

#include <cuda_runtime_api.h>

namespace gpubench::probe {

struct ClockSample {
  unsigned long long cycles;
  unsigned long long nanoseconds;
};

// One thread spins for about duration_ns of %globaltimer time and writes what both clocks advanced.
void launch_clock_probe(ClockSample* out, unsigned long long duration_ns, cudaStream_t stream);

// MHz from a sample; 0 when the timer did not advance.
inline double clock_mhz(const ClockSample& sample) {
  return sample.nanoseconds == 0
             ? 0.0
             : static_cast<double>(sample.cycles) / static_cast<double>(sample.nanoseconds) * 1e3;
}

}  // namespace gpubench::probe
