#pragma once
// NVML's process-list functions called through their own declared type: nvml_process_list.hpp
// reads the entries without nvml.h, and a call through a pointer of another type is undefined
// (UBSan's -fsanitize=function traps it), so the typed call is made here, for nvml_library.cpp.

#include <nvml.h>

#include "platform/nvml_process_list.hpp"

namespace gpubench {

// _v2 and _v3, compute and graphics, share this type (nvmlProcessInfo_t is nvmlProcessInfo_v2_t).
using ProcessListFunction = decltype(&nvmlDeviceGetComputeRunningProcesses_v3);

// One device's list, into a byte buffer with room for 32-byte entries (R535's _v3).
inline ProcessListCall for_device(ProcessListFunction function, nvmlDevice_t device) {
  return [function, device](unsigned* count, unsigned char* entries) {
    return static_cast<int>(function(device, count, reinterpret_cast<nvmlProcessInfo_t*>(entries)));
  };
}

}  // namespace gpubench
