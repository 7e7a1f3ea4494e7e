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
#if GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
#include "harness/cupti_range_profiler.hpp"
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
#if GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
using cupti::InspectionProblem;
using cupti::ProfilerHost;
using cupti::ProfilerSetup;
#endif

// Why CUPTI cannot be asked at all on this machine; empty when a device is present.
std::string no_device_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) return fmt::format("no CUDA device: {}", cudaGetErrorName(status));
  if (count == 0) return "no CUDA device";
  return "";
}

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
    result.tensor_pipe_pct = cupti::measure_tensor_pipes(*state.profiler, launch, stream);
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
