// The host-clock source of the one sampling loop (time_host_calls), without a GPU: it times the
// call and nothing else, warms up with whole samples, and a failed check in a sample's finish
// fails the benchmark.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "harness/timing.hpp"
#include "support/run_collector.hpp"

namespace gpubench {
namespace {

using std::chrono::milliseconds;

struct HostCounts {
  int prepared = 0;
  int called = 0;
  int finished = 0;
};

HostTimingPolicy small_policy() {
  return HostTimingPolicy{.warm_up_calls = 2,
                          .stopping = StoppingRule{.budget_s = 0.05, .min_samples = 5},
                          .reference_clock_mhz = std::nullopt,
                          .telemetry = nullptr};
}

std::vector<benchmark::BenchmarkReporter::Run> run_registered(const std::string& filter) {
  initialize_benchmark({"--benchmark_filter=" + filter, kOneIterationPerRepetitionFlag});
  testing::RunCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  return collector.runs;
}

TEST(HostTiming, TimesTheCallAloneAndWarmsUpWithWholeSamples) {
  testing::ClearRegistrationsAtExit clear;
  static HostCounts counts;
  counts = {};
  static TimedLaunches timed;
  benchmark::RegisterBenchmark("host_timing/sleeps", [](benchmark::State& state) {
    HostCall call;
    call.prepare = [] {
      ++counts.prepared;
      std::this_thread::sleep_for(milliseconds(20));
    };
    call.call = [] {
      ++counts.called;
      std::this_thread::sleep_for(milliseconds(2));
    };
    call.finish = [] {
      ++counts.finished;
      std::this_thread::sleep_for(milliseconds(20));
    };
    timed = time_host_calls(state, call, small_policy());
  })->UseManualTime();
  const auto runs = run_registered("^host_timing/sleeps");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(counts.prepared, counts.called);
  EXPECT_EQ(counts.finished, counts.called);
  // Two warm-ups, then samples until the 50 ms budget is spent: at ~42 ms a sample, two or three.
  EXPECT_GE(counts.called, 3);
  EXPECT_EQ(static_cast<int>(timed.samples), counts.called - 2);
  EXPECT_EQ(runs[0].counters.at("samples").value, static_cast<double>(timed.samples));
  // The 2 ms call, not the 40 ms of untimed work around it (a loaded machine oversleeps a little).
  EXPECT_GE(timed.median_seconds, 0.002);
  EXPECT_LT(timed.median_seconds, 0.015);
  EXPECT_NEAR(runs[0].GetAdjustedRealTime() * 1e-9, timed.median_seconds, 1e-9);
}

TEST(HostTiming, AFailedCheckAfterASampleFailsTheBenchmark) {
  testing::ClearRegistrationsAtExit clear;
  static int samples = 0;
  samples = 0;
  benchmark::RegisterBenchmark("host_timing/fails", [](benchmark::State& state) {
    run_guarded(state, "host_timing/fails", [&] {
      HostCall call;
      call.call = [] { ++samples; };
      call.finish = [] {
        if (samples == 4) throw VerificationError("the fourth sample's bytes were wrong");
      };
      time_host_calls(state, call, small_policy());
    });
  })->UseManualTime();
  const auto runs = run_registered("^host_timing/fails");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].error_occurred);
  EXPECT_NE(runs[0].error_message.find("VERIFICATION FAILED"), std::string::npos);
  EXPECT_NE(runs[0].error_message.find("fourth sample"), std::string::npos);
  EXPECT_EQ(samples, 4);
}

}  // namespace
}  // namespace gpubench
