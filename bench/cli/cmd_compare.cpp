// `gpubench compare BASE.json NEW.json`: what got slower or faster between two runs, by how much,
// and whether that is more than noise. Needs no GPU. Exit 0: no regression; 1: at least one
// benchmark SLOWER (or failing in the new run); 2: bad input.

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "cli/verdict_options.hpp"
#include "model/results_file.hpp"
#include "platform/atomic_file.hpp"
#include "render/compare_render.hpp"

namespace gpubench::cli {

void add_compare_command(CLI::App& app, ExitCode& result) {
  struct Options {
    std::string base;
    std::string candidate;
    VerdictCliOptions verdict;
    bool allow_different_gpu = false;
    bool json = false;
    std::string junit;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "compare",
      "Compare two results files (gpubench runs or plain google/benchmark JSON) benchmark by "
      "benchmark: the change of each benchmark's primary figure and a verdict "
      "FASTER/SLOWER/SAME/UNSURE that weighs it against the recorded noise. Exit 0 no regression, "
      "1 at least one SLOWER (or failed, or contended), 2 bad input. No GPU needed.");
  set_help_example(*command, "gpubench compare base.json run.json");
  command->add_option("base", options->base, "Baseline results file")->required();
  command->add_option("new", options->candidate, "New results file")->required();
  add_verdict_options(*command, options->verdict);
  command->add_flag("--allow-different-gpu", options->allow_different_gpu,
                    "Compare runs made on different GPU models");
  command->add_flag("--json", options->json, "Print JSON instead of the table");
  command->add_option("--junit", options->junit,
                      "Also write a JUnit XML report here (one test case per benchmark)");
  command->callback([options, &result] {
    const ResultsFile base = load_results_file(options->base);
    const ResultsFile candidate = load_results_file(options->candidate);
    CompareOptions compare_options;
    options->verdict.apply_to(compare_options);
    compare_options.allow_different_gpu = options->allow_different_gpu;
    const Comparison comparison = compare_runs(base, candidate, compare_options);
    if (!options->junit.empty()) {
      write_file_atomically(options->junit, comparison_to_junit(comparison));
    }
    fmt::print(
        "{}", options->json ? comparison_to_json(comparison) : format_comparison_table(comparison));
    std::vector<std::string> contended;
    for (const BenchmarkComparison* benchmark : comparison.contended())
      contended.push_back(benchmark->name);
    std::fflush(stdout);
    warn_contended(contended, compare_options.allow_contended);
    result = comparison.has_regression() ? ExitCode::kRegressionOrFailedCheck : ExitCode::kOk;
  });
}

}  // namespace gpubench::cli
