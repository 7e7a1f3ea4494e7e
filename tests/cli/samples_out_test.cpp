// `gpubench run --samples-out FILE`, --no-l2-flush and --batch N (issue 27's diagnostics): the side
// file holds every sample behind each repetition's median, the results file stays as it was,
// diagnostic timing is named in the results file, and a cold batch checks every copy it ran on.
// The GPU tests skip without a device.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "analysis/compare_metrics.hpp"
#include "model/results_file.hpp"
#include "model/sample_log.hpp"
#include "model/statistics.hpp"
#include "support/h200_runs.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SamplesOut, BadOptionsExit2BeforeAnyGpuWork) {
  EXPECT_EQ(testing::run_gpubench("run --batch 0", testing::kNoGpuEnv).exit_code, 2);
  const auto several = testing::run_gpubench("run --device all --samples-out x.json");
  EXPECT_EQ(several.exit_code, 2) << several.out << several.err;
  EXPECT_NE(several.err.find("--samples-out takes a run on one GPU"), std::string::npos)
      << several.err;
  const auto nowhere = testing::run_gpubench("run --samples-out /nonexistent/folder/samples.json",
                                             testing::kNoGpuEnv);
  EXPECT_EQ(nowhere.exit_code, 2) << nowhere.out << nowhere.err;
  EXPECT_NE(nowhere.err.find("the folder /nonexistent/folder does not exist"), std::string::npos)
      << nowhere.err;
}

TEST(SamplesOut, CompareListsDiagnosticTimingAmongWhatDiffers) {
  // quick1 as of record against itself marked as a run without the L2 flush.
  auto file = testing::h200_run_json("quick1.json");
  const ResultsFile record = parse_results(file.dump(), "record.json");
  file["context"]["gpubench_timing"] = "diagnostic: L2 not flushed (--no-l2-flush)";
  const ResultsFile diagnostic = parse_results(file.dump(), "noflush.json");
  const Comparison comparison = compare_runs(record, diagnostic, {});
  const auto& differences = comparison.manifest_differences;
  const auto timing = std::find_if(differences.begin(), differences.end(),
                                   [](const auto& d) { return d.key == "gpubench_timing"; });
  ASSERT_NE(timing, differences.end());
  EXPECT_FALSE(timing->base);
  EXPECT_EQ(timing->candidate, "diagnostic: L2 not flushed (--no-l2-flush)");
}

TEST(SamplesOut, CompareListsTheTimingMethodAmongWhatDiffers) {
  // quick1 predates the stream hold: a held run of the same card differs in how it timed.
  auto file = testing::h200_run_json("quick1.json");
  const ResultsFile before = parse_results(file.dump(), "before.json");
  file["context"]["gpubench_timing_method"] = "CUDA events around each sample, held";
  const ResultsFile held = parse_results(file.dump(), "held.json");
  const auto& differences = compare_runs(before, held, {}).manifest_differences;
  const auto method = std::find_if(differences.begin(), differences.end(),
                                   [](const auto& d) { return d.key == "gpubench_timing_method"; });
  ASSERT_NE(method, differences.end());
  EXPECT_FALSE(method->base);
  EXPECT_EQ(method->candidate, "CUDA events around each sample, held");
}

TEST(SamplesOutGpu, TheSideFileHoldsTheSamplesBehindEachMedian) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "run.json";
  const auto samples = dir.path() / "samples.json";
  const auto result =
      testing::run_gpubench("run --suite memory --quick --filter 'memory/h2d/pinned/1MiB' --out '" +
                            out.string() + "' --samples-out '" + samples.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const ResultsFile results = load_results_file(out);
  EXPECT_FALSE(results.context_value("gpubench_timing")) << "figures of record";
  const auto repetitions = parse_sample_log(read_text(samples));
  std::size_t matched = 0;
  for (const BenchmarkRecord& record : results.benchmarks) {
    if (record.run_type != "iteration") continue;
    const auto found = std::find_if(repetitions.begin(), repetitions.end(), [&](const auto& r) {
      return r.run_name == record.run_name && r.repetition == record.repetition_index;
    });
    ASSERT_NE(found, repetitions.end()) << record.run_name << " " << record.repetition_index;
    std::vector<double> kept;
    for (std::size_t i = 0; i < found->seconds.size(); ++i) {
      if (std::find(found->throttled.begin(), found->throttled.end(), i) == found->throttled.end())
        kept.push_back(found->seconds[i]);
    }
    EXPECT_EQ(static_cast<double>(kept.size()), record.counters.at("samples"));
    const double median = stats::median(kept) * 1e9 / time_unit_in_ns(record.time_unit);
    EXPECT_NEAR(median, record.real_time, 1e-6 * record.real_time);
    ++matched;
  }
  EXPECT_EQ(matched, 3u);  // the quick profile's three repetitions
  EXPECT_EQ(read_text(out).find("\"seconds\""), std::string::npos) << "never in the results file";
}

TEST(SamplesOutGpu, DiagnosticTimingIsNamedInTheResultsFile) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "run.json";
  const auto result = testing::run_gpubench(
      "run --suite memory --quick --filter 'memory/h2d/pinned/1MiB' --no-l2-flush --batch 4 "
      "--no-stream-hold --out '" +
      out.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const auto timing = load_results_file(out).context_value("gpubench_timing");
  ASSERT_TRUE(timing);
  EXPECT_NE(timing->find("--no-l2-flush"), std::string::npos) << *timing;
  EXPECT_NE(timing->find("4 back-to-back launches per sample"), std::string::npos) << *timing;
  EXPECT_NE(timing->find("--no-stream-hold"), std::string::npos) << *timing;
}

// `gpubench run ARGS --quick --batch 4` with its results and side file in a temporary folder.
struct BatchedRun {
  testing::TempDir dir;
  std::filesystem::path out = dir.path() / "run.json";
  std::filesystem::path samples = dir.path() / "samples.json";
  testing::CommandResult result;

  explicit BatchedRun(const std::string& args)
      : result(testing::run_gpubench(args + " --quick --batch 4 --out '" + out.string() +
                                     "' --samples-out '" + samples.string() + "'")) {}
  std::vector<SampledRepetition> repetitions() const {
    return parse_sample_log(read_text(samples));
  }
};

TEST(SamplesOutGpu, AColdBatchRunsAndChecksEveryCopyOfTheOperands) {
  GPUBENCH_REQUIRE_GPU();
  const BatchedRun run(
      "run --suite gemm --no-inspect --filter 'gemm/cublas/fp16_f32acc/1024x1024x1024/'");
  ASSERT_EQ(run.result.exit_code, 0) << run.result.out << run.result.err;
  const ResultsFile results = load_results_file(run.out);
  const auto timing = results.context_value("gpubench_timing");
  ASSERT_TRUE(timing);
  EXPECT_NE(timing->find("its own copy of the operands"), std::string::npos) << *timing;
  const auto repetitions = run.repetitions();
  ASSERT_FALSE(repetitions.empty());
  for (const SampledRepetition& repetition : repetitions)
    EXPECT_EQ(repetition.launches_per_sample, 4) << repetition.run_name;
  for (const BenchmarkRecord& record : results.benchmarks) {
    EXPECT_FALSE(record.error_occurred) << record.error_message;
    EXPECT_EQ(record.label.find("do not fit"), std::string::npos) << record.label;
  }
}

TEST(SamplesOutGpu, RowsThatMeasureThemselvesIgnoreTheBatch) {
  GPUBENCH_REQUIRE_GPU();
  const BatchedRun run("run --suite compute --filter 'compute/latency/fp32_ffma'");
  ASSERT_EQ(run.result.exit_code, 0) << run.result.out << run.result.err;
  const auto repetitions = run.repetitions();
  ASSERT_FALSE(repetitions.empty());
  for (const SampledRepetition& repetition : repetitions)
    EXPECT_EQ(repetition.launches_per_sample, 1) << repetition.run_name;
}

}  // namespace
}  // namespace gpubench
