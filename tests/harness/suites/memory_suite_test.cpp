// `gpubench run --suite memory` end to end. Without a GPU: the refusal paths only.
#include <gtest/gtest.h>

#include <vector>

#include "model/memory_plan.hpp"
#include "model/results_file.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(RunCommand, WithoutAGpuExits2AndWritesNothing) {
  testing::TempDir dir;
  const auto out = dir.path() / "run.json";
  const auto result = testing::run_gpubench(
      "run --suite memory --quick --out '" + out.string() + "'", testing::kNoGpuEnv);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("No CUDA device"), std::string::npos) << result.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(RunCommand, UnknownSuiteIsBadInput) {
  const auto unknown = testing::run_gpubench("run --suite sparkles", testing::kNoGpuEnv);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("does not exist"), std::string::npos) << unknown.err;
  EXPECT_EQ(testing::run_gpubench("run --quick --full").exit_code, 2);
}

TEST(RunCommandGpu, BadBytesAreRefusedBeforeAnythingIsWritten) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "run.json";
  for (const char* bytes : {"17", "0", "-16", "1099511627776000"}) {
    const auto result = testing::run_gpubench(std::string("run --suite memory --quick --bytes=") +
                                              bytes + " --out '" + out.string() + "'");
    EXPECT_EQ(result.exit_code, 2) << bytes << ": " << result.err;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << bytes;
  }
}

// --filter runs a subset and says how many it selected; none selected is bad input, and nothing
// is written. A quiet run prints no google/benchmark table.
TEST(RunCommandGpu, FilterRunsASubsetAndRefusesAnEmptyOne) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto none = dir.path() / "none" / "run.json";
  const auto empty = testing::run_gpubench(
      "run --suite memory --quick --filter 'no/such/thing' "
      "--out '" +
      none.string() + "'");
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_NE(empty.err.find("selects none of the"), std::string::npos) << empty.err;
  EXPECT_FALSE(std::filesystem::exists(none));
  const auto out = dir.path() / "triad.json";
  const auto triad = testing::run_gpubench(
      "run --suite memory --quick --filter 'stream/triad' --out '" + out.string() + "'");
  ASSERT_EQ(triad.exit_code, 0) << triad.out << triad.err;
  EXPECT_NE(triad.out.find("selected 1 of"), std::string::npos) << triad.out;
  EXPECT_EQ(triad.out.find("Iterations"), std::string::npos) << "no table without --verbose";
  EXPECT_EQ(triad.err.find("Library was built as DEBUG"), std::string::npos) << triad.err;
  const ResultsFile results = load_results_file(out);
  for (const BenchmarkRecord& record : results.benchmarks)
    EXPECT_EQ(record.run_name.rfind("memory/stream/triad", 0), 0u) << record.run_name;
}

TEST(RunCommandGpu, QuickMemorySuiteWritesAVerifiedResultsFile) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "sub" / "run.json";
  const auto result =
      testing::run_gpubench("run --suite memory --quick --out '" + out.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const ResultsFile results = load_results_file(out);
  EXPECT_TRUE(results.is_gpubench_run());
  bool saw_triad = false, saw_latency = false, saw_sweep = false, saw_pinned = false;
  for (const BenchmarkRecord& record : results.benchmarks) {
    EXPECT_FALSE(record.error_occurred) << record.name << ": " << record.error_message;
    if (record.run_type != "aggregate" || record.aggregate_name != "median") continue;
    saw_triad |= record.run_name.rfind("memory/stream/triad/", 0) == 0;
    saw_latency |= record.run_name.rfind("memory/latency/", 0) == 0;
    saw_sweep |= record.run_name.rfind("memory/l2_sweep/", 0) == 0;
    saw_pinned |= record.run_name.rfind("memory/h2d/pinned/", 0) == 0;
    if (record.run_name.rfind("memory/latency/", 0) == 0) {
      EXPECT_GT(record.counters.at("latency_cycles"), 0.0) << record.name;
    } else {
      EXPECT_GT(record.counters.at("bandwidth_gbs"), 0.0) << record.name;
    }
    EXPECT_GT(record.counters.at("sm_clock_mhz"), 0.0) << record.name;
  }
  EXPECT_TRUE(saw_triad && saw_latency && saw_sweep && saw_pinned);
  for (const auto& entry : std::filesystem::directory_iterator(out.parent_path())) {
    EXPECT_EQ(entry.path(), out) << "no temporary may be left behind";
  }
}

}  // namespace
}  // namespace gpubench
