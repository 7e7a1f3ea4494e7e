#pragma once
// The GPU's global nanosecond timer, read inside kernels to relate clock64() cycles to wall time
// (the measured SM clock every figure carries), and the clock sample the throughput kernels take of
// their own run.

#include "kernels/common/clock_sample.hpp"

namespace gpubench::common {

__device__ __forceinline__ unsigned long long global_timer_ns() {
  unsigned long long ns;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(ns));
  return ns;
}

// The start of a kernel's own clock sample. One thread (block 0, thread 0) reads %globaltimer and
// writes the sample: a timer read in every thread would cost each warp an instruction the rate
// does not count. clock64() is read by every thread, so the compiler keeps no branch around it.
struct KernelClockStart {
  bool timer;
  unsigned long long ns_start;
  long long cycles_start;
};

// Call where the timed stretch begins: the reads are volatile asm, so they stay after what precedes
// them in program order (a braced list is evaluated left to right).
__device__ __forceinline__ KernelClockStart kernel_clock_start() {
  const bool timer = blockIdx.x == 0 && threadIdx.x == 0;
  return KernelClockStart{timer, timer ? global_timer_ns() : 0ull, clock64()};
}

// Call where the timed stretch ends: the timing thread writes the cycles and nanoseconds since
// kernel_clock_start() to *clock.
__device__ __forceinline__ void kernel_clock_record(const KernelClockStart& start,
                                                    ClockSample* clock) {
  if (start.timer) {
    clock->cycles = static_cast<unsigned long long>(clock64() - start.cycles_start);
    clock->nanoseconds = global_timer_ns() - start.ns_start;
  }
}

}  // namespace gpubench::common
