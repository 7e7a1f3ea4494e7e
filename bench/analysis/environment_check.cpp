#include "analysis/environment_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "analysis/check.hpp"
#include "gpubench/results_schema.hpp"
#include "platform/nvml_library.hpp"

namespace gpubench {
namespace {

constexpr const char* kNotReported = "not reported";
constexpr std::string_view kContextPrefix = context_keys::kEnvironmentPrefix;

std::string on_off(const std::optional<bool>& value) {
  return value ? (*value ? "on" : "off") : kNotReported;
}

EnvironmentFinding compute_processes_finding(const NvmlDeviceReport& nvml, std::uint32_t own_pid) {
  EnvironmentFinding processes{"compute_processes", kNotReported, ""};
  if (nvml.compute_process_ids) {
    std::vector<std::uint32_t> others;
    std::copy_if(nvml.compute_process_ids->begin(), nvml.compute_process_ids->end(),
                 std::back_inserter(others),
                 [own_pid](std::uint32_t pid) { return pid != own_pid; });
    if (others.empty()) {
      processes.state = "none besides gpubench";
    } else {
      processes.state = fmt::format("{} (pid {})", others.size(), fmt::join(others, ", "));
      const bool one = others.size() == 1;
      processes.warning = fmt::format(
          "{} other compute process{} (pid {}) share{} this GPU and lower the figures; stop {} for "
          "clean numbers.",
          others.size(), one ? "" : "es", fmt::join(others, ", "), one ? "s" : "",
          one ? "it" : "them");
    }
  }
  return processes;
}

EnvironmentFinding persistence_finding(const NvmlDeviceReport& nvml) {
  EnvironmentFinding persistence{"persistence_mode", on_off(nvml.persistence_mode), ""};
  if (nvml.persistence_mode == false) {
    persistence.warning =
        "Persistence mode is off, so the driver may tear the GPU down and re-initialise it "
        "between processes (slower start, clocks settling); enable it with sudo nvidia-smi -pm 1.";
  }
  return persistence;
}

EnvironmentFinding clocks_finding(const NvmlDeviceReport& nvml) {
  auto clock_pair = [](const std::optional<unsigned>& now, const std::optional<unsigned>& max) {
    return fmt::format("{} of {} MHz", now ? std::to_string(*now) : "?",
                       max ? std::to_string(*max) : "?");
  };
  return {"clocks",
          fmt::format("SM {}, memory {} (at rest; clocks rise under load)",
                      clock_pair(nvml.sm_clock_mhz, nvml.sm_clock_max_mhz),
                      clock_pair(nvml.memory_clock_mhz, nvml.memory_clock_max_mhz)),
          ""};
}

EnvironmentFinding clock_event_reasons_finding(const NvmlDeviceReport& nvml) {
  EnvironmentFinding reasons{"clock_event_reasons", kNotReported, ""};
  if (nvml.clock_event_reasons) {
    const auto names = clock_event_reason_names(*nvml.clock_event_reasons);
    reasons.state = names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
    const std::uint64_t throttling = throttling_reasons(*nvml.clock_event_reasons);
    if (throttling != 0) {
      reasons.warning = fmt::format(
          "Clocks are held down before the run starts ({}): figures may be below what the card "
          "can do; check cooling, power limit and application clocks (nvidia-smi -q -d "
          "PERFORMANCE).",
          fmt::join(clock_event_reason_names(throttling), ", "));
    }
  }
  return reasons;
}

EnvironmentFinding power_limit_finding(const NvmlDeviceReport& nvml) {
  EnvironmentFinding power{"power_limit", kNotReported, ""};
  if (nvml.power_limit_w) {
    power.state = nvml.power_default_limit_w
                      ? fmt::format("{:g} W (default {:g} W)", *nvml.power_limit_w,
                                    *nvml.power_default_limit_w)
                      : fmt::format("{:g} W", *nvml.power_limit_w);
    if (nvml.power_default_limit_w) {
      const double limit = *nvml.power_limit_w;
      const double stock = *nvml.power_default_limit_w;
      if (limit < 0.98 * stock) {
        power.warning = fmt::format(
            "The power limit is {:g} W, below the default {:g} W: compute figures will be lower "
            "than a stock card's; restore it with sudo nvidia-smi -pl {:g}.",
            limit, stock, stock);
      } else if (limit > 1.02 * stock) {
        power.warning = fmt::format(
            "The power limit is {:g} W, above the default {:g} W: figures may exceed a stock "
            "card's.",
            limit, stock);
      }
    }
  }
  return power;
}

EnvironmentFinding pcie_link_finding(const NvmlDeviceReport& nvml) {
  EnvironmentFinding pcie{"pcie_link", kNotReported, ""};
  if (nvml.pcie_generation || nvml.pcie_width) {
    auto part = [](const std::optional<unsigned>& value) {
      return value ? std::to_string(*value) : std::string("?");
    };
    pcie.state = fmt::format("gen {} of {}, x{} of x{} (idle links may train down)",
                             part(nvml.pcie_generation), part(nvml.pcie_generation_max),
                             part(nvml.pcie_width), part(nvml.pcie_width_max));
    if (nvml.pcie_width && nvml.pcie_width_max && *nvml.pcie_width < *nvml.pcie_width_max) {
      pcie.warning = fmt::format(
          "The PCIe link runs x{} of the x{} it supports: host<->device figures will be lower "
          "than the card can do; check the slot and riser.",
          *nvml.pcie_width, *nvml.pcie_width_max);
    }
  }
  return pcie;
}

EnvironmentFinding mig_finding(const NvmlDeviceReport& nvml) {
  EnvironmentFinding mig{"mig_mode", on_off(nvml.mig_enabled), ""};
  if (nvml.mig_enabled == true) {
    mig.warning =
        "MIG mode is on: gpubench measures one GPU instance, not the whole card; disable MIG for "
        "whole-card figures.";
  }
  return mig;
}

EnvironmentFinding display_finding(const NvmlDeviceReport& nvml) {
  EnvironmentFinding display{"display_active", on_off(nvml.display_active), ""};
  if (nvml.display_active == true) {
    display.warning =
        "A display is active on this GPU: the desktop competes for it and the watchdog may stop "
        "long kernels; measure on a GPU without a display for clean figures.";
  }
  return display;
}

// The ECC error counts NVML gave, each under the key `gpubench check` reads (kEccCountKeys, in
// its order); a count NVML did not give is left out, never written as 0.
void add_ecc_count_findings(const EccErrorCounts& ecc, std::vector<EnvironmentFinding>& findings) {
  const std::array<std::optional<std::uint64_t>, kEccCountKeys.size()> counts = {
      ecc.uncorrected_volatile, ecc.uncorrected_aggregate, ecc.corrected_volatile,
      ecc.corrected_aggregate};
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (!counts[i]) continue;
    findings.push_back({std::string(kEccCountKeys[i].substr(kContextPrefix.size())),
                        std::to_string(*counts[i]), ""});
  }
}

}  // namespace

EnvironmentFinding platform_finding(const NvmlDeviceReport* nvml, const HostFacts& host) {
  std::vector<std::string> kinds;
  std::vector<std::string> unseen;
  if (host.wsl) {
    kinds.emplace_back("WSL 2");
    unseen.emplace_back(
        "NVML is partial under WSL 2: no process list, and some drivers give no "
        "clocks or power, so contention rests on GPU utilization alone");
  }
  if (host.container) {
    kinds.emplace_back("container");
    unseen.emplace_back("NVML lists host PIDs: gpubench is found by the context it creates");
  }
  if (nvml != nullptr && nvml->mig_enabled == true) {
    kinds.emplace_back("MIG slice");
    unseen.emplace_back(
        "NVML reports no per-process or device utilization for a slice: "
        "contention is judged from the slice's process list alone");
  }
  const bool display =
      nvml != nullptr && (nvml->display_active == true ||
                          (nvml->graphics_process_ids && !nvml->graphics_process_ids->empty()));
  if (display) {
    kinds.emplace_back("desktop with display");
    unseen.emplace_back("the display's own processes are display activity, not contention");
  }
  if (nvml == nullptr) unseen.emplace_back("NVML is unavailable: no contention check");
  EnvironmentFinding platform{"platform", kinds.empty() ? "bare metal" : "", ""};
  if (!kinds.empty()) platform.state = fmt::format("{}", fmt::join(kinds, " + "));
  if (!unseen.empty()) platform.state += fmt::format(" ({})", fmt::join(unseen, "; "));
  return platform;
}

std::vector<EnvironmentFinding> check_environment(const NvmlDeviceReport& nvml,
                                                  std::uint32_t own_pid, const HostFacts& host) {
  std::vector<EnvironmentFinding> findings = {platform_finding(&nvml, host),
                                              compute_processes_finding(nvml, own_pid),
                                              persistence_finding(nvml),
                                              clocks_finding(nvml),
                                              clock_event_reasons_finding(nvml),
                                              power_limit_finding(nvml),
                                              {"ecc", on_off(nvml.ecc_enabled), ""}};
  add_ecc_count_findings(nvml.ecc_errors, findings);
  findings.insert(findings.end(),
                  {pcie_link_finding(nvml), mig_finding(nvml), display_finding(nvml)});
  return findings;
}

std::map<std::string, std::string> environment_context(
    const std::vector<EnvironmentFinding>& findings) {
  std::map<std::string, std::string> context;
  for (const EnvironmentFinding& finding : findings) {
    context[std::string(kContextPrefix) + finding.key] = finding.state;
    if (!finding.warning.empty())
      context[std::string(context_keys::kEnvironmentWarningPrefix) + finding.key] = finding.warning;
  }
  return context;
}

}  // namespace gpubench
