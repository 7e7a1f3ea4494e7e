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
  configure_timed_benchmark(benchmark::RegisterBenchmark("timing_test/one",
                                                         [](benchmark::State& state) {
                                                           ++calls().bodies;
                                                           for (auto _ : state) {
                                                             ++calls().iterations;
                                                             state.SetIterationTime(2e-6);
                                                           }
                                                         }),
                            benchmark::kMicrosecond);
  testing::initialize_benchmark({"test", "--benchmark_filter=^timing_test/",
                                 "--benchmark_repetitions=3", kOneIterationPerRepetitionFlag});
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
  testing::initialize_benchmark({"test", "--benchmark_filter=^timing_label/"});
  testing::RunCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  ASSERT_EQ(collector.runs.size(), 2u);
  EXPECT_EQ(collector.runs[0].report_label, "compute-bound; throttle: software power cap");
  EXPECT_EQ(collector.runs[1].report_label, "throttle: software power cap");
}

TEST(Timing, QuickSamplesForHalfTheTimeOfFull) {
  const StoppingRule quick = stopping_rule(true);
  const StoppingRule full = stopping_rule(false);
  EXPECT_DOUBLE_EQ(quick.target_relative_spread, 0.005);
  EXPECT_DOUBLE_EQ(quick.throttle_fraction, 0.75);
  EXPECT_LT(quick.budget_s, full.budget_s);
}

}  // namespace
}  // namespace gpubench
