// Contention judged from recorded telemetry timelines: other compute processes (NVML's list),
// their SM share (NVML's per-process utilization), and the GPU busier than gpubench's launches.
// The contended case follows what NVML reported on an H200 while a second process ran FP32
// matrix products (issue 11: listed, 76% SM utilization, GPU 98% busy); values are synthetic.
#include "model/contention.hpp"

#include <gtest/gtest.h>

#include "gpubench/counters.hpp"

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

TEST(Contention, TimeBeforeTheRecordCountsAsGpubenchsOwn) {
  // A reading 0.3 s into the record averages over up to 1 s: 0.7 s of it may be gpubench's
  // unrecorded work, so 100% busy is not more than gpubench may account for.
  auto samples = timeline(0.3);
  for (TelemetrySample& sample : samples)
    sample.gpu_busy_pct = 100;
  EXPECT_FALSE(detect_contention(samples, {}, kOwnPid, 0.0, 0.3).contended);
}

// The GPU-busy check across benchmarks: a 0.1 s benchmark whose readings average over up to 1 s
// is judged against gpubench's record of that whole second (OwnActivityLog keeps it).
OwnActivity recorded_second(double own_duty) {
  OwnActivity own;
  own.known.push_back({0.0, 1.0});
  for (int i = 0; i < 50; ++i)  // gpubench's launches: own_duty of each 20 ms
    own.launches.push_back({i * 0.02, i * 0.02 + own_duty * 0.02});
  return own;
}

TEST(Contention, ANeighbourKeepingTheGpuBusyIsCaughtWithinOneShortBenchmark) {
  std::vector<TelemetrySample> samples;
  for (const double t : {0.92, 0.96, 1.0}) {  // this benchmark: its last 0.1 s
    TelemetrySample sample;
    sample.time_s = t;
    sample.gpu_busy_pct = 100;
    sample.compute_process_ids = std::vector<std::uint32_t>{kOwnPid};
    samples.push_back(sample);
  }
  const ContentionScope scope{.own_pid = kOwnPid};
  const ContentionFinding busy = detect_contention(samples, recorded_second(0.2), scope, 0.9, 1.0);
  EXPECT_TRUE(busy.contended) << busy.reason;
  EXPECT_NE(busy.reason.find("100% busy"), std::string::npos) << busy.reason;
  // Quiet: the GPU as busy as gpubench's own launches kept it.
  for (TelemetrySample& sample : samples)
    sample.gpu_busy_pct = 20;
  EXPECT_EQ(detect_contention(samples, recorded_second(0.2), scope, 0.9, 1.0).state,
            ContentionState::kClean);
  // Without the record of the second before the benchmark the check cannot see it.
  OwnActivity short_record = recorded_second(0.2);
  short_record.known = {{0.9, 1.0}};
  for (TelemetrySample& sample : samples)
    sample.gpu_busy_pct = 100;
  EXPECT_FALSE(detect_contention(samples, short_record, scope, 0.9, 1.0).contended);
}

TEST(Contention, WithoutItsOwnPidOneListedProcessIsGpubench) {
  auto samples = timeline(1.0);
  for (TelemetrySample& sample : samples) {
    sample.compute_process_ids = std::vector<std::uint32_t>{91000};
    sample.process_sm_pct = std::vector<ProcessSmUtilization>{{91000, 3}};
  }
  const ContentionFinding alone = detect_contention(samples, OwnActivity{}, {}, 0.0, 1.0);
  EXPECT_EQ(alone.state, ContentionState::kClean) << alone.reason;
  EXPECT_TRUE(alone.other_process_ids.empty());
}

TEST(Contention, WithoutItsOwnPidTwoListedAndOneActiveCannotBeTold) {
  // gpubench (2% SM, a transfer row) and a neighbour at 60%: which is which is unknown.
  auto samples = timeline(1.0);
  for (TelemetrySample& sample : samples) {
    sample.compute_process_ids = std::vector<std::uint32_t>{91000, 91001};
    sample.process_sm_pct = std::vector<ProcessSmUtilization>{{91000, 2}, {91001, 60}};
  }
  const ContentionFinding finding = detect_contention(samples, OwnActivity{}, {}, 0.0, 1.0);
  EXPECT_EQ(finding.state, ContentionState::kCannotTell) << finding.reason;
  EXPECT_FALSE(finding.contended);
  EXPECT_NE(contention_label(finding).find("contention unknown: gpubench's own PID"),
            std::string::npos)
      << contention_label(finding);
  EXPECT_EQ(contention_counters(finding).count(counters::kContentionUnknown), 1u);
  // With its host PID found, the neighbour is contention.
  const ContentionFinding known =
      detect_contention(samples, OwnActivity{}, {.own_pid = 91000}, 0.0, 1.0);
  EXPECT_TRUE(known.contended) << known.reason;
  EXPECT_NE(known.reason.find("pid 91001 (60%)"), std::string::npos) << known.reason;
}

TEST(Contention, GraphicsOnlyProcessesAreDisplayActivityUpToTheThreshold) {
  auto samples = timeline(1.0);
  for (TelemetrySample& sample : samples) {
    sample.compute_process_ids = std::vector<std::uint32_t>{kOwnPid};
    sample.graphics_process_ids = {1201, 1402};
    sample.process_sm_pct = std::vector<ProcessSmUtilization>{{kOwnPid, 90}, {1201, 6}, {1402, 8}};
  }
  const ContentionScope scope{.own_pid = kOwnPid};
  const ContentionFinding display = detect_contention(samples, OwnActivity{}, scope, 0.0, 1.0);
  EXPECT_EQ(display.state, ContentionState::kClean) << display.reason;
  EXPECT_EQ(contention_label(display), "display activity: pid 1201 (6%), pid 1402 (8%)");
  // 6 + 8 = 14% is at the threshold's edge: 2% more crosses 15%.
  for (TelemetrySample& sample : samples)
    (*sample.process_sm_pct)[2].sm_pct = 10;
  const ContentionFinding busy = detect_contention(samples, OwnActivity{}, scope, 0.0, 1.0);
  EXPECT_TRUE(busy.contended);
  EXPECT_NE(busy.reason.find("display's graphics processes used 16%"), std::string::npos)
      << busy.reason;
}

TEST(Contention, UnderMigOnlyTheSlicesOwnProcessesCount) {
  auto samples = timeline(1.0);
  for (TelemetrySample& sample : samples) {
    sample.compute_process_ids = std::vector<std::uint32_t>{kOwnPid, 7001, 7002};
    sample.process_gpu_instances = {{kOwnPid, 1}, {7001, 2}, {7002, 3}};
    sample.process_sm_unsupported = true;
  }
  const ContentionScope scope{.own_pid = kOwnPid, .mig_slice = true};
  const ContentionFinding apart = detect_contention(samples, OwnActivity{}, scope, 0.0, 1.0);
  EXPECT_EQ(apart.state, ContentionState::kClean) << apart.reason;
  for (TelemetrySample& sample : samples)
    sample.process_gpu_instances[2].second = 1;  // 7002 moves onto gpubench's slice
  const ContentionFinding shared = detect_contention(samples, OwnActivity{}, scope, 0.0, 1.0);
  EXPECT_TRUE(shared.contended);
  EXPECT_NE(shared.reason.find("on this MIG slice (7002"), std::string::npos) << shared.reason;
}

TEST(Contention, NoProcessListIsCannotTellNeverClean) {
  auto samples = timeline(1.0);
  const ContentionFinding finding = detect_contention(samples, OwnActivity{}, {}, 0.0, 1.0);
  EXPECT_EQ(finding.state, ContentionState::kCannotTell);
  EXPECT_FALSE(finding.contended);
  EXPECT_EQ(contention_counters(finding).count(counters::kContended), 0u);
}

TEST(Contention, OwnPidIsTheOneThatAppearedWithItsContext) {
  EXPECT_EQ(identify_own_pid({48211}, {48211, 51234}, 17), 51234u);
  EXPECT_EQ(identify_own_pid({48211}, {48211, 17}, 17), 17u) << "listed under its own PID";
  EXPECT_EQ(identify_own_pid({}, {51234, 51235}, 17), std::nullopt) << "two appeared";
  EXPECT_EQ(identify_own_pid({48211}, {48211}, 17), std::nullopt) << "none appeared";
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
