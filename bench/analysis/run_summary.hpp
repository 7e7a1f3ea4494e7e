#pragma once
// The table `gpubench run` prints when it finishes: one row per benchmark with its headline figure
// (median), its spread, and how it compares with the documented specs.

#include <set>
#include <string>

#include "gpubench/errors.hpp"
#include "model/results_file.hpp"

namespace gpubench {

// Rows from the median aggregates: the first of bandwidth_gbs, tflops, tops, latency_ns present,
// the coefficient of variation of that counter across repetitions, the within-repetition
// noise_pct, pct_of_spec, vs_counterpart and sm_clock_mhz where present; failed benchmarks as
// FAILED. Benchmarks with throttled samples (see sample_series.hpp) are listed under the table.
// Benchmarks measured while NVML could not tell whether the GPU was shared (contention_unknown)
// and those with display activity are listed likewise.
std::string format_run_summary(const ResultsFile& results);

// The benchmarks with a repetition measured on a shared GPU (counter contended), by run name.
std::set<std::string> contended_benchmarks(const ResultsFile& results);

// What `gpubench run` exits with: 1 when a benchmark failed, or under --strict when one was
// contended; else 0. A figure whose contention is unknown is not contended.
ExitCode run_exit_code(const ResultsFile& results, bool strict);

}  // namespace gpubench
