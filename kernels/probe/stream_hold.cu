#include <cuda_runtime.h>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/device_timer.cuh"
#include "kernels/probe/stream_hold.hpp"

namespace gpubench::probe {
namespace {

using common::global_timer_ns;

// Polls about once a microsecond: the flag is read over the bus, and the release only has to be
// seen before the start event, which waits for this kernel anyway.
constexpr unsigned int kPollSleepNs = 1000;

__global__ void stream_hold_kernel(StreamHoldFlags* flags, unsigned int generation,
                                   unsigned long long timeout_ns) {
  const volatile unsigned int* release = &flags->release_generation;
  const unsigned long long start_ns = global_timer_ns();
  // Generations wrap: a difference read as signed says whether the release has reached this one.
  while (static_cast<int>(*release - generation) < 0) {
    if (global_timer_ns() - start_ns > timeout_ns) {
      *static_cast<volatile unsigned int*>(&flags->timed_out_generation) = generation;
      __threadfence_system();
      return;
    }
    __nanosleep(kPollSleepNs);
  }
}

}  // namespace

void launch_stream_hold(StreamHoldFlags* device_flags, unsigned int generation,
                        unsigned long long timeout_ns, cudaStream_t stream) {
  stream_hold_kernel<<<1, 1, 0, stream>>>(device_flags, generation, timeout_ns);
  GPUBENCH_CHECK_LAUNCH();
}

cudaError_t preload_stream_hold() {
  cudaFuncAttributes attributes{};
  return cudaFuncGetAttributes(&attributes, stream_hold_kernel);
}

}  // namespace gpubench::probe
