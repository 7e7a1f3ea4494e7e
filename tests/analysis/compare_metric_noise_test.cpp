// Each metric is judged by its own noise (analysis/verdict.hpp): the timed samples' relative IQR
// for the time and the rates over it, the repetitions' spread alone for a figure the kernel
// measures itself (latency_cycles). On the real H200 runs in tests/fixtures/runs/h200-b376421
// (measured at b376421) and on synthetic files (tests/support, invented values). Also the
// boundaries of the repetitions' spread (issue 31 item 15's mutations of verdict.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "gpubench/counters.hpp"
#include "support/h200_runs.hpp"
#include "support/synthetic_results.hpp"

namespace gpubench {
namespace {

using nlohmann::json;

ResultsFile fixture(const std::string& name) {
  return parse_results(testing::h200_run_json(name + ".json").dump(), name + ".json");
}

const BenchmarkComparison& find(const Comparison& comparison, const std::string& name) {
  for (const auto& b : comparison.benchmarks) {
    if (b.name == name) return b;
  }
  throw std::runtime_error("benchmark not compared: " + name);
}

TEST(MetricNoise, TimedFiguresFollowTheSamplesAndDeviceMeasuredOnesDoNot) {
  for (const std::string_view timed :
       {std::string_view("real_time"), counters::kBandwidthGbs, counters::kTflops, counters::kTops,
        counters::kOpsPerS, counters::kLatencyUs, counters::kPctOfSpec, counters::kVsCounterpart,
        std::string_view("some_new_rate_gbs")}) {
    EXPECT_TRUE(noise_follows_timed_samples(timed)) << timed;
  }
  for (const std::string_view own :
       {counters::kLatencyCycles, counters::kLatencyNs, std::string_view("cpu_time")}) {
    EXPECT_FALSE(noise_follows_timed_samples(own)) << own;
  }
}

TEST(MetricNoiseRealRuns, DependentChainCyclesAreSameOnTheThresholdAlone) {
  // compute/latency/* report latency_cycles, identical to 5 digits in every repetition of both
  // runs, while their launch times vary by about 2.5% (noise_pct). Judged by the launch times'
  // noise they were UNSURE ("noise hides changes below 7-11%").
  const Comparison comparison = compare_runs(fixture("quick1"), fixture("quick2"), {});
  std::size_t latency_rows = 0;
  for (const auto& b : comparison.benchmarks) {
    if (!b.name.starts_with("compute/latency/")) continue;
    ++latency_rows;
    ASSERT_EQ(b.metrics.size(), 1u);
    const MetricComparison& m = b.metrics[0];
    EXPECT_EQ(m.metric, counters::kLatencyCycles);
    EXPECT_EQ(b.verdict, Verdict::kSame) << b.name << ": " << metric_line(m);
    EXPECT_LT(m.judgement.base_noise, 1e-3) << b.name;
    EXPECT_LT(m.judgement.candidate_noise, 1e-3) << b.name;
    ASSERT_TRUE(m.judgement.detectable_change);
    EXPECT_DOUBLE_EQ(*m.judgement.detectable_change, 0.03) << b.name;  // the threshold alone
  }
  EXPECT_EQ(latency_rows, 10u);
}

TEST(MetricNoiseRealRuns, RatesKeepTheTimedSamplesNoise) {
  // The cuBLAS FP16 1024^3 GEMM of quick1 recorded noise_pct 2.3 / 9.9 / 2.3: its tflops (work over
  // the median time) carries that noise, as does its real_time.
  CompareOptions options;
  options.metric_regex = "^(tflops|real_time|cpu_time)$";
  const Comparison comparison = compare_runs(fixture("quick1"), fixture("quick2"), options);
  const auto& b = find(comparison, "gemm/cublas/fp16_f32acc/1024x1024x1024/manual_time");
  ASSERT_EQ(b.metrics.size(), 3u);
  for (const auto& m : b.metrics) {
    if (m.metric == "cpu_time") {
      // The host's time around each repetition (6 ms to 63 ms): its own spread, far above 9.9%.
      EXPECT_GT(m.judgement.base_noise, 0.15);
      continue;
    }
    EXPECT_NEAR(m.judgement.base_noise, 0.0986, 1e-4) << m.metric;
    EXPECT_EQ(m.judgement.verdict, Verdict::kUnsure) << m.metric;
  }
}

// A synthetic benchmark whose repetitions record noisy timed samples (noise_pct 2.5%) and a
// latency_cycles counter of the given values.
testing::SyntheticRun cycles_run() {
  testing::SyntheticBenchmark b("synthetic/latency/manual_time", {0.040, 0.041, 0.0398});
  b.samples = {1000, 1000, 1000};
  b.noise_pct = {2.5, 2.4, 2.5};
  testing::SyntheticRun run;
  run.benchmarks = {b};
  return run;
}

ResultsFile with_cycles(const testing::SyntheticRun& run, const std::vector<double>& cycles,
                        const std::string& name) {
  json file = testing::synthetic_results(run);
  std::size_t repetition = 0;
  for (auto& record : file["benchmarks"]) {
    record.erase(std::string(counters::kBandwidthGbs));
    if (record["run_type"] == "iteration") {
      record[std::string(counters::kLatencyCycles)] = cycles.at(repetition++);
    }
  }
  return parse_results(file.dump(), name);
}

Judgement judged_cycles(const std::vector<double>& base, const std::vector<double>& candidate) {
  CompareOptions options;
  options.metric_regex = "^latency_cycles$";
  const Comparison comparison =
      compare_runs(with_cycles(cycles_run(), base, "b.json"),
                   with_cycles(cycles_run(), candidate, "n.json"), options);
  return comparison.benchmarks.at(0).metrics.at(0).judgement;
}

TEST(MetricNoise, ConstantCyclesAreJudgedByTheThresholdAlone) {
  const Judgement same = judged_cycles({4.08, 4.08, 4.08}, {4.09, 4.09, 4.09});
  EXPECT_EQ(same.verdict, Verdict::kSame) << same.reason;
  EXPECT_EQ(same.base_noise, 0.0);
  const Judgement slower = judged_cycles({4.08, 4.08, 4.08}, {4.30, 4.30, 4.30});  // +5.4%
  EXPECT_EQ(slower.verdict, Verdict::kSlower) << slower.reason;
}

TEST(MetricNoise, VaryingCyclesAreJudgedByTheirOwnSpread) {
  // A 10% range across the repetitions: a 5% change is inside it, whatever the timed samples say.
  const Judgement j = judged_cycles({100, 105, 110}, {105, 110, 115});
  EXPECT_NEAR(j.base_noise, 10.0 / 105.0, 1e-12);
  EXPECT_EQ(j.verdict, Verdict::kUnsure) << j.reason;
}

// The repetitions' spread: their range over the median up to 5 repetitions, 2 x their relative
// IQR (linear-interpolation quartiles) beyond. Each expected value is worked out by hand.
TEST(RepetitionSpread, RangeUpToFiveRepetitionsTwiceTheIqrBeyond) {
  // 4: median 101.5, range 10.
  EXPECT_NEAR(repetition_spread(std::vector<double>{100, 101, 102, 110}), 10.0 / 101.5, 1e-12);
  // 5: median 102, range 10 (2 x IQR would be 4 / 102).
  EXPECT_NEAR(repetition_spread(std::vector<double>{100, 101, 102, 103, 110}), 10.0 / 102, 1e-12);
  // 6: quartiles 101.25 and 103.75, median 102.5: 2 x 2.5 / 102.5 (the range would be 10 / 102.5).
  EXPECT_NEAR(repetition_spread(std::vector<double>{100, 101, 102, 103, 104, 110}), 5.0 / 102.5,
              1e-12);
  EXPECT_EQ(repetition_spread(std::vector<double>{100}), 0.0);
}

TEST(RepetitionSpread, TheIqrFactorDecidesAVerdictOfSixRepetitions) {
  // Six repetitions a side with a relative IQR of 0.45%: noise 2 x 0.45% = 0.9% each, 3 x
  // hypot(0.9%, 0.9%) = 3.8% > 3%, so a 1% change is UNSURE (with 1 x IQR: 1.9%, SAME).
  const std::vector<double> base = {99.4, 99.7, 100.0, 100.0, 100.3, 100.6};
  std::vector<double> candidate;
  for (const double v : base)
    candidate.push_back(v * 1.01);
  const double iqr = (100.225 - 99.775) / 100.0;  // quartiles at positions 1.25 and 3.75
  EXPECT_NEAR(repetition_spread(base), 2 * iqr, 1e-12);
  const Judgement j = judge(Repetitions{base, 0.0}, Repetitions{candidate, 0.0},
                            Direction::kLowerIsBetter, VerdictRule{});
  EXPECT_EQ(j.verdict, Verdict::kUnsure) << j.reason;
  ASSERT_TRUE(j.detectable_change);
  EXPECT_NEAR(*j.detectable_change, 3 * std::hypot(2 * iqr, 2 * iqr), 1e-9);
}

}  // namespace
}  // namespace gpubench
