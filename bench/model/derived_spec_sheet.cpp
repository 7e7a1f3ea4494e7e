#include "model/derived_spec_sheet.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "model/rate_table.hpp"

namespace gpubench {

namespace {

SpecValue number_value(std::optional<double> number, std::string unit, std::string source,
                       std::string note = {}) {
  SpecValue value;
  if (number) value.value = *number;
  value.unit = std::move(unit);
  value.source = std::move(source);
  value.derived = true;
  value.note = std::move(note);
  return value;
}

const std::string kFromAttributes = "derived: CUDA device attribute";

// Id, names, architecture and product class of a device the database does not know.
SpecSheet derived_sheet_identity(const DeviceInfo& device) {
  const ComputeCapability cc = device.compute_capability;
  const std::string name = device.trimmed_name();
  const bool looks_geforce =
      name.find("GeForce") != std::string::npos || name.find("TITAN") != std::string::npos;
  SpecSheet sheet;
  sheet.id = "derived-sm" + std::to_string(cc.major * 10 + cc.minor);
  sheet.name = name;
  sheet.architecture = cc.major == 7                        ? "turing"
                       : cc.major == 8                      ? (cc.minor == 9 ? "ada" : "ampere")
                       : cc.major == 9                      ? "hopper"
                       : (cc.major == 10 || cc.major == 12) ? "blackwell"
                                                            : "unknown";
  sheet.product_class = looks_geforce ? ProductClass::kGeForce : ProductClass::kDatacenter;
  sheet.names = {name};
  sheet.derived_from_device = true;
  if (device.nvml && device.nvml->pci_device_id) {
    sheet.pci_device_ids = {*device.nvml->pci_device_id};
  }
  return sheet;
}

// Chip, compute capability, SM and core counts, clocks.
void add_derived_chip_values(SpecSheet& sheet, const DeviceInfo& device,
                             const std::string& rate_note) {
  const ComputeCapability cc = device.compute_capability;
  const auto fp32_lanes = ops_per_clock_per_sm(cc, sheet.product_class, Throughput::kFp32);
  // Four tensor cores per SM from Ampere on (GA102, Ada, H100 and RTX Blackwell whitepapers).
  const int tensor_cores_per_sm = cc.major == 7                                        ? 8
                                  : (cc.major == 8 || cc.major == 9 || cc.major == 12) ? 4
                                                                                       : 0;
  auto& values = sheet.values;
  values.emplace_back("chip", number_value(std::nullopt, "", "not reported by the device"));
  SpecValue cc_value = number_value(std::nullopt, "", kFromAttributes);
  cc_value.value = cc.str();
  values.emplace_back("compute_capability", cc_value);
  values.emplace_back("sm_count", number_value(device.sm_count, "", kFromAttributes));
  values.emplace_back(
      "cuda_cores",
      number_value(
          fp32_lanes ? std::optional<double>(device.sm_count * *fp32_lanes / 2) : std::nullopt, "",
          "derived: SMs x FP32 lanes per SM", rate_note));
  values.emplace_back("tensor_cores",
                      number_value(tensor_cores_per_sm ? std::optional<double>(device.sm_count *
                                                                               tensor_cores_per_sm)
                                                       : std::nullopt,
                                   "", "derived: SMs x tensor cores per SM of the architecture"));
  values.emplace_back("base_clock_mhz",
                      number_value(std::nullopt, "MHz", "not reported by the device"));
  values.emplace_back("boost_clock_mhz", number_value(static_cast<double>(device.sm_clock_mhz),
                                                      "MHz", "derived: CUDA attribute ClockRate"));
}

// Memory size, type, bus and bandwidth, L2 and board power.
void add_derived_memory_and_power_values(SpecSheet& sheet, const DeviceInfo& device) {
  auto& values = sheet.values;
  values.emplace_back(
      "memory_gb",
      number_value(std::round(static_cast<double>(device.memory_bytes) / (1 << 30) * 10) / 10, "GB",
                   "derived: total global memory reported by the runtime, in GiB",
                   "usable memory; the board's nominal size is slightly larger"));
  values.emplace_back("memory_type", number_value(std::nullopt, "", "not reported by the device"));
  values.emplace_back("memory_bus_bits",
                      number_value(device.memory_bus_bits, "bit", kFromAttributes));
  values.emplace_back("memory_bandwidth_gbs",
                      number_value(device.memory_bandwidth_gbs_from_attributes(), "GB/s",
                                   "derived: 2 x memory clock x bus width / 8"));
  values.emplace_back(
      "l2_cache_mb",
      number_value(static_cast<double>(device.l2_cache_bytes) / (1 << 20), "MB", kFromAttributes));
  std::optional<double> tdp;
  if (device.nvml && device.nvml->power_default_limit_w) tdp = device.nvml->power_default_limit_w;
  values.emplace_back("tdp_w",
                      number_value(tdp, "W", "derived: NVML default power management limit"));
}

// Peak rates from the rate table at the device's clock, and the tensor clock they assume.
void add_derived_peak_values(SpecSheet& sheet, const DeviceInfo& device,
                             const std::string& rate_note) {
  const ComputeCapability cc = device.compute_capability;
  const double clock_mhz = device.sm_clock_mhz;
  auto& values = sheet.values;
  for (const Throughput throughput : all_throughputs()) {
    const bool is_int =
        throughput == Throughput::kInt8Tensor || throughput == Throughput::kInt4Tensor;
    std::string note = rate_note;
    if (note.empty() && rate_is_undocumented(cc, sheet.product_class, throughput)) {
      note = fmt::format("unknown: no document the rate table cites gives this rate for sm_{}{}",
                         cc.major, cc.minor);
    } else if (note.empty() && sheet.product_class == ProductClass::kGeForce) {
      note = "GeForce half-rate FP32-accumulate tensor math assumed from the device name";
    }
    values.emplace_back(
        std::string(spec_key(throughput)),
        number_value(
            peak_tera_ops(cc, sheet.product_class, throughput, device.sm_count, clock_mhz),
            is_int ? "TOPS" : "TFLOPS",
            fmt::format("derived: {} SMs x rate table x {} MHz", device.sm_count, clock_mhz),
            note));
  }
  values.emplace_back("tensor_clock_mhz",
                      number_value(clock_mhz, "MHz", "derived: CUDA attribute ClockRate",
                                   "assumed equal to the boost clock"));
}

}  // namespace

SpecSheet derive_sheet_from_device(const DeviceInfo& device) {
  const ComputeCapability cc = device.compute_capability;
  const std::string rate_note =
      rate_table_knows(cc)
          ? ""
          : fmt::format("the rate table has no entry for sm_{}{}", cc.major, cc.minor);
  SpecSheet sheet = derived_sheet_identity(device);
  add_derived_chip_values(sheet, device, rate_note);
  add_derived_memory_and_power_values(sheet, device);
  add_derived_peak_values(sheet, device, rate_note);
  auto& values = sheet.values;
  values.emplace_back("memory_data_rate_gbps",
                      number_value(std::nullopt, "Gbps", "not reported by the device"));
  values.emplace_back("pcie_generation", number_value(std::nullopt, "", "see gpubench info"));
  values.emplace_back("pcie_lanes", number_value(std::nullopt, "", "see gpubench info"));
  values.emplace_back("nvlink_bandwidth_gbs",
                      number_value(std::nullopt, "GB/s", "not reported by the device"));
  return sheet;
}

}  // namespace gpubench
