// The sustained power window on recorded NVML-like timelines: a power reading that lags the load
// (NVML averages it over about a second), an energy counter that wraps, a board without one, and
// readings above the enforced limit. Timelines are synthetic, shaped like what NVML reports.
#include "model/sustained_power.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace gpubench {
namespace {

constexpr double kPeriodS = 0.01;  // the telemetry sampler's period

// Power that steps from idle_w to load_w at load_begin_s, as NVML's ~1 s moving average reports
// it: a linear ramp over lag_s. The energy counter integrates the true (stepped) power.
std::vector<TelemetrySample> stepped_load(double idle_w, double load_w, double load_begin_s,
                                          double end_s, double lag_s, bool with_counter,
                                          std::uint64_t counter_start_mj = 5'000'000) {
  std::vector<TelemetrySample> samples;
  double energy_mj = static_cast<double>(counter_start_mj);
  for (int i = 0;; ++i) {
    const double t = i * kPeriodS;
    if (t > end_s + 1e-9) break;
    if (i > 0) {
      const double true_w = t - kPeriodS >= load_begin_s ? load_w : idle_w;
      energy_mj += true_w * kPeriodS * 1e3;
    }
    TelemetrySample sample;
    sample.time_s = t;
    const double into = std::clamp((t - load_begin_s) / lag_s, 0.0, 1.0);
    sample.power_w = t < load_begin_s ? idle_w : idle_w + (load_w - idle_w) * into;
    if (with_counter) sample.energy_mj = static_cast<std::uint64_t>(std::llround(energy_mj));
    samples.push_back(sample);
  }
  return samples;
}

TEST(SustainedPower, WaitsForTheLaggingReadingToSettleBeforeMeasuring) {
  // Load from 0.5 s to 3.0 s; the reading ramps 80 -> 400 W over 1 s.
  const auto samples = stepped_load(80, 400, 0.5, 3.0, 1.0, /*with_counter=*/false);
  const auto settled = power_settle_time(samples, 0.5, 3.0, 700.0);
  ASSERT_TRUE(settled);
  // Within 5% of 400 W: the ramp reaches 380 W at 0.5 + 0.9375 s.
  EXPECT_NEAR(*settled, 1.44, 0.011);
  const SustainedPower power = measure_sustained_power(samples, 0.5, 3.0, 700.0);
  ASSERT_TRUE(power.mean_power_w) << power.problem;
  EXPECT_EQ(power.source, EnergySource::kIntegratedPower);
  EXPECT_NEAR(*power.mean_power_w, 400, 1.0);
  EXPECT_NEAR(power.window_s, 3.0 - *settled, 1e-9);
  EXPECT_NEAR(*power.energy_j, 400 * power.window_s, 1.0);
  EXPECT_TRUE(power.limit_checked);
}

TEST(SustainedPower, AWindowTooShortAfterSettlingGivesNoFigure) {
  // 1.5 s of load, 0.94 s of it spent settling: 0.56 s left, under the 1 s needed.
  const auto samples = stepped_load(80, 400, 0.5, 2.0, 1.0, false);
  const SustainedPower power = measure_sustained_power(samples, 0.5, 2.0, 700.0);
  EXPECT_FALSE(power.mean_power_w);
  EXPECT_FALSE(power.energy_j);
  EXPECT_NE(power.problem.find("shorter than the 1 s"), std::string::npos) << power.problem;
}

TEST(SustainedPower, AShortRepetitionsStaleReadingIsNeverAFigure) {
  // The case: a 20 ms repetition right after a hotter benchmark reads the old state.
  const auto samples = stepped_load(950, 380, 0.0, 0.02, 1.0, false);
  EXPECT_FALSE(measure_sustained_power(samples, 0.0, 0.02, 700.0).mean_power_w);
}

TEST(SustainedPower, PrefersTheEnergyCounterWhichDoesNotLag) {
  const auto samples = stepped_load(80, 400, 0.5, 3.0, 1.0, /*with_counter=*/true);
  const SustainedPower power = measure_sustained_power(samples, 0.5, 3.0, 700.0);
  ASSERT_TRUE(power.mean_power_w) << power.problem;
  EXPECT_EQ(power.source, EnergySource::kEnergyCounter);
  EXPECT_NEAR(*power.mean_power_w, 400, 0.5);
  EXPECT_EQ(power.counter_resets, 0u);
  // It settles on the counter's power, not on the reading that lags it by a second (1.44 s).
  EXPECT_LT(power.settled_at_s, 0.5 + 0.35);
  EXPECT_EQ(power_settle_time(samples, 0.5, 3.0, 700.0), power.settled_at_s);
  EXPECT_GT(power.window_s, 3.0 - 1.44 + 0.5) << "the window gains what the reading lags";
}

TEST(SustainedPower, AReadingWithinTheMarginAboveTheLimitIsKept) {
  // 735 W on a 700 W card: above the limit, inside its 10% margin (770 W), so it counts.
  const auto samples = stepped_load(80, 735, 0.0, 2.5, 0.2, false);
  const SustainedPower power = measure_sustained_power(samples, 0.0, 2.5, 700.0);
  ASSERT_TRUE(power.mean_power_w) << power.problem;
  EXPECT_EQ(power.readings_over_limit, 0u);
  EXPECT_NEAR(*power.mean_power_w, 735, 1e-6);
}

TEST(SustainedPower, ACounterCoveringLessThanHalfTheWindowGivesWayToTheReadings) {
  // The counter goes back twice in every three samples (a driver that keeps reloading it): its
  // monotone spans cover a third of the window and claim 300 W; the readings say 400 W.
  auto samples = stepped_load(80, 400, 0.0, 2.5, 0.2, false);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::uint64_t base = 1'000'000'000 - (i / 3) * 100'000;
    samples[i].energy_mj = i % 3 == 0 ? base : i % 3 == 1 ? base + 3'000 : base - 50'000;
  }
  const SustainedPower power = measure_sustained_power(samples, 0.0, 2.5, 700.0);
  ASSERT_TRUE(power.mean_power_w) << power.problem;
  EXPECT_EQ(power.source, EnergySource::kIntegratedPower);
  EXPECT_NEAR(*power.mean_power_w, 400, 1e-6);
  EXPECT_GT(power.counter_resets, 0u);
}

TEST(SustainedPower, ACounterThatWrapsLosesOnlyTheSpanAcrossTheWrap) {
  // The counter restarts from 0 at t = 2.0 s (a 32-bit wrap or a driver reload): the span across
  // it is dropped and counted; the rest still gives 400 W.
  auto samples = stepped_load(80, 400, 0.5, 3.0, 1.0, true, (std::uint64_t{1} << 32) - 700'000);
  std::uint64_t offset = 0;
  for (TelemetrySample& sample : samples) {
    if (*sample.energy_mj >= (std::uint64_t{1} << 32)) offset = std::uint64_t{1} << 32;
    *sample.energy_mj -= offset;
  }
  const SustainedPower power = measure_sustained_power(samples, 0.5, 3.0, 700.0);
  ASSERT_TRUE(power.mean_power_w) << power.problem;
  EXPECT_EQ(power.source, EnergySource::kEnergyCounter);
  EXPECT_EQ(power.counter_resets, 1u);
  EXPECT_NEAR(*power.mean_power_w, 400, 0.5);
}

TEST(SustainedPower, ACardWithoutAnEnergyCounterUsesThePowerReadings) {
  auto samples = stepped_load(60, 115, 0.2, 2.5, 1.0, false);
  for (TelemetrySample& sample : samples)
    sample.energy_mj.reset();
  const SustainedPower power = measure_sustained_power(samples, 0.2, 2.5, 130.0);
  ASSERT_TRUE(power.mean_power_w) << power.problem;
  EXPECT_EQ(power.source, EnergySource::kIntegratedPower);
  EXPECT_NEAR(*power.mean_power_w, 115, 0.5);
}

TEST(SustainedPower, ACardWithOnlyAnEnergyCounterSettlesOnTheCountersPower) {
  auto samples = stepped_load(80, 300, 0.5, 3.0, 1.0, true);
  for (TelemetrySample& sample : samples)
    sample.power_w.reset();
  const SustainedPower power = measure_sustained_power(samples, 0.5, 3.0, 700.0);
  ASSERT_TRUE(power.mean_power_w) << power.problem;
  EXPECT_EQ(power.source, EnergySource::kEnergyCounter);
  EXPECT_NEAR(*power.mean_power_w, 300, 0.5);
  // The counter does not lag: it settles as soon as the first full span has passed.
  EXPECT_LT(power.settled_at_s, 0.5 + 0.35);
}

TEST(SustainedPower, ReadingsAboveTheLimitAreDiscardedAndCounted) {
  // Three 950 W readings on a 700 W card (limit + 10% = 770 W) among 400 W ones.
  auto samples = stepped_load(80, 400, 0.0, 2.5, 0.2, false);
  int spiked = 0;
  for (TelemetrySample& sample : samples) {
    if (sample.time_s > 1.5 && spiked < 3) {
      sample.power_w = 950;
      ++spiked;
    }
  }
  const SustainedPower power = measure_sustained_power(samples, 0.0, 2.5, 700.0);
  ASSERT_TRUE(power.mean_power_w) << power.problem;
  EXPECT_EQ(power.readings_over_limit, 3u);
  EXPECT_NEAR(*power.mean_power_w, 400, 1e-6);
}

TEST(SustainedPower, ACounterAboveTheLimitFallsBackToTheReadings) {
  // A counter that claims 1000 W on a 700 W card is not believed; the readings say 400 W.
  auto samples = stepped_load(80, 400, 0.0, 2.5, 0.2, true);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i].energy_mj = static_cast<std::uint64_t>(i) * 10'000;  // 10 J per 10 ms
  const SustainedPower power = measure_sustained_power(samples, 0.0, 2.5, 700.0);
  ASSERT_TRUE(power.mean_power_w) << power.problem;
  EXPECT_EQ(power.source, EnergySource::kIntegratedPower);
  EXPECT_GE(power.readings_over_limit, 1u);
  EXPECT_NEAR(*power.mean_power_w, 400, 1e-6);
}

TEST(SustainedPower, EveryReadingAboveTheLimitLeavesNoFigure) {
  auto samples = stepped_load(900, 950, 0.0, 2.5, 0.2, false);
  const SustainedPower power = measure_sustained_power(samples, 0.0, 2.5, 700.0);
  EXPECT_FALSE(power.mean_power_w);
  EXPECT_FALSE(power.problem.empty());
}

TEST(SustainedPower, AnUnknownLimitIsSaidNotGuessed) {
  const auto samples = stepped_load(80, 400, 0.0, 2.5, 0.2, false);
  const SustainedPower power = measure_sustained_power(samples, 0.0, 2.5, std::nullopt);
  ASSERT_TRUE(power.mean_power_w);
  EXPECT_FALSE(power.limit_checked);
}

TEST(SustainedPower, NoReadingsAtAllGiveNoFigure) {
  std::vector<TelemetrySample> samples(300);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i].time_s = static_cast<double>(i) * kPeriodS;
  const SustainedPower power = measure_sustained_power(samples, 0.0, 2.99, 700.0);
  EXPECT_FALSE(power.mean_power_w);
  EXPECT_FALSE(power.problem.empty());
}

TEST(SustainedPower, OnlyAWindowOfASecondOrMoreCountsAsSustainedPower) {
  EXPECT_TRUE(has_sustained_power({{"power_mean_w", 400}, {"power_window_s", 1.2}}));
  EXPECT_FALSE(has_sustained_power({{"power_mean_w", 400}, {"power_window_s", 0.3}}));
  // The H200 fixtures' per-repetition power (no window) is not sustained power.
  EXPECT_FALSE(has_sustained_power({{"power_mean_w", 950}}));
  EXPECT_FALSE(has_sustained_power({{"power_window_s", 2}}));
}

}  // namespace
}  // namespace gpubench
