#pragma once
// The GPU's global nanosecond timer, read inside kernels to relate clock64() cycles to wall time
// (the measured SM clock every figure carries).

namespace gpubench::common {

__device__ __forceinline__ unsigned long long global_timer_ns() {
  unsigned long long ns;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(ns));
  return ns;
}

}  // namespace gpubench::common
