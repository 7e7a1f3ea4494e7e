#include "platform/nvml_ecc.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <optional>

namespace gpubench {
namespace {

struct EccCounter {
  const char* field;  // as a refusal is recorded
  nvmlMemoryErrorType_t error_type;
  nvmlEccCounterType_t counter_type;
  std::optional<std::uint64_t> EccErrorCounts::*count;
};

constexpr EccCounter kEccCounters[] = {
    {"ecc uncorrected volatile", NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC,
     &EccErrorCounts::uncorrected_volatile},
    {"ecc uncorrected aggregate", NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_AGGREGATE_ECC,
     &EccErrorCounts::uncorrected_aggregate},
    {"ecc corrected volatile", NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC,
     &EccErrorCounts::corrected_volatile},
    {"ecc corrected aggregate", NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_AGGREGATE_ECC,
     &EccErrorCounts::corrected_aggregate},
};

}  // namespace

void read_ecc_error_counts(TotalEccErrorsCall call, ErrorStringCall error_string,
                           nvmlDevice_t device, NvmlDeviceReport& report) {
  if (call == nullptr) return;
  for (const EccCounter& counter : kEccCounters) {
    unsigned long long value = 0;
    const nvmlReturn_t status = call(device, counter.error_type, counter.counter_type, &value);
    if (status == NVML_SUCCESS) {
      report.ecc_errors.*counter.count = value;
    } else if (status != NVML_ERROR_NOT_SUPPORTED) {
      report.query_errors.push_back(fmt::format("{}: {}", counter.field, error_string(status)));
    }
  }
}

}  // namespace gpubench
