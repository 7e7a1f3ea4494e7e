// `gpubench compare`'s metrics and outputs: which metrics have a direction and which are judged,
// --metric, and the JSON and JUnit reports. Every fixture is generated here
// (support/compare_fixtures.hpp).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "analysis/compare.hpp"
#include "gpubench/errors.hpp"
#include "support/compare_fixtures.hpp"
#include "support/synthetic_results.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::around;
using testing::kChanged;
using testing::kTight;
using testing::planted;
using testing::run_compare;
using testing::TempDir;

TEST(Compare, MetricDirectionsComeFromTheCounterDescriptors) {
  EXPECT_EQ(metric_direction("real_time"), Direction::kLowerIsBetter);
  EXPECT_EQ(metric_direction("latency_ns"), Direction::kLowerIsBetter);
  EXPECT_EQ(metric_direction("latency_cycles"), Direction::kLowerIsBetter);
  EXPECT_EQ(metric_direction("bandwidth_gbs"), Direction::kHigherIsBetter);
  EXPECT_EQ(metric_direction("pct_of_spec"), Direction::kHigherIsBetter);
  EXPECT_EQ(metric_direction("vs_counterpart"), Direction::kHigherIsBetter);
  EXPECT_EQ(metric_direction("items_per_second"), Direction::kHigherIsBetter);
  EXPECT_EQ(metric_direction("sm_clock_mhz"), Direction::kNone);
  EXPECT_EQ(metric_direction("array_bytes"), Direction::kNone);
  EXPECT_EQ(metric_direction("tflops"), Direction::kHigherIsBetter);
  EXPECT_EQ(metric_direction("tops"), Direction::kHigherIsBetter);
  // A length of time that is bookkeeping, not a figure: the suffix said "lower is better".
  EXPECT_EQ(metric_direction("power_window_s"), Direction::kNone);
  // A name without a descriptor is never judged, whatever its suffix.
  EXPECT_EQ(metric_direction("fp16_tflops"), Direction::kNone);
  EXPECT_EQ(metric_direction("queue_wait_s"), Direction::kNone);
  // A per-watt figure has a direction, but one window per run leaves nothing to judge it by.
  EXPECT_EQ(metric_direction("gbs_per_w"), Direction::kHigherIsBetter);
  EXPECT_FALSE(MetricSelector(std::nullopt, true).selects("gbs_per_w"));

  // Candidates: every metric with a direction but cpu_time (the host's time); by default the
  // caller then keeps the primary figure.
  const MetricSelector defaults(std::nullopt);
  EXPECT_TRUE(defaults.primary_only());
  EXPECT_TRUE(defaults.selects("real_time"));
  EXPECT_TRUE(defaults.selects("bandwidth_gbs"));
  EXPECT_TRUE(defaults.selects("latency_ns"));
  EXPECT_FALSE(defaults.selects("cpu_time"));
  EXPECT_FALSE(defaults.selects("array_bytes"));
  EXPECT_FALSE(MetricSelector(std::nullopt, true).primary_only());
  EXPECT_EQ(primary_metric({"pct_of_spec", "real_time", "bandwidth_gbs"}), "bandwidth_gbs");
  EXPECT_EQ(primary_metric({"latency_cycles", "latency_ns", "real_time"}), "latency_ns");
  EXPECT_EQ(primary_metric({"pct_of_spec", "tops", "vs_counterpart"}), "tops");
  EXPECT_EQ(primary_metric({"items_per_second"}), "real_time");
  const MetricSelector latency(std::string("latency|cpu"));
  EXPECT_TRUE(latency.selects("latency_ns"));
  EXPECT_TRUE(latency.selects("cpu_time"));
  EXPECT_FALSE(latency.selects("real_time"));
  EXPECT_THROW(MetricSelector(std::string("(")), UserError);
}

TEST(Compare, MetricOptionSelectsCounters) {
  const auto [base, candidate] = planted(1.10, kTight);
  const auto bandwidth = run_compare(base, candidate, "--metric bandwidth --json");
  EXPECT_EQ(bandwidth->result.exit_code, 1) << bandwidth->result.err;
  const json parsed = json::parse(bandwidth->result.out);
  for (const auto& b : parsed["benchmarks"]) {
    ASSERT_EQ(b["metrics"].size(), 1u);
    EXPECT_EQ(b["metrics"][0]["metric"], "bandwidth_gbs");
  }
  const auto nothing = run_compare(base, candidate, "--metric no_such_metric");
  EXPECT_EQ(nothing->result.exit_code, 2);
  EXPECT_NE(nothing->result.err.find("selects no metric"), std::string::npos);
  const auto bad = run_compare(base, candidate, "--metric '('");
  EXPECT_EQ(bad->result.exit_code, 2);
  EXPECT_NE(bad->result.err.find("not a valid regular expression"), std::string::npos);
  EXPECT_EQ(run_compare(base, candidate, "--alpha 1.5")->result.exit_code, 2);
  EXPECT_EQ(run_compare(base, candidate, "--threshold -1")->result.exit_code, 2);
}

TEST(Compare, JsonOutputParsesAndCarriesTheVerdicts) {
  const auto [base, candidate] = planted(1.10, kTight);
  const auto run = run_compare(base, candidate, "--json");
  ASSERT_EQ(run->result.exit_code, 1) << run->result.err;
  const json parsed = json::parse(run->result.out);
  EXPECT_EQ(parsed["regression"], true);
  EXPECT_EQ(parsed["summary"]["SLOWER"], 1);
  EXPECT_EQ(parsed["summary"]["SAME"], 1);
  EXPECT_EQ(parsed["base"]["driver_version"], "550.54.15");
  EXPECT_EQ(parsed["manifest_differences"][0]["key"], "driver_version");
  const json& changed = parsed["benchmarks"][1];
  EXPECT_EQ(changed["name"], kChanged);
  EXPECT_EQ(changed["verdict"], "SLOWER");
  ASSERT_EQ(changed["metrics"].size(), 1u);
  EXPECT_EQ(changed["metrics"][0]["metric"], "bandwidth_gbs");
  EXPECT_EQ(changed["metrics"][0]["direction"], "higher_is_better");
  EXPECT_NEAR(changed["metrics"][0]["change"].get<double>(), 1 / 1.10 - 1, 1e-9);
  EXPECT_EQ(changed["metrics"][0]["base"]["n"], 5);
  EXPECT_EQ(changed["metrics"][0]["method"], "mann_whitney");  // no per-repetition samples
  EXPECT_TRUE(changed["metrics"][0]["exact_test"].get<bool>());
  EXPECT_EQ(changed["contended"], "none");
}

TEST(Compare, JunitReportIsWellFormedWithOneCasePerBenchmark) {
  auto [base, candidate] = planted(1.10, kTight);
  base.benchmarks.push_back({"synthetic/<removed>&\"quoted\"", around(1.0, kTight)});
  candidate.benchmarks.push_back({"synthetic/added", around(1.0, kTight)});
  TempDir out;
  const auto junit = out.path() / "report.xml";
  const auto run = run_compare(base, candidate, "--junit '" + junit.string() + "'");
  ASSERT_EQ(run->result.exit_code, 1) << run->result.err;
  const std::string xml = testing::read_file(junit);
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto at = xml.find(what); at != std::string::npos; at = xml.find(what, at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(count("<testcase "), 4u) << xml;  // 2 compared + 1 only in base + 1 only in new
  EXPECT_EQ(count("</testcase>"), 4u);
  EXPECT_EQ(count("<failure "), 1u);
  EXPECT_EQ(count("<skipped "), 2u);
  EXPECT_NE(xml.find("tests=\"4\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("synthetic/&lt;removed&gt;&amp;&quot;quoted&quot;"), std::string::npos);
  EXPECT_EQ(xml.find("<removed>"), std::string::npos);
  // A real XML parser agrees, where python3 is present.
  if (std::system("python3 -c 'import xml.etree.ElementTree' >/dev/null 2>&1") == 0) {
    const std::string check =
        "python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
        "c = r.findall('.//testcase'); f = r.findall('.//failure'); "
        "sys.exit(0 if (len(c), len(f)) == (4, 1) else 1)\" '" +
        junit.string() + "'";
    EXPECT_EQ(std::system(check.c_str()), 0) << xml;
  }
  // No leftovers from the atomic write.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(out.path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

}  // namespace
}  // namespace gpubench
