#pragma once
// Each subcommand registers itself on the app and reports its exit code through `result`.
// Failures the user can act on are thrown as gpubench::UserError and printed by main().

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "gpubench/errors.hpp"

namespace gpubench::cli {

void add_check_command(CLI::App& app, ExitCode& result);
void add_compare_command(CLI::App& app, ExitCode& result);
void add_export_command(CLI::App& app, ExitCode& result);
void add_fleet_command(CLI::App& app, ExitCode& result);
void add_history_command(CLI::App& app, ExitCode& result);
void add_info_command(CLI::App& app, ExitCode& result);
void add_report_command(CLI::App& app, ExitCode& result);
void add_run_command(CLI::App& app, ExitCode& result);
void add_specs_command(CLI::App& app, ExitCode& result);

// `gpubench check`'s work, also behind `gpubench run --check`: prints the verdicts (text or JSON),
// writes the JUnit file when one is named, returns 1 on any FAIL.
ExitCode check_results_files(const std::vector<std::string>& runs, const std::string& thresholds,
                             const std::string& junit, bool json);

}  // namespace gpubench::cli
