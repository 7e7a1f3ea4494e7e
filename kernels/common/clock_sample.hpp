#pragma once
// What a kernel that measures its own SM clock writes: clock64 ticks and %globaltimer nanoseconds
// over the same stretch (kernels/probe's clock probe, and the compute kernels for their own run).

namespace gpubench::common {

struct ClockSample {
  unsigned long long cycles;
  unsigned long long nanoseconds;
};

// MHz from a sample; 0 when the timer did not advance.
inline double clock_mhz(const ClockSample& sample) {
  return sample.nanoseconds == 0
             ? 0.0
             : static_cast<double>(sample.cycles) / static_cast<double>(sample.nanoseconds) * 1e3;
}

}  // namespace gpubench::common
