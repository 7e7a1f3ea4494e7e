// `gpubench compare BASE.json NEW.json`: what got slower or faster between two runs, by how much,
// and whether that is more than noise. Needs no GPU. Exit 0: no regression; 1: at least one
// benchmark SLOWER (or failing in the new run); 2: bad input.

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>

#include "analysis/compare.hpp"
#include "cli/commands.hpp"
#include "model/results_file.hpp"
#include "platform/atomic_file.hpp"
#include "render/compare_render.hpp"

namespace gpubench::cli {

void add_compare_command(CLI::App& app, ExitCode& result) {
  struct Options {
    std::string base;
    std::string candidate;
    std::optional<std::string> metric;
    double alpha = 0.05;
    double threshold_pct = 3.0;
    bool allow_different_gpu = false;
    bool json = false;
    std::string junit;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "compare",
      "Compare two results files (google/benchmark JSON, gpubench runs or not) benchmark by "
      "benchmark: median change, Mann-Whitney U test, verdict FASTER/SLOWER/SAME/UNSURE. Exit 0 "
      "no regression, 1 at least one SLOWER, 2 bad input. No GPU needed.");
  command->add_option("base", options->base, "Baseline results file")->required();
  command->add_option("new", options->candidate, "New results file")->required();
  command->add_option("--metric", options->metric,
                      "Regex of the metrics to compare (default: real_time and every rate "
                      "counter, e.g. bandwidth_gbs, pct_of_spec)");
  command->add_option("--alpha", options->alpha, "Significance level of the U test")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command
      ->add_option("--threshold", options->threshold_pct, "Smallest change that counts, in percent")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--allow-different-gpu", options->allow_different_gpu,
                    "Compare runs made on different GPU models");
  command->add_flag("--json", options->json, "Print JSON instead of the table");
  command->add_option("--junit", options->junit,
                      "Also write a JUnit XML report here (one test case per benchmark)");
  command->callback([options, &result] {
    const ResultsFile base = load_results_file(options->base);
    const ResultsFile candidate = load_results_file(options->candidate);
    CompareOptions compare_options;
    compare_options.metric_regex = options->metric;
    compare_options.alpha = options->alpha;
    compare_options.threshold = options->threshold_pct / 100.0;
    compare_options.allow_different_gpu = options->allow_different_gpu;
    const Comparison comparison = compare_runs(base, candidate, compare_options);
    if (!options->junit.empty()) {
      write_file_atomically(options->junit, comparison_to_junit(comparison));
    }
    fmt::print(
        "{}", options->json ? comparison_to_json(comparison) : format_comparison_table(comparison));
    result = comparison.has_regression() ? ExitCode::kRegressionOrFailedCheck : ExitCode::kOk;
  });
}

}  // namespace gpubench::cli
