// Built only with CUPTI's headers (GPUBENCH_HAVE_CUPTI); see cupti_api.hpp.
#if GPUBENCH_HAVE_CUPTI

#include "harness/cupti_api.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cstdint>
#include <map>

namespace gpubench::cupti {
namespace {

template <typename Function>
bool resolve(void* handle, const char* symbol, Function& function) {
  function = reinterpret_cast<Function>(::dlsym(handle, symbol));
  return function != nullptr;
}

Loaded open(const std::vector<std::string>& candidates) {
  std::string first_error;
  for (const std::string& candidate : candidates) {
    void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      if (first_error.empty()) {
        const char* error = ::dlerror();
        first_error = error ? error : "not found";
      }
      continue;
    }
    auto api = std::make_shared<Api>();
    api->library = candidate;
    std::string missing;
    auto require = [&](const char* symbol, auto& function) {
      if (!resolve(handle, symbol, function) && missing.empty()) missing = symbol;
    };
#define GPUBENCH_CUPTI_REQUIRE(name) require(#name, api->name)
    GPUBENCH_CUPTI_REQUIRE(cuptiGetVersion);
    GPUBENCH_CUPTI_REQUIRE(cuptiGetResultString);
    GPUBENCH_CUPTI_REQUIRE(cuptiActivityRegisterCallbacks);
    GPUBENCH_CUPTI_REQUIRE(cuptiActivityEnable);
    GPUBENCH_CUPTI_REQUIRE(cuptiActivityDisable);
    GPUBENCH_CUPTI_REQUIRE(cuptiActivityFlushAll);
    GPUBENCH_CUPTI_REQUIRE(cuptiActivityGetNextRecord);
#undef GPUBENCH_CUPTI_REQUIRE
    resolve(handle, "cuptiGetErrorMessage", api->cuptiGetErrorMessage);
    if (!missing.empty()) {
      ::dlclose(handle);  // not CUPTI; nothing of it ran, so it can go
      return {nullptr, fmt::format("{} lacks {}", candidate, missing),
              fmt::format("{} loads but has no {}, so it is not CUPTI", candidate, missing)};
    }
    // Activity records are read with the struct layouts of the headers gpubench was built with;
    // an older library may lay them out differently.
    std::uint32_t version = 0;
    if (api->cuptiGetVersion(&version) != CUPTI_SUCCESS || version < CUPTI_API_VERSION) {
      return {nullptr, fmt::format("{} is older than gpubench's CUPTI headers", candidate),
              fmt::format("{} has CUPTI API version {}; gpubench was built with {}", candidate,
                          version, CUPTI_API_VERSION)};
    }
#if GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
    auto optional = [&](const char* symbol, auto& function) {
      if (!resolve(handle, symbol, function) && api->profiler_missing.empty()) {
        api->profiler_missing = symbol;
      }
    };
#define GPUBENCH_CUPTI_PROFILER(name) optional(#name, api->name)
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerInitialize);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerDeInitialize);
    GPUBENCH_CUPTI_PROFILER(cuptiDeviceGetChipName);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerGetCounterAvailability);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerHostInitialize);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerHostDeinitialize);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerHostGetBaseMetrics);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerHostGetSubMetrics);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerHostConfigAddMetrics);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerHostGetConfigImageSize);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerHostGetConfigImage);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerHostGetNumOfPasses);
    GPUBENCH_CUPTI_PROFILER(cuptiProfilerHostEvaluateToGpuValues);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerEnable);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerDisable);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerGetCounterDataSize);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerCounterDataImageInitialize);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerSetConfig);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerStart);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerStop);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerPushRange);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerPopRange);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerDecodeData);
    GPUBENCH_CUPTI_PROFILER(cuptiRangeProfilerGetCounterDataInfo);
#undef GPUBENCH_CUPTI_PROFILER
#endif
    return {std::move(api), "", ""};
  }
  const std::string name = candidates.empty() ? "libcupti" : candidates.front();
  return {nullptr, fmt::format("{} not found", name),
          fmt::format("{} could not be loaded: {}", name, first_error)};
}

}  // namespace

Loaded load(const std::vector<std::string>& candidates) {
  static std::mutex mutex;
  static std::map<std::vector<std::string>, Loaded> loaded;
  const std::lock_guard lock(mutex);
  auto found = loaded.find(candidates);
  if (found == loaded.end()) found = loaded.emplace(candidates, open(candidates)).first;
  return found->second;
}

CallError::CallError(CUptiResult status, std::string call, std::string result_name,
                     const std::string& message)
    : std::runtime_error(fmt::format("{} failed: {} ({})", call, result_name, message)),
      status_(status),
      call_(std::move(call)),
      result_name_(std::move(result_name)) {}

void check(const Api& api, CUptiResult status, const char* call) {
  if (status == CUPTI_SUCCESS) return;
  const char* name = nullptr;
  if (api.cuptiGetResultString(status, &name) != CUPTI_SUCCESS || name == nullptr) {
    name = "CUPTI_ERROR_UNKNOWN";
  }
  const char* message = nullptr;
  if (api.cuptiGetErrorMessage == nullptr ||
      api.cuptiGetErrorMessage(status, &message) != CUPTI_SUCCESS || message == nullptr) {
    message = name;
  }
  std::string text(message);  // CUPTI's messages can end in blank lines
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  throw CallError(status, call, name, text);
}

#if CUPTI_API_VERSION >= 130000  // headers that name them all
static_assert(CUPTI_ERROR_LEGACY_PROFILER_NOT_SUPPORTED == 38 &&
              CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED == 39 &&
              CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES == 40 &&
              CUPTI_ERROR_CONFIDENTIAL_COMPUTING_NOT_SUPPORTED == 41 &&
              CUPTI_ERROR_CMP_DEVICE_NOT_SUPPORTED == 42 &&
              CUPTI_ERROR_MIG_DEVICE_NOT_SUPPORTED == 43 &&
              CUPTI_ERROR_SLI_DEVICE_NOT_SUPPORTED == 44 &&
              CUPTI_ERROR_WSL_DEVICE_NOT_SUPPORTED == 45 && CUPTI_ERROR_INVALID_CHIP_NAME == 46);
#endif

bool is_lasting(CUptiResult status) {
  switch (static_cast<int>(status)) {
    case CUPTI_ERROR_INSUFFICIENT_PRIVILEGES:
    case CUPTI_ERROR_NOT_SUPPORTED:
    case CUPTI_ERROR_NOT_COMPATIBLE:
    case CUPTI_ERROR_VIRTUALIZED_DEVICE_NOT_SUPPORTED:
    // By number: newer than some supported toolkits' headers (CUDA 12.4).
    case 38:  // CUPTI_ERROR_LEGACY_PROFILER_NOT_SUPPORTED
    case 39:  // CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED (another profiler holds CUPTI)
    case 40:  // CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES
    case 41:  // CUPTI_ERROR_CONFIDENTIAL_COMPUTING_NOT_SUPPORTED
    case 42:  // CUPTI_ERROR_CMP_DEVICE_NOT_SUPPORTED
    case 43:  // CUPTI_ERROR_MIG_DEVICE_NOT_SUPPORTED
    case 44:  // CUPTI_ERROR_SLI_DEVICE_NOT_SUPPORTED
    case 45:  // CUPTI_ERROR_WSL_DEVICE_NOT_SUPPORTED
    case 46:  // CUPTI_ERROR_INVALID_CHIP_NAME
      return true;
    default:
      return false;
  }
}

bool is_permission(CUptiResult status) {
  return status == CUPTI_ERROR_INSUFFICIENT_PRIVILEGES ||
         static_cast<int>(status) == 40;  // CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES
}

}  // namespace gpubench::cupti

#endif  // GPUBENCH_HAVE_CUPTI
