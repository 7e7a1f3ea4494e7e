#include "analysis/check_thresholds.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

constexpr std::string_view kWarnKey = "warn_below_pct";
constexpr std::string_view kFailKey = "fail_below_pct";
constexpr double kLargestPct = 200;  // a floor above twice the peak is a typo

std::optional<FloorKey> parse_floor_key(std::string_view name) {
  for (const FloorKey key : kFloorKeys) {
    if (floor_key_name(key) == name) return key;
  }
  return std::nullopt;
}

[[noreturn]] void refuse(const std::filesystem::path& origin, const std::string& what) {
  throw UserError(fmt::format("The thresholds file {} {}; see docs/health-check.md for its form.",
                              origin.string(), what));
}

std::string where(const toml::node& node) {
  const auto line = node.source().begin.line;
  return line > 0 ? fmt::format(" (line {})", line) : "";
}

// One [<scope>.<check>] table: warn_below_pct and/or fail_below_pct over `floor`.
void read_floor(const toml::table& table, std::string_view scope, Floor& floor,
                const std::filesystem::path& origin) {
  for (const auto& [key, node] : table) {
    const std::optional<double> value = node.value<double>();
    if (key.str() != kWarnKey && key.str() != kFailKey) {
      refuse(origin, fmt::format("has an unknown key {}.{}{} (only {} and {})", scope, key.str(),
                                 where(node), kWarnKey, kFailKey));
    }
    if (!value || *value < 0 || *value > kLargestPct) {
      refuse(origin, fmt::format("gives {}.{}{} a value that is not a number from 0 to {:g}", scope,
                                 key.str(), where(node), kLargestPct));
    }
    (key.str() == kWarnKey ? floor.warn_below_pct : floor.fail_below_pct) = *value;
  }
  if (floor.fail_below_pct > floor.warn_below_pct) {
    refuse(origin, fmt::format("sets {} to fail below {:g}% but warn only below {:g}%", scope,
                               floor.fail_below_pct, floor.warn_below_pct));
  }
}

// The tables of one scope ([default] or [card.<id>]): each names a check.
void read_scope(const toml::table& table, std::string_view scope, CheckThresholds& thresholds,
                const std::filesystem::path& origin) {
  for (const auto& [key, node] : table) {
    const auto floor_key = parse_floor_key(key.str());
    if (!floor_key || !node.is_table()) {
      refuse(origin, fmt::format("has {}.{}{}, which is not a check's table (one of dram_triad, "
                                 "ffma, tensor_peak, gemm, pcie_link, boost_clock)",
                                 scope, key.str(), where(node)));
    }
    read_floor(*node.as_table(), fmt::format("{}.{}", scope, key.str()),
               thresholds.floors[*floor_key], origin);
  }
}

}  // namespace

std::string_view floor_key_name(FloorKey key) {
  switch (key) {
    case FloorKey::kDramTriad:
      return "dram_triad";
    case FloorKey::kFfma:
      return "ffma";
    case FloorKey::kTensorPeak:
      return "tensor_peak";
    case FloorKey::kGemm:
      return "gemm";
    case FloorKey::kPcieLink:
      return "pcie_link";
    case FloorKey::kBoostClock:
      return "boost_clock";
  }
  return "unknown";
}

CheckThresholds default_thresholds() {
  // Percent of: the documented bandwidth; the FP32 peak (spec and rate x measured clock); the
  // tensor peak; the GEMM precision's peak; the PCIe link rate; the documented boost clock.
  // docs/health-check.md gives the reasoning for each.
  return CheckThresholds{{
      {FloorKey::kDramTriad, {80, 70}},
      {FloorKey::kFfma, {90, 80}},
      {FloorKey::kTensorPeak, {75, 60}},
      {FloorKey::kGemm, {60, 50}},
      {FloorKey::kPcieLink, {75, 60}},
      {FloorKey::kBoostClock, {95, 85}},
  }};
}

const CheckThresholds& ThresholdSet::for_card(std::string_view spec_id) const {
  const auto it = per_card.find(std::string(spec_id));
  return it == per_card.end() ? defaults : it->second;
}

ThresholdSet parse_thresholds(std::string_view toml_text, const std::filesystem::path& origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin.string());
  } catch (const toml::parse_error& error) {
    refuse(origin, fmt::format("is not valid TOML at line {}: {}", error.source().begin.line,
                               error.description()));
  }
  ThresholdSet set;
  set.source = origin;
  // [default] first, so that every card starts from the file's defaults, whatever the order.
  if (const auto* defaults = root.get("default")) {
    if (!defaults->is_table()) refuse(origin, "has a default that is not a table");
    read_scope(*defaults->as_table(), "default", set.defaults, origin);
  }
  for (const auto& [key, node] : root) {
    if (key.str() == "default") continue;
    if (key.str() == "version") {
      if (node.value<int64_t>() != kThresholdsFileVersion) {
        refuse(origin, fmt::format("has version {}, and this gpubench reads version {}",
                                   node.value<int64_t>().value_or(-1), kThresholdsFileVersion));
      }
      continue;
    }
    if (key.str() != "card" || !node.is_table()) {
      refuse(origin, fmt::format("has an unknown entry {}{} (only version, [default.<check>] and "
                                 "[card.<spec id>.<check>])",
                                 key.str(), where(node)));
    }
    for (const auto& [id, card] : *node.as_table()) {
      if (!card.is_table())
        refuse(origin, fmt::format("has card.{}, which is not a table", id.str()));
      CheckThresholds& thresholds = set.per_card.emplace(id.str(), set.defaults).first->second;
      read_scope(*card.as_table(), fmt::format("card.{}", id.str()), thresholds, origin);
    }
  }
  return set;
}

ThresholdSet load_thresholds(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UserError(
        fmt::format("Cannot read the thresholds file {}: check the path.", path.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_thresholds(text.str(), path);
}

std::string thresholds_to_toml(const ThresholdSet& set, std::string_view header_comment) {
  std::string out;
  for (std::string_view rest = header_comment; !rest.empty();) {
    const auto newline = rest.find('\n');
    out += fmt::format("# {}\n", rest.substr(0, newline));
    rest = newline == std::string_view::npos ? "" : rest.substr(newline + 1);
  }
  out += fmt::format("version = {}\n", kThresholdsFileVersion);
  auto scope = [&](std::string_view prefix, const CheckThresholds& thresholds) {
    for (const auto& [key, floor] : thresholds.floors) {
      // To 0.1 percentage point, half away from zero: a file a person reads and edits.
      auto tenth = [](double pct) { return std::round(pct * 10) / 10; };
      out +=
          fmt::format("\n[{}.{}]\n{} = {:.1f}\n{} = {:.1f}\n", prefix, floor_key_name(key),
                      kWarnKey, tenth(floor.warn_below_pct), kFailKey, tenth(floor.fail_below_pct));
    }
  };
  scope("default", set.defaults);
  for (const auto& [id, thresholds] : set.per_card)
    scope(fmt::format("card.\"{}\"", id), thresholds);
  return out;
}

}  // namespace gpubench
