#include "analysis/compare_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/regex_guard.hpp"
#include "gpubench/counter_descriptors.hpp"
#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

using counters::Descriptor;
using counters::find_descriptor;

}  // namespace

Direction metric_direction(std::string_view metric) {
  const Descriptor* row = find_descriptor(metric);
  return row != nullptr ? row->direction : Direction::kNone;
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
  const Descriptor* primary = counters::primary_figure(metrics_present);
  return std::string(primary != nullptr ? primary->name : counters::kRealTime);
}

bool may_be_primary_figure(std::string_view counter_name) {
  const Descriptor* row = find_descriptor(counter_name);
  return row != nullptr && row->primary_rank > 0;
}

bool noise_follows_timed_samples(std::string_view metric) {
  // An unknown metric counts as timed: the larger noise, never a false SLOWER for lack of a row.
  const Descriptor* row = find_descriptor(metric);
  return row == nullptr || row->noise == counters::Noise::kTimedSamples;
}

MetricSelector::MetricSelector(const std::optional<std::string>& regex, bool all_metrics,
                               counters::Judge analysis)
    : all_metrics_(all_metrics), analysis_(analysis) {
  if (regex) regex_ = compile_user_regex(*regex, "--metric");
}

bool MetricSelector::selects(const std::string& metric) const {
  const auto cached = decided_.find(metric);
  if (cached != decided_.end()) return cached->second;
  bool selected = false;
  if (metric_direction(metric) != Direction::kNone) {
    // A regex picks any figure with a direction (cpu_time, the host's time around the GPU's work,
    // only so); otherwise those the analysis judges.
    selected = regex_ ? std::regex_search(metric, *regex_) : counters::judged_by(metric, analysis_);
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
