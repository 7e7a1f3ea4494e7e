#pragma once
// Which metrics of a results file compare and history look at, and which way is better for each.

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gpubench/counter_descriptors.hpp"

namespace gpubench {

// Which way is better for a metric: its descriptor's (gpubench/counter_descriptors.hpp), for
// google/benchmark's real_time and cpu_time as for gpubench's counters. kNone: bookkeeping (bytes,
// MHz, samples, windows) or a name without a descriptor, never judged.
using counters::Direction;
Direction metric_direction(std::string_view metric);
std::string_view to_string(Direction direction);

// The figure a person looks for in a benchmark: of the primary figures it has, the one of lowest
// primary_rank in its descriptor (bandwidth_gbs, tflops, tops, ops_per_s, latency_ns, latency_us,
// latency_cycles), else real_time.
std::string primary_metric(const std::vector<std::string>& metrics_present);
// Whether a counter can be a primary figure (one of the names above; real_time is no counter).
bool may_be_primary_figure(std::string_view counter_name);

// Whether a metric is computed from the median of the timing loop's samples, so that the relative
// IQR of those samples (noise_pct) is its own noise inside a repetition: real_time (the median
// itself), latency_us (the median again) and every rate or ratio over it (bandwidth_gbs, tflops,
// tops, ops_per_s, pct_of_spec, vs_counterpart, ...). Work / time maps the samples' quartiles onto
// its own (1/x is monotone), so its relative IQR equals the time's to within r^2/4 (r = 5%: 0.06%
// of r). false for figures the kernel measures itself with the device's clocks (latency_cycles,
// the pointer chase's latency_ns; one value per repetition, not a median of the timed samples) and
// for cpu_time (the host's time around the whole repetition): the spread of their repetitions is
// all that is known of their noise. Read from the descriptor's `noise`; an unknown metric counts
// as timed (the larger noise: never a false SLOWER for lack of a descriptor).
bool noise_follows_timed_samples(std::string_view metric);

// Chooses the metrics compared. With a regex: every metric with a direction whose name it matches
// (std::regex_search, ECMAScript). With all_metrics: every metric whose descriptor says `analysis`
// judges it (real_time, the primary figure and its restatements such as pct_of_spec and
// vs_counterpart; never bookkeeping). Otherwise the same candidates are read, and primary_only()
// tells the caller to keep the primary figure.
class MetricSelector {
 public:
  // Throws UserError on a bad regex.
  explicit MetricSelector(const std::optional<std::string>& regex, bool all_metrics = false,
                          counters::Judge analysis = counters::kCompare);
  bool selects(const std::string& metric) const;
  bool primary_only() const { return !regex_ && !all_metrics_; }

 private:
  std::optional<std::regex> regex_;
  bool all_metrics_ = false;
  counters::Judge analysis_ = counters::kCompare;
  mutable std::unordered_map<std::string, bool> decided_;
};

// Which benchmarks (by run_name) compare, history and report look at: std::regex_search
// (ECMAScript) of --benchmark REGEX; every benchmark without one.
class BenchmarkFilter {
 public:
  // Throws UserError naming the option on a bad regex.
  explicit BenchmarkFilter(const std::optional<std::string>& regex);
  bool selects(const std::string& run_name) const;
  bool active() const { return regex_.has_value(); }
  const std::string& text() const { return text_; }

 private:
  std::optional<std::regex> regex_;
  std::string text_;
};

// Converts time values between google/benchmark time units ("ns", "us", "ms", "s"). Throws
// UserError for another unit.
double time_unit_factor(std::string_view from, std::string_view to);
// Nanoseconds per unit, NaN for a unit google/benchmark does not write.
double time_unit_in_ns(std::string_view unit);

}  // namespace gpubench
