#pragma once
// The table `gpubench run` prints when it finishes: one row per benchmark with its headline figure
// (median), its spread, and how it compares with the documented specs.

#include <string>

#include "model/results_file.hpp"

namespace gpubench {

// Rows from the median aggregates: the first of bandwidth_gbs, tflops, tops, latency_ns present,
// the coefficient of variation of that counter across repetitions, the within-repetition
// noise_pct, pct_of_spec, vs_counterpart and sm_clock_mhz where present; failed benchmarks as
// FAILED. Benchmarks with throttled samples (see sample_series.hpp) are listed under the table.
std::string format_run_summary(const ResultsFile& results);

}  // namespace gpubench
