// `gpubench run --suite compute` end to end. Skipped without a GPU.
#include <gtest/gtest.h>

#include <optional>

#include "kernels/common/cuda_device.hpp"
#include "kernels/compute/sm120_kernels.hpp"
#include "kernels/compute/wgmma_kernels.hpp"
#include "model/results_file.hpp"
#include "support/test_support.hpp"

namespace gpubench::compute {
namespace {

TEST(RunCommandGpu, QuickComputeSuiteWritesVerifiedFigures) {
  GPUBENCH_REQUIRE_GPU();
  const std::optional<ResultsFile> run = testing::run_quick_suite("compute");
  ASSERT_TRUE(run);
  const ResultsFile& results = *run;
  bool saw_ffma = false, saw_mma = false;
  const bool hopper = current_device_sm() == 90;
  int wgmma_rows = 0, sm120_rows = 0;
  for (const BenchmarkRecord& record : results.benchmarks) {
    EXPECT_FALSE(record.error_occurred) << record.name << ": " << record.error_message;
    if (record.aggregate_name != "median") continue;
    const bool ffma = record.run_name.rfind("compute/peak/fp32_ffma", 0) == 0;
    // Power only for the headline FFMA, and only from a sustained window of a second or more.
    if (record.counters.contains("power_mean_w")) {
      EXPECT_TRUE(ffma) << record.name << " has power without a sustained window";
      EXPECT_GE(record.counters.at("power_window_s"), 1.0) << record.name;
    }
    EXPECT_TRUE(record.reasons.has_value()) << record.name << ": gpubench run writes reasons";
    if (ffma) {
      saw_ffma = true;
      EXPECT_GT(record.counters.at("pct_of_clock_peak"), 50.0);
      EXPECT_LT(record.counters.at("pct_of_clock_peak"), 101.0);
    }
    if (record.run_name.rfind("compute/peak/mma_f16_f32acc", 0) == 0) {
      saw_mma = true;
      EXPECT_GT(record.counters.at("tflops"), 0.0);
      if (hopper) {
        EXPECT_NE(record.label.find("legacy path"), std::string::npos) << record.label;
      }
    }
    if (record.run_name.rfind("compute/peak/mma_f8f6f4_", 0) == 0 ||
        record.run_name.rfind("compute/peak/mma_mxf", 0) == 0) {
      ++sm120_rows;
      EXPECT_GT(record.counters.at("tflops"), 0.0) << record.run_name;
    }
    if (record.run_name.rfind("compute/peak/wgmma_", 0) == 0) {
      ++wgmma_rows;
      // The wgmma rows are the tensor cores' own path: they must reach most of the table's rate
      // (the target is 95%; this bound only catches a broken kernel).
      const char* unit = record.counters.count("tops") ? "tops" : "tflops";
      EXPECT_GT(record.counters.at(unit), 0.0) << record.run_name;
      EXPECT_GT(record.counters.at("pct_of_clock_peak"), 50.0) << record.run_name;
      EXPECT_LT(record.counters.at("pct_of_clock_peak"), 101.0) << record.run_name;
    }
  }
  EXPECT_TRUE(saw_ffma && saw_mma);
  // Nine wgmma rows on Hopper (with the sm_90a kernels built), none elsewhere.
  EXPECT_EQ(wgmma_rows, hopper && wgmma_kernels_built() ? 9 : 0);
  // Nine sm_120 rows (FP8/FP6/FP4 and block-scaled mma.sync) where their kernels run, none
  // elsewhere.
  EXPECT_EQ(sm120_rows, sm120_mma_supported(current_device_sm()) ? 9 : 0);
}

}  // namespace
}  // namespace gpubench::compute
