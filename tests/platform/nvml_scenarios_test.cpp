// The boxes gpubench is for, as their drivers answer (tests/support/fake_nvml/scenarios, each
// citing the NVML documentation it models; docs/platforms.md): each runs through the real code
// from NvmlLibrary::open through the telemetry sampler and the contention judgement to the run
// summary and --strict's exit code, on the CPU. Test names carry the scenario.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "analysis/check.hpp"
#include "analysis/environment_check.hpp"
#include "analysis/run_summary.hpp"
#include "gpubench/counters.hpp"
#include "gpubench/errors.hpp"
#include "harness/telemetry.hpp"
#include "model/contention.hpp"
#include "platform/nvml_library.hpp"

namespace gpubench {
namespace {

constexpr const char* kBusId = "0000:01:00.0";

// One scenario loaded into the fake NVML for the test's lifetime: the environment variable is
// set and removed, and the fake's control entry point reached through the loaded module.
class Scenario {
 public:
  explicit Scenario(const std::string& name) {
    const std::string path = std::string(GPUBENCH_FAKE_NVML_SCENARIOS) + "/" + name + ".scenario";
    ::setenv("GPUBENCH_FAKE_NVML_SCENARIO", path.c_str(), 1);
    probe_ = NvmlLibrary::open(GPUBENCH_FAKE_NVML);  // as `gpubench run` probes the device
    module_ = ::dlopen(GPUBENCH_FAKE_NVML, RTLD_NOW | RTLD_NOLOAD);
    control_ =
        reinterpret_cast<void (*)(const char*)>(::dlsym(module_, "gpubench_fake_nvml_control"));
  }
  ~Scenario() {
    source_.reset();
    probe_.reset();
    if (module_ != nullptr) ::dlclose(module_);
    ::unsetenv("GPUBENCH_FAKE_NVML_SCENARIO");
    clear_gpu_lost();
  }
  Scenario(const Scenario&) = delete;
  Scenario& operator=(const Scenario&) = delete;

  void apply(const char* line) const {
    ASSERT_NE(control_, nullptr);
    control_(line);
  }
  const NvmlLibrary& probe() const { return *probe_; }

  // As SuiteContext does once gpubench has its CUDA context: the telemetry source, which finds
  // gpubench's PID by comparing the compute list with the one from before the context.
  const TelemetrySource& open_telemetry() {
    const NvmlDeviceReport before = probe_->query_device(kBusId);
    apply("context");
    std::string problem;
    source_ = open_nvml_telemetry_from(GPUBENCH_FAKE_NVML, before.compute_process_ids, problem);
    EXPECT_NE(source_, nullptr) << problem;
    return *source_;
  }

 private:
  static std::unique_ptr<TelemetrySource> open_nvml_telemetry_from(
      const char* library, const std::optional<std::vector<std::uint32_t>>& before,
      std::string& problem) {
    return open_nvml_telemetry(kBusId, problem, before, library);
  }
  std::unique_ptr<NvmlLibrary> probe_;
  std::unique_ptr<TelemetrySource> source_;
  void* module_ = nullptr;
  void (*control_)(const char*) = nullptr;
};

// One benchmark's timed loop as time_launches runs it, without a GPU: launches of `duty` of each
// 10 ms for 0.3 s while the sampler records, then the judgement, the label, the counters.
struct JudgedRun {
  ContentionFinding finding;
  std::string label;
  ResultsFile results;
};

JudgedRun run_one_benchmark(const TelemetrySource& source, double duty = 0.9) {
  TelemetrySampler sampler(&source, std::chrono::milliseconds(5));
  std::vector<BusyInterval> launches;
  while (sampler.seconds_since_start() < 0.3) {
    const double begin_s = sampler.seconds_since_start();
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int>(duty * 10000)));
    launches.push_back({begin_s, sampler.seconds_since_start()});
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int>((1 - duty) * 10000)));
  }
  const double end_s = sampler.seconds_since_start();
  const std::vector<TelemetrySample> samples = sampler.readings(/*take_one_now=*/true);
  sampler.stop();
  OwnActivityLog log;  // the test's own, so nothing is left behind in the process-wide one
  log.record(sampler, launches, {0, end_s});
  JudgedRun run;
  run.finding =
      detect_contention(samples, log.recent(sampler), sampler.contention_scope(), 0, end_s);
  run.label = contention_label(run.finding);
  // The results file's records of one benchmark, as google/benchmark writes them.
  BenchmarkRecord median;
  median.name = "stream/copy_median";
  median.run_name = "stream/copy";
  median.run_type = "aggregate";
  median.aggregate_name = "median";
  median.counters[std::string(counters::kBandwidthGbs)] = 1;
  BenchmarkRecord mean = median;
  mean.name = "stream/copy_mean";
  mean.aggregate_name = "mean";
  BenchmarkRecord repetition;
  repetition.name = repetition.run_name = "stream/copy";
  repetition.run_type = "iteration";
  repetition.label = run.label;
  for (const auto& [name, value] : contention_counters(run.finding)) {
    mean.counters[std::string(name)] = value;
    repetition.counters[std::string(name)] = value;
  }
  run.results.benchmarks = {repetition, median, mean};
  return run;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(NvmlScenario, BareMetalR580IsCleanAndSaysBareMetal) {
  Scenario scenario("bare_metal_r580");
  const NvmlDeviceReport report = scenario.probe().query_device(kBusId);
  EXPECT_EQ(platform_finding(&report, {}).state, "bare metal");
  const JudgedRun run = run_one_benchmark(scenario.open_telemetry());
  EXPECT_EQ(run.finding.state, ContentionState::kClean) << run.finding.reason;
  EXPECT_EQ(run.label, "");
  EXPECT_EQ(run_exit_code(run.results, /*strict=*/true), ExitCode::kOk);
}

TEST(NvmlScenario, R535With32ByteEntriesListsThirtyRightPids) {
  Scenario scenario("r535_v3_32byte_entries");
  const NvmlDeviceReport before = scenario.probe().query_device(kBusId);
  scenario.apply("context");
  const NvmlDeviceReport after = scenario.probe().query_device(kBusId);
  ASSERT_TRUE(before.compute_process_ids);
  ASSERT_TRUE(after.compute_process_ids);
  ASSERT_EQ(after.compute_process_ids->size(), 30u);
  for (std::uint32_t i = 0; i < 29; ++i)
    EXPECT_EQ((*after.compute_process_ids)[i], 2000 + i) << "entry " << i;
  EXPECT_EQ(after.compute_process_ids->back(), static_cast<std::uint32_t>(::getpid()));
  EXPECT_EQ(before.compute_process_ids->size(), 29u);
}

TEST(NvmlScenario, L4ContainerR550FindsItsHostPidAndAnIdleNeighbourAt2PctIsListedNotContended) {
  Scenario scenario("l4_container_r550");
  const TelemetrySource& source = scenario.open_telemetry();
  EXPECT_EQ(source.own_process_id(), 51234u) << "the host PID that came with its context";
  const JudgedRun run = run_one_benchmark(source);
  EXPECT_EQ(run.finding.state, ContentionState::kClean) << run.finding.reason;
  EXPECT_EQ(run.finding.other_process_ids, std::vector<std::uint32_t>{48211});
}

TEST(NvmlScenario, L4ContainerR550CatchesANeighbourWhileGpubenchUses2Pct) {
  // A transfer row: gpubench at 2% SM, the neighbour at 40%. Guessing ("two listed are needed,
  // one of them active twice") missed it; the host PID found at context creation does not.
  Scenario scenario("l4_container_r550");
  scenario.apply("self 51234 2");
  scenario.apply("compute 48212 40");
  const JudgedRun run = run_one_benchmark(scenario.open_telemetry(), 0.2);
  EXPECT_TRUE(run.finding.contended) << run.label;
  EXPECT_TRUE(has(run.label, "contended: other process on the SMs: pid 48212 (40%)")) << run.label;
}

TEST(NvmlScenario, Rtx4070DesktopIdleCompositorIsDisplayActivityNotContention) {
  Scenario scenario("rtx4070_desktop");
  const NvmlDeviceReport report = scenario.probe().query_device(kBusId);
  EXPECT_TRUE(platform_finding(&report, {}).state.starts_with("desktop with display"));
  const JudgedRun run = run_one_benchmark(scenario.open_telemetry());
  EXPECT_EQ(run.finding.state, ContentionState::kClean) << run.finding.reason;
  EXPECT_EQ(run.label, "display activity: pid 1201 (3%), pid 1402 (7%), pid 2210 (2%)");
  const std::string summary = format_run_summary(run.results);
  EXPECT_FALSE(has(summary, "CONTENDED")) << summary;
  EXPECT_TRUE(has(summary, "Display activity")) << summary;
  EXPECT_EQ(run_exit_code(run.results, /*strict=*/true), ExitCode::kOk);
}

TEST(NvmlScenario, Rtx4070DesktopComputeNeighbourAt10PctIsContendedAndStrictFails) {
  Scenario scenario("rtx4070_desktop");
  scenario.apply("compute 4242 10");
  const JudgedRun run = run_one_benchmark(scenario.open_telemetry());
  EXPECT_TRUE(run.finding.contended);
  EXPECT_TRUE(has(run.label, "contended: other process on the SMs: pid 4242 (10%)")) << run.label;
  EXPECT_TRUE(has(run.label, "display activity")) << run.label;
  const std::string summary = format_run_summary(run.results);
  EXPECT_TRUE(has(summary, "CONTENDED")) << summary;
  EXPECT_TRUE(has(summary, "stream/copy: 100% of the repetitions")) << summary;
  EXPECT_EQ(run_exit_code(run.results, /*strict=*/true), ExitCode::kRegressionOrFailedCheck);
  EXPECT_EQ(run_exit_code(run.results, /*strict=*/false), ExitCode::kOk);
}

TEST(NvmlScenario, MigSliceOtherSlicesTenantsAreNotContention) {
  Scenario scenario("mig_slice");
  const NvmlDeviceReport report = scenario.probe().query_device(kBusId);
  EXPECT_TRUE(platform_finding(&report, {}).state.starts_with("MIG slice ("));
  const TelemetrySource& source = scenario.open_telemetry();
  EXPECT_TRUE(source.mig_slice());
  const JudgedRun clean = run_one_benchmark(source);
  EXPECT_EQ(clean.finding.state, ContentionState::kClean) << clean.finding.reason;
  scenario.apply("compute 7003 0 1");  // a neighbour on gpubench's own slice
  const JudgedRun shared = run_one_benchmark(source);
  EXPECT_TRUE(shared.finding.contended);
  EXPECT_TRUE(has(shared.label, "on this MIG slice (7003; its SM use is not reported)"))
      << shared.label;
}

TEST(NvmlScenario, Wsl2CannotTellIsItsOwnStateAndStillMeasures) {
  Scenario scenario("wsl2_rtx4070");
  const JudgedRun run = run_one_benchmark(scenario.open_telemetry());
  EXPECT_EQ(run.finding.state, ContentionState::kCannotTell) << run.finding.reason;
  EXPECT_TRUE(has(run.label, "contention unknown: this driver lists no processes")) << run.label;
  const std::string summary = format_run_summary(run.results);
  EXPECT_TRUE(has(summary, "CONTENTION UNKNOWN")) << summary;
  EXPECT_FALSE(has(summary, "CONTENDED:")) << summary;
  EXPECT_EQ(run_exit_code(run.results, /*strict=*/true), ExitCode::kOk);
}

TEST(NvmlScenario, NoEnergyCounterIntegratesPower) {
  Scenario scenario("no_energy_counter");
  TelemetrySampler sampler(&scenario.open_telemetry(), std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const TelemetrySummary summary = summarize_telemetry(sampler.stop());
  EXPECT_EQ(summary.energy_source, EnergySource::kIntegratedPower);
  ASSERT_TRUE(summary.power_mean_w);
  EXPECT_NEAR(*summary.power_mean_w, 70, 1e-9);  // the scenario's reading, integrated
}

TEST(NvmlScenario, GpuLostMidRunEndsWithOneSentenceAndExit2) {
  Scenario scenario("gpu_lost_mid_run");
  TelemetrySampler sampler(&scenario.open_telemetry(), std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(gpu_lost());
  scenario.apply("lost");
  sampler.readings(/*take_one_now=*/true);
  sampler.stop();
  EXPECT_TRUE(gpu_lost());
  try {
    throw_if_gpu_lost();
    FAIL() << "expected UserError";
  } catch (const UserError& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_TRUE(has(message, "no results file was written")) << message;
  }
}

// The ECC error counts `gpubench check` reads (kEccCountKeys), as `gpubench run` records them: each
// of the four where the board has ECC on, none (never a 0) where NVML answers "not supported".
std::map<std::string, std::string> recorded_ecc(const NvmlDeviceReport& report) {
  std::map<std::string, std::string> ecc;
  const auto context = environment_context(check_environment(report, 1));
  for (const std::string_view key : kEccCountKeys) {
    if (const auto it = context.find(std::string(key)); it != context.end()) ecc.insert(*it);
  }
  return ecc;
}

TEST(NvmlScenario, L4ContainerWithEccOnRecordsTheFourErrorCounts) {
  Scenario scenario("l4_container_r550");
  NvmlDeviceReport report = scenario.probe().query_device(kBusId);
  EXPECT_EQ(report.ecc_enabled, true);
  for (const std::string& error : report.query_errors)
    EXPECT_FALSE(has(error, "ecc")) << error;
  std::map<std::string, std::string> zeros;
  for (const std::string_view key : kEccCountKeys)
    zeros[std::string(key)] = "0";
  EXPECT_EQ(recorded_ecc(report), zeros);
  scenario.apply("ecc_errors 3 5 7 11");  // synthetic, distinct to tell the four apart
  report = scenario.probe().query_device(kBusId);
  EXPECT_EQ(report.ecc_errors.uncorrected_volatile, 3u);
  EXPECT_EQ(report.ecc_errors.uncorrected_aggregate, 5u);
  EXPECT_EQ(report.ecc_errors.corrected_volatile, 7u);
  EXPECT_EQ(report.ecc_errors.corrected_aggregate, 11u);
  const std::map<std::string, std::string> counts = {{std::string(kEccCountKeys[0]), "3"},
                                                     {std::string(kEccCountKeys[1]), "5"},
                                                     {std::string(kEccCountKeys[2]), "7"},
                                                     {std::string(kEccCountKeys[3]), "11"}};
  EXPECT_EQ(recorded_ecc(report), counts);
  scenario.apply("ecc off");  // "Requires ECC Mode to be enabled": not supported, not zero
  report = scenario.probe().query_device(kBusId);
  EXPECT_EQ(report.ecc_enabled, false);
  EXPECT_TRUE(recorded_ecc(report).empty());
}

TEST(NvmlScenario, Rtx4070DesktopWithoutEccRecordsNoErrorCount) {
  Scenario scenario("rtx4070_desktop");
  const NvmlDeviceReport report = scenario.probe().query_device(kBusId);
  EXPECT_FALSE(report.ecc_enabled);
  EXPECT_FALSE(report.ecc_errors.uncorrected_volatile);
  EXPECT_FALSE(report.ecc_errors.uncorrected_aggregate);
  EXPECT_FALSE(report.ecc_errors.corrected_volatile);
  EXPECT_FALSE(report.ecc_errors.corrected_aggregate);
  for (const std::string& error : report.query_errors)
    EXPECT_FALSE(has(error, "ecc")) << "not supported is silent: " << error;
  EXPECT_TRUE(recorded_ecc(report).empty());
}

}  // namespace
}  // namespace gpubench
