// Telemetry arithmetic (series -> mean/min/energy), throttle-reason names, and the background
// sampler driven by a scripted source; values are synthetic.
#include "harness/telemetry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "model/telemetry.hpp"
#include "platform/nvml_library.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TelemetrySample at(double time_s, std::optional<double> power_w,
                   std::optional<std::uint64_t> energy_mj = std::nullopt) {
  TelemetrySample sample;
  sample.time_s = time_s;
  sample.power_w = power_w;
  sample.energy_mj = energy_mj;
  return sample;
}

TEST(TelemetrySummary, NoSamplesGiveNoFigures) {
  const TelemetrySummary summary = summarize_telemetry({});
  EXPECT_EQ(summary.samples, 0u);
  EXPECT_FALSE(summary.power_mean_w);
  EXPECT_FALSE(summary.energy_j);
  EXPECT_EQ(summary.energy_source, EnergySource::kNone);
}

TEST(TelemetrySummary, IntegratesPowerByTrapezoidsWithoutAnEnergyCounter) {
  // 100 W -> 200 W over 1 s, back to 100 W over the next: 150 J + 150 J.
  const TelemetrySummary summary = summarize_telemetry({at(0, 100), at(1, 200), at(2, 100)});
  EXPECT_EQ(summary.energy_source, EnergySource::kIntegratedPower);
  EXPECT_DOUBLE_EQ(*summary.energy_j, 300);
  EXPECT_DOUBLE_EQ(*summary.power_mean_w, 150);
  EXPECT_DOUBLE_EQ(summary.duration_s, 2);
}

TEST(TelemetrySummary, UnevenSpacingIsWeightedByTime) {
  // 100 W for 3 s (two readings), then a ramp to 300 W over 1 s: 300 J + 200 J over 4 s.
  const TelemetrySummary summary = summarize_telemetry({at(0, 100), at(3, 100), at(4, 300)});
  EXPECT_DOUBLE_EQ(*summary.energy_j, 500);
  EXPECT_DOUBLE_EQ(*summary.power_mean_w, 125);
}

TEST(TelemetrySummary, AGapInThePowerReadingsIsFilledWithTheCoveredMean) {
  // Power known over [0, 1] at 100 W, missing at t = 2: 2 s at 100 W.
  const TelemetrySummary summary = summarize_telemetry({at(0, 100), at(1, 100), at(2, {})});
  EXPECT_DOUBLE_EQ(*summary.power_mean_w, 100);
  EXPECT_DOUBLE_EQ(*summary.energy_j, 200);
}

TEST(TelemetrySummary, PrefersTheEnergyCounterWhenItRose) {
  // Counter: 250 J over 2 s, whatever the instantaneous readings say.
  const TelemetrySummary summary =
      summarize_telemetry({at(0, 100, 1'000'000), at(1, 200, 1'100'000), at(2, 100, 1'250'000)});
  EXPECT_EQ(summary.energy_source, EnergySource::kEnergyCounter);
  EXPECT_DOUBLE_EQ(*summary.energy_j, 250);
  EXPECT_DOUBLE_EQ(*summary.power_mean_w, 125);
}

TEST(TelemetrySummary, FallsBackToPowerWhenTheCounterDidNotMoveOrIsPartial) {
  const TelemetrySummary still = summarize_telemetry({at(0, 100, 5'000), at(1, 100, 5'000)});
  EXPECT_EQ(still.energy_source, EnergySource::kIntegratedPower);
  EXPECT_DOUBLE_EQ(*still.energy_j, 100);
  const TelemetrySummary partial = summarize_telemetry({at(0, 100, 5'000), at(1, 100)});
  EXPECT_EQ(partial.energy_source, EnergySource::kIntegratedPower);
}

TEST(TelemetrySummary, OneReadingGivesItsPowerButNoEnergy) {
  const TelemetrySummary summary = summarize_telemetry({at(0, 80)});
  EXPECT_DOUBLE_EQ(*summary.power_mean_w, 80);
  EXPECT_FALSE(summary.energy_j);
}

TEST(TelemetrySummary, ClocksTemperatureAndReasons) {
  std::vector<TelemetrySample> samples(3);
  const double clocks[] = {2000, 1800, 1900};
  const double temperatures[] = {60, 71, 65};
  const std::uint64_t reasons[] = {0x1, 0x4, 0x0};
  for (int i = 0; i < 3; ++i) {
    samples[i].time_s = i;
    samples[i].sm_clock_mhz = clocks[i];
    samples[i].memory_clock_mhz = 10000;
    samples[i].temperature_c = temperatures[i];
    samples[i].clock_event_reasons = reasons[i];
  }
  samples[2].sm_clock_mhz.reset();  // a failed read does not count as 0 MHz
  const TelemetrySummary summary = summarize_telemetry(samples);
  EXPECT_DOUBLE_EQ(*summary.sm_clock_mean_mhz, 1900);
  EXPECT_DOUBLE_EQ(*summary.sm_clock_min_mhz, 1800);
  EXPECT_DOUBLE_EQ(*summary.memory_clock_mhz, 10000);
  EXPECT_DOUBLE_EQ(*summary.temperature_max_c, 71);
  EXPECT_EQ(summary.clock_event_reasons, 0x5u);
  EXPECT_FALSE(summary.power_mean_w);
}

TEST(ClockEventReasons, DecodeIntoNamesLowestBitFirst) {
  EXPECT_TRUE(clock_event_reason_names(0).empty());
  EXPECT_EQ(clock_event_reason_names(0x1), (std::vector<std::string>{"GPU idle"}));
  EXPECT_EQ(clock_event_reason_names(0x4 | 0x40),
            (std::vector<std::string>{"software power cap", "hardware thermal slowdown"}));
  EXPECT_EQ(clock_event_reason_names(0x8 | 0x20 | 0x80),
            (std::vector<std::string>{"hardware slowdown", "software thermal slowdown",
                                      "hardware power brake slowdown"}));
  EXPECT_EQ(clock_event_reason_names(std::uint64_t{1} << 40),
            (std::vector<std::string>{"bit 0x10000000000"}));
  EXPECT_EQ(throttling_reasons(0x1), 0u) << "idle is not throttling";
  EXPECT_EQ(throttling_reasons(0x5), 0x4u);
}

TEST(ClockEventReasons, ThrottleLabelNamesEveryReasonButIdle) {
  EXPECT_EQ(throttle_label(0), "");
  EXPECT_EQ(throttle_label(0x1), "") << "idle is not throttling";
  EXPECT_EQ(throttle_label(0x1 | 0x4 | 0x40),
            "throttle: software power cap, hardware thermal slowdown");
}

// A scripted source: power rises by 1 W per reading.
class CountingSource : public TelemetrySource {
 public:
  TelemetrySample sample() const override {
    TelemetrySample sample;
    sample.power_w = 100 + calls_++;
    sample.sm_clock_mhz = 1000;
    return sample;
  }
  int calls() const { return calls_; }

 private:
  mutable std::atomic<int> calls_{0};
};

TEST(TelemetrySampler, SamplesAtStartPeriodicallyAndAtStop) {
  CountingSource source;
  TelemetrySampler sampler(&source, std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const auto samples = sampler.stop();
  ASSERT_GE(samples.size(), 4u);  // start, a few periodic ones, stop
  EXPECT_LT(samples.size(), 40u);
  EXPECT_DOUBLE_EQ(*samples.front().power_w, 100);
  for (std::size_t i = 1; i < samples.size(); ++i) {
    EXPECT_GE(samples[i].time_s, samples[i - 1].time_s);
  }
  EXPECT_GE(samples.back().time_s, 0.025);
  // stop() again: the same samples, no further reads.
  const int calls = source.calls();
  EXPECT_EQ(sampler.stop().size(), samples.size());
  EXPECT_EQ(source.calls(), calls);
}

TEST(TelemetrySampler, WithoutASourceItIsANoOp) {
  TelemetrySampler sampler(nullptr);
  EXPECT_TRUE(sampler.readings(true).empty());
  EXPECT_TRUE(sampler.stop().empty());
}

TEST(TelemetrySampler, GivesTheReadingsSoFarAndCanTakeOneNow) {
  CountingSource source;
  TelemetrySampler sampler(&source, std::chrono::hours(1));  // only the first, periodic never
  EXPECT_EQ(sampler.readings().size(), 1u);
  const double before = sampler.seconds_since_start();
  const auto readings = sampler.readings(/*take_one_now=*/true);
  ASSERT_EQ(readings.size(), 2u);
  EXPECT_GE(readings.back().time_s, before);
  EXPECT_EQ(source.calls(), 2);
}

// Counts the slower process queries apart from the plain readings.
class ProcessCountingSource : public CountingSource {
 public:
  TelemetrySample sample_with_processes() const override {
    ++process_calls_;
    TelemetrySample sample = CountingSource::sample();
    sample.compute_process_ids = std::vector<std::uint32_t>{1};
    return sample;
  }
  int process_calls() const { return process_calls_; }

 private:
  mutable std::atomic<int> process_calls_{0};
};

TEST(TelemetrySampler, AsksForTheComputeProcessesAtStartAndAtMostEveryTenthOfASecond) {
  ProcessCountingSource source;
  TelemetrySampler sampler(&source, std::chrono::milliseconds(2));
  EXPECT_EQ(source.process_calls(), 1) << "the first reading includes the processes";
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  const auto samples = sampler.stop();
  ASSERT_TRUE(samples.front().compute_process_ids);
  // 250 ms: the first, then one per 100 ms (2 or 3), against dozens of plain readings.
  EXPECT_GE(source.process_calls(), 2);
  EXPECT_LE(source.process_calls(), 4);
  EXPECT_GT(source.calls(), 3 * source.process_calls());
}

TEST(TelemetrySampler, DestructionStopsTheThread) {
  CountingSource source;
  { TelemetrySampler sampler(&source, std::chrono::milliseconds(1)); }
  const int calls = source.calls();
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(source.calls(), calls);
}

TEST(NvmlTelemetry, WithoutNvmlTheSourceIsAbsentAndSaysWhy) {
  if (testing::gpu_present()) GPUBENCH_SKIP_OTHER_HARDWARE("NVML is present here");
  std::string problem;
  EXPECT_EQ(open_nvml_telemetry("0000:00:00.0", problem), nullptr);
  EXPECT_FALSE(problem.empty());
}

TEST(NvmlTelemetryGpu, SamplesPowerClocksAndTemperature) {
  GPUBENCH_REQUIRE_GPU();
  const DeviceInfo device = query_device(0, nullptr);
  std::string problem;
  const auto source = open_nvml_telemetry(device.pci_bus_id, problem);
  ASSERT_NE(source, nullptr) << problem;
  TelemetrySampler sampler(source.get(), std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const TelemetrySummary summary = summarize_telemetry(sampler.stop());
  EXPECT_GE(summary.samples, 5u);
  ASSERT_TRUE(summary.sm_clock_mean_mhz);
  EXPECT_GT(*summary.sm_clock_mean_mhz, 0);
  ASSERT_TRUE(summary.power_mean_w);
  EXPECT_GT(*summary.power_mean_w, 1);
  EXPECT_TRUE(summary.temperature_max_c);
  // What the sustained power window and the contention watch read.
  const auto limit = source->enforced_power_limit_w();
  ASSERT_TRUE(limit);
  EXPECT_GT(*limit, 10);
  const TelemetrySample with_processes = source->sample_with_processes();
  EXPECT_TRUE(with_processes.compute_process_ids);
  EXPECT_TRUE(with_processes.gpu_busy_pct);
}

}  // namespace
}  // namespace gpubench
