// `gpubench history DIR_OR_FILES...`: results files grouped by GPU model and ordered by driver
// version, a median per benchmark and driver version, and the significant steps marked. Needs no
// GPU. --plot draws the same data through scripts/plot_history.py (matplotlib).

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/history.hpp"
#include "cli/commands.hpp"
#include "platform/atomic_file.hpp"
#include "platform/python_script.hpp"
#include "render/history_render.hpp"

namespace gpubench::cli {
namespace {

std::filesystem::path plot_script() {
  if (const char* override_path = std::getenv("GPUBENCH_PLOT_SCRIPT")) return override_path;
  return std::filesystem::path(GPUBENCH_SCRIPTS_DIR) / "plot_history.py";
}

// Runs scripts/plot_history.py HISTORY.json OUTPUT with the first Python that has matplotlib.
void plot(const History& history, const std::filesystem::path& output) {
  const std::string extension = output.extension().string();
  if (extension != ".png" && extension != ".svg") {
    throw UserError(fmt::format("--plot {}: give a .png or .svg file name.", output.string()));
  }
  const std::filesystem::path script = plot_script();
  if (!std::filesystem::exists(script)) {
    throw UserError(
        fmt::format("The plot script {} is missing; run gpubench from its source checkout, or set "
                    "GPUBENCH_PLOT_SCRIPT to plot_history.py.",
                    script.string()));
  }
  const auto data = std::filesystem::temp_directory_path() /
                    fmt::format("gpubench-history-{}.json", static_cast<long>(::getpid()));
  const auto log = std::filesystem::path(data.string() + ".log");
  write_file_atomically(data, history_to_json(history));
  const ScriptRun run = run_matplotlib_script(script, {data.string(), output.string()}, log);
  std::error_code ignored;
  std::filesystem::remove(data, ignored);
  if (run.status != 0) {
    std::ifstream in(log);
    std::string line, last;
    while (std::getline(in, line)) {
      if (!line.empty()) last = line;
    }
    std::filesystem::remove(log, ignored);
    throw UserError(fmt::format("--plot: {}{}; {} was not written.", run.problem,
                                last.empty() ? "" : " (" + last + ")", output.string()));
  }
  std::filesystem::remove(log, ignored);
}

}  // namespace

void add_history_command(CLI::App& app, ExitCode& result) {
  struct Options {
    std::vector<std::string> inputs;
    std::optional<std::string> metric;
    double alpha = 0.05;
    double threshold_pct = 3.0;
    bool json = false;
    bool csv = false;
    std::string plot;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "history",
      "Results files (or directories of them, searched recursively for *.json) grouped by GPU, "
      "ordered by driver version: the median of each benchmark per driver version, significant "
      "steps marked. No GPU needed.");
  command->add_option("inputs", options->inputs, "Results files or directories")->required();
  command->add_option("--metric", options->metric,
                      "Regex of the metrics to show (default: real_time and every rate counter)");
  command->add_option("--alpha", options->alpha, "Significance level of the U test")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command
      ->add_option("--threshold", options->threshold_pct, "Smallest step that counts, in percent")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  auto* json = command->add_flag("--json", options->json, "Print JSON");
  auto* csv = command->add_flag("--csv", options->csv, "Print CSV, one row per driver version");
  json->excludes(csv);
  command->add_option("--plot", options->plot,
                      "Also draw one line per benchmark across driver versions (.png or .svg; "
                      "needs python3 with matplotlib)");
  command->callback([options, &result] {
    std::vector<std::filesystem::path> inputs(options->inputs.begin(), options->inputs.end());
    std::vector<SkippedFile> skipped;
    const auto files = collect_result_files(inputs, skipped);
    HistoryOptions history_options;
    history_options.metric_regex = options->metric;
    history_options.alpha = options->alpha;
    history_options.threshold = options->threshold_pct / 100.0;
    History history = build_history(files, history_options);
    history.skipped.insert(history.skipped.begin(), skipped.begin(), skipped.end());
    for (const auto& file : history.skipped) {
      fmt::print(stderr, "gpubench: skipped {}: {}\n", file.path.string(), file.reason);
    }
    if (history.files_read == 0) {
      throw UserError(
          fmt::format("No readable results file among {} file{} found; name gpubench "
                      "or google/benchmark JSON files, or directories holding them.",
                      files.size(), files.size() == 1 ? "" : "s"));
    }
    if (!options->plot.empty()) plot(history, options->plot);
    fmt::print("{}", options->json  ? history_to_json(history)
                     : options->csv ? history_to_csv(history)
                                    : format_history_table(history));
    result = ExitCode::kOk;
  });
}

}  // namespace gpubench::cli
