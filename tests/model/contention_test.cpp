// Contention judged from recorded telemetry timelines: other compute processes (NVML's list),
// their SM share (NVML's per-process utilization), and the GPU busier than gpubench's launches.
// The contended case follows what NVML reported on an H200 while a second process ran FP32
// matrix products (issue 11: listed, 76% SM utilization, GPU 98% busy); values are synthetic.
#include "model/contention.hpp"

#include <gtest/gtest.h>

namespace gpubench {
namespace {

constexpr std::uint32_t kOwnPid = 4242;
constexpr std::uint32_t kOtherPid = 777;

std::vector<TelemetrySample> timeline(double end_s, double period_s = 0.1) {
  std::vector<TelemetrySample> samples;
  for (double t = 0; t <= end_s + 1e-9; t += period_s) {
    TelemetrySample sample;
    sample.time_s = t;
    samples.push_back(sample);
  }
  return samples;
}

TEST(Contention, GpubenchAloneIsNotContended) {
  auto samples = timeline(2.0);
  for (TelemetrySample& sample : samples) {
    sample.compute_process_ids = std::vector<std::uint32_t>{kOwnPid};
    sample.process_sm_pct = std::vector<ProcessSmUtilization>{{kOwnPid, 95}};
    sample.gpu_busy_pct = 97;
  }
  const ContentionFinding finding = detect_contention(samples, {{0.0, 2.0}}, kOwnPid, 0.0, 2.0);
  EXPECT_FALSE(finding.contended) << finding.reason;
  EXPECT_TRUE(finding.other_process_ids.empty());
}

TEST(Contention, AnotherProcessOnTheSmsIsContention) {
  auto samples = timeline(2.0);
  for (TelemetrySample& sample : samples) {
    sample.compute_process_ids = std::vector<std::uint32_t>{kOwnPid, kOtherPid};
    sample.process_sm_pct =
        std::vector<ProcessSmUtilization>{{kOwnPid, 20}, {kOtherPid, sample.time_s > 1 ? 76.0 : 0}};
  }
  const ContentionFinding finding = detect_contention(samples, {{0.0, 2.0}}, kOwnPid, 0.0, 2.0);
  EXPECT_TRUE(finding.contended);
  EXPECT_NE(finding.reason.find("777 (76%)"), std::string::npos) << finding.reason;
  EXPECT_EQ(finding.other_process_ids, std::vector<std::uint32_t>{kOtherPid});
  // Before it started using the SMs, the window is clean.
  EXPECT_FALSE(detect_contention(samples, {{0.0, 2.0}}, kOwnPid, 0.0, 0.95).contended);
}

TEST(Contention, AnIdleContextIsNotContentionWhenUtilizationIsReported) {
  // A notebook holding memory on the GPU but running nothing.
  auto samples = timeline(1.0);
  for (TelemetrySample& sample : samples) {
    sample.compute_process_ids = std::vector<std::uint32_t>{kOwnPid, kOtherPid};
    sample.process_sm_pct = std::vector<ProcessSmUtilization>{{kOwnPid, 90}};
  }
  const ContentionFinding finding = detect_contention(samples, {{0.0, 1.0}}, kOwnPid, 0.0, 1.0);
  EXPECT_FALSE(finding.contended) << finding.reason;
  EXPECT_EQ(finding.other_process_ids, std::vector<std::uint32_t>{kOtherPid});
}

TEST(Contention, AnotherContextWithoutUtilizationReportsCannotBeRuledOut) {
  auto samples = timeline(1.0);
  for (TelemetrySample& sample : samples)
    sample.compute_process_ids = std::vector<std::uint32_t>{kOwnPid, kOtherPid};
  const ContentionFinding finding = detect_contention(samples, {{0.0, 1.0}}, kOwnPid, 0.0, 1.0);
  EXPECT_TRUE(finding.contended);
  EXPECT_NE(finding.reason.find("not reported"), std::string::npos) << finding.reason;
}

TEST(Contention, InAContainerGpubenchIsOneOfTheListedProcesses) {
  // NVML lists host PIDs; this process's own PID never appears.
  auto samples = timeline(1.0);
  for (TelemetrySample& sample : samples) {
    sample.compute_process_ids = std::vector<std::uint32_t>{91000};
    sample.process_sm_pct = std::vector<ProcessSmUtilization>{{91000, 96}};
  }
  EXPECT_FALSE(detect_contention(samples, {{0.0, 1.0}}, kOwnPid, 0.0, 1.0).contended);
  for (TelemetrySample& sample : samples) {
    sample.compute_process_ids = std::vector<std::uint32_t>{91000, 91001};
    sample.process_sm_pct = std::vector<ProcessSmUtilization>{{91000, 50}, {91001, 48}};
  }
  const ContentionFinding finding = detect_contention(samples, {{0.0, 1.0}}, kOwnPid, 0.0, 1.0);
  EXPECT_TRUE(finding.contended);
  EXPECT_EQ(finding.other_process_ids.size(), 2u);
}

TEST(Contention, TheGpuBusyOutsideGpubenchsLaunchesIsContention) {
  // No process list (a container may hide it): gpubench launched for 0.3 s of each second, the
  // GPU was 98% busy.
  auto samples = timeline(3.0);
  std::vector<BusyInterval> own;
  for (int second = 0; second < 3; ++second)
    own.push_back({second + 0.0, second + 0.3});
  for (TelemetrySample& sample : samples)
    sample.gpu_busy_pct = 98;
  const ContentionFinding finding = detect_contention(samples, own, kOwnPid, 0.0, 3.0);
  EXPECT_TRUE(finding.contended);
  EXPECT_NE(finding.reason.find("98% busy"), std::string::npos) << finding.reason;
  // The same utilization with gpubench launching back to back is gpubench's own.
  EXPECT_FALSE(detect_contention(samples, {{0.0, 3.0}}, kOwnPid, 0.0, 3.0).contended);
}

TEST(Contention, UtilizationIsNotJudgedBeforeAFullPeriodOfKnownLaunches) {
  // The first second's readings average over time before sampling began.
  auto samples = timeline(0.9);
  for (TelemetrySample& sample : samples)
    sample.gpu_busy_pct = 100;
  EXPECT_FALSE(detect_contention(samples, {}, kOwnPid, 0.0, 0.9).contended);
}

TEST(Contention, NothingReportedIsNotContention) {
  EXPECT_FALSE(detect_contention(timeline(2.0), {}, kOwnPid, 0.0, 2.0).contended);
  EXPECT_FALSE(detect_contention({}, {}, kOwnPid, 0.0, 2.0).contended);
}

TEST(Contention, BusyFractionCountsOverlapsOnce) {
  EXPECT_DOUBLE_EQ(busy_fraction({{0.0, 0.5}, {0.25, 0.75}}, 0.0, 1.0), 0.75);
  EXPECT_DOUBLE_EQ(busy_fraction({{-1.0, 0.5}}, 0.0, 1.0), 0.5);
  EXPECT_DOUBLE_EQ(busy_fraction({{2.0, 3.0}}, 0.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(busy_fraction({}, 1.0, 1.0), 0.0);
}

}  // namespace
}  // namespace gpubench
