#include "analysis/run_summary.hpp"

#include <gtest/gtest.h>

namespace gpubench {
namespace {

BenchmarkRecord aggregate(const std::string& run, const std::string& which,
                          std::map<std::string, double> counters) {
  BenchmarkRecord record;
  record.run_name = run;
  record.name = run + "_" + which;
  record.run_type = "aggregate";
  record.aggregate_name = which;
  record.counters = std::move(counters);
  return record;
}

TEST(RunSummary, OneRowPerBenchmarkWithItsHeadlineFigure) {
  ResultsFile results;
  // Synthetic figures.
  results.benchmarks = {
      aggregate("memory/stream/triad/manual_time", "median",
                {{"bandwidth_gbs", 100.0}, {"pct_of_spec", 90.0}, {"sm_clock_mhz", 1500.0}}),
      aggregate("memory/stream/triad/manual_time", "cv", {{"bandwidth_gbs", 0.0123}}),
      aggregate("compute/peak/fp32_ffma/manual_time", "median",
                {{"tflops", 12.5}, {"vs_counterpart", 0.5}}),
      aggregate("memory/latency/16KiB/manual_time", "median", {{"latency_ns", 20.0}}),
  };
  BenchmarkRecord failed;
  failed.run_name = "gemm/own/fp32/256x256x256/manual_time";
  failed.error_occurred = true;
  results.benchmarks.push_back(failed);

  const std::string table = format_run_summary(results);
  EXPECT_NE(table.find("memory/stream/triad "), std::string::npos) << table;
  EXPECT_EQ(table.find("/manual_time"), std::string::npos) << "suffix dropped";
  EXPECT_NE(table.find("100 GB/s"), std::string::npos) << table;
  EXPECT_NE(table.find("1.23%"), std::string::npos) << table;
  EXPECT_NE(table.find("90.0%"), std::string::npos) << table;
  EXPECT_NE(table.find("12.5 TFLOPS"), std::string::npos) << table;
  EXPECT_NE(table.find("0.50x"), std::string::npos) << table;
  EXPECT_NE(table.find("20 ns"), std::string::npos) << table;
  EXPECT_NE(table.find("FAILED"), std::string::npos) << table;
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 6) << "a header, four rows, a legend";
  EXPECT_EQ(table.find("throttl"), std::string::npos) << "no throttled samples, no note";
}

TEST(RunSummary, ShowsTheNoiseAndListsThrottledSamples) {
  ResultsFile results;
  // Synthetic figures.
  results.benchmarks = {
      aggregate("memory/stream/copy/manual_time", "median",
                {{"bandwidth_gbs", 200.0}, {"noise_pct", 0.375}}),
      aggregate("memory/stream/copy/manual_time", "mean",
                {{"samples", 12.0}, {"throttled_samples", 2.0}}),
      aggregate("gemm/cublas/fp32/4096/manual_time", "median", {{"tflops", 20.0}}),
      aggregate("gemm/cublas/fp32/4096/manual_time", "mean",
                {{"samples", 3.0}, {"throttled_samples", 3.0}}),
      aggregate("memory/stream/add/manual_time", "mean",
                {{"samples", 3.0}, {"throttled_samples", 0.0}}),
      aggregate("memory/stream/add/manual_time", "median", {{"bandwidth_gbs", 150.0}}),
  };
  const std::string table = format_run_summary(results);
  EXPECT_NE(table.find("0.38%"), std::string::npos) << table;
  EXPECT_NE(table.find("memory/stream/copy: 2 sample(s) per repetition dropped"), std::string::npos)
      << table;
  EXPECT_NE(table.find("gemm/cublas/fp32/4096: 3 sample(s) per repetition all throttled, kept"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find("memory/stream/add:"), std::string::npos) << table;
}

TEST(RunSummary, ListsContendedFiguresAndOnlyThose) {
  ResultsFile results;
  // Synthetic figures: FFMA shared in two of three repetitions, triad clean.
  results.benchmarks = {
      aggregate("compute/peak/fp32_ffma/manual_time", "median", {{"tflops", 32.3}}),
      aggregate("compute/peak/fp32_ffma/manual_time", "mean", {{"contended", 2.0 / 3}}),
      aggregate("memory/stream/triad/manual_time", "median", {{"bandwidth_gbs", 4311.0}}),
      aggregate("memory/stream/triad/manual_time", "mean", {{"contended", 0.0}}),
  };
  const std::string table = format_run_summary(results);
  EXPECT_NE(table.find("CONTENDED"), std::string::npos) << table;
  EXPECT_NE(table.find("compute/peak/fp32_ffma: 67% of the repetitions"), std::string::npos)
      << table;
  EXPECT_EQ(table.find("memory/stream/triad: "), std::string::npos) << table;
  results.benchmarks.erase(results.benchmarks.begin() + 1);
  EXPECT_EQ(format_run_summary(results).find("CONTENDED"), std::string::npos);
}

}  // namespace
}  // namespace gpubench
