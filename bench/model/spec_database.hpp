#pragma once
// The documented-spec database: one sheet per card (results/specs/<id>.json), every value with its
// source. Compiled into the binary (so gpubench runs anywhere) and loadable from a directory (so
// tests check the files as they are in the tree).

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "model/device_info.hpp"
#include "model/rate_table.hpp"

namespace gpubench {

inline constexpr int kSpecSchemaVersion = 1;

// Every sheet carries exactly these keys, in this order (null where the card lacks the feature, or
// where no document gives the value: see SpecValue::undocumented).
inline constexpr std::array<std::string_view, 33> kSpecKeys = {
    "chip", "compute_capability", "sm_count", "cuda_cores", "tensor_cores", "base_clock_mhz",
    "boost_clock_mhz", "memory_gb", "memory_type", "memory_bus_bits", "memory_bandwidth_gbs",
    "l2_cache_mb", "tdp_w", "fp32_tflops", "fp16_tflops", "fp64_tflops", "tf32_tensor_tflops",
    "fp16_tensor_fp16acc_tflops", "fp16_tensor_fp32acc_tflops", "bf16_tensor_tflops",
    "fp8_tensor_fp16acc_tflops", "fp8_tensor_fp32acc_tflops", "int8_tensor_tops",
    "bf16_tflops",  // non-tensor
    "fp64_tensor_tflops", "int4_tensor_tops", "fp4_tensor_tflops",
    "fp6_tensor_tflops",  // Blackwell narrow formats, dense
    // The clock NVIDIA computes this card's tensor peaks at (below boost on H100/H200).
    "tensor_clock_mhz",
    "memory_data_rate_gbps",  // per pin
    "pcie_generation", "pcie_lanes",
    "nvlink_bandwidth_gbs",  // total, both directions; null: no NVLink
};

// A source that starts with this marks a null value as unknown rather than absent: the card may
// well have it, but no document the database cites prints it (a Blackwell card's L2 size, say).
inline constexpr std::string_view kUndocumentedPrefix = "undocumented:";

struct SpecValue {
  // monostate: null (the feature is absent, or undocumented() when no document gives it)
  std::variant<std::monostate, double, std::string> value;
  std::string unit;
  std::string source;  // document and table, or "derived: ..."
  bool derived = false;
  std::string note;  // why it differs from SMs x rate x clock, or what is uncertain

  bool is_null() const { return std::holds_alternative<std::monostate>(value); }
  bool undocumented() const { return is_null() && source.starts_with(kUndocumentedPrefix); }
  std::optional<double> number() const;
  std::string display() const;  // "504.2 GB/s", "AD104", "n/a", "not documented"
};

struct SpecSheet {
  std::string id;
  std::string name;
  std::string architecture;
  ProductClass product_class = ProductClass::kDatacenter;
  std::string counterpart;
  std::vector<std::uint32_t> pci_device_ids;
  std::vector<std::string> names;
  std::vector<std::pair<std::string, SpecValue>> values;  // in kSpecKeys order
  // Set on sheets made from a present card's attributes because no documented sheet matched.
  bool derived_from_device = false;

  const SpecValue* find(std::string_view key) const;
  std::optional<double> number(std::string_view key) const;
  std::optional<ComputeCapability> compute_capability() const;
};

// Parses and validates one sheet; throws UserError naming origin and the problem.
SpecSheet parse_spec_sheet(std::string_view json_text, std::string_view origin);

// {"id", "name", "values": {key: {"value", "unit", "source", "derived"[, "note"]}}}, the shape
// `gpubench specs show ID --json` prints.
std::string spec_sheet_to_json(const SpecSheet& sheet, int indent = 2);

// A sheet file SpecDatabase::load_directory left out, and why: one sentence naming the file.
struct BadSpecFile {
  std::filesystem::path path;
  std::string reason;
};

class SpecDatabase {
 public:
  // Every *.json sheet in `directory` (spec_directory.cpp). The good sheets are read even when
  // others are bad; each bad one (unreadable, invalid, an id other than its file name, a
  // counterpart that is not another good sheet) is left out and added to `bad`, in file-name
  // order. Throws UserError only when the directory cannot be listed or holds no *.json file.
  static SpecDatabase load_directory(const std::filesystem::path& directory,
                                     std::vector<BadSpecFile>& bad);
  // The same, but any bad sheet is a UserError naming every bad file with its reason.
  static SpecDatabase load_directory(const std::filesystem::path& directory);
  static const SpecDatabase& builtin();  // the sheets compiled in from results/specs/

  const std::vector<SpecSheet>& sheets() const { return sheets_; }
  const SpecSheet* find(std::string_view id) const;
  // Like find, but throws UserError listing the known ids.
  const SpecSheet& at(std::string_view id) const;

 private:
  explicit SpecDatabase(std::vector<SpecSheet> sheets);
  std::vector<SpecSheet> sheets_;
};

struct SpecMatch {
  enum class How { kPciDeviceId, kName, kDerivedFromDevice };
  SpecSheet sheet;
  How how = How::kDerivedFromDevice;
  std::string warning;  // non-empty when the user should know the comparison is weaker
};
std::string_view to_string(SpecMatch::How how);

// PCI product id first (from NVML), exact device name second; otherwise a sheet derived from the
// device's attributes, marked as such and carrying a warning.
SpecMatch match_device(const SpecDatabase& database, const DeviceInfo& device);

// One row of a documented comparison: a's value, b's, and a / b where both are numbers.
struct SpecComparisonRow {
  std::string key;
  const SpecValue* a = nullptr;
  const SpecValue* b = nullptr;
  std::optional<double> ratio_a_to_b;
};
std::vector<SpecComparisonRow> compare_sheets(const SpecSheet& a, const SpecSheet& b);

}  // namespace gpubench
