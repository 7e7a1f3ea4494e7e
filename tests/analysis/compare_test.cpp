// `gpubench compare`: verdicts on synthetic runs with planted changes, exit codes, bad input, and
// the JSON and JUnit outputs. Every fixture is generated here (tests/synthetic_results.hpp).
#include "analysis/compare.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>

#include "gpubench/errors.hpp"
#include "render/compare_render.hpp"
#include "support/synthetic_results.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::around;
using testing::kTight;
using testing::kWide;
using testing::run_gpubench;
using testing::SyntheticBenchmark;
using testing::SyntheticRun;
using testing::TempDir;

constexpr const char* kStable = "synthetic/stable/manual_time";
constexpr const char* kChanged = "synthetic/changed/manual_time";

// A base and a new run: one benchmark unchanged, one whose times are scaled by `factor`, both
// with the given noise pattern.
std::pair<SyntheticRun, SyntheticRun> planted(double factor, const std::vector<double>& noise) {
  SyntheticRun base;
  base.benchmarks = {{kStable, around(1.0, noise)}, {kChanged, around(2.0, noise)}};
  SyntheticRun candidate = base;
  candidate.driver_version = "580.95.05";
  candidate.benchmarks[1].times = around(2.0 * factor, noise);
  return {base, candidate};
}

// Every judged metric (real_time and the rate counters), not only the primary figure.
CompareOptions all_metrics() {
  CompareOptions options;
  options.all_metrics = true;
  return options;
}

ResultsFile as_results(const SyntheticRun& run, const std::string& name) {
  return parse_results(testing::synthetic_results(run).dump(), name);
}

const BenchmarkComparison& find(const Comparison& comparison, const std::string& name) {
  for (const auto& b : comparison.benchmarks) {
    if (b.name == name) return b;
  }
  throw std::runtime_error("benchmark not compared: " + name);
}

const MetricComparison& metric(const BenchmarkComparison& b, const std::string& name) {
  for (const auto& m : b.metrics) {
    if (m.metric == name) return m;
  }
  throw std::runtime_error("metric not compared: " + name);
}

// Writes both runs into a temp dir and runs `gpubench compare base.json new.json extra`.
struct CompareRun {
  TempDir dir;
  testing::CommandResult result;
  std::string base_path;
  std::string new_path;
};

std::unique_ptr<CompareRun> run_compare(const SyntheticRun& base, const SyntheticRun& candidate,
                                        const std::string& extra = "") {
  auto run = std::make_unique<CompareRun>();
  run->base_path = run->dir.write("base.json", testing::synthetic_results(base).dump(2)).string();
  run->new_path =
      run->dir.write("new.json", testing::synthetic_results(candidate).dump(2)).string();
  run->result = run_gpubench("compare '" + run->base_path + "' '" + run->new_path + "' " + extra);
  return run;
}

TEST(Compare, PlantedTenPercentRegressionWithTightNoiseIsSlowerAndExits1) {
  const auto [base, candidate] = planted(1.10, kTight);
  const Comparison comparison =
      compare_runs(as_results(base, "base.json"), as_results(candidate, "new.json"), all_metrics());
  const auto& changed = find(comparison, kChanged);
  EXPECT_EQ(changed.verdict, Verdict::kSlower);
  const auto& time = metric(changed, "real_time");
  EXPECT_EQ(time.judgement.verdict, Verdict::kSlower);
  EXPECT_NEAR(time.judgement.change, 0.10, 1e-9);
  ASSERT_TRUE(time.judgement.p_value);
  EXPECT_NEAR(*time.judgement.p_value, 2.0 / 252.0, 1e-12);  // fully separated, 5 + 5
  // Bandwidth drops: higher is better, so that is SLOWER too.
  EXPECT_EQ(metric(changed, "bandwidth_gbs").judgement.verdict, Verdict::kSlower);
  EXPECT_LT(metric(changed, "bandwidth_gbs").judgement.change, 0);
  EXPECT_EQ(find(comparison, kStable).verdict, Verdict::kSame);
  EXPECT_TRUE(comparison.has_regression());

  const auto run = run_compare(base, candidate);
  EXPECT_EQ(run->result.exit_code, 1) << run->result.out << run->result.err;
  // One row per benchmark by default: its primary figure, here the bandwidth.
  EXPECT_TRUE(std::regex_search(
      run->result.out, std::regex(R"(synthetic/changed\S*\s+bandwidth_gbs.*-9\.1%.*SLOWER)")))
      << run->result.out;
  EXPECT_EQ(run->result.out.find("real_time"), std::string::npos) << run->result.out;
}

TEST(Compare, ImprovementIsFasterAndExits0) {
  const auto [base, candidate] = planted(0.90, kTight);
  const Comparison comparison =
      compare_runs(as_results(base, "base.json"), as_results(candidate, "new.json"), {});
  EXPECT_EQ(find(comparison, kChanged).verdict, Verdict::kFaster);
  EXPECT_EQ(metric(find(comparison, kChanged), "bandwidth_gbs").judgement.verdict,
            Verdict::kFaster);
  EXPECT_FALSE(comparison.has_regression());
  EXPECT_EQ(run_compare(base, candidate)->result.exit_code, 0);
}

TEST(Compare, TenPercentChangeInsideWideNoiseIsNotSlower) {
  const auto [base, candidate] = planted(1.10, kWide);
  const Comparison comparison =
      compare_runs(as_results(base, "base.json"), as_results(candidate, "new.json"), all_metrics());
  const auto& time = metric(find(comparison, kChanged), "real_time");
  EXPECT_EQ(time.judgement.verdict, Verdict::kUnsure);
  EXPECT_NE(time.judgement.reason.find("noise"), std::string::npos) << time.judgement.reason;
  EXPECT_FALSE(comparison.has_regression());
  EXPECT_EQ(run_compare(base, candidate)->result.exit_code, 0);
}

TEST(Compare, OnePercentChangeIsSame) {
  for (const double factor : {1.01, 0.99}) {
    const auto [base, candidate] = planted(factor, kTight);
    const Comparison comparison = compare_runs(as_results(base, "base.json"),
                                               as_results(candidate, "new.json"), all_metrics());
    const auto& time = metric(find(comparison, kChanged), "real_time");
    EXPECT_EQ(time.judgement.verdict, Verdict::kSame) << factor << ": " << time.judgement.reason;
    // Significant (fully separated samples) but inside the 3% threshold: still SAME.
    EXPECT_LT(*time.judgement.p_value, 0.05);
    EXPECT_EQ(find(comparison, kChanged).verdict, Verdict::kSame);
  }
  // A lower threshold makes the same 1% change count.
  const auto [base, candidate] = planted(1.01, kTight);
  CompareOptions strict = all_metrics();
  strict.threshold = 0.005;
  EXPECT_EQ(
      compare_runs(as_results(base, "b"), as_results(candidate, "n"), strict).benchmarks[1].verdict,
      Verdict::kSlower);
}

TEST(Compare, SingleRepetitionsAreUnsure) {
  SyntheticRun base;
  base.benchmarks = {{kChanged, {2.0}}};
  SyntheticRun candidate = base;
  candidate.benchmarks[0].times = {3.0};  // +50%, but one sample each
  const Comparison comparison =
      compare_runs(as_results(base, "base.json"), as_results(candidate, "new.json"), all_metrics());
  const auto& time = metric(find(comparison, kChanged), "real_time");
  EXPECT_EQ(time.judgement.verdict, Verdict::kUnsure);
  EXPECT_NE(time.judgement.reason.find("too few repetitions"), std::string::npos);
  EXPECT_EQ(run_compare(base, candidate)->result.exit_code, 0);
}

TEST(Compare, ThreeRepetitionsWithoutRecordedNoiseCannotReachAlphaAndAreUnsure) {
  // A file without per-repetition samples falls back to the U test, and 3 + 3 fully separated
  // gives p = 0.1 at best: never below 0.05, however large the change.
  SyntheticRun base;
  base.benchmarks = {{kChanged, {2.00, 2.01, 2.02}}};
  SyntheticRun candidate = base;
  candidate.benchmarks[0].times = {3.00, 3.01, 3.02};
  const Comparison comparison = compare_runs(as_results(base, "b"), as_results(candidate, "n"), {});
  EXPECT_EQ(comparison.benchmarks[0].verdict, Verdict::kUnsure);
  // With alpha = 0.2 the same data is enough.
  CompareOptions loose;
  loose.alpha = 0.2;
  EXPECT_EQ(
      compare_runs(as_results(base, "b"), as_results(candidate, "n"), loose).benchmarks[0].verdict,
      Verdict::kSlower);
}

TEST(Compare, AggregatesAloneCountAsOneSampleAndAreUnsure) {
  SyntheticRun base;
  base.benchmarks = {{kChanged, around(2.0, kTight)}};
  base.benchmarks[0].repetitions = false;  // only _mean/_median/_stddev/_cv
  SyntheticRun candidate = base;
  candidate.benchmarks[0].times = around(2.4, kTight);
  const Comparison comparison =
      compare_runs(as_results(base, "b"), as_results(candidate, "n"), all_metrics());
  const auto& time = metric(comparison.benchmarks[0], "real_time");
  EXPECT_EQ(time.base_n, 1u);
  EXPECT_TRUE(time.base_from_aggregate);
  EXPECT_NEAR(time.judgement.change, 0.2, 1e-9);
  EXPECT_EQ(time.judgement.verdict, Verdict::kUnsure);
}

TEST(Compare, BenchmarksMissingOnEitherSideAreListed) {
  SyntheticRun base;
  base.benchmarks = {{kStable, around(1.0, kTight)}, {"synthetic/removed", around(1.0, kTight)}};
  SyntheticRun candidate;
  candidate.benchmarks = {{kStable, around(1.0, kTight)}, {"synthetic/added", around(1.0, kTight)}};
  const Comparison comparison = compare_runs(as_results(base, "b"), as_results(candidate, "n"), {});
  EXPECT_EQ(comparison.only_in_base, std::vector<std::string>{"synthetic/removed"});
  EXPECT_EQ(comparison.only_in_candidate, std::vector<std::string>{"synthetic/added"});
  ASSERT_EQ(comparison.benchmarks.size(), 1u);

  const auto run = run_compare(base, candidate);
  EXPECT_EQ(run->result.exit_code, 0) << run->result.err;
  EXPECT_NE(run->result.out.find("only in base: synthetic/removed"), std::string::npos);
  EXPECT_NE(run->result.out.find("only in new:  synthetic/added"), std::string::npos);

  // Nothing in common (here: a new run that holds no benchmark at all) is bad input, not a pass.
  SyntheticRun empty;
  const auto nothing = run_compare(base, empty);
  EXPECT_EQ(nothing->result.exit_code, 2);
  EXPECT_NE(nothing->result.err.find("no benchmark in common"), std::string::npos)
      << nothing->result.err;
}

TEST(Compare, DifferentGpusAreRefusedUnlessAllowed) {
  auto [base, candidate] = planted(1.0, kTight);
  candidate.gpu_name = "Synthetic GPU B";
  EXPECT_THROW(compare_runs(as_results(base, "b"), as_results(candidate, "n"), {}), UserError);

  const auto refused = run_compare(base, candidate);
  EXPECT_EQ(refused->result.exit_code, 2);
  EXPECT_NE(refused->result.err.find("different GPUs"), std::string::npos) << refused->result.err;
  EXPECT_NE(refused->result.err.find("--allow-different-gpu"), std::string::npos);
  EXPECT_TRUE(refused->result.out.empty());

  const auto allowed = run_compare(base, candidate, "--allow-different-gpu");
  EXPECT_EQ(allowed->result.exit_code, 0) << allowed->result.err;
  EXPECT_NE(allowed->result.out.find("gpu_name"), std::string::npos) << allowed->result.out;
  EXPECT_NE(allowed->result.out.find("Synthetic GPU A -> Synthetic GPU B"), std::string::npos);
}

TEST(Compare, ManifestHeaderListsWhatDiffers) {
  const auto [base, candidate] = planted(1.0, kTight);
  const Comparison comparison = compare_runs(as_results(base, "b"), as_results(candidate, "n"), {});
  ASSERT_EQ(comparison.manifest_differences.size(), 1u);
  EXPECT_EQ(comparison.manifest_differences[0].key, "driver_version");
  EXPECT_EQ(comparison.manifest_differences[0].base, "550.54.15");
  EXPECT_EQ(comparison.manifest_differences[0].candidate, "580.95.05");
  const auto run = run_compare(base, candidate);
  EXPECT_NE(run->result.out.find("driver_version  550.54.15 -> 580.95.05"), std::string::npos)
      << run->result.out;
}

TEST(Compare, PlainGoogleBenchmarkFilesCompareAndSaySoInTheHeader) {
  auto [base, candidate] = planted(1.10, kTight);
  base.manifest = false;
  candidate.manifest = false;
  const auto run = run_compare(base, candidate);
  EXPECT_EQ(run->result.exit_code, 1) << run->result.err;
  EXPECT_NE(run->result.out.find("no gpubench manifest (plain google/benchmark file)"),
            std::string::npos)
      << run->result.out;
}

TEST(Compare, NegativeValuesAreRejectedNamingFileBenchmarkAndMetric) {
  auto [base, candidate] = planted(1.0, kTight);
  candidate.benchmarks[1].times[2] = -2.0;
  EXPECT_THROW(compare_runs(as_results(base, "b"), as_results(candidate, "n"), {}), UserError);
  const auto run = run_compare(base, candidate);
  EXPECT_EQ(run->result.exit_code, 2);
  EXPECT_NE(run->result.err.find("new.json"), std::string::npos) << run->result.err;
  EXPECT_NE(run->result.err.find(kChanged), std::string::npos) << run->result.err;
  EXPECT_NE(run->result.err.find("negative"), std::string::npos) << run->result.err;
}

TEST(Compare, NonFiniteValuesAreRejectedNotCompared) {
  const auto [base, candidate] = planted(1.0, kTight);
  // Through the API (a ResultsFile built in memory can hold what JSON cannot).
  for (const double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    ResultsFile broken = as_results(candidate, "new.json");
    broken.benchmarks[0].counters["bandwidth_gbs"] = bad;
    try {
      compare_runs(as_results(base, "base.json"), broken, {});
      ADD_FAILURE() << "accepted " << bad;
    } catch (const UserError& error) {
      EXPECT_NE(std::string(error.what()).find("not a finite number"), std::string::npos)
          << error.what();
    }
  }
  // Through the command line, as google/benchmark writes them: bare NaN / Infinity, and a value
  // that overflows a double.
  for (const std::string bad : {"NaN", "Infinity", "1e999"}) {
    TempDir dir;
    const auto base_path = dir.write("base.json", testing::synthetic_results(base).dump(2));
    std::string text = testing::synthetic_results(candidate).dump(2);
    const auto at = text.find("\"bandwidth_gbs\": ");
    ASSERT_NE(at, std::string::npos);
    const auto value_at = at + std::string("\"bandwidth_gbs\": ").size();
    text.replace(value_at, text.find_first_of(",\n}", value_at) - value_at, bad);
    const auto new_path = dir.write("new.json", text);
    const auto result =
        run_gpubench("compare '" + base_path.string() + "' '" + new_path.string() + "'");
    EXPECT_EQ(result.exit_code, 2) << bad << result.out;
    EXPECT_NE(result.err.find("new.json"), std::string::npos) << bad << result.err;
    EXPECT_EQ(result.err.find("internal error"), std::string::npos) << bad << result.err;
    EXPECT_TRUE(result.out.empty()) << bad;
  }
}

TEST(Compare, EmptyTruncatedAndMissingFilesExit2NamingTheFile) {
  const auto [base, candidate] = planted(1.0, kTight);
  TempDir dir;
  const auto good = dir.write("good.json", testing::synthetic_results(base).dump(2));
  const std::string whole = testing::synthetic_results(candidate).dump(2);
  const auto empty = dir.write("empty.json", "");
  const auto truncated = dir.write("truncated.json", whole.substr(0, whole.size() * 2 / 3));
  for (const auto& [bad, words] : std::vector<std::pair<std::filesystem::path, std::string>>{
           {empty, "empty"},
           {truncated, "ends early"},
           {dir.path() / "absent.json", "does not exist"}}) {
    for (const bool bad_is_base : {true, false}) {
      const auto result = run_gpubench("compare '" + (bad_is_base ? bad : good).string() + "' '" +
                                       (bad_is_base ? good : bad).string() + "'");
      EXPECT_EQ(result.exit_code, 2) << bad;
      EXPECT_NE(result.err.find(bad.filename().string()), std::string::npos) << result.err;
      EXPECT_NE(result.err.find(words), std::string::npos) << result.err;
    }
  }
}

TEST(Compare, FailureInTheNewRunIsAnErrorAndExits1) {
  auto [base, candidate] = planted(1.0, kTight);
  candidate.benchmarks[1].error = "verification failed: synthetic mismatch";
  const Comparison comparison = compare_runs(as_results(base, "b"), as_results(candidate, "n"), {});
  EXPECT_EQ(find(comparison, kChanged).verdict, Verdict::kError);
  EXPECT_TRUE(comparison.has_regression());
  const auto run = run_compare(base, candidate);
  EXPECT_EQ(run->result.exit_code, 1);
  EXPECT_NE(run->result.out.find("verification failed: synthetic mismatch"), std::string::npos);
}

TEST(Compare, ClockNormalisationTellsABoostClockChangeApart) {
  // The new run is 10% faster, but its SM clock is 10% higher too: per MHz nothing changed.
  SyntheticRun base;
  base.benchmarks = {{kChanged, around(2.0, kTight), std::vector<double>(5, 1800.0)}};
  SyntheticRun candidate = base;
  candidate.benchmarks[0].times = around(2.0 / 1.1, kTight);
  candidate.benchmarks[0].clocks_mhz = std::vector<double>(5, 1980.0);
  const Comparison comparison =
      compare_runs(as_results(base, "b"), as_results(candidate, "n"), all_metrics());
  const auto& time = metric(comparison.benchmarks[0], "real_time");
  EXPECT_EQ(time.judgement.verdict, Verdict::kFaster);
  ASSERT_TRUE(time.clock_normalised_change);
  EXPECT_NEAR(*time.clock_normalised_change, 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(*time.base_clock_mhz, 1800.0);
  EXPECT_DOUBLE_EQ(*time.candidate_clock_mhz, 1980.0);
  const auto& bandwidth = metric(comparison.benchmarks[0], "bandwidth_gbs");
  EXPECT_NEAR(bandwidth.judgement.change, 0.1, 1e-9);
  EXPECT_NEAR(*bandwidth.clock_normalised_change, 0.0, 1e-9);
  // The header reports the clock change.
  ASSERT_FALSE(comparison.manifest_differences.empty());
  EXPECT_EQ(comparison.manifest_differences.back().key, "median sm_clock_mhz");
  EXPECT_EQ(comparison.manifest_differences.back().candidate, "1980");

  // Same clock, real 10% speed-up: the normalised change shows it.
  candidate.benchmarks[0].clocks_mhz = std::vector<double>(5, 1800.0);
  const Comparison same_clock =
      compare_runs(as_results(base, "b"), as_results(candidate, "n"), all_metrics());
  EXPECT_NEAR(*metric(same_clock.benchmarks[0], "bandwidth_gbs").clock_normalised_change, 0.1,
              1e-9);
  // No clock on one side: no normalised change.
  candidate.benchmarks[0].clocks_mhz.clear();
  EXPECT_FALSE(metric(compare_runs(as_results(base, "b"), as_results(candidate, "n"), all_metrics())
                          .benchmarks[0],
                      "real_time")
                   .clock_normalised_change);
}

TEST(Compare, TimeUnitsAreConverted) {
  SyntheticRun base;
  base.benchmarks = {{kStable, around(2.0, kTight)}};
  SyntheticRun candidate = base;
  candidate.benchmarks[0].times = around(2000.0, kTight);
  candidate.benchmarks[0].time_unit = "us";
  const Comparison comparison =
      compare_runs(as_results(base, "b"), as_results(candidate, "n"), all_metrics());
  const auto& time = metric(comparison.benchmarks[0], "real_time");
  EXPECT_EQ(time.unit, "ms");
  EXPECT_NEAR(time.judgement.change, 0.0, 1e-12);
  EXPECT_EQ(time.judgement.verdict, Verdict::kSame);
}

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

// Pairs of runs drawn from one distribution (uniform noise of +-half_width around 1): every
// difference is noise. Counts the pairs called SLOWER or FASTER, and those the U test alone (p <
// alpha) would have called changed. std::mt19937's output is fixed by the standard and the uniform
// mapping is done here, so the draw is the same everywhere.
struct FalseClaims {
  int verdicts = 0;
  int u_test_alone = 0;
};

FalseClaims false_claims(int pairs, int repetitions, double half_width) {
  std::mt19937 generator(20260101);
  auto draw = [&] {
    std::vector<double> times;
    for (int i = 0; i < repetitions; ++i) {
      const double unit = static_cast<double>(generator()) / 4294967296.0;  // [0, 1)
      times.push_back(1.0 + 2.0 * half_width * (unit - 0.5));
    }
    return times;
  };
  FalseClaims claims;
  for (int pair = 0; pair < pairs; ++pair) {
    const auto a = draw();
    const auto b = draw();
    const Judgement j = judge(a, b, Direction::kLowerIsBetter, {});
    if (j.verdict == Verdict::kSlower || j.verdict == Verdict::kFaster) ++claims.verdicts;
    if (*j.p_value < 0.05) ++claims.u_test_alone;
  }
  return claims;
}

TEST(Compare, IdenticalRunsAreAlmostNeverCalledSlowerOrFaster) {
  // Noise well inside the 3% threshold: a false claim is impossible.
  EXPECT_EQ(false_claims(1000, 5, 0.01).verdicts, 0);
  // Noise of +-4%, above the threshold: the threshold and the noise rule must remove much of what
  // the U test alone would call changed, and stay well under alpha; with 10 repetitions a side,
  // almost all of it.
  const FalseClaims five = false_claims(10000, 5, 0.04);
  const FalseClaims ten = false_claims(10000, 10, 0.04);
  SCOPED_TRACE(::testing::Message()
               << "of 10000 pairs, called changed by the verdict / by the U "
                  "test alone: 5 repetitions "
               << five.verdicts << " / " << five.u_test_alone << ", 10 repetitions " << ten.verdicts
               << " / " << ten.u_test_alone);
  EXPECT_GT(five.u_test_alone, 200);  // the draw really is noisy enough to fool the test
  EXPECT_GT(ten.u_test_alone, 200);
  EXPECT_LT(five.verdicts, five.u_test_alone);
  EXPECT_LT(five.verdicts, 250);  // 2.5%, half of alpha
  EXPECT_LT(ten.verdicts * 10, ten.u_test_alone);
  EXPECT_LE(ten.verdicts, 50);  // 0.5%
}

}  // namespace
}  // namespace gpubench
