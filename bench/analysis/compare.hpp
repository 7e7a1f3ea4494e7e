#pragma once
// `gpubench compare`: two results files, matched benchmark by benchmark (run_name) and metric by
// metric, with a verdict per metric that a CI job can gate on. `gpubench history` reuses the
// sample extraction and the verdict (judge) for its steps between driver versions.

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/results_file.hpp"

namespace gpubench {

// Which way is better for a metric, decided from its name (google/benchmark's real_time and
// cpu_time, or a gpubench counter whose name carries its unit). kNone: a parameter or a condition
// (bytes, MHz), never judged.
enum class Direction { kLowerIsBetter, kHigherIsBetter, kNone };
Direction metric_direction(std::string_view metric);
std::string_view to_string(Direction direction);

// With change = (median_new - median_base) / median_base and noise = the two sides' relative IQRs
// added, in this order: UNSURE when a side has fewer than 3 repetitions or the sizes cannot reach
// p < alpha at all (2 / C(n1 + n2, n1) >= alpha), or when noise > max(|change|, threshold); SAME
// when |change| <= threshold; UNSURE when the Mann-Whitney p >= alpha; else FASTER or SLOWER by
// the metric's direction. ERROR: the benchmark failed (error_occurred or skipped) in the new run.
enum class Verdict { kFaster, kSlower, kSame, kUnsure, kError };
std::string_view to_string(Verdict verdict);

// The clock counter gpubench records with each repetition.
inline constexpr std::string_view kSmClockCounter = "sm_clock_mhz";

struct CompareOptions {
  std::optional<std::string> metric_regex;  // empty: real_time plus every higher-is-better counter
  double alpha = 0.05;
  double threshold = 0.03;  // relative change, 0.03 = 3%
  bool allow_different_gpu = false;
};

// Chooses the metrics compared: with a regex, every metric with a direction whose name it matches
// (std::regex_search, ECMAScript); without, real_time plus every higher-is-better counter.
class MetricSelector {
 public:
  explicit MetricSelector(const std::optional<std::string>& regex);  // UserError on a bad regex
  bool selects(const std::string& metric) const;

 private:
  std::optional<std::regex> regex_;
  mutable std::unordered_map<std::string, bool> decided_;
};

struct MetricSamples {
  std::string unit;                  // time unit for real_time/cpu_time, "" for counters
  std::vector<double> values;        // one per repetition
  std::vector<double> sm_clock_mhz;  // parallel to values; NaN where the record has no clock
};

struct RunSamples {
  std::string run_name;
  bool from_aggregate = false;  // no repetitions: the aggregate median (else mean) as one sample
  std::optional<std::string> failure;  // the error/skip message when a repetition failed
  std::map<std::string, MetricSamples> metrics;
};

// Per run_name (in file order), the samples of every selected metric: iteration records only,
// falling back to the median (else mean) aggregate with n = 1 when there are none. Throws
// UserError naming the file, benchmark and metric for a value that is NaN, infinite or negative,
// or an unknown time unit.
std::vector<RunSamples> extract_samples(const ResultsFile& file, const MetricSelector& selector);

// Converts time values between google/benchmark time units ("ns", "us", "ms", "s").
double time_unit_factor(std::string_view from, std::string_view to);

struct Judgement {
  Verdict verdict = Verdict::kUnsure;
  double base_median = 0;
  double candidate_median = 0;
  double change = 0;            // (candidate - base) / base; NaN when the base median is 0
  double base_spread = 0;       // relative IQR
  double candidate_spread = 0;  // relative IQR
  std::optional<double> p_value;
  bool exact_test = false;
  std::string reason;  // why this verdict, in a few words
};

// The verdict rule shared by compare and history (samples in the same unit).
Judgement judge(std::span<const double> base, std::span<const double> candidate,
                Direction direction, const CompareOptions& options);

struct MetricComparison {
  std::string metric;
  std::string unit;
  Direction direction = Direction::kNone;
  std::size_t base_n = 0;
  std::size_t candidate_n = 0;
  bool base_from_aggregate = false;
  bool candidate_from_aggregate = false;
  Judgement judgement;
  std::optional<double> base_clock_mhz;  // median sm_clock_mhz of the samples
  std::optional<double> candidate_clock_mhz;
  // Change of the metric per MHz of SM clock (rates divided by, times multiplied by the clock
  // recorded with each repetition); set when every sample on both sides has a clock.
  std::optional<double> clock_normalised_change;
};

struct BenchmarkComparison {
  std::string name;  // run_name
  Verdict verdict = Verdict::kSame;
  std::optional<std::string> failure;  // why the new run failed (verdict kError)
  std::vector<MetricComparison> metrics;
};

struct ManifestDifference {
  std::string key;
  std::optional<std::string> base;
  std::optional<std::string> candidate;
};

struct RunIdentity {
  std::filesystem::path path;
  bool has_manifest = false;
  std::optional<std::string> gpu_name;
  std::optional<std::string> driver_version;
  std::optional<std::string> date;
  std::optional<std::string> host_name;
};

struct Comparison {
  RunIdentity base;
  RunIdentity candidate;
  CompareOptions options;
  std::vector<ManifestDifference> manifest_differences;
  std::vector<BenchmarkComparison> benchmarks;  // in the base file's order
  std::vector<std::string> only_in_base;
  std::vector<std::string> only_in_candidate;
  std::vector<std::pair<std::string, std::string>> not_compared;  // name, reason

  std::size_t count(Verdict verdict) const;
  // At least one SLOWER or ERROR: `gpubench compare` exits 1.
  bool has_regression() const;
};

// Throws UserError for options out of range, files with no benchmark in common (an empty new run
// must not pass), a --metric regex that selects nothing in either file,
// bad values (see extract_samples), and runs on different GPU models unless allow_different_gpu.
Comparison compare_runs(const ResultsFile& base, const ResultsFile& candidate,
                        const CompareOptions& options);

// Figures as compare and history print them: "-" for none or NaN.
std::string format_value(double value);
std::string format_percent(std::optional<double> fraction, bool sign = true);
std::string format_p(std::optional<double> p);
// "GPU, driver D, date, host H" for a run, or why there is no such line.
std::string side_label(const RunIdentity& identity);
// One metric's comparison on one line: values, change, verdict, p, clock-normalised change.
std::string metric_line(const MetricComparison& m);

}  // namespace gpubench
