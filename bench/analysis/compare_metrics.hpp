#pragma once
// Which metrics of a results file compare and history look at, and which way is better for each.

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gpubench {

// Which way is better for a metric, decided from its name (google/benchmark's real_time and
// cpu_time, or a gpubench counter whose name carries its unit). kNone: a parameter or a condition
// (bytes, MHz), never judged.
enum class Direction { kLowerIsBetter, kHigherIsBetter, kNone };
Direction metric_direction(std::string_view metric);
std::string_view to_string(Direction direction);

// The figure a person looks for in a benchmark: the first of bandwidth_gbs, tflops, tops,
// ops_per_s, latency_ns, latency_us, latency_cycles that it has, else real_time.
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
// all that is known of their noise. An unknown metric counts as timed (the larger noise: never a
// false SLOWER for lack of a name here).
bool noise_follows_timed_samples(std::string_view metric);

// Chooses the metrics compared. With a regex: every metric with a direction whose name it matches
// (std::regex_search, ECMAScript). With all_metrics: real_time and every counter with a direction
// (the primary figure plus its restatements such as pct_of_spec and vs_counterpart). Otherwise
// the same candidates are read, and primary_only() tells the caller to keep the primary figure.
class MetricSelector {
 public:
  // Throws UserError on a bad regex.
  explicit MetricSelector(const std::optional<std::string>& regex, bool all_metrics = false);
  bool selects(const std::string& metric) const;
  bool primary_only() const { return !regex_ && !all_metrics_; }

 private:
  std::optional<std::regex> regex_;
  bool all_metrics_ = false;
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
