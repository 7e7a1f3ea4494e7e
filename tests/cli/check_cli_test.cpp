// `gpubench check` and `gpubench export` as a user (or a Slurm health check) meets them: exit codes
// 0 / 1 / 2, one-sentence errors, the JUnit and OpenMetrics files written whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::read_file;
using testing::run_gpubench;
using testing::TempDir;

std::string fixture(const std::string& name) {
  return std::string(GPUBENCH_TEST_FIXTURES_DIR) + "/runs/h200-b376421/" + name;
}

TEST(CheckCli, HealthyRunsExit0AndTheContendedOneExits1) {
  const auto healthy = run_gpubench("check " + fixture("full.json") + " " + fixture("quick1.json"));
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out << healthy.err;
  EXPECT_EQ(healthy.out.find("\n  FAIL "), std::string::npos) << healthy.out;
  const auto contended =
      run_gpubench("check " + fixture("quick1.json") + " " + fixture("contended.json"));
  EXPECT_EQ(contended.exit_code, 1) << contended.out << contended.err;
  EXPECT_NE(contended.out.find("FAIL         FP32 FFMA peak"), std::string::npos) << contended.out;
}

TEST(CheckCli, JsonAndJunitTogether) {
  TempDir dir;
  const auto junit = dir.path() / "check.xml";
  const auto result =
      run_gpubench("check --json --junit '" + junit.string() + "' " + fixture("contended.json"));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out)["verdict"], "FAIL");
  EXPECT_NE(read_file(junit).find("<failure "), std::string::npos);
}

TEST(CheckCli, BadThresholdsFileOrRunSaysSoInOneSentenceAndExits2) {
  TempDir dir;
  const auto bad = dir.write("bad.toml",
                             "[default.dram_triad]\nfail_below_pct = 90\n"
                             "warn_below_pct = 80\n");
  const auto result =
      run_gpubench("check --thresholds '" + bad.string() + "' " + fixture("quick1.json"));
  EXPECT_EQ(result.exit_code, 2) << result.out;
  EXPECT_NE(result.err.find("bad.toml"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  const auto missing = run_gpubench("check '" + (dir.path() / "none.json").string() + "'");
  EXPECT_EQ(missing.exit_code, 2);
  const auto good = dir.write("good.toml",
                              "[card.h200-sxm.dram_triad]\nwarn_below_pct = 99\n"
                              "fail_below_pct = 95\n");
  const auto strict =
      run_gpubench("check --thresholds '" + good.string() + "' " + fixture("quick1.json"));
  EXPECT_EQ(strict.exit_code, 1) << strict.out;
  EXPECT_NE(strict.out.find("FAIL         DRAM triad"), std::string::npos) << strict.out;
}

// The thresholds file is read before anything is measured, so a typo costs no run (no GPU needed).
TEST(CheckCli, RunCheckRefusesABadThresholdsFileBeforeRunning) {
  TempDir dir;
  const auto bad = dir.write("bad.toml", "[default.ffma]\nfail_below = 80\n");
  const auto result =
      run_gpubench("run --check --thresholds '" + bad.string() + "'", testing::kNoGpuEnv);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("bad.toml"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("No CUDA device"), std::string::npos) << result.err;
}

TEST(CheckCli, FleetLearnsAThresholdsFileThatCheckReads) {
  TempDir dir;
  const auto learnt = dir.path() / "learnt.toml";
  const auto fleet =
      run_gpubench("fleet --thresholds-out '" + learnt.string() + "' " + fixture("full.json") +
                   " " + fixture("quick1.json") + " " + fixture("quick2.json"));
  ASSERT_TRUE(std::filesystem::exists(learnt)) << fleet.err;
  EXPECT_NE(read_file(learnt).find("[card.\"h200-sxm\".ffma]"), std::string::npos);
  const auto checked = run_gpubench("check --thresholds '" + learnt.string() + "' " +
                                    fixture("quick2.json") + " " + fixture("contended.json"));
  EXPECT_EQ(checked.exit_code, 1) << checked.err;
  EXPECT_NE(checked.out.find("thresholds: " + learnt.string()), std::string::npos);
}

TEST(ExportCli, WritesTheOpenMetricsFileAtomicallyOrPrintsIt) {
  TempDir dir;
  const auto out = dir.path() / "gpubench.prom";
  const auto written =
      run_gpubench("export --openmetrics -o '" + out.string() + "' " + fixture("quick1.json"));
  ASSERT_EQ(written.exit_code, 0) << written.err;
  const std::string text = read_file(out);
  EXPECT_TRUE(text.ends_with("# EOF\n"));
  EXPECT_EQ(run_gpubench("export --openmetrics " + fixture("quick1.json")).out, text);
  const auto no_format = run_gpubench("export " + fixture("quick1.json"));
  EXPECT_EQ(no_format.exit_code, 2);
}

}  // namespace
}  // namespace gpubench
