#pragma once
// CUPTI, loaded with dlopen so gpubench starts and runs where libcupti is missing, for two looks at
// one extra, untimed launch of a benchmark's enqueue function:
//  - the activity API: the names of the kernels that launch ran (CUPTI_ACTIVITY_KIND_CONCURRENT_
//    KERNEL records);
//  - the range profiler (cupti_range_profiler.h, CUDA 12.6+): the tensor pipe's active-cycle
//    percentage from hardware counters, for the metrics this chip's CUPTI database offers (see
//    kernel_inspection.hpp).
// Neither belongs inside a timed region: CUPTI instruments the launches it watches. Failures never
// throw: they come back as one-line reasons, and those that will not change during the run (no
// CUPTI, no permission to read counters, an unsupported device) are remembered, so CUPTI is asked
// once per inspector, not once per benchmark. CUDA errors from the enqueue itself do throw.

#include <cuda_runtime_api.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/kernel_inspection.hpp"

namespace gpubench {

using InspectedLaunch = std::function<void(cudaStream_t)>;

class CuptiInspector {
 public:
  // The CUPTI of the toolkit gpubench was built with: its soname, then the toolkit's library
  // directories.
  static std::vector<std::string> default_library_candidates();

  explicit CuptiInspector(
      std::vector<std::string> library_candidates = default_library_candidates());
  ~CuptiInspector();
  CuptiInspector(const CuptiInspector&) = delete;
  CuptiInspector& operator=(const CuptiInspector&) = delete;

  // Runs `launch` once on `stream` with kernel activity recording on, and returns the kernels it
  // ran, or kernels_problem ("kernels unavailable (REASON)"). Synchronizes the stream.
  KernelInspection record_kernels(const InspectedLaunch& launch, cudaStream_t stream);

  // Runs `launch` on `stream` once per profiler pass inside one profiling range, and returns the
  // tensor-pipe percentages, or counters_problem: exactly kProfilingPermissionText when the driver
  // refuses counter access, else "counters unavailable (REASON)".
  KernelInspection read_tensor_pipes(const InspectedLaunch& launch, cudaStream_t stream);

  // Both, kernels first.
  KernelInspection inspect(const InspectedLaunch& launch, cudaStream_t stream);

  // How many times read_tensor_pipes asked CUPTI to set up profiling (a remembered failure is not
  // asked again).
  int profiler_setups() const;

  // One sentence per failure remembered since the last call (no CUPTI, no permission to read
  // counters, ...), for the caller to print once; empty when there is nothing new.
  std::vector<std::string> take_notices();

  // Host side only, no GPU needed: the tensor-pipe metrics CUPTI's metric database offers for a
  // chip ("AD104", "GH100"; see cuptiProfilerHostGetSupportedChips). Empty with `problem` set when
  // CUPTI cannot be loaded or does not know the chip.
  static std::vector<TensorPipeMetric> tensor_pipe_metrics_for_chip(
      std::string_view chip, std::string& problem,
      const std::vector<std::string>& library_candidates = default_library_candidates());

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gpubench
