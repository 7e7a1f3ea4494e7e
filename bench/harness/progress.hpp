#pragma once
// What `gpubench run` shows and does while the suites run: a progress line (benchmark i of N,
// name, elapsed, estimated remaining) from a reporter wrapping google/benchmark's console one (its
// tables only with --verbose), and
// a clean Ctrl-C: the first stops after the current benchmark (the rest are skipped, and the run
// publishes nothing), a second aborts at once, removing the temporary results file.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// "[12/84] 14.2 s elapsed, about 85 s left; next: memory/l2_sweep/8MiB". The estimate is the mean
// time per finished benchmark times the number left; none before the first has finished.
std::string format_progress(std::size_t done, std::size_t total, double elapsed_s,
                            std::string_view next);

// The names google/benchmark would run with these flags (without the program name; see
// initialize_benchmark), without their "/manual_time" suffixes.
std::vector<std::string> list_benchmarks(const std::vector<std::string>& flags);

// What run_guarded reports for a benchmark skipped after Ctrl-C.
inline constexpr std::string_view kSkippedAfterInterrupt = "not run: interrupted (Ctrl-C)";

// Whether a benchmark whose runs google/benchmark reported really ran: not when any of its
// repetitions was skipped after Ctrl-C.
bool benchmark_finished(const std::vector<benchmark::BenchmarkReporter::Run>& runs);

// Drops google/benchmark's "Library was built as DEBUG" warning from `text`: it is about the
// library's own CPU timing, not the CUDA-event timing gpubench reports.
std::string without_library_build_warning(const std::string& text);

class ProgressReporter : public benchmark::ConsoleReporter {
 public:
  // `interactive`: rewrite one line on stderr (a terminal); otherwise a line per tenth of the run.
  // `verbose`: also google/benchmark's context and result tables on stdout.
  ProgressReporter(std::vector<std::string> names, bool interactive, bool verbose = false);
  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& reports) override;
  void Finalize() override;
  std::size_t done() const { return done_; }
  // Benchmarks that ran to the end (those skipped after Ctrl-C are done but not finished).
  std::size_t finished() const { return finished_; }

 private:
  void show();
  void clear();
  std::vector<std::string> names_;
  bool interactive_;
  bool verbose_;
  std::size_t done_ = 0;
  std::size_t finished_ = 0;
  std::size_t last_tenth_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// SIGINT: the first sets interrupted() and says so; a second removes `temporary` and exits 130.
// SIGTERM / SIGHUP: remove `temporary` and exit 128 + the signal at once.
void install_interrupt_handler(const std::filesystem::path& temporary);
void restore_interrupt_handler();
bool interrupted();

}  // namespace gpubench
