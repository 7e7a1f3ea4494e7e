#pragma once
// `gpubench compare`: two results files, matched benchmark by benchmark (run_name) and metric by
// metric, with a verdict per metric that a CI job can gate on (analysis/verdict.hpp says how a
// verdict is reached). By default one metric per benchmark: its primary figure. `gpubench
// history` reuses the sample extraction and the verdict for its steps between driver versions.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/compare_format.hpp"
#include "analysis/compare_metrics.hpp"
#include "analysis/compare_samples.hpp"
#include "analysis/verdict.hpp"
#include "model/results_file.hpp"

namespace gpubench {

// What compare and history judge, and how (their shared command-line options).
struct VerdictOptions {
  std::optional<std::string> metric_regex;  // overrides the choice below
  bool all_metrics = false;  // the primary figure and its restatements (pct_of_spec, ...)
  std::optional<std::string> benchmark_regex;  // only the benchmarks whose run_name it matches
  double alpha = 0.05;
  double threshold = 0.03;  // relative change, 0.03 = 3%
  // Judge figures measured while the GPU was shared (contended) instead of treating them as an
  // error.
  bool allow_contended = false;

  VerdictRule rule() const { return {alpha, threshold}; }
};

struct CompareOptions : VerdictOptions {
  bool allow_different_gpu = false;
};

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

// Which side of a comparison was measured while the GPU was shared.
enum class Contention { kNone, kBase, kCandidate, kBoth };
std::string_view to_string(Contention contention);

struct BenchmarkComparison {
  std::string name;  // run_name
  Verdict verdict = Verdict::kSame;
  Contention contended = Contention::kNone;
  std::optional<std::string> failure;  // why the verdict is ERROR
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
  // Benchmarks measured while the GPU was shared, on either side.
  std::vector<const BenchmarkComparison*> contended() const;
  // At least one SLOWER or ERROR: `gpubench compare` exits 1.
  bool has_regression() const;
  // How many compared benchmarks could resolve a change of the threshold (a benchmark resolves
  // it when each of its metrics does; a failed one is no row).
  Resolution resolution() const;
};

// Throws UserError for options out of range, files with no benchmark in common (an empty new run
// must not pass), a --benchmark regex that selects no benchmark or a --metric regex that selects
// no metric in either file, bad values (see extract_samples), and runs on different GPU models
// unless allow_different_gpu.
Comparison compare_runs(const ResultsFile& base, const ResultsFile& candidate,
                        const CompareOptions& options);

// Throws UserError for --alpha outside (0, 1) or a negative --threshold.
void validate_rule(const VerdictRule& rule);

// "GPU, driver D, date, host H" for a run, or why there is no such line.
std::string side_label(const RunIdentity& identity);
// One metric's comparison on one line: values, change, verdict, noise, clock-normalised change.
std::string metric_line(const MetricComparison& m);

}  // namespace gpubench
