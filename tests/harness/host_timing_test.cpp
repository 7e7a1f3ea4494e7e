// The host-clock source of the one sampling loop (time_host_calls), without a GPU: it times the
// call and nothing else, warms up with whole samples, a failed check in a sample's finish fails
// the benchmark, and the loop samples on time the run's SamplingBudget lends and settles with it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>

#include "harness/timing.hpp"
#include "model/sampling_budget.hpp"
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

// Busy-waits until `duration` has passed on the host clock: a call whose time is the duration
// plus what the scheduler adds, unlike a sleep, which oversleeps by whole timer ticks.
void spin_for(std::chrono::nanoseconds duration) {
  const auto end = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < end) {
  }
}

// Calls spread evenly over 100-120 us (a fixed pseudo-random draw): by the end of its 0.2 s
// share their median is known to about 0.43%, and its interval narrows as about one over the
// square root of the time, so the 0.3% target takes about 0.3-0.4 s: lent time is worth taking. The
// loop goes on past its share on what the pool holds and settles what it took. The target is
// loose enough that a loaded machine (fewer and stretched samples: a wider interval at the end
// of the share) still borrows: up to 2.4x the idle machine's interval. Two alternating values
// would not do: a stretched call tips such a series into one value, whose median is then known
// at once (this test failed that way under ctest -j2).
TEST(HostTiming, SamplesOnLentTimeAndSettlesWithTheRunsBudget) {
  testing::ClearRegistrationsAtExit clear;
  static SamplingBudget budget(8.0);
  budget = SamplingBudget(8.0);
  budget.settle(2.0, 0.0);  // earlier repetitions left 2 s, half of it to lend
  static int calls = 0;
  calls = 0;
  benchmark::RegisterBenchmark("host_timing/pooled", [](benchmark::State& state) {
    HostCall call;
    call.call = [] {
      // A fixed pseudo-random draw (an LCG, the same every run) from 100-120 us.
      static std::uint64_t draw = 0;
      if (calls++ == 0) draw = 12345;
      draw = draw * 6364136223846793005ULL + 1442695040888963407ULL;
      spin_for(std::chrono::nanoseconds(100'000 + static_cast<long>((draw >> 33) % 20'000)));
    };
    HostTimingPolicy policy = small_policy();
    policy.stopping.budget_s = 0.2;
    policy.stopping.max_samples = 20'000;
    policy.stopping.target_median_uncertainty = 0.003;
    policy.budget = &budget;
    time_host_calls(state, call, policy);
  })->UseManualTime();
  const auto runs = run_registered("^host_timing/pooled");
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_FALSE(runs[0].error_occurred);
  EXPECT_EQ(budget.repetitions(), 2u);
  const double sampling_s = runs[0].counters.at("sampling_s").value;
  EXPECT_GT(sampling_s, 0.25);        // past its 0.2 s share, on lent time
  EXPECT_LT(sampling_s, 1.2 + 0.05);  // within its allowance, but for the last sample
  EXPECT_NEAR(budget.spent_s(), sampling_s, 1e-12);
  EXPECT_NEAR(budget.lent_s(), sampling_s - 0.2, 1e-12);
}

}  // namespace
}  // namespace gpubench
