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
#include <string>
#include <vector>

#include "analysis/history.hpp"
#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "cli/verdict_options.hpp"
#include "model/text_excerpt.hpp"
#include "platform/atomic_file.hpp"
#include "platform/python_script.hpp"
#include "render/embedded_scripts.hpp"
#include "render/history_render.hpp"

namespace gpubench::cli {
namespace {

// GPUBENCH_PLOT_SCRIPT, else the copy compiled into gpubench written beside the data (so an
// installed gpubench plots from any directory).
std::filesystem::path plot_script(const std::filesystem::path& data) {
  if (const char* override_path = std::getenv("GPUBENCH_PLOT_SCRIPT")) return override_path;
  return write_script(data.parent_path(), data.stem().string() + "-plot_history.py",
                      builtin_history_plot_script());
}

// Runs scripts/plot_history.py HISTORY.json OUTPUT with the first Python that has matplotlib.
void plot(const History& history, const std::filesystem::path& output) {
  const std::string extension = output.extension().string();
  if (extension != ".png" && extension != ".svg") {
    throw UserError(fmt::format("--plot {}: give a .png or .svg file name.", output.string()));
  }
  const auto data = std::filesystem::temp_directory_path() /
                    fmt::format("gpubench-history-{}.json", static_cast<long>(::getpid()));
  const std::filesystem::path script = plot_script(data);
  if (!std::filesystem::exists(script)) {
    throw UserError(
        fmt::format("The plot script {} is missing; set GPUBENCH_PLOT_SCRIPT to plot_history.py.",
                    script.string()));
  }
  const auto log = std::filesystem::path(data.string() + ".log");
  write_file_atomically(data, history_to_json(history));
  const ScriptRun run = run_matplotlib_script(script, {data.string(), output.string()}, log);
  std::error_code ignored;
  std::filesystem::remove(data, ignored);
  if (!std::getenv("GPUBENCH_PLOT_SCRIPT")) std::filesystem::remove(script, ignored);
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
    VerdictCliOptions verdict;
    bool json = false;
    bool csv = false;
    std::string plot;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "history",
      "Results files (or directories of them, searched recursively for *.json) grouped by GPU, "
      "ordered by driver version: each benchmark's primary figure per driver version, the steps "
      "that exceed the threshold and the noise marked (as compare judges them). Exit 2 when any "
      "file could not be read (each is listed with its reason; the others are still reported), "
      "else 1 when a figure measured while the GPU was shared was left out. No GPU needed.");
  set_help_example(*command, "gpubench history results/runs/ --plot history.png");
  command->add_option("inputs", options->inputs, "Results files or directories")->required();
  add_verdict_options(*command, options->verdict);
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
    options->verdict.apply_to(history_options);
    History history = build_history(files, history_options);
    history.skipped.insert(history.skipped.begin(), skipped.begin(), skipped.end());
    for (const auto& file : history.skipped) {
      fmt::print(stderr, "gpubench: skipped {}: {}\n", printable_path(file.path.string()),
                 file.reason);
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
    std::vector<std::string> contended;
    for (const auto& figure : history.contended)
      contended.push_back(fmt::format("{} in {}", figure.benchmark, figure.path.string()));
    std::fflush(stdout);
    warn_contended(contended, options->verdict.allow_contended);
    const bool left_out = !history.contended.empty() && !options->verdict.allow_contended;
    result = left_out ? ExitCode::kRegressionOrFailedCheck : ExitCode::kOk;
    if (!history.skipped.empty()) {
      // A bad file is bad input even when the others still make a history: a script must not
      // take a fleet's figures as complete when some boxes' files were left out.
      fmt::print(stderr,
                 "gpubench: {} of {} file{} skipped (listed above); the figures are from the {} "
                 "read. Fix or remove the files listed.\n",
                 history.skipped.size(), history.skipped.size() + history.files_read,
                 history.skipped.size() + history.files_read == 1 ? "" : "s", history.files_read);
      result = ExitCode::kBadInputOrNoGpu;
    }
  });
}

}  // namespace gpubench::cli
