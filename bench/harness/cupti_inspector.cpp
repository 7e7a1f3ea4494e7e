#include "harness/cupti_inspector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "kernels/common/cuda_check.hpp"

#if GPUBENCH_HAVE_CUPTI
#include <cuda.h>

#include "harness/cupti_api.hpp"
#endif

#ifndef GPUBENCH_CUPTI_SONAME
#define GPUBENCH_CUPTI_SONAME "libcupti.so"
#endif
#ifndef GPUBENCH_CUPTI_LIBRARY_DIRS
#define GPUBENCH_CUPTI_LIBRARY_DIRS ""
#endif

namespace gpubench {
namespace {

std::vector<std::string> split_paths(std::string_view joined) {
  std::vector<std::string> parts;
  while (!joined.empty()) {
    const std::size_t end = joined.find(':');
    if (end != 0) parts.emplace_back(joined.substr(0, end));
    if (end == std::string_view::npos) break;
    joined.remove_prefix(end + 1);
  }
  return parts;
}

}  // namespace

std::vector<std::string> CuptiInspector::default_library_candidates() {
  std::vector<std::string> candidates = {GPUBENCH_CUPTI_SONAME};
  for (const std::string& directory : split_paths(GPUBENCH_CUPTI_LIBRARY_DIRS)) {
    candidates.push_back(directory + "/" + GPUBENCH_CUPTI_SONAME);
  }
  return candidates;
}

#if !GPUBENCH_HAVE_CUPTI

// Built without CUPTI's headers: nothing to load, and every inspection says so.
namespace {
constexpr std::string_view kNotBuilt = "gpubench was built without CUPTI headers";
}
struct CuptiInspector::State {
  bool said = false;
};
CuptiInspector::CuptiInspector(std::vector<std::string>) : state_(std::make_unique<State>()) {}
CuptiInspector::~CuptiInspector() = default;
KernelInspection CuptiInspector::record_kernels(const InspectedLaunch&, cudaStream_t) {
  KernelInspection result;
  result.kernels_problem = fmt::format("kernels unavailable ({})", kNotBuilt);
  return result;
}
KernelInspection CuptiInspector::read_tensor_pipes(const InspectedLaunch&, cudaStream_t) {
  KernelInspection result;
  result.counters_problem = counters_unavailable(kNotBuilt);
  return result;
}
KernelInspection CuptiInspector::inspect(const InspectedLaunch& launch, cudaStream_t stream) {
  KernelInspection result = record_kernels(launch, stream);
  result.counters_problem = read_tensor_pipes(launch, stream).counters_problem;
  return result;
}
int CuptiInspector::profiler_setups() const {
  return 0;
}
std::vector<std::string> CuptiInspector::take_notices() {
  if (std::exchange(state_->said, true)) return {};
  return {
      fmt::format("{}, so GEMM rows name no kernels and read no tensor-pipe counters; "
                  "rebuild with a CUDA toolkit that has CUPTI.",
                  kNotBuilt)};
}
std::vector<TensorPipeMetric> CuptiInspector::tensor_pipe_metrics_for_chip(
    std::string_view, std::string& problem, const std::vector<std::string>&) {
  problem = std::string(kNotBuilt);
  return {};
}

#else  // GPUBENCH_HAVE_CUPTI

namespace {

using cupti::CallError;

// Why CUPTI cannot be asked at all on this machine; empty when a device is present.
std::string no_device_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) return fmt::format("no CUDA device: {}", cudaGetErrorName(status));
  if (count == 0) return "no CUDA device";
  return "";
}

// Anything but a failed CUPTI call that keeps a reading from being taken: one short phrase.
class InspectionProblem : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// --- Activity records: CUPTI hands full buffers to process-wide callbacks.

#if CUPTI_API_VERSION >= 130000
using KernelRecord = CUpti_ActivityKernel10;
#else
using KernelRecord = CUpti_ActivityKernel9;
#endif

struct ActivityCollector {
  std::mutex mutex;
  std::vector<std::string> kernel_names;
  std::atomic<const cupti::Api*> api{nullptr};
};

ActivityCollector& activity_collector() {
  static ActivityCollector collector;
  return collector;
}

constexpr std::size_t kActivityBufferBytes = std::size_t{1} << 20;
constexpr std::size_t kActivityBufferAlignment = 8;  // CUPTI requires 8-byte aligned buffers

void CUPTIAPI activity_buffer_requested(std::uint8_t** buffer, std::size_t* size,
                                        std::size_t* max_records) {
  *buffer = static_cast<std::uint8_t*>(
      std::aligned_alloc(kActivityBufferAlignment, kActivityBufferBytes));
  *size = *buffer != nullptr ? kActivityBufferBytes : 0;  // CUPTI drops records without a buffer
  *max_records = 0;                                       // as many as fit
}

void CUPTIAPI activity_buffer_completed(CUcontext, std::uint32_t, std::uint8_t* buffer, std::size_t,
                                        std::size_t valid_bytes) {
  ActivityCollector& collector = activity_collector();
  const cupti::Api* api = collector.api.load();
  if (api != nullptr && buffer != nullptr) {
    CUpti_Activity* record = nullptr;
    while (api->cuptiActivityGetNextRecord(buffer, valid_bytes, &record) == CUPTI_SUCCESS) {
      if (record->kind != CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL &&
          record->kind != CUPTI_ACTIVITY_KIND_KERNEL) {
        continue;
      }
      const auto* kernel = reinterpret_cast<const KernelRecord*>(record);
      if (kernel->name != nullptr) {
        const std::lock_guard lock(collector.mutex);
        collector.kernel_names.emplace_back(kernel->name);
      }
    }
  }
  std::free(buffer);
}

// Disables kernel activity recording when a scope ends, however it ends.
class KernelActivityScope {
 public:
  explicit KernelActivityScope(const cupti::Api& api) : api_(api) {
    GPUBENCH_CUPTI_CHECK(api_, cuptiActivityEnable, CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
  }
  ~KernelActivityScope() { api_.cuptiActivityDisable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL); }
  KernelActivityScope(const KernelActivityScope&) = delete;
  KernelActivityScope& operator=(const KernelActivityScope&) = delete;

 private:
  const cupti::Api& api_;
};

#if GPUBENCH_HAVE_CUPTI_RANGE_PROFILER

// --- The range profiler.

// The host object: CUPTI's metric database for one chip, used to choose metrics, build the config
// image and evaluate counter data.
class ProfilerHost {
 public:
  ProfilerHost(const cupti::Api& api, const std::string& chip,
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
  ~ProfilerHost() {
    auto params = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Host_Deinitialize_Params);
    params.pHostObject = host_;
    api_.cuptiProfilerHostDeinitialize(&params);
  }
  ProfilerHost(const ProfilerHost&) = delete;
  ProfilerHost& operator=(const ProfilerHost&) = delete;
  CUpti_Profiler_Host_Object* get() const { return host_; }

  // The tensor-pipe metrics this chip offers with the roll-up gpubench reads.
  std::vector<TensorPipeMetric> tensor_pipe_metrics() const {
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

 private:
  const cupti::Api& api_;
  CUpti_Profiler_Host_Object* host_ = nullptr;
};

// cuptiProfilerInitialize for the inspector's lifetime.
class ProfilerInterface {
 public:
  explicit ProfilerInterface(const cupti::Api& api) : api_(api) {
    auto params = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_Initialize_Params);
    GPUBENCH_CUPTI_CHECK(api_, cuptiProfilerInitialize, &params);
  }
  ~ProfilerInterface() {
    auto params = GPUBENCH_CUPTI_PARAMS(CUpti_Profiler_DeInitialize_Params);
    api_.cuptiProfilerDeInitialize(&params);
  }
  ProfilerInterface(const ProfilerInterface&) = delete;
  ProfilerInterface& operator=(const ProfilerInterface&) = delete;

 private:
  const cupti::Api& api_;
};

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

// Everything that stays the same for the run: the device's chip, its metric database, the chosen
// metrics and the config image that schedules them.
struct ProfilerSetup {
  explicit ProfilerSetup(const cupti::Api& cupti) : api(cupti), profiler(cupti) {
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

  const cupti::Api& api;
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

// The range profiler enabled on a context for one reading; disabled when the scope ends.
class RangeProfiler {
 public:
  RangeProfiler(const cupti::Api& api, CUcontext context) : api_(api) {
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
  const cupti::Api& api_;
  CUpti_RangeProfiler_Object* object_ = nullptr;
};

// One reading: a single user range around the launch, replayed by gpubench once per pass the
// config image needs (the GEMMs overwrite C, so a replay computes the same thing again).
std::vector<std::pair<std::string, double> > measure_tensor_pipes(const ProfilerSetup& setup,
                                                                  const InspectedLaunch& launch,
                                                                  cudaStream_t stream) {
  const cupti::Api& api = setup.api;
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  const RangeProfiler profiler(api, current_context());

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

  std::vector<std::pair<std::string, double> > readings;
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

#endif  // GPUBENCH_HAVE_CUPTI_RANGE_PROFILER

// The one-sentence notices, said once per run on stderr by the caller.
std::string counters_notice(std::string_view counters_problem) {
  if (counters_problem == kProfilingPermissionText) {
    return "the driver restricts GPU performance counters to administrators, so GEMM rows say "
           "\"counters unavailable (profiling permission)\" instead of tensor_pipe_active_pct; "
           "run as root, or load the NVIDIA driver with NVreg_RestrictProfilingToAdminUsers=0, to "
           "read them.";
  }
  return fmt::format(
      "GPU performance counters could not be read ({}), so GEMM rows carry no "
      "tensor_pipe_active_pct.",
      counters_problem);
}

std::string library_notice(std::string_view reason) {
  return fmt::format(
      "CUPTI is unavailable ({}), so GEMM rows name no kernels and read no tensor-pipe counters; "
      "install the CUDA toolkit's CUPTI to get them.",
      reason);
}

}  // namespace

struct CuptiInspector::State {
  std::vector<std::string> library_candidates;
  std::optional<cupti::Loaded> library;  // set on first use
  // Remembered failures: asked once, said on every later inspection.
  std::string kernels_failure;
  std::string counters_failure;
  int profiler_setups = 0;
  std::vector<std::string> notices;
#if GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
  std::unique_ptr<ProfilerSetup> profiler;
#endif

  cupti::Api* api() {
    if (!library) {
      library = cupti::load(library_candidates);
      if (!library->api) notices.push_back(library_notice(library->detail));
    }
    return library->api.get();
  }
};

CuptiInspector::CuptiInspector(std::vector<std::string> library_candidates)
    : state_(std::make_unique<State>()) {
  state_->library_candidates = std::move(library_candidates);
}

CuptiInspector::~CuptiInspector() = default;

KernelInspection CuptiInspector::record_kernels(const InspectedLaunch& launch,
                                                cudaStream_t stream) {
  KernelInspection result;
  State& state = *state_;
  auto fail = [&](std::string_view reason, bool lasting) {
    result.kernels_problem = fmt::format("kernels unavailable ({})", reason);
    if (lasting) state.kernels_failure = result.kernels_problem;
    return result;
  };
  if (!state.kernels_failure.empty()) {
    result.kernels_problem = state.kernels_failure;
    return result;
  }
  cupti::Api* api = state.api();
  if (api == nullptr) return fail(state.library->problem, true);
  if (const std::string reason = no_device_reason(); !reason.empty()) return fail(reason, true);

  ActivityCollector& collector = activity_collector();
  try {
    // CUPTI takes one pair of buffer callbacks per process; they read records through the API
    // that registered them.
    std::call_once(api->callbacks_registered, [&] {
      collector.api.store(api);
      api->callbacks_status =
          api->cuptiActivityRegisterCallbacks(activity_buffer_requested, activity_buffer_completed);
    });
    cupti::check(*api, api->callbacks_status, "cuptiActivityRegisterCallbacks");
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));  // earlier work is not this launch's
    {
      const std::lock_guard lock(collector.mutex);
      collector.kernel_names.clear();
    }
    {
      const KernelActivityScope recording(*api);
      launch(stream);
      GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
      GPUBENCH_CUPTI_CHECK(*api, cuptiActivityFlushAll, CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    }
  } catch (const CallError& error) {
    return fail(error.short_reason(), true);
  }
  {
    const std::lock_guard lock(collector.mutex);
    result.kernel_names = std::exchange(collector.kernel_names, {});
  }
  if (result.kernel_names.empty()) return fail("CUPTI recorded no kernel", false);
  return result;
}

KernelInspection CuptiInspector::read_tensor_pipes(const InspectedLaunch& launch,
                                                   cudaStream_t stream) {
  KernelInspection result;
  State& state = *state_;
  // `lasting` failures are remembered and, unless already said (a missing CUPTI), said once.
  auto fail = [&](std::string text, bool lasting, bool already_said = false) {
    result.counters_problem = std::move(text);
    if (lasting && state.counters_failure.empty()) {
      state.counters_failure = result.counters_problem;
      if (!already_said) state.notices.push_back(counters_notice(result.counters_problem));
    }
    return result;
  };
  if (!state.counters_failure.empty()) {
    result.counters_problem = state.counters_failure;
    return result;
  }
#if !GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
  (void)launch;
  (void)stream;
  return fail(
      counters_unavailable("gpubench was built without CUPTI's range profiler (CUDA 12.6+)"), true);
#else
  cupti::Api* api = state.api();
  if (api == nullptr) return fail(counters_unavailable(state.library->problem), true, true);
  if (!api->profiler_missing.empty()) {
    return fail(
        counters_unavailable(fmt::format("{} lacks {}", api->library, api->profiler_missing)),
        true);
  }
  if (const std::string reason = no_device_reason(); !reason.empty()) {
    return fail(counters_unavailable(reason), true);
  }
  auto text_for = [](const CallError& error) {
    return cupti::is_permission(error.status()) ? std::string(kProfilingPermissionText)
                                                : counters_unavailable(error.short_reason());
  };
  if (!state.profiler) {
    ++state.profiler_setups;
    try {
      state.profiler = std::make_unique<ProfilerSetup>(*api);
    } catch (const CallError& error) {
      return fail(text_for(error), true);  // the device and the driver will say the same again
    } catch (const InspectionProblem& problem) {
      return fail(counters_unavailable(problem.what()), true);
    }
  }
  try {
    result.tensor_pipe_pct = measure_tensor_pipes(*state.profiler, launch, stream);
  } catch (const CallError& error) {
    return fail(text_for(error), cupti::is_lasting(error.status()));
  } catch (const InspectionProblem& problem) {
    return fail(counters_unavailable(problem.what()), false);
  }
  return result;
#endif
}

KernelInspection CuptiInspector::inspect(const InspectedLaunch& launch, cudaStream_t stream) {
  KernelInspection result = record_kernels(launch, stream);
  KernelInspection counters = read_tensor_pipes(launch, stream);
  result.tensor_pipe_pct = std::move(counters.tensor_pipe_pct);
  result.counters_problem = std::move(counters.counters_problem);
  return result;
}

int CuptiInspector::profiler_setups() const {
  return state_->profiler_setups;
}

std::vector<std::string> CuptiInspector::take_notices() {
  return std::exchange(state_->notices, {});
}

std::vector<TensorPipeMetric> CuptiInspector::tensor_pipe_metrics_for_chip(
    std::string_view chip, std::string& problem,
    const std::vector<std::string>& library_candidates) {
  problem.clear();
#if !GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
  (void)chip;
  (void)library_candidates;
  problem = "gpubench was built without CUPTI's range profiler (CUDA 12.6+)";
  return {};
#else
  const cupti::Loaded loaded = cupti::load(library_candidates);
  if (!loaded.api) {
    problem = loaded.problem;
    return {};
  }
  if (!loaded.api->profiler_missing.empty()) {
    problem = fmt::format("{} lacks {}", loaded.api->library, loaded.api->profiler_missing);
    return {};
  }
  try {
    const ProfilerHost host(*loaded.api, std::string(chip), {});
    return host.tensor_pipe_metrics();
  } catch (const CallError& error) {
    problem = error.what();
    return {};
  }
#endif
}

#endif  // GPUBENCH_HAVE_CUPTI

}  // namespace gpubench
