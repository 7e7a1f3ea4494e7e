#pragma once
// The driver suite's device side: kernels that do nothing but prove they ran. Each launch adds one
// to its own counter (the sentinel), so after n launches the counter reads n: a launch that never
// ran, or ran twice, shows. Launchers only enqueue; the suite times and checks.

#include <cuda_runtime_api.h>

namespace gpubench::driver {

// One block of one thread adds one to *counter: the "empty" kernel of the launch-latency rows.
void launch_count_kernel(unsigned* counter, cudaStream_t stream);

// `kernels` launches in stream order; launch i adds one to counters[i].
void launch_count_kernels(unsigned* counters, int kernels, cudaStream_t stream);

// The same `kernels` launches captured once into an executable CUDA graph, replayed by launch().
class CountingGraph {
 public:
  CountingGraph(unsigned* counters, int kernels, cudaStream_t capture_stream);
  ~CountingGraph();
  CountingGraph(const CountingGraph&) = delete;
  CountingGraph& operator=(const CountingGraph&) = delete;

  void launch(cudaStream_t stream) const;
  int kernels() const { return kernels_; }

 private:
  int kernels_ = 0;
  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t exec_ = nullptr;
};

}  // namespace gpubench::driver
