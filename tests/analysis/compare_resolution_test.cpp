// The resolution figure of compare and history (analysis/verdict.hpp): what share of rows could
// resolve a change of the threshold, in the text and JSON of both. On the real H200 runs in
// tests/fixtures/runs/h200-b376421 (measured at b376421) and on invented detectable changes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "analysis/history.hpp"
#include "render/compare_render.hpp"
#include "render/history_render.hpp"
#include "support/h200_runs.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;

json fixture(const std::string& name) {
  return testing::h200_run_json(name + ".json");
}

TEST(Resolution, CountsRowsWithinTheChangeAndTakesTheMedianOfTheKnownOnes) {
  const std::vector<std::optional<double>> rows = {0.03, 0.02, 0.05, std::nullopt};
  const Resolution r = resolution_of(rows, 0.03);
  EXPECT_EQ(r.rows, 4u);
  EXPECT_EQ(r.resolving, 2u);  // 3% itself resolves: a 3% change would be called
  EXPECT_DOUBLE_EQ(r.share(), 0.5);
  ASSERT_TRUE(r.median_detectable_change);
  EXPECT_DOUBLE_EQ(*r.median_detectable_change, 0.03);
  EXPECT_EQ(describe_resolution(r, "benchmarks"),
            "2 of 4 benchmarks (50%) can resolve a 3.0% change; median smallest detectable "
            "change 3.0%");
  EXPECT_EQ(resolution_of(std::vector<std::optional<double>>{}, 0.03).share(), 0.0);
}

TEST(Resolution, ARowResolvesOnlyWhenEachOfItsMetricsDoes) {
  Judgement a;
  a.detectable_change = 0.03;
  Judgement b;
  b.detectable_change = 0.07;
  Judgement rank;  // the rank rule: no detectable change
  EXPECT_EQ(row_detectable_change(std::vector<const Judgement*>{&a, &b}), 0.07);
  EXPECT_EQ(row_detectable_change(std::vector<const Judgement*>{&a, &rank}), std::nullopt);
  EXPECT_EQ(row_detectable_change(std::vector<const Judgement*>{}), std::nullopt);
}

// The rows of a comparison whose detectable change is within the threshold, counted here.
std::size_t resolving_rows(const Comparison& comparison) {
  std::size_t resolving = 0;
  for (const auto& b : comparison.benchmarks) {
    bool all = !b.metrics.empty();
    for (const auto& m : b.metrics) {
      all = all && m.judgement.detectable_change && *m.judgement.detectable_change <= 0.03;
    }
    if (all) ++resolving;
  }
  return resolving;
}

TEST(ResolutionRealRuns, CompareSaysWhatShareOfRowsResolvesThreePercent) {
  const json quick1 = fixture("quick1");
  const json quick2 = fixture("quick2");
  const Comparison comparison = compare_runs(parse_results(quick1.dump(), "quick1.json"),
                                             parse_results(quick2.dump(), "quick2.json"), {});
  const Resolution r = comparison.resolution();
  EXPECT_EQ(r.rows, 79u);
  EXPECT_EQ(r.resolving, resolving_rows(comparison));
  // At b376421, with each metric's own noise: the 35 rows that were SAME and the 5 latency chains
  // (FFMA, HFMA2, DFMA, IMAD) judged by their launch times' noise before.
  EXPECT_EQ(r.resolving, 40u);
  const std::string text = format_comparison_table(comparison);
  EXPECT_TRUE(std::regex_search(
      text, std::regex(R"(Resolution: 40 of 79 benchmarks \(51%\) can resolve a 3\.0% change; )"
                       R"(median smallest detectable change \d+\.\d%\.)")))
      << text.substr(text.size() - 600);
  const json summary = json::parse(comparison_to_json(comparison))["summary"];
  EXPECT_EQ(summary["resolution"]["rows"], 79);
  EXPECT_EQ(summary["resolution"]["resolving"], 40);
  EXPECT_DOUBLE_EQ(summary["resolution"]["share"].get<double>(), 40.0 / 79.0);
  EXPECT_DOUBLE_EQ(summary["resolution"]["change"].get<double>(), 0.03);
  EXPECT_DOUBLE_EQ(summary["resolution"]["median_detectable_change"].get<double>(),
                   *r.median_detectable_change);
  EXPECT_EQ(summary["SAME"], comparison.count(Verdict::kSame));  // the counts stay as they were
}

TEST(ResolutionRealRuns, HistorySaysItPerDriverStep) {
  // quick1 under one driver label, quick2 under the next and quick1 again under a third.
  testing::TempDir dir;
  std::vector<std::filesystem::path> files;
  const std::vector<std::string> drivers = {"580.159.04", "580.160.01", "580.161.01"};
  for (std::size_t i = 0; i < drivers.size(); ++i) {
    json run = fixture(i == 1 ? "quick2" : "quick1");
    run["context"]["driver_version"] = drivers[i];
    files.push_back(dir.write("run" + std::to_string(i) + ".json", run.dump()));
  }
  const History history = build_history(files, {});
  ASSERT_EQ(history.groups.size(), 1u);
  const auto& steps = history.groups[0].step_resolutions;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].from, 0u);
  EXPECT_EQ(steps[0].to, 1u);
  EXPECT_EQ(steps[1].from, 1u);
  EXPECT_EQ(steps[1].to, 2u);
  EXPECT_EQ(steps[0].resolution.rows, 79u);
  EXPECT_EQ(steps[0].resolution.resolving, 40u);  // as compare quick1 quick2
  const std::string text = format_history_table(history);
  EXPECT_NE(text.find("driver 580.159.04 -> 580.160.01: 40 of 79 series (51%) can resolve a 3.0% "
                      "change"),
            std::string::npos)
      << text.substr(text.size() - 800);
  const json parsed = json::parse(history_to_json(history));
  const json& first = parsed["groups"][0]["step_resolutions"][0];
  EXPECT_EQ(first["from"], "580.159.04");
  EXPECT_EQ(first["to"], "580.160.01");
  EXPECT_EQ(first["resolving"], 40);
  EXPECT_EQ(first["rows"], 79);
}

}  // namespace
}  // namespace gpubench
