// `gpubench fleet DIR_OR_FILES...`: results files from many nodes grouped by GPU model and profile,
// the fleet median of each benchmark's primary figure, and the nodes significantly worse than it.
// Reads the status files batch jobs leave beside the results, so nodes whose run failed are listed.
// Needs no GPU.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/check.hpp"
#include "analysis/check_learn.hpp"
#include "analysis/fleet.hpp"
#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "model/spec_database.hpp"
#include "platform/atomic_file.hpp"
#include "render/fleet_render.hpp"

namespace gpubench::cli {
namespace {

struct FleetCommandOptions {
  std::vector<std::string> inputs;
  std::optional<std::string> benchmark;
  double alpha = 0.05;
  double threshold_pct = 5.0;
  bool json = false;
  bool csv = false;
  bool verbose = false;
  bool no_plots = false;
  std::string out;
  std::string thresholds_out;  // --thresholds-out: floors learnt from these runs (TOML)
};

// Floors for `gpubench check` learnt from the fleet's runs (analysis/check_learn.hpp); files that
// cannot be read are already reported by the fleet and left out here.
void write_learnt_thresholds(const std::vector<std::filesystem::path>& files,
                             const std::string& out) {
  std::vector<CheckedRun> runs;
  for (const auto& file : files) {
    try {
      runs.push_back(check_run(load_results_file(file), SpecDatabase::builtin(), ThresholdSet{}));
    } catch (const UserError&) {
      continue;
    }
  }
  const LearntThresholds learnt = learn_thresholds(runs);
  const std::string header = fmt::format(
      "gpubench check thresholds learnt by gpubench fleet from {} run(s): per card and check,\n"
      "fail below median - {:g} x spread, warn below median - {:g} x spread, spread = max(1.4826 x "
      "MAD, {:g}% of the median).\n{}",
      runs.size(), kLearntFailK, kLearntWarnK, kLearntMinSpreadPct, fmt::join(learnt.notes, "\n"));
  write_file_atomically(out, thresholds_to_toml(learnt.set, header));
  fmt::print(stderr, "Thresholds: {} ({})\n", out, fmt::join(learnt.notes, "; "));
}

std::string document(const Fleet& fleet, const FleetCommandOptions& options) {
  std::string extension = std::filesystem::path(options.out).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".md" || extension == ".markdown") return render_fleet_markdown(fleet);
  if (extension != ".html" && extension != ".htm") {
    throw UserError(
        fmt::format("Cannot tell the report format from \"{}\": name the output file .html or .md.",
                    options.out));
  }
  std::string problem = options.no_plots ? "left out (--no-plots)." : "";
  std::vector<EmbeddedPlot> plots;
  if (!options.no_plots) {
    plots = render_fleet_plots(fleet, problem);
    if (!problem.empty()) fmt::print(stderr, "gpubench: warning: no plots: {}\n", problem);
  }
  return render_fleet_html(fleet, plots, problem);
}

ExitCode fleet(const FleetCommandOptions& options) {
  const std::vector<std::filesystem::path> inputs(options.inputs.begin(), options.inputs.end());
  std::vector<SkippedFile> skipped;
  const auto files = collect_result_files(inputs, skipped);
  const auto status_files = collect_node_status_files(inputs);
  FleetOptions fleet_options;
  fleet_options.alpha = options.alpha;
  fleet_options.threshold = options.threshold_pct / 100.0;
  fleet_options.benchmark_regex = options.benchmark;
  // A node status file given by name is not a results file.
  std::vector<std::filesystem::path> result_files;
  for (const auto& file : files) {
    if (!std::binary_search(status_files.begin(), status_files.end(), file)) {
      result_files.push_back(file);
    }
  }
  Fleet built = build_fleet(result_files, status_files, fleet_options);
  built.unreadable.insert(built.unreadable.begin(), skipped.begin(), skipped.end());
  if (built.files_read == 0 && built.failed_nodes.empty()) {
    throw UserError(fmt::format(
        "No readable results file and no node status file among {} file{}; name gpubench results "
        "files, or directories holding them.",
        result_files.size() + status_files.size(),
        result_files.size() + status_files.size() == 1 ? "" : "s"));
  }
  if (!options.thresholds_out.empty())
    write_learnt_thresholds(result_files, options.thresholds_out);
  if (!options.out.empty()) {
    write_file_atomically(options.out, document(built, options));
    fmt::print(stderr, "Fleet report: {}\n", options.out);
  }
  fmt::print("{}", options.json  ? fleet_to_json(built)
                   : options.csv ? fleet_to_csv(built)
                                 : format_fleet_text(built, options.verbose));
  const bool failures = !built.failed_nodes.empty() ||
                        std::any_of(built.groups.begin(), built.groups.end(),
                                    [](const FleetGroup& group) { return !group.failed.empty(); });
  // A file that could not be read is bad input, as for history: the others are still judged and
  // reported, and the status says the answer is incomplete before it says anything was flagged.
  if (!built.unreadable.empty()) return ExitCode::kBadInputOrNoGpu;
  return built.any_flagged() || failures ? ExitCode::kRegressionOrFailedCheck : ExitCode::kOk;
}

}  // namespace

void add_fleet_command(CLI::App& app, ExitCode& result) {
  auto options = std::make_shared<FleetCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "fleet",
      "Results files of many nodes (or directories of them) grouped by GPU model and profile: the "
      "fleet median of each benchmark and every node significantly worse than it. Exit 1 when a "
      "node is flagged or failed, 2 when a file could not be read (the others are still "
      "reported). No GPU needed.");
  set_help_example(*command, "gpubench fleet results/fleet/ -o fleet.html");
  command->add_option("inputs", options->inputs, "Results files or directories")->required();
  command->add_option("--benchmark", options->benchmark, "Regex of the benchmarks to judge");
  command->add_option("--alpha", options->alpha, "Significance level of the test")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command
      ->add_option("--threshold", options->threshold_pct,
                   "How far below the fleet median a node must be to be flagged, in percent")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  auto* json = command->add_flag("--json", options->json, "Print JSON");
  auto* csv = command->add_flag("--csv", options->csv, "Print CSV, one row per benchmark and node");
  json->excludes(csv);
  command->add_flag("-v,--verbose", options->verbose, "Print every flagged figure and benchmark");
  command->add_option("-o,--out", options->out,
                      "Also write fleet.html (self-contained, a plot per headline figure) or "
                      "fleet.md");
  command->add_flag("--no-plots", options->no_plots, "HTML without plots (no Python needed)");
  command->add_option(
      "--thresholds-out", options->thresholds_out,
      "Also write gpubench check floors learnt from these (healthy) runs, per card: "
      "median - 4 x spread (docs/health-check.md)");
  command->callback([options, &result] { result = fleet(*options); });
}

}  // namespace gpubench::cli
