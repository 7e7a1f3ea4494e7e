// `gpubench run --suite driver --quick` end to end on a device (skipped without one): every row
// runs, verifies and reports its figure, within the suite's share of the quick profile.
#include <gtest/gtest.h>

#include <set>

#include "gpubench/counters.hpp"
#include "model/driver_plan.hpp"
#include "model/results_file.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(RunCommandGpu, QuickDriverSuiteWritesAVerifiedFigureForEveryRow) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "driver.json";
  const auto result =
      testing::run_gpubench("run --suite driver --quick --out '" + out.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const ResultsFile results = load_results_file(out);
  std::set<std::string> medians;
  for (const BenchmarkRecord& record : results.benchmarks) {
    EXPECT_FALSE(record.error_occurred) << record.name << ": " << record.error_message;
    if (record.aggregate_name != "median") continue;
    medians.insert(record.run_name);
    const bool rate = record.run_name.find("async_rate") != std::string::npos;
    const std::string counter(rate ? counters::kOpsPerS : counters::kLatencyUs);
    ASSERT_TRUE(record.counters.contains(counter)) << record.run_name;
    const double value = record.counters.at(counter);
    EXPECT_GT(value, 0) << record.run_name;
    // No driver path of these takes a second; no kernel launch rate is below 1000 per second.
    if (rate) {
      EXPECT_GT(value, 1e3) << record.run_name;
    } else {
      EXPECT_LT(value, 1e6) << record.run_name;
    }
  }
  // Every row ran, except those the device cannot run (said on stderr).
  for (const DriverRow& row : driver_rows()) {
    const bool ran = medians.contains(row.name + "/manual_time");
    EXPECT_TRUE(ran || result.err.find(row.name + ": not measured") != std::string::npos)
        << row.name;
  }
  // Issue 16: about 1-2 s of the quick profile's 20 s.
  const auto wall = results.context_value("gpubench_run_wall_s");
  ASSERT_TRUE(wall);
  EXPECT_LT(std::stod(*wall), 5.0);
}

}  // namespace
}  // namespace gpubench
