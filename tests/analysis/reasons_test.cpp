// Reasons for figures below 85% of their peak, judged on the real H200 runs in
// tests/fixtures/runs/h200-b376421 (written before reasons were recorded) and on synthetic
// counters for the cases those runs lack.
#include "analysis/reasons.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "gpubench/counters.hpp"
#include "gpubench/errors.hpp"
#include "gpubench/mma_sync_paths.hpp"

namespace gpubench {
namespace {

namespace c = counters;

std::filesystem::path fixture(const char* name) {
  return std::filesystem::path(GPUBENCH_SOURCE_DIR) / "tests" / "fixtures" / "runs" /
         "h200-b376421" / name;
}

const BenchmarkRecord& median_of(const ResultsFile& run, std::string_view benchmark) {
  const std::string name = std::string(benchmark) + "/manual_time_median";
  const auto it = std::find_if(run.benchmarks.begin(), run.benchmarks.end(),
                               [&](const BenchmarkRecord& r) { return r.name == name; });
  if (it == run.benchmarks.end()) throw std::runtime_error("no " + name);
  return *it;
}

std::vector<std::string> reasons_in(const ResultsFile& run, std::string_view benchmark) {
  const ReasonContext context = reason_context(run, SpecDatabase::builtin());
  return record_reasons(median_of(run, benchmark), context);
}

ReasonContext h200() {
  return ReasonContext{
      .boost_clock_mhz = 1980, .compute_capability = ComputeCapability{9, 0}, .sm_count = 132};
}

using Names = std::vector<std::string>;

TEST(Reasons, TheVocabularyRoundTrips) {
  EXPECT_EQ(all_reasons().size(), 7u);
  for (const ShortfallReason reason : all_reasons())
    EXPECT_EQ(parse_reason(reason_name(reason)), reason);
  EXPECT_EQ(reason_name(ShortfallReason::kLibraryKernelUnderusesTensorCores),
            "library_kernel_underuses_tensor_cores");
  EXPECT_FALSE(parse_reason("slow"));
}

TEST(Reasons, TheH200Int8RowsSayTheLibraryKernelUnderusesTheTensorCores) {
  // 126 TOPS of 1979 on a compute-bound 4096^3 with the tensor pipe 13% busy.
  const ResultsFile full = load_results_file(fixture("full.json"));
  EXPECT_EQ(reasons_in(full, "gemm/cublas/int8_s32acc/4096x4096x4096"),
            Names{"library_kernel_underuses_tensor_cores"});
  EXPECT_EQ(reasons_in(full, "gemm/cublas/int8_s32acc/8192x8192x8192"),
            Names{"library_kernel_underuses_tensor_cores"});
  const auto shortfall =
      explain_shortfall("gemm/cublas/int8_s32acc/4096x4096x4096",
                        median_of(full, "gemm/cublas/int8_s32acc/4096x4096x4096").label,
                        median_of(full, "gemm/cublas/int8_s32acc/4096x4096x4096").counters, h200());
  ASSERT_TRUE(shortfall);
  EXPECT_LT(shortfall->pct_of_peak, 7);
  EXPECT_NE(shortfall->reasons[0].evidence.find("tensor pipe 13% busy"), std::string::npos)
      << shortfall->reasons[0].evidence;
}

TEST(Reasons, SmallAndThinShapesAreLaunchOrMemoryBound) {
  const ResultsFile quick = load_results_file(fixture("quick1.json"));
  // 1024^3: 64 output tiles for 132 SMs; INT8's ridge (412 FLOP/byte) is above its 341; and
  // NVML saw a software power cap during it.
  EXPECT_EQ(reasons_in(quick, "gemm/cublas/int8_s32acc/1024x1024x1024"),
            (Names{"power_or_thermal_cap", "launch_bound", "memory_bound_shape"}));
  // One token: a matrix-vector product.
  const Names decode = reasons_in(quick, "gemm/cublas/fp16_f32acc/llm_attn_proj_t1");
  EXPECT_NE(std::find(decode.begin(), decode.end(), "memory_bound_shape"), decode.end());
}

TEST(Reasons, AClockBelowBoostIsAPowerOrThermalCap) {
  // FP8 4096^3 ran at 1875 MHz of 1980 (quick1).
  const ResultsFile quick = load_results_file(fixture("quick1.json"));
  const Names reasons = reasons_in(quick, "gemm/cublas/fp8_e4m3_f32acc/4096x4096x4096");
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "power_or_thermal_cap"), reasons.end());
}

TEST(Reasons, FiguresAtOrAbove85PercentHaveNone) {
  const ResultsFile full = load_results_file(fixture("full.json"));
  EXPECT_TRUE(reasons_in(full, "compute/peak/fp32_ffma").empty());      // 97.5% of spec
  EXPECT_TRUE(reasons_in(full, "memory/stream/triad").empty());         // 89.8% of spec
  EXPECT_FALSE(explain_shortfall("x", "", {{"tflops", 1.0}}, h200()));  // no peak at all
}

TEST(Reasons, EveryShortFigureInTheRealRunsHasAReasonFromTheVocabulary) {
  for (const char* file : {"quick1.json", "quick2.json", "full.json", "contended.json"}) {
    const ResultsFile run = load_results_file(fixture(file));
    const ReasonContext context = reason_context(run, SpecDatabase::builtin());
    EXPECT_EQ(context.boost_clock_mhz, 1980);
    EXPECT_EQ(context.sm_count, 132);
    int short_figures = 0;
    for (const BenchmarkRecord& record : run.benchmarks) {
      if (record.error_occurred || !record_takes_reasons(record)) continue;
      const auto shortfall = explain_shortfall(record.name, record.label, record.counters, context);
      const Names names = record_reasons(record, context);
      EXPECT_EQ(shortfall.has_value(), !names.empty()) << record.name;
      if (!shortfall) continue;
      ++short_figures;
      for (const std::string& name : names)
        EXPECT_TRUE(parse_reason(name)) << name;
      for (const ReasonEvidence& evidence : shortfall->reasons)
        EXPECT_FALSE(evidence.evidence.empty()) << record.name;
    }
    EXPECT_GT(short_figures, 10) << file;
  }
}

TEST(Reasons, TheSpreadAggregatesAreNotFigures) {
  BenchmarkRecord cv;
  cv.run_type = "aggregate";
  cv.aggregate_name = "cv";
  cv.counters = {{"pct_of_spec", 0.003}};
  EXPECT_FALSE(record_takes_reasons(cv));
  EXPECT_TRUE(record_reasons(cv, h200()).empty());
}

TEST(Reasons, AContendedFigureSaysSo) {
  const auto shortfall = explain_shortfall("compute/peak/fp32_ffma", "",
                                           {{std::string(c::kPctOfSpec), 48},
                                            {std::string(c::kPctOfClockPeak), 48},
                                            {std::string(c::kSmClockMhz), 1979},
                                            {std::string(c::kContended), 1}},
                                           h200());
  EXPECT_EQ(reason_names(shortfall), Names{"contended"});
}

TEST(Reasons, EmulatedFormsAreNamed) {
  const auto shortfall = explain_shortfall(
      "compute/peak/mma_e4m3_f32acc", "",
      {{std::string(c::kPctOfSpec), 20}, {std::string(c::kSmClockMhz), 1980}}, h200());
  EXPECT_EQ(reason_names(shortfall), Names{"emulated"});
}

// The compute suite's rule (gpubench/mma_sync_paths.hpp): sm_100 emulates FP8 and INT4 mma.sync,
// sm_120 INT4 only; a wgmma row is Hopper's own path, never an emulated mma.sync.
TEST(Reasons, EmulationFollowsTheArchitecture) {
  const auto reasons_on = [](std::string_view name, ComputeCapability cc) {
    ReasonContext context = h200();
    context.compute_capability = cc;
    const auto shortfall = explain_shortfall(
        name, "", {{std::string(c::kPctOfSpec), 20}, {std::string(c::kSmClockMhz), 1980}}, context);
    return shortfall ? reason_names(*shortfall) : Names{};
  };
  const auto emulated = [](const Names& names) {
    return std::find(names.begin(), names.end(), "emulated") != names.end();
  };
  EXPECT_TRUE(emulated(reasons_on("compute/peak/mma_e5m2_f16acc", {10, 0})));
  EXPECT_TRUE(emulated(reasons_on("compute/peak/mma_s4_s32acc", {12, 0})));
  EXPECT_FALSE(emulated(reasons_on("compute/peak/mma_e4m3_f32acc", {12, 0})));
  EXPECT_FALSE(emulated(reasons_on("compute/peak/wgmma_e4m3_f32acc", {9, 0})));
  EXPECT_FALSE(emulated(reasons_on("compute/peak/mma_f8f6f4_e4m3_f32acc", {10, 0})));
}

TEST(Reasons, TheEmulatedFormIsNamedWithItsArchitecture) {
  ReasonContext context = h200();
  context.compute_capability = ComputeCapability{10, 0};
  const auto shortfall = explain_shortfall(
      "compute/peak/mma_s4_s32acc", "",
      {{std::string(c::kPctOfSpec), 20}, {std::string(c::kSmClockMhz), 1980}}, context);
  ASSERT_TRUE(shortfall);
  EXPECT_EQ(shortfall->reasons[0].evidence, "s4 mma.sync is emulated on sm_100");
}

TEST(MmaSyncPaths, RowNamesGiveTheirInputType) {
  EXPECT_EQ(mma_sync_input_of_row("compute/peak/mma_e4m3_f32acc"), MmaSyncInput::kE4m3);
  EXPECT_EQ(mma_sync_input_of_row("mma_tf32_f32acc"), MmaSyncInput::kTf32);
  EXPECT_EQ(mma_sync_input_of_row("compute/peak/wgmma_e4m3_f32acc"), std::nullopt);
  EXPECT_EQ(mma_sync_input_of_row("compute/peak/mma_f8f6f4_e2m1_f32acc"), std::nullopt);
  EXPECT_EQ(mma_sync_input_of_row("gemm/cublas/fp8_e4m3_f32acc/1024x1024x1024"), std::nullopt);
}

TEST(Reasons, WhenTheClockExplainsTheShortfallItIsTheOnlyReason) {
  // 80% of the documented figure, 95% of the peak at the 1700 MHz it ran at.
  const auto shortfall = explain_shortfall("gemm/cublas/fp16_f32acc/8192x8192x8192", "",
                                           {{std::string(c::kPctOfSpec), 80},
                                            {std::string(c::kPctOfClockPeak), 95},
                                            {std::string(c::kSmClockMhz), 1700},
                                            {std::string(c::kArithmeticIntensity), 2730},
                                            {std::string(c::kRidgePoint), 206},
                                            {std::string(c::kTensorPipeActivePct), 20}},
                                           h200());
  EXPECT_EQ(reason_names(shortfall), Names{"power_or_thermal_cap"});
}

TEST(Reasons, ThrottleLabelsAndThrottledSamplesAreEvidence) {
  const std::map<std::string, double> counters = {{std::string(c::kPctOfSpec), 70},
                                                  {std::string(c::kSmClockMhz), 1980}};
  EXPECT_EQ(reason_names(explain_shortfall("memory/stream/triad", "throttle: software power cap",
                                           counters, h200())),
            Names{"power_or_thermal_cap"});
  auto throttled = counters;
  throttled[std::string(c::kThrottledSamples)] = 2;
  EXPECT_EQ(reason_names(explain_shortfall("memory/stream/triad", "", throttled, h200())),
            Names{"power_or_thermal_cap"});
}

TEST(Reasons, ASimtKernelOnATensorPrecisionIsTheLibrarysShortfall) {
  const std::map<std::string, double> counters = {
      {std::string(c::kPctOfSpec), 30},          {std::string(c::kPctOfClockPeak), 30},
      {std::string(c::kSmClockMhz), 1980},       {std::string(c::kArithmeticIntensity), 2730},
      {std::string(c::kRidgePoint), 206},        {std::string(c::kTensorCoreKernels), 0},
      {std::string(c::kTensorPipeActivePct), 90}};
  EXPECT_EQ(reason_names(
                explain_shortfall("gemm/cublas/bf16_f32acc/8192x8192x8192", "", counters, h200())),
            Names{"library_kernel_underuses_tensor_cores"});
  // gpubench's own kernels are not the library's: no evidence-backed reason remains.
  EXPECT_EQ(
      reason_names(explain_shortfall("gemm/own/fp16_f32acc/8192x8192x8192", "", counters, h200())),
      Names{"unknown"});
}

TEST(Reasons, StoredReasonsAreKeptAndOldFilesGetThemComputed) {
  const std::string json = R"({"context": {}, "benchmarks": [
    {"name": "compute/peak/fp32_ffma", "run_type": "iteration", "real_time": 1, "cpu_time": 1,
     "time_unit": "ms", "pct_of_spec": 40, "reasons": ["contended"]},
    {"name": "compute/peak/fp32_ffma", "run_type": "iteration", "real_time": 1, "cpu_time": 1,
     "time_unit": "ms", "pct_of_spec": 40}]})";
  const ResultsFile run = parse_results(json, "inline.json");
  ASSERT_TRUE(run.benchmarks[0].reasons);
  EXPECT_EQ(record_reasons(run.benchmarks[0], h200()), Names{"contended"});
  EXPECT_FALSE(run.benchmarks[1].reasons);
  EXPECT_EQ(record_reasons(run.benchmarks[1], h200()), Names{"unknown"});
}

TEST(Reasons, AMalformedReasonsFieldIsRejected) {
  const std::string json = R"({"context": {}, "benchmarks": [
    {"name": "a", "real_time": 1, "cpu_time": 1, "time_unit": "ms", "reasons": "contended"}]})";
  EXPECT_THROW(parse_results(json, "bad.json"), UserError);
  const std::string numbers = R"({"context": {}, "benchmarks": [
    {"name": "a", "real_time": 1, "cpu_time": 1, "time_unit": "ms", "reasons": [1]}]})";
  EXPECT_THROW(parse_results(numbers, "bad.json"), UserError);
}

// The boundaries of launch_bound, on synthetic counters (a shortfall of 20% of spec).
Names reason_names(std::string_view name, double tflops, int sm_count) {
  ReasonContext context = h200();
  context.sm_count = sm_count;
  const auto shortfall =
      explain_shortfall(name, "", {{"tflops", tflops}, {"pct_of_spec", 20.0}}, context);
  Names names;
  if (shortfall) {
    for (const ReasonEvidence& reason : shortfall->reasons)
      names.push_back(std::string(reason_name(reason.reason)));
  }
  return names;
}

bool has(const Names& names, const char* name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(Reasons, AsManyOutputTilesAsSmsIsNotLaunchBound) {
  // 1024 x 1024: 8 x 8 = 64 tiles of 128 x 128; 21 us per launch at 100 TFLOPS.
  EXPECT_FALSE(has(reason_names("gemm/cublas/fp16_f32acc/1024x1024x1024", 100, 64), "launch_bound"))
      << "64 tiles fill 64 SMs";
  EXPECT_TRUE(has(reason_names("gemm/cublas/fp16_f32acc/1024x1024x1024", 100, 65), "launch_bound"))
      << "64 tiles leave one of 65 SMs idle";
}

TEST(Reasons, ALaunchShorterThanTenMicrosecondsIsLaunchBound) {
  // 2048^3: 256 tiles fill 132 SMs, but 17.2 GFLOP at 2000 TFLOPS is 8.6 us a launch.
  EXPECT_TRUE(
      has(reason_names("gemm/cublas/fp16_f32acc/2048x2048x2048", 2000, 132), "launch_bound"));
  // At 1000 TFLOPS the same launch takes 17.2 us: not launch-bound.
  EXPECT_FALSE(
      has(reason_names("gemm/cublas/fp16_f32acc/2048x2048x2048", 1000, 132), "launch_bound"));
  const auto shortfall = explain_shortfall("gemm/cublas/fp16_f32acc/2048x2048x2048", "",
                                           {{"tflops", 2000.0}, {"pct_of_spec", 20.0}}, h200());
  ASSERT_TRUE(shortfall);
  const auto launch = std::find_if(
      shortfall->reasons.begin(), shortfall->reasons.end(),
      [](const ReasonEvidence& reason) { return reason.reason == ShortfallReason::kLaunchBound; });
  ASSERT_NE(launch, shortfall->reasons.end());
  EXPECT_EQ(launch->evidence, "8.6 us per launch");
}

}  // namespace
}  // namespace gpubench
