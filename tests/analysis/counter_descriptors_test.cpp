// The counter descriptors (gpubench/counter_descriptors.hpp) against the real H200 runs: every
// counter they hold has one, `compare --all-metrics` judges figures only, and the headline list
// (gpubench/headlines.hpp) names the benchmarks the runs have.
#include "gpubench/counter_descriptors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "analysis/compare.hpp"
#include "gpubench/headlines.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"
#include "support/h200_runs.hpp"

namespace gpubench {
namespace {

using testing::h200_run;
using testing::h200_run_json;

constexpr const char* kFixtureRuns[] = {"quick1.json", "quick2.json", "full.json",
                                        "contended.json"};

// The names of a run's counters that have no descriptor.
std::set<std::string> without_descriptor(const ResultsFile& run) {
  std::set<std::string> missing;
  for (const BenchmarkRecord& record : run.benchmarks) {
    for (const auto& [name, value] : record.counters) {
      if (counters::find_descriptor(name) == nullptr) missing.insert(name);
    }
  }
  return missing;
}

TEST(CounterDescriptors, EveryCounterOfTheFixtureRunsHasOne) {
  for (const char* file : kFixtureRuns) {
    const ResultsFile run = load_results_file(h200_run(file));
    ASSERT_FALSE(run.benchmarks.empty()) << file;
    EXPECT_EQ(without_descriptor(run), std::set<std::string>{}) << file;
  }
}

TEST(CounterDescriptors, EveryConstantHasOneAndLookupFindsEachRow) {
  for (const counters::Descriptor& row : counters::kDescriptors) {
    ASSERT_NE(counters::find_descriptor(row.name), nullptr) << row.name;
    EXPECT_EQ(counters::find_descriptor(row.name)->name, row.name);
    EXPECT_FALSE(row.display.empty()) << row.name;
  }
  EXPECT_EQ(counters::find_descriptor("no_such_counter"), nullptr);
  EXPECT_EQ(counters::find_descriptor(""), nullptr);
  // One spelling of the per-watt units in every report.
  EXPECT_EQ(counters::per_watt_unit(counters::FigureKind::kBandwidth), "GB/s/W");
  EXPECT_EQ(counters::per_watt_unit(counters::FigureKind::kCompute), "TFLOPS/W");
}

TEST(CounterDescriptors, BookkeepingIsNeverSelectedByAnyAnalysis) {
  for (const counters::Judge analysis :
       {counters::kCompare, counters::kHistory, counters::kFleet}) {
    const MetricSelector every(std::nullopt, true, analysis);
    for (const counters::Descriptor& row : counters::kDescriptors) {
      if (row.role == counters::Role::kBookkeeping) {
        EXPECT_FALSE(every.selects(std::string(row.name))) << row.name;
      }
    }
  }
}

// quick1 against quick2 with --all-metrics. Both triad records carry the sustained window's
// counters as gpubench has written them since it measures one (power_window_s, the window's
// length, and power_readings_over_limit), of different values on the two sides: a window is no
// figure, and the old suffix rule judged power_window_s a time where lower is better.
TEST(CounterDescriptors, AllMetricsOnTheFixturesJudgesNoBookkeeping) {
  auto with_window = [](const char* file, double window_s) {
    nlohmann::json run = h200_run_json(file);
    for (auto& record : run["benchmarks"]) {
      if (!record["run_name"].get<std::string>().starts_with("memory/stream/triad")) continue;
      record[std::string(counters::kPowerWindowS)] = window_s;
      record[std::string(counters::kPowerReadingsOverLimit)] = window_s - 1;
    }
    return parse_results(run.dump(), file);
  };
  CompareOptions options;
  options.all_metrics = true;
  const Comparison comparison =
      compare_runs(with_window("quick1.json", 1.0), with_window("quick2.json", 3.0), options);
  std::set<std::string> judged;
  for (const BenchmarkComparison& benchmark : comparison.benchmarks) {
    for (const MetricComparison& metric : benchmark.metrics) {
      judged.insert(metric.metric);
      const counters::Descriptor* row = counters::find_descriptor(metric.metric);
      ASSERT_NE(row, nullptr) << metric.metric;
      EXPECT_EQ(row->role, counters::Role::kFigure) << benchmark.name << " " << metric.metric;
    }
  }
  EXPECT_EQ(judged.count(std::string(counters::kPowerWindowS)), 0u);
  EXPECT_EQ(judged.count(std::string(counters::kSamples)), 0u);
  // The figures and their restatements are still judged.
  for (const auto name : {counters::kBandwidthGbs, counters::kTflops, counters::kPctOfSpec,
                          counters::kVsCounterpart, counters::kRealTime}) {
    EXPECT_EQ(judged.count(std::string(name)), 1u) << name;
  }
}

TEST(Headlines, CoverTheBenchmarksOfTheirRowsOnly) {
  using headlines::covers;
  EXPECT_TRUE(covers(headlines::kDramTriad, "memory/stream/triad"));
  EXPECT_TRUE(covers(headlines::kDramTriad, "memory/stream/triad/manual_time"));
  EXPECT_FALSE(covers(headlines::kDramTriad, "memory/stream/triad_old"));
  EXPECT_TRUE(covers(headlines::kFp16Gemm, "gemm/cublas/fp16_f32acc/4096x4096x4096/manual_time"));
  EXPECT_FALSE(covers(headlines::kFp16Gemm, "gemm/cublas/fp16_f32acc/llm_qkv_4096/manual_time"));
  EXPECT_FALSE(covers(headlines::kFp16Gemm, "gemm/own/fp16_f32acc/4096x4096x4096"));
  EXPECT_TRUE(covers(headlines::kHostToDevice, "memory/h2d/pinned/64MiB/manual_time"));
  EXPECT_FALSE(covers(headlines::kHostToDevice, "memory/h2d/pageable/64MiB/manual_time"));
  // The power windows: the triad, the FFMA peak and the FP16 GEMM's shapes; never a copy.
  EXPECT_TRUE(headlines::sustained_power("memory/stream/triad"));
  EXPECT_TRUE(headlines::sustained_power("compute/peak/fp32_ffma"));
  EXPECT_TRUE(headlines::sustained_power("gemm/cublas/fp16_f32acc/8192x8192x8192"));
  EXPECT_FALSE(headlines::sustained_power("memory/stream/copy"));
  EXPECT_FALSE(headlines::sustained_power("memory/h2d/pinned/64MiB"));
  EXPECT_FALSE(headlines::sustained_power("gemm/cublas/bf16/8192x8192x8192"));
}

// Every headline that names a benchmark finds one in the full run, and each spec key is one the
// spec sheets define.
TEST(Headlines, NameBenchmarksTheFullRunHas) {
  const ResultsFile full = load_results_file(h200_run("full.json"));
  for (const headlines::Headline& row : headlines::kHeadlines) {
    EXPECT_TRUE(row.spec_key.empty() ||
                std::find(kSpecKeys.begin(), kSpecKeys.end(), row.spec_key) != kSpecKeys.end())
        << row.spec_key;
    if (row.match == headlines::Match::kNone) continue;
    bool found = false;
    for (const BenchmarkRecord& record : full.benchmarks)
      found = found || headlines::covers(row, record.run_name);
    EXPECT_TRUE(found) << row.label;
  }
}

}  // namespace
}  // namespace gpubench
