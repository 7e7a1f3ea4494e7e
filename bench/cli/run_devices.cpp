#include "cli/run_devices.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analysis/fleet.hpp"
#include "model/results_file.hpp"
#include "render/text_table.hpp"

namespace gpubench::cli {
namespace {

std::optional<int> parse_ordinal(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::vector<std::string> own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> arguments;
  std::string argument;
  while (std::getline(in, argument, '\0'))
    arguments.push_back(argument);
  return arguments;
}

struct DeviceRun {
  int ordinal = 0;
  int exit_code = -1;
  std::optional<std::filesystem::path> results;
};

// Runs one child to completion; Ctrl-C reaches the child (same process group), which stops after
// its current benchmark, while this process waits for it.
int run_child(const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  for (const auto& argument : arguments)
    argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t child = ::fork();
  if (child < 0) throw UserError("Cannot start a run for the next GPU (fork failed); try again.");
  if (child == 0) {
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  struct sigaction ignore {};
  struct sigaction previous_int {
  }, previous_term{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, &previous_int);
  ::sigaction(SIGTERM, &ignore, &previous_term);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  ::sigaction(SIGINT, &previous_int, nullptr);
  ::sigaction(SIGTERM, &previous_term, nullptr);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

std::string status_text(int exit_code) {
  switch (exit_code) {
    case 0:
      return "ok";
    case 1:
      return "FAILED (a benchmark failed)";
    case 2:
      return "FAILED (unusable GPU or bad input)";
    default:
      return fmt::format("FAILED (exit {})", exit_code);
  }
}

void print_summary(const std::vector<DeviceRun>& runs) {
  std::vector<std::string> header = {"GPU", "name", "status"};
  for (const auto label : headline_labels())
    header.emplace_back(label);
  header.emplace_back("results file");
  std::vector<std::vector<std::string>> rows;
  for (const DeviceRun& run : runs) {
    std::vector<std::string> row = {std::to_string(run.ordinal), "-", status_text(run.exit_code)};
    std::vector<std::optional<NodeHeadline>> figures(header.size() - 4);
    if (run.results) {
      try {
        const ResultsFile file = load_results_file(*run.results);
        row[1] = file.context_value(context_keys::kGpuName).value_or("-");
        figures = headline_figures(file);
      } catch (const UserError& error) {
        row[2] += fmt::format(" ({})", error.what());
      }
    }
    for (const auto& figure : figures) {
      row.push_back(
          !figure ? "-"
          : figure->unit.empty()
              ? fmt::format("{:.4g} {}", figure->median, figure->metric)
              : fmt::format("{:.4g} {} [{}]", figure->median, figure->metric, figure->unit));
    }
    row.push_back(run.results ? run.results->string() : "-");
    rows.push_back(std::move(row));
  }
  fmt::print("\nOne row per GPU (medians of the headline figures):\n{}",
             format_text_table(
                 header, rows, [](std::size_t) { return false; }, "  "));
}

}  // namespace

bool names_one_device(std::string_view spec) {
  return spec.empty() || parse_ordinal(spec).has_value();
}

std::vector<int> parse_device_list(std::string_view spec, int visible) {
  std::set<int> ordinals;
  if (spec == "all") {
    for (int i = 0; i < visible; ++i)
      ordinals.insert(i);
  } else {
    std::string_view rest = spec;
    while (true) {
      const auto comma = rest.find(',');
      const auto ordinal = parse_ordinal(rest.substr(0, comma));
      if (!ordinal) {
        throw UserError(
            fmt::format("--device \"{}\": give one ordinal, a list such as 0,2, or all.", spec));
      }
      if (*ordinal >= visible) {
        throw UserError(fmt::format("--device {}: device {} does not exist ({} visible, 0..{}).",
                                    spec, *ordinal, visible, visible - 1));
      }
      ordinals.insert(*ordinal);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (ordinals.empty()) throw UserError("--device all: no CUDA device is visible.");
  return {ordinals.begin(), ordinals.end()};
}

std::vector<std::string> command_line_without_device_options(std::vector<std::string> arguments) {
  static const std::set<std::string> kDropped = {"--device", "--out-suffix", "--results-path-file"};
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    const auto equals = argument.find('=');
    const std::string name = argument.substr(0, equals);
    if (!kDropped.contains(name)) {
      kept.push_back(argument);
    } else if (equals == std::string::npos) {
      ++i;  // its value follows
    }
  }
  return kept;
}

ExitCode run_on_devices(const std::vector<int>& ordinals, const std::string& out) {
  if (!out.empty()) {
    if (std::filesystem::exists(out) && !std::filesystem::is_directory(out)) {
      throw UserError(fmt::format(
          "--out {} is a file; with several GPUs --out names a directory for their results.", out));
    }
    std::filesystem::create_directories(out);
  }
  const std::vector<std::string> base = command_line_without_device_options(own_command_line());
  const auto scratch = std::filesystem::temp_directory_path() /
                       fmt::format("gpubench-devices-{}", static_cast<long>(::getpid()));
  std::filesystem::create_directories(scratch);
  std::vector<DeviceRun> runs;
  for (const int ordinal : ordinals) {
    fmt::print(stderr, "gpubench: GPU {} ({} of {})\n", ordinal, runs.size() + 1, ordinals.size());
    const auto path_file = scratch / fmt::format("gpu{}", ordinal);
    std::vector<std::string> arguments = base;
    for (const std::string& extra :
         {std::string("--device"), std::to_string(ordinal), std::string("--out-suffix"),
          fmt::format("-gpu{}", ordinal), std::string("--results-path-file"), path_file.string()}) {
      arguments.push_back(extra);
    }
    DeviceRun run{ordinal, run_child(arguments), std::nullopt};
    std::ifstream written(path_file);
    std::string path;
    if (std::getline(written, path) && !path.empty()) run.results = path;
    runs.push_back(run);
    if (run.exit_code == 130 || run.exit_code == 143 || run.exit_code == 129) break;
  }
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  print_summary(runs);
  const int last = runs.back().exit_code;
  if (last == 130 || last == 143 || last == 129) return static_cast<ExitCode>(last);
  const auto failed =
      std::count_if(runs.begin(), runs.end(), [](const DeviceRun& r) { return r.exit_code != 0; });
  const bool all_unusable =
      std::all_of(runs.begin(), runs.end(), [](const DeviceRun& r) { return r.exit_code == 2; });
  if (failed == 0) return ExitCode::kOk;
  fmt::print(stderr, "gpubench: {} of {} GPUs failed.\n", failed, runs.size());
  return all_unusable ? ExitCode::kBadInputOrNoGpu : ExitCode::kRegressionOrFailedCheck;
}

}  // namespace gpubench::cli
