#pragma once
// What the check's translation units share (analysis/check*.cpp); not part of the check's API.

#include <optional>
#include <string>
#include <vector>

#include "analysis/check.hpp"
#include "analysis/reasons.hpp"
#include "analysis/report.hpp"

namespace gpubench::check_detail {

// Everything the checks of one run read.
struct CheckInput {
  const ResultsFile& run;
  const SpecSheet* sheet = nullptr;  // nullptr: the database lacks the run's spec id
  const CheckThresholds& thresholds;
  std::vector<MeasuredBenchmark> benchmarks;
  ReasonContext reasons;
  // From env_power_limit ("700 W (default 700 W)"): whether the limit is the card's default.
  std::optional<bool> power_limit_at_default;
  std::string power_limit_text;
};

// A result with only its id, title and verdict set (the rest filled in by the check).
inline CheckResult make_result(std::string id, std::string what,
                               CheckVerdict verdict = CheckVerdict::kNotChecked) {
  CheckResult result;
  result.id = std::move(id);
  result.what = std::move(what);
  result.verdict = verdict;
  return result;
}

// The throttle reasons a label records ("throttle: software power cap, hardware slowdown").
std::vector<std::string> throttle_names(std::string_view label);
inline constexpr std::string_view kSoftwarePowerCap = "software power cap";

// dram_triad, ffma, tensor_peak/*, gemm/*.
void add_figure_checks(const CheckInput& input, std::vector<CheckResult>& results);
// pcie_link, clocks, ecc, contention, verification.
void add_box_checks(const CheckInput& input, std::vector<CheckResult>& results);

}  // namespace gpubench::check_detail
