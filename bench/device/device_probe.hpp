#pragma once
// Reads the present GPUs through the CUDA runtime (and cuBLAS for its version). Callers see only
// plain data; no CUDA header leaks out of bench/device/.

#include <string>

#include "model/device_info.hpp"

namespace gpubench {

class NvmlLibrary;

// Number of visible CUDA devices. Throws UserError (exit 2) with one sentence when there is no
// driver, the driver is too old for this runtime, or no device is visible.
int visible_device_count();

// Everything the runtime says about device `ordinal`, plus NVML's report when nvml is given.
// Throws UserError for an ordinal out of range.
DeviceInfo query_device(int ordinal, const NvmlLibrary* nvml);

// Versions that need no device: the runtime linked in, and cuBLAS.
int cuda_runtime_version();
std::string cublas_version();

}  // namespace gpubench
