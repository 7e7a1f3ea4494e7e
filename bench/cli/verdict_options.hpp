#pragma once
// The options `gpubench compare` and `gpubench history` share (which figures, which benchmarks,
// the verdict rule, contended figures), declared once; --benchmark alone for other commands.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "analysis/history.hpp"

namespace gpubench::cli {

struct VerdictCliOptions {
  std::optional<std::string> metric;
  bool all_metrics = false;
  std::optional<std::string> benchmark;
  double alpha = 0.05;
  double threshold_pct = 3.0;
  bool allow_contended = false;

  // Copies the choices into `options` (threshold as a fraction).
  void apply_to(VerdictOptions& options) const;
};

// --benchmark REGEX: only the benchmarks whose name matches (std::regex_search, ECMAScript).
CLI::Option* add_benchmark_option(CLI::App& command, std::optional<std::string>& regex);

// --metric, --all-metrics, --benchmark, --alpha, --threshold, --allow-contended.
void add_verdict_options(CLI::App& command, VerdictCliOptions& options);

// One warning line on stderr naming the benchmarks measured while the GPU was shared, and what
// was done with them.
void warn_contended(const std::vector<std::string>& names, bool allowed);

}  // namespace gpubench::cli
