#include "cli/verdict_options.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace gpubench::cli {

void VerdictCliOptions::apply_to(VerdictOptions& options) const {
  options.metric_regex = metric;
  options.all_metrics = all_metrics;
  options.benchmark_regex = benchmark;
  options.alpha = alpha;
  options.threshold = threshold_pct / 100.0;
  options.allow_contended = allow_contended;
}

CLI::Option* add_benchmark_option(CLI::App& command, std::optional<std::string>& regex) {
  return command.add_option("--benchmark", regex,
                            "Only the benchmarks whose name matches this regex (e.g. "
                            "'^memory/stream', 'gemm/.*/fp16')");
}

void add_verdict_options(CLI::App& command, VerdictCliOptions& options) {
  add_benchmark_option(command, options.benchmark);
  command.add_flag("--all-metrics", options.all_metrics,
                   "Every judged metric, not only each benchmark's primary figure (adds real_time, "
                   "pct_of_spec, vs_counterpart and the other restatements)");
  command.add_option("--metric", options.metric,
                     "Regex of the metrics to judge instead (e.g. 'pct_of_spec|latency')");
  command
      .add_option("--threshold", options.threshold_pct,
                  "Smallest change that counts, in percent (it must also exceed 3x the noise)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command
      .add_option("--alpha", options.alpha,
                  "Significance level of the Mann-Whitney U test used for files without "
                  "per-repetition noise")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command.add_flag("--allow-contended", options.allow_contended,
                   "Judge figures measured while the GPU was shared (else they are an error)");
}

void warn_contended(const std::vector<std::string>& names, bool allowed) {
  if (names.empty()) return;
  std::string list;
  for (std::size_t i = 0; i < names.size() && i < 5; ++i)
    list += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > 5) list += fmt::format(" and {} more", names.size() - 5);
  fmt::print(stderr, "gpubench: warning: {} figure{} measured while the GPU was shared: {}; {}.\n",
             names.size(), names.size() == 1 ? "" : "s", list,
             allowed ? "judged anyway (--allow-contended)"
                     : "treated as an error; rerun on an idle GPU or pass --allow-contended");
}

}  // namespace gpubench::cli
