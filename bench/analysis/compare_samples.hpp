#pragma once
// The repetitions of every benchmark and metric in a results file, as compare and history judge
// them: values, the SM clock and the noise recorded with each repetition, and whether the GPU was
// shared while it ran.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/compare_metrics.hpp"
#include "analysis/verdict.hpp"
#include "model/results_file.hpp"

namespace gpubench {

struct MetricSamples {
  std::string unit;                  // time unit for real_time/cpu_time, "" for counters
  std::vector<double> values;        // one per repetition
  std::vector<double> sm_clock_mhz;  // parallel to values; NaN where the record has no clock
  // Parallel to values: the relative IQR of the repetition's timed samples (noise_pct / 100) for
  // a metric computed from them (noise_follows_timed_samples); 0 where the repetition records
  // fewer than 3 samples (no noise_pct) or the metric is measured otherwise (its repetitions are
  // then its only samples); NaN where the repetition records no samples.
  std::vector<double> noise;

  // What the verdict needs: the values, and the largest recorded noise when every repetition
  // records its samples (nullopt otherwise).
  Repetitions repetitions() const;
};

struct RunSamples {
  std::string run_name;
  bool from_aggregate = false;  // no repetitions: the aggregate median (else mean) as one sample
  bool contended = false;       // a repetition carries contended = 1: the GPU was shared
  std::optional<std::string> failure;  // the error/skip message when a repetition failed
  std::map<std::string, MetricSamples> metrics;
};

// Per run_name (in file order) that the filter selects, the samples of every selected metric
// (only the primary figure when selector.primary_only()): iteration records only, falling back to
// the median (else mean) aggregate with n = 1 when there are none. Throws UserError naming the
// file, benchmark and metric for a value that is NaN, infinite or negative, or an unknown time
// unit.
std::vector<RunSamples> extract_samples(const ResultsFile& file, const MetricSelector& selector,
                                        const BenchmarkFilter& filter = BenchmarkFilter({}));

// A CounterFilter for load_results_file: the counters extract_samples reads when the selector
// keeps the primary figure only (the candidate figures, the clock, the noise, the contention
// flag), and every negative value, which it refuses. With it extract_samples sees the same.
bool read_for_primary_figure(std::string_view counter_name, double value);

}  // namespace gpubench
