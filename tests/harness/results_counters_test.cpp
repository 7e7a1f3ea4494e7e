// A results file as the CPU build writes it: one host-timed benchmark through the real timing
// loop, registration and google/benchmark's JSON output with gpubench's repetitions and
// aggregates, with telemetry from the fake NVML (bare metal, R580). Every counter in it must have a
// descriptor (gpubench/counter_descriptors.hpp): a counter added to the harness without one fails
// here.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "gpubench/counter_descriptors.hpp"
#include "harness/timing.hpp"
#include "model/results_file.hpp"
#include "platform/nvml_library.hpp"
#include "support/run_collector.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

// The fake NVML answering as bare metal on R580 for the test's lifetime.
class FakeNvmlTelemetry {
 public:
  FakeNvmlTelemetry() {
    const std::string scenario =
        std::string(GPUBENCH_FAKE_NVML_SCENARIOS) + "/bare_metal_r580.scenario";
    ::setenv("GPUBENCH_FAKE_NVML_SCENARIO", scenario.c_str(), 1);
    source_ = open_nvml_telemetry("0000:01:00.0", problem_, std::nullopt, GPUBENCH_FAKE_NVML);
  }
  ~FakeNvmlTelemetry() {
    source_.reset();
    ::unsetenv("GPUBENCH_FAKE_NVML_SCENARIO");
  }
  FakeNvmlTelemetry(const FakeNvmlTelemetry&) = delete;
  FakeNvmlTelemetry& operator=(const FakeNvmlTelemetry&) = delete;
  const TelemetrySource* source() const { return source_.get(); }
  const std::string& problem() const { return problem_; }

 private:
  std::string problem_;
  std::unique_ptr<TelemetrySource> source_;
};

const TelemetrySource* telemetry_of_test = nullptr;

TEST(ResultsCounters, EveryCounterOfACpuBuiltResultsFileHasADescriptor) {
  testing::ClearRegistrationsAtExit clear;
  const FakeNvmlTelemetry nvml;
  ASSERT_NE(nvml.source(), nullptr) << nvml.problem();
  telemetry_of_test = nvml.source();
  register_timed_benchmark(
      "results_counters/host_call", benchmark::kMicrosecond, [](benchmark::State& state) {
        HostCall call;
        call.call = [] { std::this_thread::sleep_for(std::chrono::milliseconds(1)); };
        time_host_calls(
            state, call,
            HostTimingPolicy{.warm_up_calls = 1,
                             .stopping = StoppingRule{.budget_s = 0.03, .min_samples = 5},
                             .reference_clock_mhz = std::nullopt,
                             .telemetry = telemetry_of_test});
      });
  const testing::TempDir dir;
  const auto out = dir.path() / "run.json";
  initialize_benchmark({"--benchmark_filter=^results_counters/", "--benchmark_repetitions=2",
                        "--benchmark_out=" + out.string(), kOneIterationPerRepetitionFlag});
  testing::RunCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  initialize_benchmark({});  // no later run in this process writes to the file
  telemetry_of_test = nullptr;

  // As `gpubench run` completes the file: the spread of an all-zero counter is NaN, written null.
  std::string text = testing::read_file(out);
  replace_non_finite_values(text);
  const ResultsFile run = parse_results(text, out);
  std::set<std::string> seen;
  std::set<std::string> missing;
  for (const BenchmarkRecord& record : run.benchmarks) {
    for (const auto& [name, value] : record.counters) {
      seen.insert(name);
      if (counters::find_descriptor(name) == nullptr) missing.insert(name);
    }
  }
  EXPECT_EQ(missing, std::set<std::string>{});
  // What the loop and the telemetry wrote, so the walk above had counters to walk.
  for (const auto name : {counters::kSamples, counters::kConverged, counters::kThrottledSamples,
                          counters::kSmClockMeanMhz, counters::kTemperatureMaxC}) {
    EXPECT_EQ(seen.count(std::string(name)), 1u) << name;
  }
}

}  // namespace
}  // namespace gpubench
