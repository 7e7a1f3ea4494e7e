// `gpubench export RUN.json... --openmetrics [-o FILE]`: each run's figures, percentages of spec
// and check verdicts as OpenMetrics gauges for Prometheus (docs/monitoring.md): written atomically,
// as node_exporter's textfile collector requires, or printed for a push to a Pushgateway
// (scripts/push_metrics.sh). Exit codes: 0 written, 2 bad input. Needs no GPU.

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "analysis/check.hpp"
#include "analysis/report.hpp"
#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"
#include "platform/atomic_file.hpp"
#include "render/check_render.hpp"

namespace gpubench::cli {
namespace {

struct ExportCommandOptions {
  std::vector<std::string> runs;
  std::string thresholds;
  std::string benchmark;
  std::string out;
  bool openmetrics = false;
};

ExitCode export_runs(const ExportCommandOptions& options) {
  if (!options.openmetrics) {
    throw UserError("export needs a format: give --openmetrics (the only one so far).");
  }
  const ThresholdSet thresholds =
      options.thresholds.empty() ? ThresholdSet{} : load_thresholds(options.thresholds);
  const SpecDatabase& database = SpecDatabase::builtin();
  std::vector<ExportedRun> runs;
  for (const std::string& path : options.runs) {
    const ResultsFile run = load_results_file(path);
    runs.push_back({check_run(run, database, thresholds),
                    build_report(run, database, ReportOptions{"", options.benchmark})});
  }
  const std::string text = render_openmetrics(runs);
  if (options.out.empty() || options.out == "-") {
    fmt::print("{}", text);
  } else {
    write_file_atomically(options.out, text);
  }
  return ExitCode::kOk;
}

}  // namespace

void add_export_command(CLI::App& app, ExitCode& result) {
  auto options = std::make_shared<ExportCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "export",
      "Export results files as OpenMetrics gauges for Prometheus (figures, percent of spec, check "
      "verdicts), for node_exporter's textfile collector or a Pushgateway. Needs no GPU.");
  set_help_example(*command, "gpubench export run.json --openmetrics -o gpubench.prom");
  command->add_option("runs", options->runs, "Results files written by gpubench run")->required();
  command->add_flag("--openmetrics", options->openmetrics, "OpenMetrics text (gauges)");
  command->add_option("-o,--out", options->out,
                      "Write to this file atomically (e.g. the textfile collector's "
                      "directory/gpubench.prom); default: stdout");
  command->add_option("--thresholds", options->thresholds,
                      "TOML thresholds file for the check verdicts (as gpubench check)");
  command->add_option("--benchmark", options->benchmark,
                      "Only the benchmarks whose name matches this regular expression (bounds the "
                      "series count)");
  command->callback([options, &result] { result = export_runs(*options); });
}

}  // namespace gpubench::cli
