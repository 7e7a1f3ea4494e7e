#pragma once
// Each subcommand registers itself on the app and reports its exit code through `result`.
// Failures the user can act on are thrown as gpubench::UserError and printed by main().

#include <CLI/CLI.hpp>

#include "gpubench/errors.hpp"

namespace gpubench::cli {

void add_compare_command(CLI::App& app, ExitCode& result);
void add_fleet_command(CLI::App& app, ExitCode& result);
void add_history_command(CLI::App& app, ExitCode& result);
void add_info_command(CLI::App& app, ExitCode& result);
void add_report_command(CLI::App& app, ExitCode& result);
void add_run_command(CLI::App& app, ExitCode& result);
void add_specs_command(CLI::App& app, ExitCode& result);

}  // namespace gpubench::cli
