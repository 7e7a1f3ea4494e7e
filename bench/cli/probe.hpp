#pragma once
// The present GPUs as the commands see them: runtime attributes for each, NVML's report where the
// driver's library loads.

#include <optional>
#include <string>
#include <vector>

#include "model/device_info.hpp"

namespace gpubench::cli {

struct ProbedDevices {
  std::vector<DeviceInfo> devices;
  std::optional<std::string> nvml_problem;  // why NVML fields are missing, when they are
};

// Throws UserError (exit 2) when there is no usable GPU or `only` is out of range.
ProbedDevices probe_devices(std::optional<int> only);

}  // namespace gpubench::cli
