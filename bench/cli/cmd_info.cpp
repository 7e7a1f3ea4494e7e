// `gpubench info`: what the runtime and NVML say about each present GPU, and which documented
// sheet it matches.

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/environment_check.hpp"
#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "cli/probe.hpp"
#include "device/device_probe.hpp"
#include "model/spec_database.hpp"
#include "platform/nvml_library.hpp"
#include "render/json_values.hpp"

namespace gpubench::cli {
namespace {

using ordered_json = nlohmann::ordered_json;

template <typename T>
std::string or_unreported(const std::optional<T>& value, std::string_view unit = "") {
  if (!value) return "not reported";
  return unit.empty() ? fmt::format("{}", *value) : fmt::format("{} {}", *value, unit);
}

std::string on_off(const std::optional<bool>& value) {
  if (!value) return "not reported";
  return *value ? "on" : "off";
}

std::string pcie_link(const std::optional<unsigned>& generation,
                      const std::optional<unsigned>& width) {
  if (!generation && !width) return "not reported";
  return fmt::format("gen {} x{}", or_unreported(generation), or_unreported(width));
}

void print_device(const DeviceInfo& device, const SpecMatch& match) {
  auto row = [](std::string_view label, const std::string& value) {
    fmt::print("  {:<26}{}\n", label, value);
  };
  fmt::print("GPU {}: {}\n", device.ordinal, device.name);
  row("spec sheet", fmt::format("{} (matched by {})", match.sheet.id, to_string(match.how)));
  row("compute capability", device.compute_capability.str());
  row("SMs", std::to_string(device.sm_count));
  row("L2 cache",
      fmt::format("{:.1f} MiB", static_cast<double>(device.l2_cache_bytes) / (1 << 20)));
  row("memory",
      fmt::format("{:.1f} GiB, {}-bit bus", static_cast<double>(device.memory_bytes) / (1 << 30),
                  device.memory_bus_bits));
  row("memory clock (peak)",
      fmt::format("{} MHz ({:.1f} GB/s by 2 x clock x bus width)", device.memory_clock_mhz,
                  device.memory_bandwidth_gbs_from_attributes()));
  row("SM clock (peak)", fmt::format("{} MHz", device.sm_clock_mhz));
  std::string pci = device.pci_bus_id;
  if (device.nvml && device.nvml->pci_device_id) {
    pci += fmt::format(", device id {:#06x}", *device.nvml->pci_device_id);
  }
  row("PCI", pci);
  row("CUDA driver / runtime",
      fmt::format("{} / {}", format_cuda_version(device.cuda_driver_version),
                  format_cuda_version(device.cuda_runtime_version)));
  row("cuBLAS", device.cublas_version);
  row("NVIDIA driver", device.driver_version.value_or("not reported (NVML unavailable)"));
  row("platform",
      platform_finding(device.nvml ? &*device.nvml : nullptr, detect_host_facts()).state);
  if (device.nvml) {
    const NvmlDeviceReport& nvml = *device.nvml;
    row("SM clock now / max", fmt::format("{} / {}", or_unreported(nvml.sm_clock_mhz),
                                          or_unreported(nvml.sm_clock_max_mhz, "MHz")));
    row("memory clock now / max", fmt::format("{} / {}", or_unreported(nvml.memory_clock_mhz),
                                              or_unreported(nvml.memory_clock_max_mhz, "MHz")));
    row("power limit / default", fmt::format("{} / {}", or_unreported(nvml.power_limit_w),
                                             or_unreported(nvml.power_default_limit_w, "W")));
    row("temperature", or_unreported(nvml.temperature_c, "C"));
    row("persistence mode", on_off(nvml.persistence_mode));
    row("ECC", on_off(nvml.ecc_enabled));
    row("PCIe link now / max",
        fmt::format("{} / {}", pcie_link(nvml.pcie_generation, nvml.pcie_width),
                    pcie_link(nvml.pcie_generation_max, nvml.pcie_width_max)));
    row("MIG", on_off(nvml.mig_enabled));
    for (const auto& problem : nvml.query_errors)
      row("NVML refused", problem);
  }
  if (!match.warning.empty()) fmt::print("  warning: {}\n", match.warning);
}

ordered_json device_json(const DeviceInfo& device, const SpecMatch& match) {
  ordered_json out;
  out["ordinal"] = device.ordinal;
  out["name"] = device.name;
  out["compute_capability"] = device.compute_capability.str();
  out["sm_count"] = device.sm_count;
  out["l2_cache_bytes"] = device.l2_cache_bytes;
  out["memory_bytes"] = device.memory_bytes;
  out["memory_bus_bits"] = device.memory_bus_bits;
  out["memory_clock_mhz"] = device.memory_clock_mhz;
  out["sm_clock_mhz"] = device.sm_clock_mhz;
  out["memory_bandwidth_gbs_from_attributes"] = device.memory_bandwidth_gbs_from_attributes();
  out["pci_bus_id"] = device.pci_bus_id;
  out["cuda_driver_version"] = format_cuda_version(device.cuda_driver_version);
  out["cuda_runtime_version"] = format_cuda_version(device.cuda_runtime_version);
  out["cublas_version"] = device.cublas_version;
  out["driver_version"] = value_or_null(device.driver_version);
  out["platform"] =
      platform_finding(device.nvml ? &*device.nvml : nullptr, detect_host_facts()).state;
  if (device.nvml) {
    const NvmlDeviceReport& nvml = *device.nvml;
    ordered_json n;
    n["pci_device_id"] = nvml.pci_device_id
                             ? ordered_json(fmt::format("{:#06x}", *nvml.pci_device_id))
                             : ordered_json();
    n["sm_clock_mhz"] = value_or_null(nvml.sm_clock_mhz);
    n["sm_clock_max_mhz"] = value_or_null(nvml.sm_clock_max_mhz);
    n["memory_clock_mhz"] = value_or_null(nvml.memory_clock_mhz);
    n["memory_clock_max_mhz"] = value_or_null(nvml.memory_clock_max_mhz);
    n["power_limit_w"] = value_or_null(nvml.power_limit_w);
    n["power_default_limit_w"] = value_or_null(nvml.power_default_limit_w);
    n["temperature_c"] = value_or_null(nvml.temperature_c);
    n["persistence_mode"] = value_or_null(nvml.persistence_mode);
    n["ecc_enabled"] = value_or_null(nvml.ecc_enabled);
    n["pcie_generation"] = value_or_null(nvml.pcie_generation);
    n["pcie_generation_max"] = value_or_null(nvml.pcie_generation_max);
    n["pcie_width"] = value_or_null(nvml.pcie_width);
    n["pcie_width_max"] = value_or_null(nvml.pcie_width_max);
    n["mig_enabled"] = value_or_null(nvml.mig_enabled);
    n["query_errors"] = nvml.query_errors;
    out["nvml"] = std::move(n);
  } else {
    out["nvml"] = nullptr;
  }
  out["spec_sheet"] = {{"id", match.sheet.id},
                       {"matched_by", std::string(to_string(match.how))},
                       {"warning", match.warning}};
  return out;
}

}  // namespace

ProbedDevices probe_devices(std::optional<int> only) {
  ProbedDevices probed;
  const int count = visible_device_count();  // throws with the reason when there is no GPU
  std::unique_ptr<NvmlLibrary> nvml;
  try {
    nvml = NvmlLibrary::open();
  } catch (const UserError& error) {
    probed.nvml_problem = error.what();
  }
  for (int ordinal = 0; ordinal < count; ++ordinal) {
    if (only && *only != ordinal) continue;
    probed.devices.push_back(query_device(ordinal, nvml.get()));
  }
  if (only && probed.devices.empty()) query_device(*only, nullptr);  // throws: out of range
  return probed;
}

void add_info_command(CLI::App& app, ExitCode& result) {
  struct Options {
    std::optional<int> device;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* info = app.add_subcommand(
      "info", "Describe each present GPU: runtime attributes, NVML state, matching spec sheet.");
  set_help_example(*info, "gpubench info --json");
  info->add_option("--device", options->device, "Only this CUDA device ordinal");
  info->add_flag("--json", options->json, "Print JSON instead of text");
  info->callback([options, &result] {
    const ProbedDevices probed = probe_devices(options->device);
    const SpecDatabase& database = SpecDatabase::builtin();
    ordered_json devices = ordered_json::array();
    for (const DeviceInfo& device : probed.devices) {
      const SpecMatch match = match_device(database, device);
      if (options->json) {
        devices.push_back(device_json(device, match));
      } else {
        print_device(device, match);
      }
    }
    if (options->json) {
      ordered_json out = versioned_document(kInfoJsonSchema);
      out["devices"] = std::move(devices);
      out["nvml_problem"] = value_or_null(probed.nvml_problem);
      fmt::print("{}\n", out.dump(2));
    }
    if (probed.nvml_problem) {
      std::fflush(stdout);
      fmt::print(stderr, "gpubench: {}\n", *probed.nvml_problem);
      result = ExitCode::kBadInputOrNoGpu;
    }
  });
}

}  // namespace gpubench::cli
