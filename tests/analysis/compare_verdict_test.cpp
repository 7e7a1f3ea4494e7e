// `gpubench compare`'s verdicts on synthetic runs with planted changes: SLOWER, FASTER, SAME and
// UNSURE with their exit codes, too few samples, clock normalisation, time units, and how rarely
// runs that differ only by noise are called changed. Every fixture is generated here
// (support/compare_fixtures.hpp).
#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "support/compare_fixtures.hpp"
#include "support/synthetic_results.hpp"

namespace gpubench {
namespace {

using testing::all_metrics;
using testing::around;
using testing::as_results;
using testing::find;
using testing::kChanged;
using testing::kStable;
using testing::kTight;
using testing::kWide;
using testing::metric;
using testing::planted;
using testing::run_compare;
using testing::SyntheticRun;

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
