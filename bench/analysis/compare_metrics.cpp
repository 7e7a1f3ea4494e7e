#include "analysis/compare_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "analysis/regex_guard.hpp"
#include "gpubench/counters.hpp"
#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The one table of metric directions. Exact names first, then name parts carrying the unit.
struct NameRule {
  std::string_view text;
  Direction direction;
};
constexpr std::array<NameRule, 10> kExactNames = {{
    {"real_time", Direction::kLowerIsBetter},
    {"cpu_time", Direction::kLowerIsBetter},
    {counters::kTflops, Direction::kHigherIsBetter},
    {counters::kTops, Direction::kHigherIsBetter},
    {counters::kPctOfSpec, Direction::kHigherIsBetter},       // percent of the documented peak
    {counters::kPctOfClockPeak, Direction::kHigherIsBetter},  // percent of rate x clock
    {counters::kVsCounterpart, Direction::kHigherIsBetter},   // ratio to the counterpart's peak
    {counters::kVsCublas, Direction::kHigherIsBetter},        // own kernel / cuBLAS
    {"items_per_second", Direction::kHigherIsBetter},
    {counters::kSmClockMhz, Direction::kNone},  // a condition of the run, used for normalisation
}};
constexpr std::array<NameRule, 13> kUnitSuffixes = {{
    // rates: higher is better (checked before the time suffixes: "_per_s" ends in "_s")
    {"_gbs", Direction::kHigherIsBetter},
    {"_gbps", Direction::kHigherIsBetter},
    {"_tflops", Direction::kHigherIsBetter},
    {"_gflops", Direction::kHigherIsBetter},
    {"_tops", Direction::kHigherIsBetter},
    {"_gops", Direction::kHigherIsBetter},
    {"_per_s", Direction::kHigherIsBetter},
    {"_per_second", Direction::kHigherIsBetter},
    // times: lower is better
    {"_ns", Direction::kLowerIsBetter},
    {"_us", Direction::kLowerIsBetter},
    {"_ms", Direction::kLowerIsBetter},
    {"_s", Direction::kLowerIsBetter},
    {"_cycles", Direction::kLowerIsBetter},
}};

// In the order a person looks for them; the first one a benchmark has is its primary figure.
constexpr std::array<std::string_view, 7> kPrimaryFigures = {
    counters::kBandwidthGbs, counters::kTflops,    counters::kTops,          counters::kOpsPerS,
    counters::kLatencyNs,    counters::kLatencyUs, counters::kLatencyCycles,
};

}  // namespace

Direction metric_direction(std::string_view metric) {
  for (const auto& rule : kExactNames) {
    if (metric == rule.text) return rule.direction;
  }
  if (metric.starts_with("latency_")) return Direction::kLowerIsBetter;
  for (const auto& rule : kUnitSuffixes) {
    if (ends_with(metric, rule.text)) return rule.direction;
  }
  return Direction::kNone;
}

std::string_view to_string(Direction direction) {
  switch (direction) {
    case Direction::kLowerIsBetter:
      return "lower_is_better";
    case Direction::kHigherIsBetter:
      return "higher_is_better";
    case Direction::kNone:
      break;
  }
  return "none";
}

std::string primary_metric(const std::vector<std::string>& metrics_present) {
  for (const std::string_view figure : kPrimaryFigures) {
    if (std::find(metrics_present.begin(), metrics_present.end(), figure) !=
        metrics_present.end()) {
      return std::string(figure);
    }
  }
  return "real_time";
}

bool may_be_primary_figure(std::string_view counter_name) {
  return std::find(kPrimaryFigures.begin(), kPrimaryFigures.end(), counter_name) !=
         kPrimaryFigures.end();
}

bool noise_follows_timed_samples(std::string_view metric) {
  // Measured on the device by the kernel (compute_suite's and memory_suite's latency rows), or by
  // the host around the repetition: not a function of the timed samples.
  constexpr std::array<std::string_view, 3> kOwnMeasurements = {counters::kLatencyCycles,
                                                                counters::kLatencyNs, "cpu_time"};
  return std::find(kOwnMeasurements.begin(), kOwnMeasurements.end(), metric) ==
         kOwnMeasurements.end();
}

MetricSelector::MetricSelector(const std::optional<std::string>& regex, bool all_metrics)
    : all_metrics_(all_metrics) {
  if (regex) regex_ = compile_user_regex(*regex, "--metric");
}

bool MetricSelector::selects(const std::string& metric) const {
  const auto cached = decided_.find(metric);
  if (cached != decided_.end()) return cached->second;
  bool selected = false;
  if (metric_direction(metric) != Direction::kNone) {
    // cpu_time is the host's time around the GPU's work: never compared unless asked by name.
    selected = regex_ ? std::regex_search(metric, *regex_) : metric != "cpu_time";
  }
  decided_.emplace(metric, selected);
  return selected;
}

BenchmarkFilter::BenchmarkFilter(const std::optional<std::string>& regex) {
  if (!regex) return;
  regex_ = compile_user_regex(*regex, "--benchmark");
  text_ = *regex;
}

bool BenchmarkFilter::selects(const std::string& run_name) const {
  return !regex_ || std::regex_search(run_name, *regex_);
}

double time_unit_in_ns(std::string_view unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return std::numeric_limits<double>::quiet_NaN();
}

double time_unit_factor(std::string_view from, std::string_view to) {
  const double a = time_unit_in_ns(from);
  const double b = time_unit_in_ns(to);
  if (std::isnan(a) || std::isnan(b)) {
    throw UserError(
        fmt::format("Unknown time unit \"{}\" (google/benchmark writes ns, us, ms or s).",
                    std::isnan(a) ? from : to));
  }
  return a / b;
}

}  // namespace gpubench
