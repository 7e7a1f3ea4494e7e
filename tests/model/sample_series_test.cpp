#include "model/sample_series.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace gpubench {
namespace {

TelemetrySample clock_reading(double time_s, double sm_clock_mhz) {
  TelemetrySample reading;
  reading.time_s = time_s;
  reading.sm_clock_mhz = sm_clock_mhz;
  return reading;
}

// One sample a millisecond apart: sample i runs over [i, i + 0.5] ms.
TimedSample sample_at(int i, double seconds) {
  return TimedSample{.seconds = seconds, .begin_s = i * 1e-3, .end_s = i * 1e-3 + 0.5e-3};
}

TEST(ClockThrottled, JudgesByTheLowestReadingInsideTheWindow) {
  const std::vector<TelemetrySample> readings = {clock_reading(0.0, 2000), clock_reading(1.0, 1900),
                                                 clock_reading(1.5, 1400),
                                                 clock_reading(3.0, 1000)};
  EXPECT_EQ(clock_throttled(readings, 0.9, 2.0, 1500), true);   // 1400 inside
  EXPECT_EQ(clock_throttled(readings, 0.9, 1.2, 1500), false);  // only 1900 inside
  EXPECT_EQ(clock_throttled(readings, 1.6, 2.9, 1500), true);   // none inside: 1400 before
  EXPECT_EQ(clock_throttled(readings, 0.1, 0.9, 1500), false);  // none inside: 2000 before
}

TEST(ClockThrottled, IgnoresLaterReadingsAndReadingsWithoutAClock) {
  std::vector<TelemetrySample> readings = {clock_reading(0.0, 2000), clock_reading(5.0, 500)};
  TelemetrySample no_clock;
  no_clock.time_s = 1.0;
  no_clock.power_w = 70;
  readings.insert(readings.begin() + 1, no_clock);
  EXPECT_EQ(clock_throttled(readings, 0.5, 1.5, 1500), false);
  EXPECT_EQ(clock_throttled(readings, 0.5, 6.0, 1500), true);
  EXPECT_EQ(clock_throttled({}, 0.5, 1.5, 1500), std::nullopt);
  EXPECT_EQ(clock_throttled(std::vector<TelemetrySample>{no_clock}, 0.5, 1.5, 1500), std::nullopt);
}

TEST(ThrottleReferenceClock, PrefersTheDocumentedBoostThenNvmlThenTheRuntime) {
  const auto documented = throttle_reference_clock(2475.0, 3105.0, 2475.0);
  ASSERT_TRUE(documented);
  EXPECT_DOUBLE_EQ(documented->mhz, 2475);
  EXPECT_EQ(documented->source, "documented boost");
  EXPECT_EQ(throttle_reference_clock(std::nullopt, 3105.0, 2475.0)->source, "NVML maximum");
  EXPECT_EQ(throttle_reference_clock(0.0, std::nullopt, 1980.0)->source, "runtime peak");
  EXPECT_FALSE(throttle_reference_clock(std::nullopt, 0.0, std::nullopt));
}

TEST(SampleSeries, StopsOnceTheMinimumOfSteadySamplesAgree) {
  SampleSeries series(StoppingRule{.min_samples = 5}, 2000.0);
  for (int i = 0; i < 4; ++i) {
    series.add(sample_at(i, 1e-3), {});
    EXPECT_EQ(series.should_stop(0.0), std::nullopt) << "after " << i + 1 << " samples";
  }
  series.add(sample_at(4, 1e-3 * 1.001), {});
  EXPECT_EQ(series.should_stop(0.0), StopReason::kConverged);
  const SampleSummary summary = series.summarize({});
  EXPECT_EQ(summary.kept, 5u);
  EXPECT_EQ(summary.throttled, 0u);
  EXPECT_DOUBLE_EQ(summary.median_seconds, 1e-3);
  EXPECT_EQ(summary.reason, StopReason::kConverged);
}

TEST(SampleSeries, NoisySamplesRunUntilTheBudget) {
  SampleSeries series(StoppingRule{.budget_s = 0.1, .min_samples = 5}, std::nullopt);
  for (int i = 0; i < 40; ++i) {
    series.add(sample_at(i, i % 2 == 0 ? 1.0e-3 : 1.1e-3), {});
    ASSERT_EQ(series.should_stop(0.05), std::nullopt);
  }
  EXPECT_EQ(series.should_stop(0.1), StopReason::kBudgetSpent);
  const SampleSummary summary = series.summarize({});
  EXPECT_EQ(summary.reason, StopReason::kBudgetSpent);
  EXPECT_GT(summary.relative_spread, 0.05);
}

TEST(SampleSeries, OneSampleIsEnoughWhenTheBudgetIsSpent) {
  // A launch longer than the budget (a 16384^3 FP32 GEMM on a small card) is measured once.
  SampleSeries series(StoppingRule{.budget_s = 0.1}, std::nullopt);
  EXPECT_EQ(series.should_stop(0.5), std::nullopt);  // nothing measured yet
  series.add(sample_at(0, 0.4), {});
  EXPECT_EQ(series.should_stop(0.5), StopReason::kBudgetSpent);
  EXPECT_EQ(series.summarize({}).kept, 1u);
}

TEST(SampleSeries, CapsTheSampleCount) {
  SampleSeries series(StoppingRule{.min_samples = 5, .max_samples = 10}, std::nullopt);
  for (int i = 0; i < 9; ++i) {
    series.add(sample_at(i, i % 2 == 0 ? 1.0e-3 : 2.0e-3), {});
    ASSERT_EQ(series.should_stop(0.0), std::nullopt);
  }
  series.add(sample_at(9, 1e-3), {});
  EXPECT_EQ(series.should_stop(0.0), StopReason::kSampleCap);
}

TEST(SampleSeries, ThrottledSamplesAreDroppedAndCounted) {
  // Max 2000 MHz, threshold 1500 MHz. Samples 2 and 3 ran during a 1000 MHz dip, and slower.
  const std::vector<TelemetrySample> readings = {
      clock_reading(0.0, 1980), clock_reading(2.2e-3, 1000), clock_reading(3.2e-3, 1000),
      clock_reading(4.2e-3, 1970)};
  SampleSeries series(StoppingRule{.min_samples = 5}, 2000.0);
  const double seconds[] = {1e-3, 1e-3, 3e-3, 3e-3, 1e-3, 1e-3, 1e-3};
  for (int i = 0; i < 7; ++i)
    series.add(sample_at(i, seconds[i]), readings);
  EXPECT_EQ(series.should_stop(0.0), StopReason::kConverged);  // the 5 kept samples agree
  const SampleSummary summary = series.summarize(readings);
  EXPECT_EQ(summary.throttled, 2u);
  EXPECT_EQ(summary.kept, 5u);
  EXPECT_FALSE(summary.kept_throttled);
  EXPECT_DOUBLE_EQ(summary.median_seconds, 1e-3);
  EXPECT_DOUBLE_EQ(summary.relative_spread, 0.0);
}

TEST(SampleSeries, TheSummaryJudgesClocksAgainstTheCompleteSeries) {
  // Read live, sample 0 had no reading yet; the reading taken during it arrived later.
  SampleSeries series(StoppingRule{}, 2000.0);
  series.add(sample_at(0, 5e-3), {});
  series.add(sample_at(1, 1e-3), {});
  const std::vector<TelemetrySample> complete = {clock_reading(0.2e-3, 900),
                                                 clock_reading(1.1e-3, 1990)};
  const SampleSummary summary = series.summarize(complete);
  EXPECT_EQ(summary.throttled, 1u);
  EXPECT_EQ(summary.kept, 1u);
  EXPECT_DOUBLE_EQ(summary.median_seconds, 1e-3);
}

TEST(SampleSeries, KeepsEverySampleWhenAllWereThrottled) {
  // A card held below 75% of its maximum for the whole benchmark (a power cap) still gets a
  // figure, flagged, rather than none.
  const std::vector<TelemetrySample> readings = {clock_reading(0.0, 1100)};
  SampleSeries series(StoppingRule{.budget_s = 0.01}, 2000.0);
  for (int i = 0; i < 3; ++i)
    series.add(sample_at(i, (i + 1) * 1e-3), readings);
  EXPECT_EQ(series.should_stop(0.001), std::nullopt);  // nothing kept, budget left
  EXPECT_EQ(series.should_stop(0.02), StopReason::kBudgetSpent);
  const SampleSummary summary = series.summarize(readings);
  EXPECT_TRUE(summary.kept_throttled);
  EXPECT_EQ(summary.throttled, 3u);
  EXPECT_EQ(summary.kept, 3u);
  EXPECT_DOUBLE_EQ(summary.median_seconds, 2e-3);
}

TEST(SampleSeries, WithoutAMaximumClockNothingIsDropped) {
  const std::vector<TelemetrySample> readings = {clock_reading(0.0, 100)};
  SampleSeries series(StoppingRule{}, std::nullopt);
  series.add(sample_at(0, 1e-3), readings);
  EXPECT_EQ(series.summarize(readings).throttled, 0u);
}

TEST(SampleSeries, ASettlingSeriesConvergesWithoutCheckingEverySample) {
  // Eight noisy samples, then steady ones: the median's interval closes on the steady value once
  // the noisy ones sit beyond its ends.
  SampleSeries series(StoppingRule{.min_samples = 5}, std::nullopt);
  std::optional<StopReason> reason;
  int i = 0;
  for (; i < 1000 && !reason; ++i) {
    series.add(sample_at(i, i < 8 ? (1.0 + 0.1 * (i % 3)) * 1e-3 : 1e-3), {});
    reason = series.should_stop(0.0);
  }
  EXPECT_EQ(reason, StopReason::kConverged);
  EXPECT_GT(i, 8);
  EXPECT_LT(i, 60);
}

TEST(SampleSeries, TheMedianIsCheckedOnlyAsTheKeptCountGrowsBySixteenths) {
  // 24 alternating 1.0/1.1 ms samples, then 1.0 ms ones. The 95% interval of the median of n is
  // [x(k), x(n + 1 - k)]; it is the single value 1.0 once k > 12, the slow samples' count, which
  // first holds at n = 37 (k = 13). From 32 kept on the median is checked every 2 samples (36,
  // 38, ...), so the series stops at 38, not at 37.
  SampleSeries series(StoppingRule{.min_samples = 5}, std::nullopt);
  for (int i = 0; i < 36; ++i) {
    series.add(sample_at(i, (i < 24 && i % 2 == 1 ? 1.1 : 1.0) * 1e-3), {});
    ASSERT_FALSE(series.should_stop(0.0)) << "stopped at " << i + 1;
  }
  series.add(sample_at(36, 1e-3), {});
  EXPECT_FALSE(series.should_stop(0.0)) << "37 kept is not a check point";
  series.add(sample_at(37, 1e-3), {});
  EXPECT_EQ(series.should_stop(0.0), StopReason::kConverged);
}

// Five samples that agree to an IQR of 0.4% stopped the rule before issue 27; the range of five
// (their median's 93.75% interval) is 2% wide here, so the median is not known yet.
TEST(SampleSeries, FiveCloseSamplesAreNotEnoughWhenTheirRangeIsWide) {
  SampleSeries series(StoppingRule{.budget_s = 1, .min_samples = 5}, std::nullopt);
  const double seconds[] = {1.000e-3, 1.002e-3, 1.004e-3, 1.006e-3, 1.020e-3};
  for (int i = 0; i < 5; ++i)
    series.add(sample_at(i, seconds[i]), {});
  EXPECT_EQ(series.should_stop(0.0), std::nullopt);
}

TEST(SampleSeries, TheSummaryRecordsTheMediansUncertaintyAndTheTimeTaken) {
  SampleSeries series(StoppingRule{.budget_s = 1, .min_samples = 5}, std::nullopt);
  for (int i = 0; i < 10; ++i)
    series.add(sample_at(i, (1.0 + 0.001 * i) * 1e-3), {});  // 1.000 .. 1.009 ms
  EXPECT_EQ(series.should_stop(0.25), std::nullopt);
  const SampleSummary summary = series.summarize({});
  // n = 10: [x(2), x(9)] = [1.001, 1.008] around the median 1.0045 ms.
  EXPECT_NEAR(summary.median_uncertainty, 0.0035 / 1.0045, 1e-9);
  EXPECT_DOUBLE_EQ(summary.sampling_s, 0.25);
}

// Past its share, a series goes on with lent time only while the median's uncertainty, narrowing
// as 1 / sqrt(samples), would reach the target within the allowance.
TEST(SampleSeries, LentTimeIsTakenOnlyWhereItBuysTheTarget) {
  const StoppingRule rule{.target_median_uncertainty = 0.0025, .budget_s = 0.05};
  // 100 samples alternating 1.00/1.01 ms: median uncertainty 0.5%, twice the target; reaching it
  // needs about 4x the 0.05 s taken (0.198 s). Lent up to 0.25 s it goes on; lent 0.09 s, which
  // would not even bring it within sqrt(2) of the target (0.099 s), it stops.
  const auto fill = [](SampleSeries& series) {
    for (int i = 0; i < 100; ++i)
      series.add(sample_at(i, (i % 2 == 0 ? 1.00 : 1.01) * 1e-3), {});
  };
  SampleSeries generous(rule, std::nullopt, 0.25);
  fill(generous);
  EXPECT_EQ(generous.should_stop(0.05), std::nullopt);
  EXPECT_EQ(generous.should_stop(0.25), StopReason::kBudgetSpent);  // the allowance is spent
  SampleSeries short_lent(rule, std::nullopt, 0.09);
  fill(short_lent);
  EXPECT_EQ(short_lent.should_stop(0.04), std::nullopt);  // within its own share
  EXPECT_EQ(short_lent.should_stop(0.05), StopReason::kBudgetSpent);
  // An allowance below the share is the share.
  SampleSeries none_lent(rule, std::nullopt, 0.01);
  fill(none_lent);
  EXPECT_EQ(none_lent.should_stop(0.04), std::nullopt);
}

// The clock of a figure is the clock while its launches ran, not a probe afterwards.
TEST(ClockWhileRunning, TakesTheReadingsInsideTheSamplesEachOnce) {
  // A power-capped load at 1500 MHz between idle readings at boost (1980 MHz).
  const std::vector<TelemetrySample> readings = {
      clock_reading(0.000, 1980), clock_reading(0.010, 1500), clock_reading(0.020, 1500),
      clock_reading(0.030, 1510), clock_reading(0.045, 1980)};
  const std::vector<TimedSample> samples = {{.seconds = 0.012, .begin_s = 0.005, .end_s = 0.017},
                                            {.seconds = 0.012, .begin_s = 0.018, .end_s = 0.032}};
  EXPECT_EQ(clock_while_running(readings, samples), 1500.0);
}

TEST(ClockWhileRunning, AShortLaunchTakesTheLastReadingBeforeIt) {
  const std::vector<TelemetrySample> readings = {
      clock_reading(0.000, 1980), clock_reading(0.010, 1410), clock_reading(0.020, 1980)};
  // Two microsecond launches between the second and third readings: 1410 MHz, counted once.
  const std::vector<TimedSample> samples = {{.seconds = 5e-6, .begin_s = 0.0120, .end_s = 0.0121},
                                            {.seconds = 5e-6, .begin_s = 0.0130, .end_s = 0.0131}};
  EXPECT_EQ(clock_while_running(readings, samples), 1410.0);
  EXPECT_FALSE(clock_while_running({}, samples).has_value()) << "no NVML: no clock";
}

TEST(ClockWhileRunning, TheSummaryGivesTheKeptSamplesClock) {
  const std::vector<TelemetrySample> readings = {
      clock_reading(0.0001, 1200), clock_reading(0.0011, 1900), clock_reading(0.0021, 1880)};
  // A 2000 MHz maximum: the first sample (1200 MHz, under 75%) is dropped, and so is its clock.
  SampleSeries series(StoppingRule{}, 2000.0);
  for (int i = 0; i < 3; ++i)
    series.add(sample_at(i, 1e-3), readings);
  const SampleSummary summary = series.summarize(readings);
  EXPECT_EQ(summary.throttled, 1u);
  EXPECT_EQ(summary.sm_clock_mhz, 1890.0);
}

TEST(SampleSeries, SummaryOfNothingIsAnError) {
  const SampleSeries series(StoppingRule{}, std::nullopt);
  EXPECT_THROW((void)series.summarize({}), std::logic_error);
}

}  // namespace
}  // namespace gpubench
