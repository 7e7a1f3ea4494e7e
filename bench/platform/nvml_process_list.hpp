#pragma once
// NVML's process lists (nvmlDeviceGet{Compute,Graphics}RunningProcesses) read at the entry size
// the driver really writes. The _v3 functions fill 24-byte nvmlProcessInfo_v2_t entries on every
// branch but R535.43-R535.86, whose _v3 wrote 32-byte entries (nvmlProcessInfo_v3_t, with
// usedGpuCcProtectedMemory) without a version change; 535.98 removed _v3, 535.104.05 brought it
// back with 24-byte entries (nvitop pull requests 79, 89 and 94; go-nvml issue 75). Reading
// 32-byte entries as 24-byte ones garbles every PID after the first and overruns the buffer, so
// the buffer always has room for 32-byte entries and the size is decided by what the driver
// wrote, with the driver version as the fallback. docs/platforms.md.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace gpubench {

inline constexpr std::size_t kProcessEntryV2Bytes = 24;       // pid, usedGpuMemory, GI and CI ids
inline constexpr std::size_t kProcessEntryV3Bytes = 32;       // ... and usedGpuCcProtectedMemory
inline constexpr std::uint32_t kNoGpuInstance = 0xFFFFFFFFu;  // NVML's id outside MIG

struct ListedProcess {
  std::uint32_t pid = 0;
  std::uint64_t used_memory_bytes = 0;
  std::uint32_t gpu_instance_id = kNoGpuInstance;  // the MIG slice, under MIG
};

// The entry size a driver of this version writes through the _v3 symbol (v3_symbol) or _v2.
std::size_t documented_process_entry_bytes(std::string_view driver_version, bool v3_symbol);

// The entry size the driver used for `count` entries written into `buffer`, which was filled with
// kProcessListSentinel beforehand: 32 when it wrote past count x 24 bytes, else 24.
inline constexpr unsigned char kProcessListSentinel = 0xA5;
std::size_t measured_process_entry_bytes(const std::vector<unsigned char>& buffer, unsigned count);

// `count` entries of `entry_bytes` each (both layouts keep pid, usedGpuMemory and the instance
// ids at the same offsets).
std::vector<ListedProcess> decode_process_entries(const std::vector<unsigned char>& buffer,
                                                  unsigned count, std::size_t entry_bytes);

// One call of an NVML process-list function for one device: (count in/out, the entries' bytes) ->
// NVML's status. The caller, which has nvml.h, calls the function through its own declared type:
// a call through a pointer of another type is undefined (UBSan's -fsanitize=function says so).
using ProcessListCall = std::function<int(unsigned* count, unsigned char* entries)>;

// Calls `call` with room for 32-byte entries, again with the count NVML says it needs (up to
// three times); fills `processes` on success. Returns NVML's status (an nvmlReturn_t).
int read_process_list(const ProcessListCall& call, std::size_t documented_entry_bytes,
                      std::vector<ListedProcess>& processes);

}  // namespace gpubench
