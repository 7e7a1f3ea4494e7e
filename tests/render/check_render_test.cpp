// The check's JSON, JUnit and OpenMetrics renderings of the real H200 runs
// (tests/fixtures/runs/h200-b376421). promtool and a real Prometheus read the OpenMetrics text in
// tests/prometheus/prometheus_test.sh; Python's XML parser reads the JUnit file in
// tests/render/check_junit_test.py.
#include "render/check_render.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "gpubench/json_outputs.hpp"
#include "support/h200_runs.hpp"

namespace gpubench {
namespace {

std::filesystem::path fixture(const std::string& name) {
  return testing::h200_run(name);
}

ExportedRun exported(const std::string& name) {
  const ResultsFile run = load_results_file(fixture(name));
  return {check_run(run, SpecDatabase::builtin(), ThresholdSet{}),
          build_report(run, SpecDatabase::builtin(), ReportOptions{})};
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

TEST(CheckRender, JsonHasASchemaVersionAndTheExitCode) {
  const auto document =
      nlohmann::json::parse(render_check_json({exported("contended.json").checked}));
  EXPECT_EQ(document["schema"], "gpubench-check");
  EXPECT_EQ(document["schema_version"], kCheckJsonSchema.version);
  EXPECT_EQ(document["verdict"], "FAIL");
  EXPECT_EQ(document["exit_code"], 1);
  EXPECT_EQ(document["runs"][0]["checks"][1]["id"], "ffma");
  EXPECT_EQ(document["runs"][0]["checks"][1]["verdict"], "FAIL");
}

TEST(CheckRender, JunitCountsFailuresAndSkipsAndEscapesText) {
  CheckedRun run = exported("contended.json").checked;
  run.identity.host = "node<&>\"'";
  const std::string xml = render_check_junit({run});
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  EXPECT_EQ(count(xml, "<failure "), 1u);
  EXPECT_EQ(count(xml, "<testcase "), run.results.size());
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("node&lt;&amp;&gt;&quot;&#39;"), std::string::npos);
  EXPECT_EQ(xml.find("node<&>"), std::string::npos);
  EXPECT_NE(xml.find("timestamp=\"2026-11-28T"), std::string::npos);
}

// Each family's samples follow its one HELP and TYPE, and the text ends in "# EOF".
TEST(CheckRender, OpenMetricsFamiliesAreContiguousGaugesEndingInEof) {
  ExportedRun second = exported("quick2.json");
  second.checked.identity.host = "node-b";
  const std::string text = render_openmetrics({exported("quick1.json"), second});
  ASSERT_GE(text.size(), 6u);
  EXPECT_EQ(text.substr(text.size() - 6), "# EOF\n");
  std::set<std::string> closed;
  std::string current;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# TYPE ")) {
      EXPECT_NE(line.find(" gauge"), std::string::npos) << line;
      continue;
    }
    if (line.starts_with("#")) continue;
    const std::string family = line.substr(0, line.find('{'));
    if (family != current) {
      EXPECT_TRUE(closed.insert(current).second || current.empty()) << family;
      EXPECT_EQ(closed.count(family), 0u) << family << " appears in two places";
      current = family;
    }
    EXPECT_EQ(line.find("nan"), std::string::npos) << line;
  }
  EXPECT_NE(
      text.find(
          "gpubench_bandwidth_bytes_per_second{gpu_model=\"NVIDIA H200\",spec_id=\"h200-sxm\","
          "host=\"node-b\""),
      std::string::npos);
  EXPECT_NE(text.find("check=\"dram_triad\"} 0\n"), std::string::npos);  // PASS
  EXPECT_EQ(count(text, "# TYPE gpubench_check_status gauge"), 1u);
}

TEST(CheckRender, OpenMetricsCarriesTheFailedVerdictAndTheRunTime) {
  const std::string text = render_openmetrics({exported("contended.json")});
  EXPECT_NE(text.find("check=\"ffma\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("gpubench_check_overall_status{"), std::string::npos);
  EXPECT_NE(text.find("gpubench_run_timestamp_seconds{"), std::string::npos);
}

TEST(CheckRender, TheSameGpuTwiceIsRefused) {
  EXPECT_THROW(render_openmetrics({exported("quick1.json"), exported("quick2.json")}), UserError);
}

TEST(CheckRender, RunTimesReadAsUnixSeconds) {
  EXPECT_EQ(run_unix_seconds("1970-01-01T00:00:10+00:00"), 10);
  EXPECT_EQ(run_unix_seconds("1970-01-01T01:00:10+01:00"), 10);
  EXPECT_EQ(run_unix_seconds("2026-11-28T21:25:11+00:00"), 1795901111);
  EXPECT_EQ(run_unix_seconds("yesterday"), std::nullopt);
}

}  // namespace
}  // namespace gpubench
