// What the one timing loop relies on from google/benchmark without a GPU: with the run's flag,
// each repetition of a timed benchmark is exactly one iteration (time_launches samples inside
// it), and the benchmark keeps its plain name.
#include "harness/timing.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/run_collector.hpp"

namespace gpubench {
namespace {

struct Calls {
  int bodies = 0;
  long long iterations = 0;
};

Calls& calls() {
  static Calls counted;
  return counted;
}

TEST(Timing, EachRepetitionIsOneIterationUnderItsPlainName) {
  testing::ClearRegistrationsAtExit clear;
  register_timed_benchmark("timing_test/one", benchmark::kMicrosecond, [](benchmark::State& state) {
    ++calls().bodies;
    for (auto _ : state) {
      ++calls().iterations;
      state.SetIterationTime(2e-6);
    }
  });
  initialize_benchmark({"--benchmark_repetitions=3", kOneIterationPerRepetitionFlag});
  testing::RunCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  EXPECT_EQ(calls().bodies, 3);
  EXPECT_EQ(calls().iterations, 3);
  ASSERT_FALSE(collector.runs.empty());
  for (const auto& run : collector.runs) {
    EXPECT_EQ(run.run_name.str(), "timing_test/one/manual_time");
    EXPECT_EQ(run.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate,
              !run.aggregate_name.empty());
  }
  // Aggregates only: mean, median, stddev, cv.
  EXPECT_EQ(collector.runs.size(), 4u);
}

TEST(Timing, ABenchmarksOwnLabelKeepsTheThrottleReasons) {
  testing::ClearRegistrationsAtExit clear;
  for (const char* own : {"compute-bound", ""}) {
    benchmark::RegisterBenchmark(fmt::format("timing_label/{}", own).c_str(),
                                 [own](benchmark::State& state) {
                                   for (auto _ : state) {
                                   }
                                   TimedLaunches timed;
                                   timed.label = "throttle: software power cap";
                                   set_label(state, timed, own);
                                 })
        ->Iterations(1);
  }
  initialize_benchmark({});
  testing::RunCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  ASSERT_EQ(collector.runs.size(), 2u);
  EXPECT_EQ(collector.runs[0].report_label, "compute-bound; throttle: software power cap");
  EXPECT_EQ(collector.runs[1].report_label, "throttle: software power cap");
}

// The timing loop warms up on a benchmark's first repetition only: each body learns which
// repetition it runs.
TEST(Timing, EachBodyKnowsItsRepetition) {
  testing::ClearRegistrationsAtExit clear;
  std::vector<int> seen;
  register_timed_benchmark("timing_repetition/one", benchmark::kMicrosecond,
                           [&seen](benchmark::State& state) {
                             seen.push_back(current_repetition());
                             for (auto _ : state)
                               state.SetIterationTime(1e-6);
                           });
  initialize_benchmark({"--benchmark_repetitions=3", kOneIterationPerRepetitionFlag});
  testing::RunCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(current_repetition(), 0) << "outside a benchmark";
}

// The per-sample side file labels each repetition's samples with the running benchmark's name.
TEST(Timing, EachBodyKnowsItsBenchmarkName) {
  testing::ClearRegistrationsAtExit clear;
  std::vector<std::string> seen;
  for (const char* name : {"timing_name/a", "timing_name/b"}) {
    register_timed_benchmark(name, benchmark::kMicrosecond, [&seen](benchmark::State& state) {
      seen.push_back(current_benchmark_name());
      for (auto _ : state)
        state.SetIterationTime(1e-6);
    });
  }
  initialize_benchmark({"--benchmark_repetitions=2", kOneIterationPerRepetitionFlag});
  testing::RunCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  EXPECT_EQ(seen, (std::vector<std::string>{"timing_name/a", "timing_name/a", "timing_name/b",
                                            "timing_name/b"}));
  EXPECT_EQ(current_benchmark_name(), "") << "outside a benchmark";
}

// The one-process failure of issue 11: a test that ran with --benchmark_repetitions=3 made the
// next test's two benchmarks report 14 runs. Flags are reset on every initialization.
TEST(Timing, FlagsOfAnEarlierInitializationDoNotLeak) {
  testing::ClearRegistrationsAtExit clear;
  benchmark::RegisterBenchmark("timing_leak/one", [](benchmark::State& state) {
    for (auto _ : state) {
    }
  })->Iterations(1);
  initialize_benchmark({"--benchmark_repetitions=3", "--benchmark_filter=^nothing$"});
  initialize_benchmark({});
  testing::RunCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  EXPECT_EQ(collector.runs.size(), 1u);
}

}  // namespace
}  // namespace gpubench
