#include <cuda_runtime.h>

#include "kernels/common/cuda_check.hpp"
#include "kernels/driver/driver_kernels.hpp"

namespace gpubench::driver {
namespace {

// Launched one thread at a time in stream order, so a plain increment cannot race.
__global__ void count_kernel(unsigned* counter) {
  *counter += 1;
}

}  // namespace

void launch_count_kernel(unsigned* counter, cudaStream_t stream) {
  count_kernel<<<1, 1, 0, stream>>>(counter);
  GPUBENCH_CHECK_LAUNCH();
}

void launch_count_kernels(unsigned* counters, int kernels, cudaStream_t stream) {
  for (int i = 0; i < kernels; ++i) {
    count_kernel<<<1, 1, 0, stream>>>(counters + i);
    GPUBENCH_CHECK_LAUNCH();
  }
}

CountingGraph::CountingGraph(unsigned* counters, int kernels, cudaStream_t capture_stream)
    : kernels_(kernels) {
  // Thread-local capture: the telemetry thread's NVML calls are no CUDA calls, but nothing on
  // another thread should be able to invalidate the capture either.
  GPUBENCH_CUDA_CHECK(cudaStreamBeginCapture(capture_stream, cudaStreamCaptureModeThreadLocal));
  try {
    launch_count_kernels(counters, kernels, capture_stream);
  } catch (...) {
    cudaGraph_t abandoned = nullptr;
    cudaStreamEndCapture(capture_stream, &abandoned);  // leave the stream usable
    if (abandoned != nullptr) cudaGraphDestroy(abandoned);
    throw;
  }
  GPUBENCH_CUDA_CHECK(cudaStreamEndCapture(capture_stream, &graph_));
  const cudaError_t status = cudaGraphInstantiate(&exec_, graph_, 0);
  if (status != cudaSuccess) {
    cudaGraphDestroy(graph_);
    throw CudaError(status, "cudaGraphInstantiate", __FILE__, __LINE__);
  }
}

CountingGraph::~CountingGraph() {
  if (exec_ != nullptr) cudaGraphExecDestroy(exec_);
  if (graph_ != nullptr) cudaGraphDestroy(graph_);
}

void CountingGraph::launch(cudaStream_t stream) const {
  GPUBENCH_CUDA_CHECK(cudaGraphLaunch(exec_, stream));
}

}  // namespace gpubench::driver
