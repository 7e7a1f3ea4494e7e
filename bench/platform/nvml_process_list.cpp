#include "platform/nvml_process_list.hpp"

#include <nvml.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace gpubench {
namespace {

static_assert(sizeof(nvmlProcessInfo_v2_t) == kProcessEntryV2Bytes,
              "nvml.h's nvmlProcessInfo_v2_t is the 24-byte layout");

struct DriverVersion {
  int major = 0;
  int minor = 0;
};

DriverVersion parse_driver_version(std::string_view text) {
  DriverVersion version;
  const char* end = text.data() + text.size();
  auto [next, error] = std::from_chars(text.data(), end, version.major);
  if (error == std::errc() && next < end && *next == '.') {
    std::from_chars(next + 1, end, version.minor);
  }
  return version;
}

template <typename T>
T read_at(const std::vector<unsigned char>& buffer, std::size_t offset) {
  T value{};
  std::memcpy(&value, buffer.data() + offset, sizeof value);
  return value;
}

}  // namespace

std::size_t documented_process_entry_bytes(std::string_view driver_version, bool v3_symbol) {
  // 535.43.02 to 535.86.x: _v3 with nvmlProcessInfo_v3_t (nvidia-settings' nvml.h history, as
  // nvitop pull request 89 traces it). Every other branch and build: 24 bytes.
  const DriverVersion version = parse_driver_version(driver_version);
  const bool r535_early = version.major == 535 && version.minor >= 43 && version.minor < 98;
  return v3_symbol && r535_early ? kProcessEntryV3Bytes : kProcessEntryV2Bytes;
}

std::size_t measured_process_entry_bytes(const std::vector<unsigned char>& buffer, unsigned count) {
  const std::size_t narrow_end = std::size_t{count} * kProcessEntryV2Bytes;
  const std::size_t wide_end = std::size_t{count} * kProcessEntryV3Bytes;
  if (count == 0 || buffer.size() < wide_end) return kProcessEntryV2Bytes;
  // The last 32-byte entry's usedGpuCcProtectedMemory lies in [narrow_end, wide_end).
  const bool wrote_past =
      std::any_of(buffer.begin() + static_cast<std::ptrdiff_t>(narrow_end),
                  buffer.begin() + static_cast<std::ptrdiff_t>(wide_end),
                  [](unsigned char byte) { return byte != kProcessListSentinel; });
  return wrote_past ? kProcessEntryV3Bytes : kProcessEntryV2Bytes;
}

std::vector<ListedProcess> decode_process_entries(const std::vector<unsigned char>& buffer,
                                                  unsigned count, std::size_t entry_bytes) {
  std::vector<ListedProcess> processes;
  for (unsigned i = 0; i < count && (i + 1) * entry_bytes <= buffer.size(); ++i) {
    const std::size_t at = i * entry_bytes;
    processes.push_back(
        {read_at<std::uint32_t>(buffer, at + offsetof(nvmlProcessInfo_v2_t, pid)),
         read_at<std::uint64_t>(buffer, at + offsetof(nvmlProcessInfo_v2_t, usedGpuMemory)),
         read_at<std::uint32_t>(buffer, at + offsetof(nvmlProcessInfo_v2_t, gpuInstanceId))});
  }
  return processes;
}

int read_process_list(const ProcessListCall& call, std::size_t documented_entry_bytes,
                      std::vector<ListedProcess>& processes) {
  unsigned capacity = 16;
  int status = NVML_ERROR_INSUFFICIENT_SIZE;
  for (int attempt = 0; attempt < 3 && status == NVML_ERROR_INSUFFICIENT_SIZE; ++attempt) {
    // Room for the wider entries whatever the driver writes.
    std::vector<unsigned char> buffer(std::size_t{capacity} * kProcessEntryV3Bytes,
                                      kProcessListSentinel);
    unsigned count = capacity;
    status = call(&count, buffer.data());
    if (status == NVML_ERROR_INSUFFICIENT_SIZE) {
      capacity = count + 8;  // the list may grow before the next call
    } else if (status == NVML_SUCCESS) {
      count = std::min(count, capacity);
      const std::size_t entry_bytes =
          count > 0 ? measured_process_entry_bytes(buffer, count) : documented_entry_bytes;
      processes = decode_process_entries(buffer, count, entry_bytes);
    }
  }
  return status;
}

}  // namespace gpubench
