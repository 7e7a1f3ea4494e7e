// gpubench: GPU microbenchmarks measured against the documented specs of the card and its
// counterpart.

#include <fmt/format.h>

#include <cstdio>
#include <exception>

#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "model/results_file.hpp"

int main(int argc, char** argv) {
  using gpubench::ExitCode;
  CLI::App app{
      "gpubench: what your NVIDIA GPU really delivers, against its documented specs and its "
      "counterpart's.\nExit codes: 0 ok, 1 failed verification or regression, 2 bad input or no "
      "usable GPU/driver."};
  app.set_version_flag("--version", std::string(gpubench::gpubench_version()));
  app.require_subcommand(1);

  ExitCode result = ExitCode::kOk;
  gpubench::cli::add_info_command(app, result);
  gpubench::cli::add_report_command(app, result);
  gpubench::cli::add_run_command(app, result);
  gpubench::cli::add_specs_command(app, result);
  gpubench::cli::add_compare_command(app, result);
  gpubench::cli::add_history_command(app, result);
  gpubench::cli::add_fleet_command(app, result);
  gpubench::cli::add_check_command(app, result);
  gpubench::cli::add_export_command(app, result);
  // After the commands: each set its own example, and a subcommand copies its parent's formatter.
  gpubench::cli::set_help_example(app, "gpubench run --quick --out run.json");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : static_cast<int>(ExitCode::kBadInputOrNoGpu);
  } catch (const gpubench::UserError& error) {
    std::fflush(stdout);
    fmt::print(stderr, "gpubench: {}\n", error.what());
    return static_cast<int>(error.code());
  } catch (const std::exception& error) {
    std::fflush(stdout);
    fmt::print(stderr, "gpubench: internal error: {}; please report it with the command line.\n",
               error.what());
    return static_cast<int>(ExitCode::kBadInputOrNoGpu);
  }
  return static_cast<int>(result);
}
