// Contention caught during a run, on a GPU (skipped without one): a second gpubench process runs
// the full compute suite while the run under test measures, and the run under test must mark
// figures contended, list them, and exit 1 under --strict.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "gpubench/counters.hpp"
#include "model/results_file.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

bool process_alive(int pid) {
  return std::filesystem::exists("/proc/" + std::to_string(pid));
}

TEST(ContentionGpu, ASecondProcessDuringARunMarksItsFiguresContended) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto pid_file = dir.path() / "contender.pid";
  // The contender: a full compute run (tens of seconds of FFMA and tensor-core loops).
  const std::string start = "sh -c \"'" GPUBENCH_EXE "' run --suite compute --no-inspect --out '" +
                            (dir.path() / "contender.json").string() +
                            "' >/dev/null 2>&1 & echo \\$! >'" + pid_file.string() + "'\"";
  ASSERT_EQ(std::system(start.c_str()), 0);
  const int contender = std::stoi(testing::read_file(pid_file));
  std::this_thread::sleep_for(std::chrono::seconds(4));  // past its probe, into its kernels
  ASSERT_TRUE(process_alive(contender)) << "the contender ended before the run under test began";

  const auto out = dir.path() / "contended.json";
  const auto result = testing::run_gpubench(
      "run --suite compute --quick --strict --no-inspect --out '" + out.string() + "'");
  const bool contender_outlived = process_alive(contender);
  ::kill(contender, SIGTERM);
  for (int i = 0; i < 100 && process_alive(contender); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(contender_outlived) << "the contender ended before the run under test did";

  EXPECT_EQ(result.exit_code, 1) << "--strict with contended figures\n" << result.err;
  EXPECT_NE(result.err.find("contended"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("CONTENDED"), std::string::npos) << result.out;
  const ResultsFile results = load_results_file(out);
  int contended = 0;
  for (const BenchmarkRecord& record : results.benchmarks) {
    const auto it = record.counters.find(std::string(counters::kContended));
    if (record.run_type == "iteration" && it != record.counters.end() && it->second > 0) {
      ++contended;
      EXPECT_NE(record.label.find("contended: "), std::string::npos) << record.label;
    }
  }
  EXPECT_GT(contended, 0) << "no repetition was marked contended";
}

}  // namespace
}  // namespace gpubench
