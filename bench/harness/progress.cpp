#include "harness/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>

#include "harness/registration.hpp"

namespace gpubench {
namespace {

std::string without_time_suffix(std::string name) {
  for (const std::string_view suffix : {"/manual_time", "/real_time"}) {
    if (name.ends_with(suffix)) name.resize(name.size() - suffix.size());
  }
  return name;
}

std::string seconds_text(double seconds) {
  if (seconds < 100) return fmt::format("{:.1f} s", seconds);
  return fmt::format("{}:{:02}", static_cast<long>(seconds) / 60, static_cast<long>(seconds) % 60);
}

std::atomic<bool> g_interrupted{false};
char g_temporary[4096] = {};
struct sigaction g_previous {};
struct sigaction g_previous_term {};
struct sigaction g_previous_hup {};

void on_interrupt(int) {
  if (!g_interrupted.exchange(true)) {
    static const char message[] =
        "\ngpubench: stopping after the current benchmark; no results file will be written "
        "(Ctrl-C again to abort now).\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
    return;
  }
  if (g_temporary[0] != '\0') ::unlink(g_temporary);
  ::_exit(130);
}

// SIGTERM or SIGHUP (a timeout, a closed terminal, a job scheduler) asks the process to end now:
// nothing may be left under the temporary name either. A timeout on an H100 left one behind.
void on_terminate(int signal_number) {
  if (g_temporary[0] != '\0') ::unlink(g_temporary);
  ::_exit(128 + signal_number);
}

}  // namespace

std::string format_progress(std::size_t done, std::size_t total, double elapsed_s,
                            std::string_view next) {
  std::string line = fmt::format("[{}/{}] {} elapsed", done, total, seconds_text(elapsed_s));
  if (done > 0 && done < total) {
    const double left = elapsed_s / static_cast<double>(done) * static_cast<double>(total - done);
    line += fmt::format(", about {} left", seconds_text(left));
  }
  if (!next.empty()) line += fmt::format("; next: {}", next);
  return line;
}

std::vector<std::string> list_benchmarks(const std::vector<std::string>& flags) {
  std::vector<std::string> arguments = flags;
  arguments.emplace_back("--benchmark_list_tests=true");
  initialize_benchmark(arguments);
  std::ostringstream listed;
  benchmark::ConsoleReporter lister(benchmark::ConsoleReporter::OO_None);
  lister.SetOutputStream(&listed);
  lister.SetErrorStream(&std::cerr);
  benchmark::RunSpecifiedBenchmarks(&lister);
  std::vector<std::string> names;
  std::istringstream lines(listed.str());
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) names.push_back(without_time_suffix(line));
  }
  return names;
}

bool benchmark_finished(const std::vector<benchmark::BenchmarkReporter::Run>& runs) {
  return std::none_of(runs.begin(), runs.end(), [](const benchmark::BenchmarkReporter::Run& run) {
    return run.error_occurred && run.error_message == kSkippedAfterInterrupt;
  });
}

std::string without_library_build_warning(const std::string& text) {
  std::istringstream lines(text);
  std::string kept;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("Library was built as DEBUG") == std::string::npos) kept += line + "\n";
  }
  return kept;
}

ProgressReporter::ProgressReporter(std::vector<std::string> names, bool interactive, bool verbose)
    : benchmark::ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular),
      names_(std::move(names)),
      interactive_(interactive),
      verbose_(verbose),
      start_(std::chrono::steady_clock::now()) {}

bool ProgressReporter::ReportContext(const Context& context) {
  bool ok = true;
  if (verbose_) {
    std::ostream& errors = GetErrorStream();
    std::ostringstream captured;
    SetErrorStream(&captured);
    ok = benchmark::ConsoleReporter::ReportContext(context);
    SetErrorStream(&errors);
    errors << without_library_build_warning(captured.str()) << std::flush;
  }
  start_ = std::chrono::steady_clock::now();
  show();
  return ok;
}

void ProgressReporter::ReportRuns(const std::vector<Run>& reports) {
  clear();
  if (verbose_) {
    benchmark::ConsoleReporter::ReportRuns(reports);
    GetOutputStream().flush();
  }
  ++done_;
  if (benchmark_finished(reports)) ++finished_;
  show();
}

void ProgressReporter::Finalize() {
  clear();
  if (verbose_) benchmark::ConsoleReporter::Finalize();
}

void ProgressReporter::show() {
  const std::size_t total = names_.size();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string_view next = done_ < total ? std::string_view(names_[done_]) : "";
  std::string line = format_progress(done_, total, elapsed, interrupted() ? "" : next);
  if (interrupted()) line += "; stopping (Ctrl-C)";
  if (interactive_) {
    fmt::print(stderr, "\r\033[K{}", line);
    std::fflush(stderr);
  } else if (total > 0) {
    const std::size_t tenth = done_ * 10 / total;
    if (done_ == 0 || tenth != last_tenth_) {
      last_tenth_ = tenth;
      fmt::print(stderr, "{}\n", line);
    }
  }
}

void ProgressReporter::clear() {
  if (interactive_) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

void install_interrupt_handler(const std::filesystem::path& temporary) {
  g_interrupted = false;
  const std::string path = temporary.string();
  std::memset(g_temporary, 0, sizeof g_temporary);
  if (path.size() < sizeof g_temporary) std::memcpy(g_temporary, path.data(), path.size());
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, &g_previous);
  struct sigaction terminate {};
  terminate.sa_handler = on_terminate;
  sigemptyset(&terminate.sa_mask);
  ::sigaction(SIGTERM, &terminate, &g_previous_term);
  ::sigaction(SIGHUP, &terminate, &g_previous_hup);
}

void restore_interrupt_handler() {
  ::sigaction(SIGINT, &g_previous, nullptr);
  ::sigaction(SIGTERM, &g_previous_term, nullptr);
  ::sigaction(SIGHUP, &g_previous_hup, nullptr);
  std::memset(g_temporary, 0, sizeof g_temporary);
}

bool interrupted() {
  return g_interrupted.load();
}

}  // namespace gpubench
