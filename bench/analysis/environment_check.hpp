#pragma once
// The pre-run environment check of `gpubench run`: what NVML says about the GPU before anything
// runs, each item decoded into a state and, where it would skew the figures, a warning. Warnings,
// never refusals. Pure, so the CPU tests check every decision.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/device_info.hpp"

namespace gpubench {

struct EnvironmentFinding {
  std::string key;      // "persistence_mode": recorded as env_persistence_mode
  std::string state;    // "off"
  std::string warning;  // one sentence, empty when there is nothing to warn about
};

// Other compute processes (every pid but own_pid), persistence mode, clocks now and maximum,
// clock-event reasons at rest, power limit against the default, ECC, PCIe link against its
// maximum, MIG mode, an active display.
std::vector<EnvironmentFinding> check_environment(const NvmlDeviceReport& nvml,
                                                  std::uint32_t own_pid);

// The manifest entries: env_<key> = state for each finding, env_warning_<key> = warning for each
// warning.
std::map<std::string, std::string> environment_context(
    const std::vector<EnvironmentFinding>& findings);

}  // namespace gpubench
