// The documented rates a projection cannot carry between this card and the card it is reported
// against: a rate one card documents and the other does not (FP4 on a Blackwell card against an
// Ada run). A projection scales a measured figure by the ratio of
// the two cards' documented figures, so without a measured row on the same documented rate there
// is nothing to scale; the report names these rates instead of leaving them silently out.

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "analysis/report_detail.hpp"

namespace gpubench::report_detail {
namespace {

bool is_documented_rate(const SpecSheet& sheet, std::string_view key) {
  return (key.ends_with("_tflops") || key.ends_with("_tops")) && sheet.number(key).has_value();
}

// Why `sheet` has no figure for `key`: the card lacks the rate, or no document gives it.
std::string lacks_rate(const SpecSheet& sheet, std::string_view key) {
  const SpecValue* value = sheet.find(key);
  if (value != nullptr && value->undocumented()) {
    return fmt::format("no document gives the {}'s figure", sheet.name);
  }
  return fmt::format("the {} has no such rate", sheet.name);
}

// The documented rates the run's verified rows were compared with.
std::set<std::string, std::less<>> measured_rate_keys(const Report& report) {
  std::set<std::string, std::less<>> keys;
  for (const ReportFamily& family : report.families) {
    for (const ReportSection& section : family.sections) {
      for (const ReportRow& row : section.rows) {
        if (!row.failed && !row.spec_key.empty()) keys.insert(row.spec_key);
      }
    }
  }
  return keys;
}

}  // namespace

std::vector<UnprojectedRate> unprojected_rates(const Report& report) {
  std::vector<UnprojectedRate> out;
  if (!report.counterpart || report.specs_only) return out;
  const SpecSheet& other = *report.counterpart;
  const auto measured = measured_rate_keys(report);
  for (const auto& [key, value] : other.values) {
    if (!is_documented_rate(other, key) || is_documented_rate(report.sheet, key)) continue;
    out.push_back(
        {key, fmt::format("{}, so no measured row scales to it", lacks_rate(report.sheet, key))});
  }
  for (const std::string& key : measured) {
    if (!key.ends_with("_tflops") && !key.ends_with("_tops")) continue;
    if (is_documented_rate(other, key)) continue;
    out.push_back({key, fmt::format("{} to project onto", lacks_rate(other, key))});
  }
  std::sort(out.begin(), out.end(), [](const UnprojectedRate& a, const UnprojectedRate& b) {
    return a.spec_key < b.spec_key;
  });
  return out;
}

}  // namespace gpubench::report_detail
