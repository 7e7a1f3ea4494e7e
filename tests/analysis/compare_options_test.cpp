// compare and history options: one row per benchmark unless --all-metrics, --benchmark REGEX,
// contended figures (an error unless --allow-contended), and the verdict rule chosen by what a
// file records (per-repetition samples or not). Synthetic files (tests/support) and the real H200
// runs in tests/fixtures/runs/h200-b376421.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "analysis/history.hpp"
#include "support/synthetic_results.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::around;
using testing::run_gpubench;
using testing::SyntheticBenchmark;
using testing::SyntheticRun;
using testing::TempDir;

const std::filesystem::path kRuns =
    std::filesystem::path(GPUBENCH_TEST_FIXTURES_DIR) / "runs" / "h200-b376421";
constexpr const char* kBench = "synthetic/triad/manual_time";

// A benchmark with 3 repetitions as the quick profile writes them: 400 samples each, noise 0.5%.
SyntheticBenchmark recorded(double time, bool contended = false) {
  SyntheticBenchmark b(kBench, around(time, {-0.002, 0.0, 0.002}));
  b.samples = {400, 400, 400};
  b.noise_pct = {0.5, 0.4, 0.5};
  b.contended = contended;
  return b;
}

ResultsFile as_results(const SyntheticRun& run, const std::string& name) {
  return parse_results(testing::synthetic_results(run).dump(), name);
}

SyntheticRun run_of(std::vector<SyntheticBenchmark> benchmarks) {
  SyntheticRun run;
  run.benchmarks = std::move(benchmarks);
  return run;
}

testing::CommandResult gpubench_on(const std::vector<SyntheticRun>& runs, const std::string& verb,
                                   const std::string& extra, TempDir& dir) {
  std::string args = verb + " " + extra;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    args +=
        " '" +
        dir.write("run" + std::to_string(i) + ".json", testing::synthetic_results(runs[i]).dump())
            .string() +
        "'";
  }
  return run_gpubench(args);
}

TEST(CompareRule, ThreeRepetitionsWithRecordedNoiseDecide) {
  const SyntheticRun base = run_of({recorded(2.0)});
  const SyntheticRun slower = run_of({recorded(2.0 / 0.8)});  // 20% less bandwidth
  const Comparison comparison = compare_runs(as_results(base, "b"), as_results(slower, "n"), {});
  const Judgement& j = comparison.benchmarks.at(0).metrics.at(0).judgement;
  EXPECT_EQ(j.method, VerdictMethod::kNoiseRule);
  EXPECT_EQ(j.verdict, Verdict::kSlower) << j.reason;
  EXPECT_NEAR(j.change, -0.2, 1e-9);
  EXPECT_FALSE(j.p_value);  // no rank test was needed
  ASSERT_TRUE(j.detectable_change);
  EXPECT_NEAR(*j.detectable_change, 0.03, 1e-12);  // 3 x hypot(0.5%, 0.5%) < the threshold
  TempDir dir;
  EXPECT_EQ(gpubench_on({base, slower}, "compare", "", dir).exit_code, 1);

  // The same repetitions without per-repetition samples in one file: the U test, which 3 + 3
  // cannot pass.
  SyntheticRun old = base;
  old.benchmarks[0].samples.clear();
  old.benchmarks[0].noise_pct.clear();
  const Judgement rank = compare_runs(as_results(old, "b"), as_results(slower, "n"), {})
                             .benchmarks[0]
                             .metrics[0]
                             .judgement;
  EXPECT_EQ(rank.method, VerdictMethod::kRankRule);
  EXPECT_EQ(rank.verdict, Verdict::kUnsure);
}

TEST(CompareRule, RepetitionsOfFewerThanThreeSamplesAreTheirOwnNoise) {
  // One sample per repetition: no noise_pct, so the spread of the repetitions is the noise.
  SyntheticRun base = run_of({recorded(2.0)});
  base.benchmarks[0].samples = {1, 1, 1};
  base.benchmarks[0].noise_pct.clear();
  base.benchmarks[0].times = around(2.0, {-0.05, 0.0, 0.05});  // 10% range
  SyntheticRun candidate = base;
  candidate.benchmarks[0].times = around(2.16, {-0.05, 0.0, 0.05});  // 8% slower, inside it
  const Judgement j = compare_runs(as_results(base, "b"), as_results(candidate, "n"), {})
                          .benchmarks[0]
                          .metrics[0]
                          .judgement;
  EXPECT_EQ(j.method, VerdictMethod::kNoiseRule);
  EXPECT_NEAR(j.base_noise, 0.10, 1e-3);  // the bandwidth's range, 1/0.95 - 1/1.05
  EXPECT_EQ(j.verdict, Verdict::kUnsure) << j.reason;
}

TEST(CompareOptions, OneRowPerBenchmarkUnlessAllMetrics) {
  TempDir dir;
  const std::string files =
      "'" + (kRuns / "quick1.json").string() + "' '" + (kRuns / "quick2.json").string() + "'";
  const auto plain = run_gpubench("compare --json " + files);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const json one = json::parse(plain.out);
  for (const auto& b : one["benchmarks"])
    EXPECT_EQ(b["metrics"].size(), 1u) << b["name"];
  const auto all = run_gpubench("compare --json --all-metrics " + files);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const json every = json::parse(all.out);
  std::vector<std::string> triad;
  for (const auto& b : every["benchmarks"]) {
    if (b["name"] != "memory/stream/triad/manual_time") continue;
    for (const auto& m : b["metrics"])
      triad.push_back(m["metric"]);
  }
  EXPECT_EQ(triad, (std::vector<std::string>{"real_time", "bandwidth_gbs", "pct_of_spec",
                                             "vs_counterpart"}));
  // The table: one line per benchmark, no restatements.
  const auto table = run_gpubench("compare " + files);
  EXPECT_EQ(table.out.find("pct_of_spec"), std::string::npos) << table.out;
}

TEST(CompareOptions, BenchmarkRegexFiltersCompareAndHistory) {
  const std::string files =
      "'" + (kRuns / "quick1.json").string() + "' '" + (kRuns / "quick2.json").string() + "'";
  const auto stream = run_gpubench("compare --json --benchmark '^memory/stream/' " + files);
  ASSERT_EQ(stream.exit_code, 0) << stream.err;
  EXPECT_EQ(json::parse(stream.out)["benchmarks"].size(), 7u);
  const auto none = run_gpubench("compare --benchmark '^nothing/' " + files);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--benchmark \"^nothing/\" matches no benchmark"), std::string::npos)
      << none.err;
  const auto bad = run_gpubench("compare --benchmark '(' " + files);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("not a valid regular expression"), std::string::npos) << bad.err;

  const auto history = run_gpubench("history --json --benchmark 'gemm/own/' " + files);
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(json::parse(history.out)["groups"][0]["series"].size(), 9u);
  EXPECT_EQ(run_gpubench("history --benchmark '^nothing/' " + files).exit_code, 2);
}

// A pattern that selects nothing comes back escaped in the message (never the raw control bytes
// a person pasted), in compare and report alike; report's --benchmark goes through the same
// guarded compile as compare's.
TEST(CompareOptions, PatternsThatSelectNothingAreQuotedEscaped) {
  const std::string files =
      "'" + (kRuns / "quick1.json").string() + "' '" + (kRuns / "quick2.json").string() + "'";
  const std::string escape = "\"$(printf '\\033')\"";  // the shell makes it ESC
  for (const std::string& command :
       {"compare --benchmark " + escape + "none " + files,
        "compare --metric " + escape + "none " + files,
        "report --benchmark " + escape + "none '" + (kRuns / "quick1.json").string() + "'"}) {
    const auto result = run_gpubench(command);
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.err;
    const bool selects_nothing =
        result.err.find("\"\\x1bnone\" matches no benchmark") != std::string::npos ||
        result.err.find("\"\\x1bnone\" selects no") != std::string::npos;
    EXPECT_TRUE(selects_nothing) << command << ": " << result.err;
    EXPECT_EQ(result.err.find('\x1b'), std::string::npos) << command << ": " << result.err;
  }
  const auto refused =
      run_gpubench("report --benchmark 'x{99999}' '" + (kRuns / "quick1.json").string() + "'");
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("is refused"), std::string::npos) << refused.err;
}

TEST(CompareOptions, ContendedFiguresAreAnErrorUnlessAllowed) {
  const SyntheticRun base = run_of({recorded(2.0)});
  const SyntheticRun shared = run_of({recorded(2.0, /*contended=*/true)});
  const Comparison refused = compare_runs(as_results(base, "b"), as_results(shared, "n"), {});
  EXPECT_EQ(refused.benchmarks.at(0).verdict, Verdict::kError);
  EXPECT_EQ(refused.benchmarks.at(0).contended, Contention::kCandidate);
  EXPECT_TRUE(refused.has_regression());
  // In the base run too.
  EXPECT_EQ(
      compare_runs(as_results(shared, "b"), as_results(base, "n"), {}).benchmarks[0].contended,
      Contention::kBase);

  TempDir dir;
  const auto cli = gpubench_on({base, shared}, "compare", "", dir);
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.out.find("measured while the GPU was shared (new run)"), std::string::npos)
      << cli.out;
  EXPECT_NE(cli.err.find("warning: 1 figure measured while the GPU was shared"), std::string::npos)
      << cli.err;

  CompareOptions allow;
  allow.allow_contended = true;
  const Comparison allowed = compare_runs(as_results(base, "b"), as_results(shared, "n"), allow);
  EXPECT_EQ(allowed.benchmarks.at(0).verdict, Verdict::kSame);
  TempDir dir2;
  const auto allowed_cli = gpubench_on({base, shared}, "compare", "--allow-contended", dir2);
  EXPECT_EQ(allowed_cli.exit_code, 0) << allowed_cli.err;
  EXPECT_NE(allowed_cli.out.find("contended (new)"), std::string::npos) << allowed_cli.out;
  EXPECT_NE(allowed_cli.err.find("judged anyway"), std::string::npos) << allowed_cli.err;
}

TEST(CompareOptions, HistoryLeavesContendedFiguresOutUnlessAllowed) {
  SyntheticRun clean = run_of({recorded(2.0)});
  SyntheticRun shared = run_of({recorded(4.0, /*contended=*/true)});
  shared.driver_version = "580.95.05";
  TempDir dir;
  const auto left_out = gpubench_on({clean, shared}, "history", "--json", dir);
  EXPECT_EQ(left_out.exit_code, 1);
  EXPECT_NE(left_out.err.find("treated as an error"), std::string::npos) << left_out.err;
  const json parsed = json::parse(left_out.out);
  ASSERT_EQ(parsed["contended"].size(), 1u);
  EXPECT_FALSE(parsed["contended"][0]["pooled"].get<bool>());
  const auto& points = parsed["groups"][0]["series"][0]["points"];
  EXPECT_TRUE(points[1].is_null());  // the contended run is not in the 580.95.05 column

  TempDir dir2;
  const auto pooled = gpubench_on({clean, shared}, "history", "--allow-contended", dir2);
  EXPECT_EQ(pooled.exit_code, 0) << pooled.err;
  EXPECT_NE(pooled.out.find("(contended)"), std::string::npos) << pooled.out;
}

}  // namespace
}  // namespace gpubench
