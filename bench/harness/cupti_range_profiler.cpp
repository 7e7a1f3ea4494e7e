// Built only where CUPTI's range profiler headers exist (CUDA 12.6+); see cmake/dependencies.cmake.
#if GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
#include "harness/cupti_range_profiler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "kernels/common/cuda_check.hpp"

namespace gpubench::cupti {
namespace {

// The current thread's CUDA context (the runtime's primary context), fetched through the runtime
// so gpubench never links libcuda.
CUcontext current_context() {
  GPUBENCH_CUDA_CHECK(cudaFree(nullptr));  // makes the primary context current
  void* function = nullptr;
  cudaDriverEntryPointQueryResult found{};
#if CUDART_VERSION >= 12050
  GPUBENCH_CUDA_CHECK(cudaGetDriverEntryPointByVersion("cuCtxGetCurrent", &function, 12000,
                                                       cudaEnableDefault, &found));
#else
  GPUBENCH_CUDA_CHECK(
      cudaGetDriverEntryPoint("cuCtxGetCurrent", &function, cudaEnableDefault, &found));
#endif
  if (found != cudaDriverEntryPointSuccess || function == nullptr) {
    throw InspectionProblem("the driver has no cuCtxGetCurrent");
  }
  CUcontext context = nullptr;
  if (reinterpret_cast<CUresult (*)(CUcontext*)>(function)(&context) != CUDA_SUCCESS ||
      context == nullptr) {
    throw InspectionProblem("no current CUDA context");
  }
  return context;
}

// The range profiler enabled on a context for one reading; disabled when the scope ends.
class RangeProfiler {
 public:
  RangeProfiler(const Api& api, CUcontext context) : api_(api) {
    auto params = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_Enable_Params);
    params.ctx = context;
    GPUBENCH_CUPTI_CHECK(api_, cuptiRangeProfilerEnable, &params);
    object_ = params.pRangeProfilerObject;
  }
  ~RangeProfiler() {
    auto params = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_Disable_Params);
    params.pRangeProfilerObject = object_;
    api_.cuptiRangeProfilerDisable(&params);
  }
  RangeProfiler(const RangeProfiler&) = delete;
  RangeProfiler& operator=(const RangeProfiler&) = delete;
  CUpti_RangeProfiler_Object* get() const { return object_; }

 private:
  const Api& api_;
  CUpti_RangeProfiler_Object* object_ = nullptr;
};

// The counter data image for one range, and the profiler configured to fill it.
std::vector<std::uint8_t> configure_range(const ProfilerSetup& setup,
                                          const RangeProfiler& profiler) {
  const Api& api = setup.api;
  auto size = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_GetCounterDataSize_Params);
  size.pRangeProfilerObject = profiler.get();
  size.pMetricNames = const_cast<const char**>(setup.metric_name_pointers.data());
  size.numMetrics = setup.metric_name_pointers.size();
  size.maxNumOfRanges = 1;
  size.maxNumRangeTreeNodes = 1;
  GPUBENCH_CUPTI_CHECK(api, cuptiRangeProfilerGetCounterDataSize, &size);
  std::vector<std::uint8_t> counter_data(size.counterDataSize);
  auto initialize = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_CounterDataImage_Initialize_Params);
  initialize.pRangeProfilerObject = profiler.get();
  initialize.counterDataSize = counter_data.size();
  initialize.pCounterData = counter_data.data();
  GPUBENCH_CUPTI_CHECK(api, cuptiRangeProfilerCounterDataImageInitialize, &initialize);

  auto config = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_SetConfig_Params);
  config.pRangeProfilerObject = profiler.get();
  config.configSize = setup.config_image.size();
  config.pConfig = setup.config_image.data();
  config.counterDataImageSize = counter_data.size();
  config.pCounterDataImage = counter_data.data();
  config.range = CUPTI_UserRange;
  config.replayMode = CUPTI_UserReplay;
  config.maxRangesPerPass = 1;
  config.numNestingLevels = 1;
  config.minNestingLevel = 1;
  config.passIndex = 0;
  config.targetNestingLevel = 1;
  GPUBENCH_CUPTI_CHECK(api, cuptiRangeProfilerSetConfig, &config);
  return counter_data;
}

// Replays the launch inside the one range until the profiler has every pass it needs.
void replay_passes(const ProfilerSetup& setup, const RangeProfiler& profiler,
                   const InspectedLaunch& launch, cudaStream_t stream) {
  const Api& api = setup.api;
  bool all_passes_submitted = false;
  // One more than the config image asks for, so a disagreement ends instead of looping.
  for (std::size_t pass = 0; pass <= setup.passes && !all_passes_submitted; ++pass) {
    auto start = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_Start_Params);
    start.pRangeProfilerObject = profiler.get();
    GPUBENCH_CUPTI_CHECK(api, cuptiRangeProfilerStart, &start);
    auto push = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_PushRange_Params);
    push.pRangeProfilerObject = profiler.get();
    push.pRangeName = "gpubench_launch";
    GPUBENCH_CUPTI_CHECK(api, cuptiRangeProfilerPushRange, &push);
    launch(stream);
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    auto pop = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_PopRange_Params);
    pop.pRangeProfilerObject = profiler.get();
    GPUBENCH_CUPTI_CHECK(api, cuptiRangeProfilerPopRange, &pop);
    auto stop = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_Stop_Params);
    stop.pRangeProfilerObject = profiler.get();
    GPUBENCH_CUPTI_CHECK(api, cuptiRangeProfilerStop, &stop);
    all_passes_submitted = stop.isAllPassSubmitted != 0;
  }
  if (!all_passes_submitted) {
    throw InspectionProblem(
        fmt::format("the profiler wanted more than {} passes", setup.passes + 1));
  }
  auto decode = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_DecodeData_Params);
  decode.pRangeProfilerObject = profiler.get();
  GPUBENCH_CUPTI_CHECK(api, cuptiRangeProfilerDecodeData, &decode);
}

// The metrics' values in the decoded counter data, each checked to be a percentage.
std::vector<std::pair<std::string, double>> evaluate_range(
    const ProfilerSetup& setup, std::vector<std::uint8_t>& counter_data) {
  const Api& api = setup.api;
  auto info = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_GetCounterDataInfo_Params);
  info.pCounterDataImage = counter_data.data();
  info.counterDataImageSize = counter_data.size();
  GPUBENCH_CUPTI_CHECK(api, cuptiRangeProfilerGetCounterDataInfo, &info);
  if (info.numTotalRanges < 1) throw InspectionProblem("the profiler recorded no range");

  std::vector<double> values(setup.metric_name_pointers.size());
  auto evaluate = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_EvaluateToGpuValues_Params);
  evaluate.pHostObject = setup.host->get();
  evaluate.pCounterDataImage = counter_data.data();
  evaluate.counterDataImageSize = counter_data.size();
  evaluate.rangeIndex = 0;
  evaluate.ppMetricNames = const_cast<const char**>(setup.metric_name_pointers.data());
  evaluate.numMetrics = setup.metric_name_pointers.size();
  evaluate.pMetricValues = values.data();
  GPUBENCH_CUPTI_CHECK(api, cuptiProfilerHostEvaluateToGpuValues, &evaluate);

  std::vector<std::pair<std::string, double>> readings;
  for (std::size_t i = 0; i < values.size(); ++i) {
    // A percentage outside 0..100 is a reading gone wrong, not a figure to publish.
    if (!std::isfinite(values[i]) || values[i] < 0 || values[i] > 100) {
      throw InspectionProblem(
          fmt::format("{} read {}, outside 0..100", setup.metric_names[i], values[i]));
    }
    readings.emplace_back(setup.metrics[i].counter_name, values[i]);
  }
  return readings;
}

}  // namespace

ProfilerHost::ProfilerHost(const Api& api, const std::string& chip,
                           const std::vector<std::uint8_t>& counter_availability)
    : api_(api) {
  auto params = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_Initialize_Params);
  params.profilerType = CUPTI_PROFILER_TYPE_RANGE_PROFILER;
  params.pChipName = chip.c_str();
  params.pCounterAvailabilityImage =
      counter_availability.empty() ? nullptr : counter_availability.data();
  GPUBENCH_CUPTI_CHECK(api_, cuptiProfilerHostInitialize, &params);
  host_ = params.pHostObject;
}

ProfilerHost::~ProfilerHost() {
  auto params = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_Deinitialize_Params);
  params.pHostObject = host_;
  api_.cuptiProfilerHostDeinitialize(&params);
}

std::vector<TensorPipeMetric> ProfilerHost::tensor_pipe_metrics() const {
  auto base = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_GetBaseMetrics_Params);
  base.pHostObject = host_;
  base.metricType = CUPTI_METRIC_TYPE_COUNTER;  // the pipes' "cycles active" are counters
  GPUBENCH_CUPTI_CHECK(api_, cuptiProfilerHostGetBaseMetrics, &base);
  std::vector<std::string> counters;
  for (std::size_t i = 0; i < base.numMetrics; ++i)
    counters.emplace_back(base.ppMetricNames[i]);
  return select_tensor_pipe_metrics([&](std::string_view candidate) {
    if (std::find(counters.begin(), counters.end(), candidate) == counters.end()) return false;
    const std::string name(candidate);
    auto sub = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_GetSubMetrics_Params);
    sub.pHostObject = host_;
    sub.metricType = CUPTI_METRIC_TYPE_COUNTER;
    sub.pMetricName = name.c_str();
    GPUBENCH_CUPTI_CHECK(api_, cuptiProfilerHostGetSubMetrics, &sub);
    std::vector<std::string> submetrics;
    for (std::size_t i = 0; i < sub.numOfSubmetrics; ++i) {
      submetrics.emplace_back(sub.ppSubMetrics[i]);
    }
    return has_submetric(submetrics, kTensorPipeSubmetric);
  });
}

ProfilerInterface::ProfilerInterface(const Api& api) : api_(api) {
  auto params = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Initialize_Params);
  GPUBENCH_CUPTI_CHECK(api_, cuptiProfilerInitialize, &params);
}

ProfilerInterface::~ProfilerInterface() {
  auto params = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_DeInitialize_Params);
  api_.cuptiProfilerDeInitialize(&params);
}

ProfilerSetup::ProfilerSetup(const Api& cupti) : api(cupti), profiler(cupti) {
  const CUcontext context = current_context();
  int device = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  auto chip_params = GPUBENCH_CUPTI_PARAMS(CUpti_Device_GetChipName_Params);
  chip_params.deviceIndex = static_cast<std::size_t>(device);
  GPUBENCH_CUPTI_CHECK(api, cuptiDeviceGetChipName, &chip_params);
  chip = chip_params.pChipName;

  auto availability = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_GetCounterAvailability_Params);
  availability.ctx = context;
  GPUBENCH_CUPTI_CHECK(api, cuptiProfilerGetCounterAvailability, &availability);
  counter_availability.resize(availability.counterAvailabilityImageSize);
  availability.pCounterAvailabilityImage = counter_availability.data();
  GPUBENCH_CUPTI_CHECK(api, cuptiProfilerGetCounterAvailability, &availability);

  host = std::make_unique<ProfilerHost>(api, chip, counter_availability);
  metrics = host->tensor_pipe_metrics();
  if (metrics.empty()) throw InspectionProblem(fmt::format("no tensor pipe metric on {}", chip));
  for (const TensorPipeMetric& metric : metrics)
    metric_names.push_back(metric.metric_name());
  for (const std::string& name : metric_names)
    metric_name_pointers.push_back(name.c_str());

  auto add = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_ConfigAddMetrics_Params);
  add.pHostObject = host->get();
  add.ppMetricNames = metric_name_pointers.data();
  add.numMetrics = metric_name_pointers.size();
  GPUBENCH_CUPTI_CHECK(api, cuptiProfilerHostConfigAddMetrics, &add);
  auto size = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_GetConfigImageSize_Params);
  size.pHostObject = host->get();
  GPUBENCH_CUPTI_CHECK(api, cuptiProfilerHostGetConfigImageSize, &size);
  config_image.resize(size.configImageSize);
  auto image = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_GetConfigImage_Params);
  image.pHostObject = host->get();
  image.configImageSize = config_image.size();
  image.pConfigImage = config_image.data();
  GPUBENCH_CUPTI_CHECK(api, cuptiProfilerHostGetConfigImage, &image);
  auto passes_params = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_GetNumOfPasses_Params);
  passes_params.configImageSize = config_image.size();
  passes_params.pConfigImage = config_image.data();
  GPUBENCH_CUPTI_CHECK(api, cuptiProfilerHostGetNumOfPasses, &passes_params);
  passes = passes_params.numOfPasses;
}

std::vector<std::pair<std::string, double>> measure_tensor_pipes(const ProfilerSetup& setup,
                                                                 const InspectedLaunch& launch,
                                                                 cudaStream_t stream) {
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  const RangeProfiler profiler(setup.api, current_context());
  std::vector<std::uint8_t> counter_data = configure_range(setup, profiler);
  replay_passes(setup, profiler, launch, stream);
  return evaluate_range(setup, counter_data);
}

}  // namespace gpubench::cupti

#endif  // GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
