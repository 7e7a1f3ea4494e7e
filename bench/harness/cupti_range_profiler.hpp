#pragma once
// CUPTI's range profiler (cupti_range_profiler.h, CUDA 12.6+) as cupti_inspector.cpp uses it: the
// chip's metric database, the setup that stays the same for a run, and one reading of the tensor
// pipes around one launch. Compiled only with GPUBENCH_HAVE_CUPTI_RANGE_PROFILER.

#include <cuda.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "analysis/kernel_inspection.hpp"
#include "harness/cupti_api.hpp"
#include "harness/cupti_inspector.hpp"

namespace gpubench::cupti {

// Anything but a failed CUPTI call that keeps a reading from being taken: one short phrase.
class InspectionProblem : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The host object: CUPTI's metric database for one chip, used to choose metrics, build the config
// image and evaluate counter data.
class ProfilerHost {
 public:
  ProfilerHost(const Api& api, const std::string& chip,
               const std::vector<std::uint8_t>& counter_availability);
  ~ProfilerHost();
  ProfilerHost(const ProfilerHost&) = delete;
  ProfilerHost& operator=(const ProfilerHost&) = delete;
  CUpti_Profiler_Host_Object* get() const { return host_; }

  // The tensor-pipe metrics this chip offers with the roll-up gpubench reads.
  std::vector<TensorPipeMetric> tensor_pipe_metrics() const;

 private:
  const Api& api_;
  CUpti_Profiler_Host_Object* host_ = nullptr;
};

// cuptiProfilerInitialize for the inspector's lifetime.
class ProfilerInterface {
 public:
  explicit ProfilerInterface(const Api& api);
  ~ProfilerInterface();
  ProfilerInterface(const ProfilerInterface&) = delete;
  ProfilerInterface& operator=(const ProfilerInterface&) = delete;

 private:
  const Api& api_;
};

// Everything that stays the same for the run: the device's chip, its metric database, the chosen
// metrics and the config image that schedules them. Throws CallError or InspectionProblem.
struct ProfilerSetup {
  explicit ProfilerSetup(const Api& cupti);

  const Api& api;
  ProfilerInterface profiler;
  std::string chip;
  std::vector<std::uint8_t> counter_availability;
  std::unique_ptr<ProfilerHost> host;
  std::vector<TensorPipeMetric> metrics;
  std::vector<std::string> metric_names;
  std::vector<const char*> metric_name_pointers;
  std::vector<std::uint8_t> config_image;
  std::size_t passes = 1;
};

// One reading: a single user range around the launch, replayed once per pass the config image
// needs (the GEMMs overwrite C, so a replay computes the same thing again). Returns
// (gpubench counter name, percent) per metric; throws CallError or InspectionProblem.
std::vector<std::pair<std::string, double>> measure_tensor_pipes(const ProfilerSetup& setup,
                                                                 const InspectedLaunch& launch,
                                                                 cudaStream_t stream);

}  // namespace gpubench::cupti
