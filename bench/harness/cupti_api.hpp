#pragma once
// CUPTI loaded at run time (dlopen), for cupti_inspector.cpp only: the entry points gpubench
// uses, the one check every call goes through, and the statuses that mean "not on this machine".
// Needs CUPTI's headers (GPUBENCH_HAVE_CUPTI); a build without them never includes this.

#include <cupti_activity.h>
#include <cupti_result.h>
#include <cupti_version.h>

#if GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
#include <cupti_profiler_host.h>
#include <cupti_profiler_target.h>
#include <cupti_range_profiler.h>
#include <cupti_target.h>
#endif

#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace gpubench::cupti {

// The entry points, typed by CUPTI's own headers so a signature mismatch is a compile error. The
// members carry the C functions' names, so a failed call is reported under its real name.
struct Api {
  std::string library;  // what dlopen loaded
  decltype(&::cuptiGetVersion) cuptiGetVersion = nullptr;
  decltype(&::cuptiGetResultString) cuptiGetResultString = nullptr;
  decltype(&::cuptiGetErrorMessage) cuptiGetErrorMessage = nullptr;  // optional (CUDA 12.5+)
  decltype(&::cuptiActivityRegisterCallbacks) cuptiActivityRegisterCallbacks = nullptr;
  decltype(&::cuptiActivityEnable) cuptiActivityEnable = nullptr;
  decltype(&::cuptiActivityDisable) cuptiActivityDisable = nullptr;
  decltype(&::cuptiActivityFlushAll) cuptiActivityFlushAll = nullptr;
  decltype(&::cuptiActivityGetNextRecord) cuptiActivityGetNextRecord = nullptr;
  // Activity buffers go through process-wide callbacks, registered once per process.
  std::once_flag callbacks_registered;
  CUptiResult callbacks_status = CUPTI_SUCCESS;
#if GPUBENCH_HAVE_CUPTI_RANGE_PROFILER
  // The range profiler and the host (metric database) API. An older CUPTI may lack them; then
  // profiler_missing names the first missing one and the kernel names still work.
  std::string profiler_missing;
  decltype(&::cuptiProfilerInitialize) cuptiProfilerInitialize = nullptr;
  decltype(&::cuptiProfilerDeInitialize) cuptiProfilerDeInitialize = nullptr;
  decltype(&::cuptiDeviceGetChipName) cuptiDeviceGetChipName = nullptr;
  decltype(&::cuptiProfilerGetCounterAvailability) cuptiProfilerGetCounterAvailability = nullptr;
  decltype(&::cuptiProfilerHostInitialize) cuptiProfilerHostInitialize = nullptr;
  decltype(&::cuptiProfilerHostDeinitialize) cuptiProfilerHostDeinitialize = nullptr;
  decltype(&::cuptiProfilerHostGetBaseMetrics) cuptiProfilerHostGetBaseMetrics = nullptr;
  decltype(&::cuptiProfilerHostGetSubMetrics) cuptiProfilerHostGetSubMetrics = nullptr;
  decltype(&::cuptiProfilerHostConfigAddMetrics) cuptiProfilerHostConfigAddMetrics = nullptr;
  decltype(&::cuptiProfilerHostGetConfigImageSize) cuptiProfilerHostGetConfigImageSize = nullptr;
  decltype(&::cuptiProfilerHostGetConfigImage) cuptiProfilerHostGetConfigImage = nullptr;
  decltype(&::cuptiProfilerHostGetNumOfPasses) cuptiProfilerHostGetNumOfPasses = nullptr;
  decltype(&::cuptiProfilerHostEvaluateToGpuValues) cuptiProfilerHostEvaluateToGpuValues = nullptr;
  decltype(&::cuptiRangeProfilerEnable) cuptiRangeProfilerEnable = nullptr;
  decltype(&::cuptiRangeProfilerDisable) cuptiRangeProfilerDisable = nullptr;
  decltype(&::cuptiRangeProfilerGetCounterDataSize) cuptiRangeProfilerGetCounterDataSize = nullptr;
  decltype(&::cuptiRangeProfilerCounterDataImageInitialize)
      cuptiRangeProfilerCounterDataImageInitialize = nullptr;
  decltype(&::cuptiRangeProfilerSetConfig) cuptiRangeProfilerSetConfig = nullptr;
  decltype(&::cuptiRangeProfilerStart) cuptiRangeProfilerStart = nullptr;
  decltype(&::cuptiRangeProfilerStop) cuptiRangeProfilerStop = nullptr;
  decltype(&::cuptiRangeProfilerPushRange) cuptiRangeProfilerPushRange = nullptr;
  decltype(&::cuptiRangeProfilerPopRange) cuptiRangeProfilerPopRange = nullptr;
  decltype(&::cuptiRangeProfilerDecodeData) cuptiRangeProfilerDecodeData = nullptr;
  decltype(&::cuptiRangeProfilerGetCounterDataInfo) cuptiRangeProfilerGetCounterDataInfo = nullptr;
#endif
};

struct Loaded {
  std::shared_ptr<Api> api;  // null when CUPTI could not be loaded, then:
  std::string problem;       // label-sized: "libcupti.so.13 not found"
  std::string detail;        // what dlopen or CUPTI said
};

// The first of `candidates` (sonames or paths) that loads and is a CUPTI at least as new as the
// headers gpubench was built with. Loaded once per process and list; never unloaded, because CUPTI
// hooks itself into the CUDA driver, which may call into it until the process ends.
Loaded load(const std::vector<std::string>& candidates);

// A failed CUPTI call: which call, and CUPTI's name and message for the result.
class CallError : public std::runtime_error {
 public:
  CallError(CUptiResult status, std::string call, std::string result_name,
            const std::string& message);
  CUptiResult status() const { return status_; }
  // Label-sized: "cuptiRangeProfilerEnable: CUPTI_ERROR_NOT_SUPPORTED".
  std::string short_reason() const { return call_ + ": " + result_name_; }

 private:
  CUptiResult status_;
  std::string call_;
  std::string result_name_;
};

// Throws CallError unless status is CUPTI_SUCCESS.
void check(const Api& api, CUptiResult status, const char* call);

// Statuses that will not change during a run: the driver, the device, or the installation refuses.
bool is_lasting(CUptiResult status);

// The driver restricts performance counters to administrators (or the hypervisor forbids them).
bool is_permission(CUptiResult status);

// A CUPTI parameter struct: zeroed, with structSize set. CUPTI reads only the fields that size
// covers, which keeps a newer library working with older headers.
template <typename Params>
Params params(std::size_t struct_size) {
  Params result{};
  result.structSize = struct_size;
  return result;
}

}  // namespace gpubench::cupti

// Every CUPTI call goes through this: GPUBENCH_CUPTI_CHECK(api, cuptiActivityEnable, kind).
#define GPUBENCH_CUPTI_CHECK(api, function, ...) \
  ::gpubench::cupti::check((api), (api).function(__VA_ARGS__), #function)

// auto p = GPUBENCH_CUPTI_PARAMS(CUpti_RangeProfiler_Enable_Params);
#define GPUBENCH_CUPTI_PARAMS(Type) ::gpubench::cupti::params<Type>(Type##_STRUCT_SIZE)
