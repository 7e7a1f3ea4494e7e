#include <cuda_runtime.h>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/device_timer.cuh"
#include "kernels/probe/clock_probe.hpp"

namespace gpubench::probe {
namespace {

using common::global_timer_ns;

__global__ void clock_probe_kernel(ClockSample* out, unsigned long long duration_ns) {
  const unsigned long long ns_start = global_timer_ns();
  const long long cycles_start = clock64();
  unsigned long long ns_now = ns_start;
  while (ns_now - ns_start < duration_ns)
    ns_now = global_timer_ns();
  const long long cycles_end = clock64();
  out->cycles = static_cast<unsigned long long>(cycles_end - cycles_start);
  out->nanoseconds = ns_now - ns_start;
}

}  // namespace

void launch_clock_probe(ClockSample* out, unsigned long long duration_ns, cudaStream_t stream) {
  clock_probe_kernel<<<1, 1, 0, stream>>>(out, duration_ns);
  GPUBENCH_CHECK_LAUNCH();
}

}  // namespace gpubench::probe
