// `gpubench check RUN.json...`: is each box healthy? PASS, WARN, FAIL or NOT CHECKED per check with
// one line of evidence (analysis/check.hpp), as text, JSON (--json) and JUnit XML (--junit FILE).
// Exit codes: 0 no FAIL, 1 any FAIL, 2 a file or the thresholds file is unreadable or wrong.
// Needs no GPU.

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "analysis/check.hpp"
#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "gpubench/json_outputs.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"
#include "platform/atomic_file.hpp"
#include "render/check_render.hpp"

namespace gpubench::cli {
namespace {

struct CheckCommandOptions {
  std::vector<std::string> runs;
  std::string thresholds;
  std::string junit;
  bool json = false;
};

ThresholdSet thresholds_from(const std::string& path) {
  return path.empty() ? ThresholdSet{} : load_thresholds(path);
}

std::vector<CheckedRun> check_runs(const std::vector<std::string>& paths,
                                   const ThresholdSet& thresholds) {
  std::vector<CheckedRun> checked;
  for (const std::string& path : paths) {
    checked.push_back(check_run(load_results_file(path), SpecDatabase::builtin(), thresholds));
  }
  return checked;
}

}  // namespace

ExitCode check_results_files(const std::vector<std::string>& runs,
                             const std::string& thresholds_path, const std::string& junit,
                             bool json) {
  const ThresholdSet thresholds = thresholds_from(thresholds_path);
  const std::vector<CheckedRun> checked = check_runs(runs, thresholds);
  if (!junit.empty()) write_file_atomically(junit, render_check_junit(checked));
  fmt::print("{}", json ? render_check_json(checked) : render_check_text(checked));
  return check_exit_code(checked);
}

void add_check_command(CLI::App& app, ExitCode& result) {
  auto options = std::make_shared<CheckCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "check",
      "Judge results files against health thresholds: PASS, WARN, FAIL or NOT CHECKED per check "
      "with its evidence; exit 1 on any FAIL (docs/health-check.md). Needs no GPU.");
  set_help_example(*command, "gpubench check run.json --junit check.xml");
  command->add_option("runs", options->runs, "Results files written by gpubench run")->required();
  command->add_option("--thresholds", options->thresholds,
                      "TOML file of floors overriding the defaults, for every card or per spec id");
  command->add_flag(
      "--json", options->json,
      fmt::format("Print the verdicts as JSON (schema_version {})", kCheckJsonSchema.version));
  command->add_option("--junit", options->junit,
                      "Also write the verdicts as JUnit XML to this file (written atomically)");
  command->callback([options, &result] {
    result = check_results_files(options->runs, options->thresholds, options->junit, options->json);
  });
}

}  // namespace gpubench::cli
