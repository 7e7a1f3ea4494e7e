// `history` over the driver suite's rows: they carry latency_us / ops_per_s instead of a bandwidth
// and are in microseconds, and must show across driver versions like any other row, with a slower
// launch on the newer driver judged slower. Every value here is invented.
#include <gtest/gtest.h>

#include <fstream>

#include "analysis/history.hpp"
#include "gpubench/counters.hpp"
#include "support/synthetic_results.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::around;
using testing::kTight;

constexpr const char* kLaunch = "driver/launch/sync/manual_time";
constexpr const char* kRate = "driver/launch/async_rate/manual_time";
constexpr double kRateKernels = 256;

// A synthetic run whose records carry the driver suite's counters in place of bandwidth.
nlohmann::json driver_run(const std::string& driver, double launch_us, double rate_sample_us) {
  testing::SyntheticRun run;
  run.driver_version = driver;
  run.benchmarks = {{kLaunch, around(launch_us, kTight)}, {kRate, around(rate_sample_us, kTight)}};
  for (auto& benchmark : run.benchmarks)
    benchmark.time_unit = "us";
  nlohmann::json file = testing::synthetic_results(run);
  for (auto& record : file["benchmarks"]) {
    record.erase(std::string(counters::kBandwidthGbs));
    record.erase(std::string(counters::kArrayBytes));
    const double us = record["real_time"].get<double>();
    if (record["run_name"] == kRate) {
      record[std::string(counters::kOpsPerS)] = kRateKernels / (us * 1e-6);
    } else {
      record[std::string(counters::kLatencyUs)] = us;
    }
  }
  return file;
}

const HistorySeries* find_series(const HistoryGroup& group, const std::string& benchmark,
                                 std::string_view metric) {
  for (const auto& series : group.series) {
    if (series.benchmark == benchmark && series.metric == metric) return &series;
  }
  return nullptr;
}

TEST(HistoryDriverRows, ShowAcrossDriverVersionsWithTheirDirections) {
  testing::TempDir dir;
  std::vector<std::filesystem::path> files;
  // The newer driver: launches 20% slower, the launch rate unchanged.
  const std::vector<std::tuple<std::string, double>> drivers = {{"550.54.15", 5.0},
                                                                {"580.95.05", 6.0}};
  for (const auto& [driver, launch_us] : drivers) {
    files.push_back(dir.path() / (driver + ".json"));
    std::ofstream(files.back()) << driver_run(driver, launch_us, 600.0).dump(1);
  }
  for (const std::optional<std::string>& metric :
       {std::optional<std::string>(), std::optional<std::string>("latency_us|ops_per_s")}) {
    HistoryOptions options;
    options.metric_regex = metric;
    const History history = build_history(files, options);
    ASSERT_TRUE(history.skipped.empty()) << history.skipped.front().reason;
    ASSERT_EQ(history.groups.size(), 1u);
    const HistoryGroup& group = history.groups.front();
    ASSERT_EQ(group.drivers.size(), 2u);
    // Shown by default as each row's primary figure, and by --metric as asked: latency_us for the
    // launch, ops_per_s for the rate.
    const HistorySeries* launch = find_series(group, kLaunch, counters::kLatencyUs);
    ASSERT_NE(launch, nullptr);
    EXPECT_EQ(launch->direction, Direction::kLowerIsBetter);
    ASSERT_EQ(launch->steps.size(), 1u);
    EXPECT_EQ(launch->steps[0].judgement.verdict, Verdict::kSlower);
    EXPECT_NEAR(launch->steps[0].judgement.change, 0.20, 1e-9);
    const HistorySeries* rate = find_series(group, kRate, counters::kOpsPerS);
    ASSERT_NE(rate, nullptr);
    EXPECT_EQ(rate->direction, Direction::kHigherIsBetter);
    ASSERT_EQ(rate->steps.size(), 1u);
    EXPECT_EQ(rate->steps[0].judgement.verdict, Verdict::kSame);
  }
}

}  // namespace
}  // namespace gpubench
