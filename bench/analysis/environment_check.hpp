#pragma once
// The pre-run environment check of `gpubench run`: what NVML says about the GPU before anything
// runs, each item decoded into a state and, where it would skew the figures, a warning. Warnings,
// never refusals. Pure, so the CPU tests check every decision.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/device_info.hpp"
#include "platform/host_facts.hpp"

namespace gpubench {

struct EnvironmentFinding {
  std::string key;      // "persistence_mode": recorded as env_persistence_mode
  std::string state;    // "off"
  std::string warning;  // one sentence, empty when there is nothing to warn about
};

// Other compute processes (every pid but own_pid), persistence mode, clocks now and maximum,
// clock-event reasons at rest, power limit against the default, ECC, PCIe link against its
// maximum, MIG mode, an active display.
// First of all, the platform scenario (platform_finding).
std::vector<EnvironmentFinding> check_environment(const NvmlDeviceReport& nvml,
                                                  std::uint32_t own_pid,
                                                  const HostFacts& host = {});

// key "platform": which box this is, in one line (bare metal, container, MIG slice, desktop with
// display, WSL 2, combined with " + "), and what NVML cannot show there (docs/platforms.md).
// nvml is null when NVML is unavailable.
EnvironmentFinding platform_finding(const NvmlDeviceReport* nvml, const HostFacts& host);

// The manifest entries: env_<key> = state for each finding, env_warning_<key> = warning for each
// warning.
std::map<std::string, std::string> environment_context(
    const std::vector<EnvironmentFinding>& findings);

}  // namespace gpubench
