// The noise rule of compare and history (analysis/verdict.hpp) on the real H200 runs in
// tests/fixtures/runs/h200-b376421 (measured at b376421; the slowdowns are planted here, by
// scaling the recorded figures) and on synthetic runs drawn from a stated noise model.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "analysis/history.hpp"
#include "gpubench/counters.hpp"
#include "model/statistics.hpp"
#include "support/synthetic_results.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::run_gpubench;
using testing::TempDir;

const std::filesystem::path kRuns =
    std::filesystem::path(GPUBENCH_TEST_FIXTURES_DIR) / "runs" / "h200-b376421";
constexpr const char* kTriad = "memory/stream/triad/manual_time";

json fixture(const std::string& name) {
  std::ifstream in(kRuns / (name + ".json"));
  return json::parse(in);
}

ResultsFile as_results(const json& file, const std::string& name) {
  return parse_results(file.dump(), name);
}

bool is_rate(const std::string& key) {
  return key == counters::kBandwidthGbs || key == counters::kTflops || key == counters::kTops ||
         key == counters::kOpsPerS || key == counters::kPctOfSpec ||
         key == counters::kPctOfClockPeak || key == counters::kVsCounterpart ||
         key == counters::kGbsPerW || key == counters::kTflopsPerW;
}

bool is_time(const std::string& key) {
  return key == "real_time" || key == counters::kLatencyNs || key == counters::kLatencyUs ||
         key == counters::kLatencyCycles;
}

// Makes a benchmark `slowdown` slower in every record (repetitions and aggregates): rates times
// (1 - slowdown), times divided by it. The recorded noise and sample counts stay as measured.
void plant_slowdown(json& file, const std::string& run_name, double slowdown) {
  for (auto& record : file["benchmarks"]) {
    if (record["run_name"] != run_name || record.value("aggregate_name", "") == "stddev" ||
        record.value("aggregate_name", "") == "cv") {
      continue;
    }
    for (auto& [key, value] : record.items()) {
      if (!value.is_number()) continue;
      if (is_rate(key)) value = value.get<double>() * (1 - slowdown);
      if (is_time(key)) value = value.get<double>() / (1 - slowdown);
    }
  }
}

std::unique_ptr<testing::CommandResult> compare_files(const json& base, const json& candidate,
                                                      const std::string& extra = "") {
  TempDir dir;
  const auto a = dir.write("base.json", base.dump());
  const auto b = dir.write("new.json", candidate.dump());
  return std::make_unique<testing::CommandResult>(
      run_gpubench("compare '" + a.string() + "' '" + b.string() + "' " + extra));
}

const BenchmarkComparison& find(const Comparison& comparison, const std::string& name) {
  for (const auto& b : comparison.benchmarks) {
    if (b.name == name) return b;
  }
  throw std::runtime_error("benchmark not compared: " + name);
}

TEST(CompareNoiseRealRuns, BackToBackQuickRunsHaveNoSlowerAndNoFaster) {
  const json quick1 = fixture("quick1");
  const json quick2 = fixture("quick2");
  for (const auto& [base, candidate] : {std::pair{&quick1, &quick2}, std::pair{&quick2, &quick1}}) {
    const Comparison comparison =
        compare_runs(as_results(*base, "base.json"), as_results(*candidate, "new.json"), {});
    EXPECT_EQ(comparison.benchmarks.size(), 79u);
    EXPECT_EQ(comparison.count(Verdict::kSlower), 0u);
    EXPECT_EQ(comparison.count(Verdict::kFaster), 0u);
    EXPECT_EQ(comparison.count(Verdict::kError), 0u);
    // The quick profile's tight rows are SAME, not all UNSURE.
    EXPECT_GE(comparison.count(Verdict::kSame), 30u);
    for (const auto& b : comparison.benchmarks) {
      ASSERT_EQ(b.metrics.size(), 1u) << b.name;  // the primary figure only
      EXPECT_EQ(b.metrics[0].judgement.method, VerdictMethod::kNoiseRule) << b.name;
    }
  }
  EXPECT_EQ(compare_files(quick1, quick2)->exit_code, 0);
}

TEST(CompareNoiseRealRuns, PlantedTwentyPercentTriadSlowdownIsSlowerAndExits1) {
  const json quick1 = fixture("quick1");
  json planted = fixture("quick2");
  plant_slowdown(planted, kTriad, 0.20);
  const Comparison comparison =
      compare_runs(as_results(quick1, "quick1.json"), as_results(planted, "planted.json"), {});
  EXPECT_EQ(find(comparison, kTriad).verdict, Verdict::kSlower);
  EXPECT_EQ(comparison.count(Verdict::kSlower), 1u);
  EXPECT_EQ(comparison.count(Verdict::kFaster), 0u);
  const auto run = compare_files(quick1, planted);
  EXPECT_EQ(run->exit_code, 1) << run->out << run->err;
  EXPECT_TRUE(
      std::regex_search(run->out, std::regex(R"(triad\S*\s+bandwidth_gbs.*-20\.\d%.*SLOWER)")))
      << run->out;
}

TEST(CompareNoiseRealRuns, PlantedFivePercentSlowdownIsSlowerWhereBothRunsNoiseIsBelowOnePercent) {
  const json quick1 = fixture("quick1");
  const json quick2 = fixture("quick2");
  const Comparison natural =
      compare_runs(as_results(quick1, "quick1.json"), as_results(quick2, "quick2.json"), {});
  json planted = quick2;
  std::set<std::string> quiet;
  for (const auto& b : natural.benchmarks) {
    const Judgement& j = b.metrics.at(0).judgement;
    if (j.base_noise < 0.01 && j.candidate_noise < 0.01) {
      quiet.insert(b.name);
      plant_slowdown(planted, b.name, 0.05);
    }
  }
  ASSERT_GE(quiet.size(), 30u);  // 47 of the 79 rows at b376421 (latency chains: noise 0)
  const Comparison comparison =
      compare_runs(as_results(quick1, "quick1.json"), as_results(planted, "planted.json"), {});
  for (const auto& b : comparison.benchmarks) {
    if (quiet.contains(b.name)) {
      EXPECT_EQ(b.verdict, Verdict::kSlower) << b.name << ": " << metric_line(b.metrics.at(0));
    } else {
      EXPECT_NE(b.verdict, Verdict::kSlower) << b.name << ": " << metric_line(b.metrics.at(0));
    }
  }
  EXPECT_EQ(comparison.count(Verdict::kSlower), quiet.size());
}

TEST(CompareNoiseRealRuns, AChangeSmallerThanTheNoiseIsNeverSlower) {
  // Each benchmark made slower by 90% of the smaller of the two runs' noise, in quick1 itself and
  // in quick2 (which adds the real rerun-to-rerun difference): real noise, a change below it.
  const json quick1 = fixture("quick1");
  for (const std::string candidate_name : {"quick1", "quick2"}) {
    const json candidate = fixture(candidate_name);
    const Comparison natural =
        compare_runs(as_results(quick1, "quick1.json"), as_results(candidate, "new.json"), {});
    json planted = candidate;
    std::size_t above_threshold = 0;
    for (const auto& b : natural.benchmarks) {
      const Judgement& j = b.metrics.at(0).judgement;
      const double change = 0.9 * std::min(j.base_noise, j.candidate_noise);
      plant_slowdown(planted, b.name, change);
      if (change > 0.03) ++above_threshold;
    }
    EXPECT_GE(above_threshold, 8u);  // the test reaches changes beyond the 3% threshold
    const Comparison comparison =
        compare_runs(as_results(quick1, "quick1.json"), as_results(planted, "planted.json"), {});
    for (const auto& b : comparison.benchmarks) {
      EXPECT_TRUE(b.verdict == Verdict::kSame || b.verdict == Verdict::kUnsure)
          << candidate_name << " " << b.name << ": " << metric_line(b.metrics.at(0));
    }
  }
}

TEST(CompareNoiseRealRuns, HistoryStepsUseTheSameRule) {
  // quick1 under one driver label, quick2 under the next and a triad-20%-slower copy of quick2
  // under a third: only the last step of triad is marked.
  TempDir dir;
  std::vector<std::filesystem::path> files;
  const std::vector<std::pair<std::string, double>> steps = {
      {"580.159.04", 0.0}, {"580.160.01", 0.0}, {"580.161.01", 0.20}};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    json run = fixture(i == 0 ? "quick1" : "quick2");
    run["context"]["driver_version"] = steps[i].first;
    if (steps[i].second > 0) plant_slowdown(run, kTriad, steps[i].second);
    files.push_back(dir.write("run" + std::to_string(i) + ".json", run.dump()));
  }
  const History history = build_history(files, {});
  ASSERT_EQ(history.groups.size(), 1u);
  std::size_t marked = 0;
  for (const HistorySeries& series : history.groups[0].series) {
    for (const HistoryStep& step : series.steps) {
      EXPECT_EQ(step.judgement.method, VerdictMethod::kNoiseRule) << series.benchmark;
      if (step.judgement.verdict == Verdict::kSlower ||
          step.judgement.verdict == Verdict::kFaster) {
        ++marked;
        EXPECT_EQ(series.benchmark, kTriad);
        EXPECT_EQ(step.to, 2u);
        EXPECT_EQ(step.judgement.verdict, Verdict::kSlower);
      }
    }
  }
  EXPECT_EQ(marked, 1u);
  EXPECT_EQ(history.groups[0].series.size(), 79u);  // one series per benchmark
}

// A stated noise model: each repetition is the median of 50 samples drawn from a normal
// distribution whose IQR is `noise` of the true value, and each run is shifted as a whole by a
// normal offset of standard deviation `run_offset` (what a rerun changes: clocks, placement). The
// draw is made here from std::mt19937 (whose output the standard fixes) with Box-Muller, so it is
// the same everywhere.
class NoiseModel {
 public:
  explicit NoiseModel(std::uint32_t seed) : generator_(seed) {}

  // One run's repetitions: values and the recorded relative IQR of each one's samples.
  std::pair<std::vector<double>, double> run(double truth, double noise, double run_offset) {
    const double shifted = truth * (1 + run_offset * normal());
    const double sigma = truth * noise / 1.349;  // IQR of a normal = 1.349 sigma
    std::vector<double> values;
    double largest_noise = 0;
    for (int repetition = 0; repetition < 3; ++repetition) {
      std::vector<double> samples;
      for (int i = 0; i < 50; ++i)
        samples.push_back(shifted + sigma * normal());
      values.push_back(stats::median(samples));
      largest_noise = std::max(largest_noise, stats::relative_iqr(samples));
    }
    return {values, largest_noise};
  }

 private:
  double uniform() { return (static_cast<double>(generator_()) + 0.5) / 4294967296.0; }
  double normal() {
    return std::sqrt(-2 * std::log(uniform())) * std::cos(2 * 3.14159265358979 * uniform());
  }
  std::mt19937 generator_;
};

int calls(NoiseModel& model, int pairs, double change, double noise, double run_offset,
          Verdict wanted) {
  int count = 0;
  for (int pair = 0; pair < pairs; ++pair) {
    const auto [a, noise_a] = model.run(1.0, noise, run_offset);
    const auto [b, noise_b] = model.run(1.0 + change, noise, run_offset);
    const Judgement j = judge(Repetitions{a, noise_a}, Repetitions{b, noise_b},
                              Direction::kLowerIsBetter, VerdictRule{});
    if (j.verdict == wanted) ++count;
  }
  return count;
}

TEST(CompareNoiseModel, FalseCallsAreRareEvenWithRunOffsetsAsLargeAsTheNoise) {
  // The H200 reruns shifted by about 0.6x the noise; here a shift of 1x, noise 2% (so that the 3%
  // threshold alone would not protect): times are identical in truth.
  NoiseModel model(20261128);
  const int slower = calls(model, 2000, 0.0, 0.02, 0.02, Verdict::kSlower);
  const int faster = calls(model, 2000, 0.0, 0.02, 0.02, Verdict::kFaster);
  EXPECT_LE(slower + faster, 20) << "of 4000 identical pairs";  // 0.5%
}

TEST(CompareNoiseModel, FivePercentIsFoundWithNoiseBelowOnePercent) {
  // Run offsets of 0.6x the noise, as measured on the H200. The recorded noise (the largest of 3
  // IQRs of 50 samples) comes out near 1.2x the true one, so 0.8% is close to the 1% edge.
  NoiseModel model(20261129);
  const int at_half = calls(model, 1000, 0.05, 0.005, 0.6 * 0.005, Verdict::kSlower);
  const int at_edge = calls(model, 1000, 0.05, 0.008, 0.6 * 0.008, Verdict::kSlower);
  const int missed_as_same = calls(model, 1000, 0.05, 0.008, 0.6 * 0.008, Verdict::kSame);
  SCOPED_TRACE(::testing::Message() << "5% found in " << at_half << " / 1000 pairs at 0.5% noise, "
                                    << at_edge << " / 1000 at 0.8%");
  EXPECT_GE(at_half, 995);
  EXPECT_GE(at_edge, 900);
  EXPECT_EQ(missed_as_same, 0);  // what is missed is UNSURE, never SAME
  // A change of half the noise is never called.
  EXPECT_EQ(calls(model, 1000, 0.02, 0.04, 0.6 * 0.04, Verdict::kSlower), 0);
}

}  // namespace
}  // namespace gpubench
