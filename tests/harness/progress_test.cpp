// The progress line, the list of benchmarks a run will visit, and Ctrl-C: the first interrupt
// skips every later benchmark, a second removes the temporary results file and exits 130.
#include "harness/progress.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "harness/timing.hpp"
#include "support/run_collector.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(Progress, LineSaysWhereTheRunIsAndWhatIsLeft) {
  EXPECT_EQ(format_progress(0, 4, 0.0, "memory/stream/read"),
            "[0/4] 0.0 s elapsed; next: memory/stream/read");
  // 2 of 4 done in 10 s: about 10 s left.
  EXPECT_EQ(format_progress(2, 4, 10.0, "memory/stream/add"),
            "[2/4] 10.0 s elapsed, about 10.0 s left; next: memory/stream/add");
  EXPECT_EQ(format_progress(4, 4, 20.0, ""), "[4/4] 20.0 s elapsed");
  EXPECT_EQ(format_progress(1, 3, 150.0, "x"), "[1/3] 2:30 elapsed, about 5:00 left; next: x");
}

// Dummy benchmarks registered by each test that needs them and cleared when it ends.
int& body_calls() {
  static int calls = 0;
  return calls;
}

void register_dummies() {
  for (const char* name : {"progress_test/a", "progress_test/b"}) {
    benchmark::RegisterBenchmark(name, [name](benchmark::State& state) {
      run_guarded(state, name, [&] {
        ++body_calls();
        for (auto _ : state)
          benchmark::DoNotOptimize(body_calls());
      });
    })->Iterations(1);
  }
}

TEST(Progress, ListsTheBenchmarksARunWillVisit) {
  testing::ClearRegistrationsAtExit clear;
  register_dummies();
  const auto names = list_benchmarks({});
  EXPECT_EQ(names, (std::vector<std::string>{"progress_test/a/iterations:1",
                                             "progress_test/b/iterations:1"}));
}

// The dummies run once through a ProgressReporter writing to a string: its counts and output.
struct ReportedRun {
  std::size_t done = 0;
  std::size_t finished = 0;
  std::string output;
};

ReportedRun run_dummies_with_progress(bool verbose) {
  register_dummies();
  const auto names = list_benchmarks({});
  initialize_benchmark({});
  std::ostringstream out;
  ProgressReporter progress(names, false, verbose);
  progress.SetOutputStream(&out);
  progress.SetErrorStream(&out);
  benchmark::RunSpecifiedBenchmarks(&progress);
  return {progress.done(), progress.finished(), out.str()};
}

TEST(Progress, ReporterCountsFinishedBenchmarks) {
  testing::ClearRegistrationsAtExit clear;
  const ReportedRun run = run_dummies_with_progress(/*verbose=*/true);
  EXPECT_EQ(run.done, 2u);
  EXPECT_EQ(run.finished, 2u);
  EXPECT_NE(run.output.find("progress_test/a"), std::string::npos) << run.output;
}

// Without --verbose a run prints none of google/benchmark's context or tables.
TEST(Progress, AQuietRunPrintsNoTables) {
  testing::ClearRegistrationsAtExit clear;
  const ReportedRun run = run_dummies_with_progress(/*verbose=*/false);
  EXPECT_EQ(run.done, 2u);
  EXPECT_EQ(run.output, "");
}

TEST(Progress, TheLibrarysDebugBuildWarningIsDropped) {
  EXPECT_EQ(without_library_build_warning(
                "Run on (2 X 3000 MHz CPU s)\n***WARNING*** Library was built as DEBUG. Timings "
                "may be affected.\nLoad Average: 1.0\n"),
            "Run on (2 X 3000 MHz CPU s)\nLoad Average: 1.0\n");
}

TEST(Progress, FirstCtrlCSkipsEveryLaterBenchmark) {
  testing::ClearRegistrationsAtExit clear;
  register_dummies();
  testing::TempDir dir;
  install_interrupt_handler(dir.path() / "run.json.tmp");
  std::raise(SIGINT);
  EXPECT_TRUE(interrupted());
  initialize_benchmark({});
  const int calls = body_calls();
  testing::RunCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  restore_interrupt_handler();
  EXPECT_EQ(body_calls(), calls) << "no benchmark body may run after Ctrl-C";
  ASSERT_EQ(collector.runs.size(), 2u);
  for (const auto& run : collector.runs) {
    EXPECT_TRUE(run.error_occurred);
    EXPECT_NE(run.error_message.find("interrupted"), std::string::npos);
    EXPECT_FALSE(benchmark_finished({run}));
  }
  install_interrupt_handler("");  // resets the flag for the other tests
  restore_interrupt_handler();
  EXPECT_FALSE(interrupted());
}

// Issue 11: Ctrl-C after 6 s of a 20 s run printed "interrupted after 79 of 79 benchmarks". The
// benchmarks skipped after the interrupt are reported, but they did not finish.
TEST(Progress, BenchmarksSkippedAfterCtrlCDoNotCountAsFinished) {
  testing::ClearRegistrationsAtExit clear;
  testing::TempDir dir;
  install_interrupt_handler(dir.path() / "run.json.tmp");
  std::raise(SIGINT);
  const ReportedRun run = run_dummies_with_progress(/*verbose=*/false);
  restore_interrupt_handler();
  install_interrupt_handler("");  // resets the flag for the other tests
  restore_interrupt_handler();
  EXPECT_EQ(run.done, 2u);
  EXPECT_EQ(run.finished, 0u);
}

TEST(Progress, SecondCtrlCRemovesTheTemporaryFileAndExits130) {
  testing::TempDir dir;
  const auto temporary = dir.write("run.json.tmp.1", "{\"partial\":");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    install_interrupt_handler(temporary);
    std::raise(SIGINT);
    std::raise(SIGINT);
    ::_exit(0);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_FALSE(std::filesystem::exists(temporary));
}

// A timeout's SIGTERM (seen on an H100: `timeout` killed a long run and left the temporary
// behind) removes the temporary and exits 128 + 15 at once.
TEST(Progress, TerminateRemovesTheTemporaryFileAndExits143) {
  testing::TempDir dir;
  const auto temporary = dir.write("run.json.tmp.2", "{\"partial\":");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    install_interrupt_handler(temporary);
    std::raise(SIGTERM);
    ::_exit(0);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 143);
  EXPECT_FALSE(std::filesystem::exists(temporary));
}

// A real run interrupted once: it stops after the benchmark in progress, exits 130, and leaves
// nothing in the output directory (neither the final name nor a temporary).
TEST(ProgressGpu, CtrlCDuringARunPublishesNothing) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "results";
  std::filesystem::create_directories(out);
  const auto log = dir.path() / "stderr";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string target = "--out=" + (out / "run.json").string();
    std::FILE* err = std::freopen(log.c_str(), "w", stderr);
    (void)err;
    ::execl(GPUBENCH_EXE, GPUBENCH_EXE, "run", "--suite", "memory", "--quick", target.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the benchmarks have started, give them a few seconds, then interrupt once.
  for (int i = 0; i < 600 && testing::read_file(log).find("[0/") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ::kill(child, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << testing::read_file(log);
  EXPECT_EQ(WEXITSTATUS(status), 130) << testing::read_file(log);
  EXPECT_NE(testing::read_file(log).find("no results file was written"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_empty(out)) << "nothing may be published or left behind";
}

}  // namespace
}  // namespace gpubench
