// `gpubench run --sweep-sizes/--transfer-sizes` on a real device (issue 24): the custom sizes
// replace the profile's, named as its rows and verified as they are; sizes the card cannot hold
// are refused before anything is written. Skipped without a GPU.
#include <gtest/gtest.h>

#include <set>

#include "gpubench/counters.hpp"
#include "model/results_file.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(CustomMemorySuiteGpu, CustomSizesReplaceTheProfilesAndAreVerified) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "memory.json";
  const testing::CommandResult run = testing::run_gpubench(
      "run --quick --sweep-sizes 1MiB,3MiB --transfer-sizes 64KiB "
      "--filter 'l2_sweep|latency|h2d|d2h|bidirectional' --out '" +
      out.string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::set<std::string> seen;
  for (const BenchmarkRecord& record : load_results_file(out).benchmarks) {
    EXPECT_FALSE(record.error_occurred) << record.name << ": " << record.error_message;
    if (record.aggregate_name == "median")
      seen.insert(record.run_name.substr(0, record.run_name.rfind("/manual_time")));
  }
  EXPECT_EQ(seen, (std::set<std::string>{
                      "memory/l2_sweep/1MiB", "memory/l2_sweep/3MiB", "memory/latency/1MiB",
                      "memory/latency/3MiB", "memory/h2d/pinned/64KiB", "memory/h2d/pageable/64KiB",
                      "memory/d2h/pinned/64KiB", "memory/d2h/pageable/64KiB",
                      "memory/bidirectional/pinned/64KiB", "memory/bidirectional/pageable/64KiB"}));
}

TEST(CustomMemorySuiteGpu, SizesLargerThanTheFreeMemoryAreRefusedBeforeAnythingIsWritten) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "run.json";
  // 256 GiB is more than any card's memory; FP32 131072^3 needs 192 GiB for A, B and C.
  for (const char* args : {"--sweep-sizes 256GiB", "--transfer-sizes 200GiB",
                           "--gemm 131072x131072x131072 --precision fp32"}) {
    const auto result =
        testing::run_gpubench(std::string("run --quick ") + args + " --out '" + out.string() + "'");
    EXPECT_EQ(result.exit_code, 2) << args << ": " << result.err;
    EXPECT_NE(result.err.find("free"), std::string::npos) << args << ": " << result.err;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << args;
  }
}

}  // namespace
}  // namespace gpubench
