// `gpubench report` on synthetic runs the tests write into temporary directories (never results/):
// reducing repetitions, the report's arithmetic, and the report built from a run. Its Markdown and
// HTML and the command line are in report_render_test.cpp. Every measured value here is a round,
// obviously synthetic number; documented values come from the spec database, so the tests follow
// the sheets.
#include "analysis/report.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "gpubench/errors.hpp"
#include "render/report_render.hpp"
#include "support/report_rows.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::documented;
using testing::FixtureRow;
using testing::gemm_and_telemetry_rows;
using testing::kNoGpuEnv;
using testing::make_row;
using testing::memory_rows;
using testing::run_gpubench;
using testing::synthetic_run;
using testing::TempDir;
using testing::write_run;

const ReportRow& find_row(const Report& report, const std::string& benchmark) {
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (family.name + "/" + row.benchmark == benchmark) return row;
      }
    }
  }
  throw std::runtime_error("no row " + benchmark);
}

std::string joined_meaning(const Report& report) {
  std::string text;
  for (const auto& paragraph : report.meaning)
    text += paragraph + "\n";
  return text;
}

Report memory_report(const TempDir& dir) {
  return build_report(load_results_file(write_run(dir, synthetic_run(memory_rows()))),
                      SpecDatabase::builtin(), "");
}

// --- Reducing repetitions.

TEST(ReportSummary, UsesTheMedianAggregateAndTheCoefficientOfVariation) {
  TempDir dir;
  const auto run = load_results_file(write_run(dir, synthetic_run(memory_rows())));
  const auto benchmarks = summarize_benchmarks(run);
  ASSERT_FALSE(benchmarks.empty());
  const MeasuredBenchmark& read = benchmarks.front();
  EXPECT_EQ(read.name, "memory/stream/read");
  EXPECT_EQ(read.family, "memory");
  EXPECT_EQ(read.section, "stream");
  EXPECT_EQ(read.repetitions, 3);
  EXPECT_DOUBLE_EQ(read.median.at("bandwidth_gbs"), 400);
  EXPECT_DOUBLE_EQ(read.cv_pct.at("bandwidth_gbs"), 1.0);  // the file's fraction 0.01, in percent
  const MeasuredBenchmark& failed = benchmarks.back();
  EXPECT_TRUE(read.label.empty());
  EXPECT_TRUE(failed.failed);
  EXPECT_NE(failed.error_message.find("synthetic mismatch"), std::string::npos);
}

TEST(ReportSummary, KeepsEveryDistinctLabelOfTheRepetitions) {
  json file = synthetic_run({make_row("memory/stream/read", {{"bandwidth_gbs", 1}})});
  file["benchmarks"][1]["label"] = "throttle: software power cap";
  file["benchmarks"][2]["label"] = "throttle: software power cap";
  TempDir dir;
  const auto benchmarks = summarize_benchmarks(load_results_file(write_run(dir, file)));
  EXPECT_EQ(benchmarks.at(0).label, "throttle: software power cap");
}

TEST(ReportSummary, ComputesTheMedianWhenTheFileHasNoAggregates) {
  json file = synthetic_run({});
  for (const double value : {1.0, 3.0, 2.0, 10.0}) {
    file["benchmarks"].push_back({{"name", "memory/x/y/manual_time"},
                                  {"run_name", "memory/x/y/manual_time"},
                                  {"run_type", "iteration"},
                                  {"time_unit", "ms"},
                                  {"real_time", 1.0},
                                  {"cpu_time", 1.0},
                                  {"bandwidth_gbs", value}});
  }
  TempDir dir;
  const auto benchmarks = summarize_benchmarks(load_results_file(write_run(dir, file)));
  ASSERT_EQ(benchmarks.size(), 1u);
  EXPECT_EQ(benchmarks[0].name, "memory/x/y");
  EXPECT_DOUBLE_EQ(benchmarks[0].median.at("bandwidth_gbs"), 2.5);  // even count: mean of middle
  // Sample standard deviation / mean of {1, 2, 3, 10}.
  EXPECT_NEAR(benchmarks[0].cv_pct.at("bandwidth_gbs"), 4.0826 / 4 * 100, 0.01);
}

// --- Pure math.

TEST(ReportMath, ProjectionAppliesThisCardsEfficiencyToTheCounterpartsSpec) {
  EXPECT_DOUBLE_EQ(project_to_counterpart(400, 500, 300), 240);  // 80% of 300
  EXPECT_DOUBLE_EQ(project_to_counterpart(500, 500, 300), 300);
}

TEST(ReportMath, EnergyPerByteAndPerFlop) {
  // 100 W at 400 GB/s: 100 / 4e11 J per byte = 250 pJ per byte.
  EXPECT_DOUBLE_EQ(energy_pj_per_unit(100, 400, FigureKind::kBandwidth), 250);
  // 100 W at 50 TFLOPS: 100 / 5e13 J per FLOP = 2 pJ per FLOP.
  EXPECT_DOUBLE_EQ(energy_pj_per_unit(100, 50, FigureKind::kCompute), 2);
}

TEST(ReportMath, DecodeBoundIsBandwidthOverWeightBytesWhereTheWeightsFit) {
  const auto estimates = llm_decode_estimates(400, 12, 240, 24);
  auto find = [&](std::string_view model, std::string_view precision) {
    for (const auto& estimate : estimates) {
      if (estimate.model == model && estimate.precision == precision) return estimate;
    }
    throw std::runtime_error("missing estimate");
  };
  const auto fp16 = find("7B", "FP16");
  EXPECT_DOUBLE_EQ(fp16.weight_gb, 14);
  EXPECT_FALSE(fp16.fits_this);  // 14 GB > 90% of 12 GB
  EXPECT_TRUE(fp16.fits_counterpart);
  EXPECT_FALSE(fp16.tokens_per_s_this);
  EXPECT_DOUBLE_EQ(*fp16.tokens_per_s_counterpart, 240.0 / 14);
  const auto q4 = find("7B", "4-bit");
  EXPECT_DOUBLE_EQ(q4.weight_gb, 3.5);
  EXPECT_DOUBLE_EQ(*q4.tokens_per_s_this, 400 / 3.5);
  const auto big = find("70B", "FP16");
  EXPECT_FALSE(big.fits_this);
  EXPECT_FALSE(big.fits_counterpart);
}

TEST(ReportMath, FiguresKeepFourSignificantDigitsWithoutExponents) {
  EXPECT_EQ(format_figure(11094.35), "11094");
  EXPECT_EQ(format_figure(282.54), "282.5");
  EXPECT_EQ(format_figure(11.275), "11.28");
  EXPECT_EQ(format_figure(0.63814), "0.638");
}

TEST(ReportMath, Base64MatchesTheStandardAlphabetAndPadding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\x80", 3)), "/wCA");
}

// --- Building a report.

TEST(Report, ComparesEachFigureWithBothSheetsAndProjectsDramBoundOnes) {
  TempDir dir;
  const Report report = memory_report(dir);
  ASSERT_TRUE(report.counterpart);
  EXPECT_EQ(report.counterpart->id, "l4");
  ASSERT_EQ(report.families.size(), 1u);
  EXPECT_EQ(report.families[0].name, "memory");

  const double this_spec = documented("rtx-4070", "memory_bandwidth_gbs");
  const double l4_spec = documented("l4", "memory_bandwidth_gbs");
  const ReportRow& read = find_row(report, "memory/stream/read");
  EXPECT_EQ(read.spec_key, "memory_bandwidth_gbs");
  EXPECT_DOUBLE_EQ(read.measured, 400);
  EXPECT_DOUBLE_EQ(*read.pct_of_spec, 400 / this_spec * 100);
  EXPECT_DOUBLE_EQ(*read.counterpart_spec, l4_spec);
  EXPECT_DOUBLE_EQ(*read.vs_counterpart, 400 / l4_spec);
  EXPECT_DOUBLE_EQ(*read.projected_counterpart, 400 / this_spec * l4_spec);
  EXPECT_DOUBLE_EQ(*read.spread_pct, 1.0);
  EXPECT_FALSE(read.per_watt) << "no telemetry in this run";
  EXPECT_FALSE(read.counterpart_per_watt_tdp);

  // Cache-resident and partly cached rows are compared but never projected.
  const ReportRow& in_l2 = find_row(report, "memory/l2_sweep/16MiB");
  EXPECT_EQ(in_l2.residency, Residency::kL2);
  EXPECT_FALSE(in_l2.pct_of_spec) << "a cache figure is not a fraction of the DRAM spec";
  EXPECT_FALSE(in_l2.vs_counterpart);
  EXPECT_FALSE(in_l2.projected_counterpart);
  EXPECT_EQ(find_row(report, "memory/l2_sweep/64MiB").residency, Residency::kL2AndDram);
  // DRAM-bound here (>= 4 x 36 MiB) but not beyond 4 x the counterpart's larger L2: not projected.
  const ReportRow& between = find_row(report, "memory/l2_sweep/160MiB");
  EXPECT_EQ(between.residency, Residency::kDram);
  EXPECT_TRUE(between.pct_of_spec);
  EXPECT_FALSE(between.projected_counterpart);
  EXPECT_NE(between.note.find("not projected"), std::string::npos) << between.note;
  EXPECT_TRUE(find_row(report, "memory/l2_sweep/256MiB").projected_counterpart);

  // Figures without a documented counterpart figure: latency and host transfers.
  const ReportRow& latency = find_row(report, "memory/latency/16MiB");
  EXPECT_EQ(latency.kind, FigureKind::kLatency);
  EXPECT_EQ(latency.secondary, "250.0 cycles");
  EXPECT_FALSE(latency.pct_of_spec);
  const ReportRow& h2d = find_row(report, "memory/h2d/pinned/64MiB");
  EXPECT_TRUE(h2d.spec_key.empty());
  EXPECT_FALSE(h2d.projected_counterpart);

  EXPECT_TRUE(find_row(report, "memory/stream/dot").failed);
}

TEST(Report, SaysHowFarTheProjectionHoldsForTheSameChip) {
  TempDir dir;
  const Report report = memory_report(dir);
  const std::string& note = report.families[0].projection_note;
  EXPECT_NE(note.find("Both cards are AD104"), std::string::npos) << note;
  EXPECT_NE(note.find("DRAM-bound"), std::string::npos) << note;

  // A different chip: the projection is called a rough estimate.
  const Report other = build_report(
      load_results_file(write_run(dir, synthetic_run(memory_rows(), "rtx-4070", "a10"), "a.json")),
      SpecDatabase::builtin(), "");
  EXPECT_NE(other.families[0].projection_note.find("different chips"), std::string::npos);
  // --against overrides the counterpart the run recorded.
  const Report against =
      build_report(load_results_file(write_run(dir, synthetic_run(memory_rows()), "b.json")),
                   SpecDatabase::builtin(), "rtx-4090");
  EXPECT_EQ(against.counterpart->id, "rtx-4090");
}

TEST(Report, WhatThisMeansUsesTheMeasuredReadBandwidthAndTheMemorySizes) {
  TempDir dir;
  const Report report = memory_report(dir);
  EXPECT_EQ(report.dram_bandwidth_source, "memory/stream/read");
  EXPECT_DOUBLE_EQ(*report.dram_bandwidth_gbs, 400);
  ASSERT_FALSE(report.decode.empty());
  const std::string meaning = joined_meaning(report);
  EXPECT_NE(meaning.find("upper bound"), std::string::npos) << meaning;
  EXPECT_NE(meaning.find("Only the NVIDIA L4 holds 7B FP16"), std::string::npos) << meaning;
  EXPECT_NE(meaning.find("no GEMM results in this run"), std::string::npos) << meaning;
  EXPECT_NE(meaning.find("no NVML power telemetry"), std::string::npos) << meaning;
}

TEST(Report, GemmRowsGiveATrainingNoteAndTelemetryGivesEnergyPerOperation) {
  TempDir dir;
  const Report report =
      build_report(load_results_file(write_run(dir, synthetic_run(gemm_and_telemetry_rows()))),
                   SpecDatabase::builtin(), "");
  EXPECT_TRUE(report.has_gemm);
  EXPECT_TRUE(report.has_telemetry);
  const ReportRow& gemm = find_row(report, "gemm/cublas/fp16_f32acc/4096x4096x4096");
  EXPECT_EQ(gemm.kind, FigureKind::kCompute);
  EXPECT_EQ(gemm.spec_key, "fp16_tensor_fp32acc_tflops");
  EXPECT_DOUBLE_EQ(*gemm.projected_counterpart,
                   40 / documented("rtx-4070", "fp16_tensor_fp32acc_tflops") *
                       documented("l4", "fp16_tensor_fp32acc_tflops"));
  EXPECT_DOUBLE_EQ(*gemm.per_watt, 40.0 / 100);
  EXPECT_DOUBLE_EQ(*gemm.energy_pj_per_unit, 100 / 40.0);
  EXPECT_DOUBLE_EQ(*gemm.counterpart_per_watt_tdp,
                   documented("l4", "fp16_tensor_fp32acc_tflops") / documented("l4", "tdp_w"));
  const ReportRow& read = find_row(report, "memory/stream/read");
  EXPECT_DOUBLE_EQ(*read.per_watt, 4);
  EXPECT_DOUBLE_EQ(*read.energy_pj_per_unit, 250);
  EXPECT_NE(read.note.find("SM 2000 MHz (min 1900)"), std::string::npos) << read.note;
  EXPECT_NE(read.note.find("throttle: power cap"), std::string::npos) << read.note;

  // The lower-power card is named with its documented TDP in the compute projection note.
  const auto gemm_family = std::find_if(report.families.begin(), report.families.end(),
                                        [](const auto& f) { return f.name == "gemm"; });
  ASSERT_NE(gemm_family, report.families.end());
  EXPECT_NE(gemm_family->projection_note.find(fmt::format("{:g} W", documented("l4", "tdp_w"))),
            std::string::npos)
      << gemm_family->projection_note;
  ASSERT_EQ(report.gemm_series.size(), 1u);
  EXPECT_EQ(report.gemm_series[0].first, "cublas/fp16_f32acc");
  EXPECT_EQ(report.gemm_series[0].second.size(), 2u);

  const std::string meaning = joined_meaning(report);
  EXPECT_NE(meaning.find("Training is dominated by compute-bound GEMMs"), std::string::npos);
  EXPECT_NE(meaning.find("pJ per byte"), std::string::npos) << meaning;
  EXPECT_NE(meaning.find("pJ per FLOP"), std::string::npos) << meaning;
}

TEST(Report, NamesTheManifestAndTheEnvironmentWarnings) {
  json run = synthetic_run(memory_rows());
  run["context"]["env_persistence_mode"] = "off";
  run["context"]["env_warning_persistence_mode"] = "Persistence mode is off (synthetic).";
  run["context"]["gpubench_run_wall_s"] = "12.5";
  TempDir dir;
  const Report report =
      build_report(load_results_file(write_run(dir, run)), SpecDatabase::builtin(), "");
  const std::string markdown = render_markdown(report);
  for (const char* expected : {"Synthetic GPU (test fixture)", "999.99.99", "99.0.0",
                               "quick (suites: memory), ran in 12.5 s", "persistence_mode",
                               "Persistence mode is off (synthetic)."}) {
    EXPECT_NE(markdown.find(expected), std::string::npos) << expected;
  }
  EXPECT_NE(render_markdown(memory_report(dir)).find("No environment warnings"), std::string::npos);
}

TEST(Report, ShowsEachFiguresNoiseAndItsThrottledSamples) {
  std::vector<FixtureRow> rows = memory_rows();
  rows[0].counters["noise_pct"] = 0.3;  // memory/stream/read
  rows[0].counters["samples"] = 8;
  rows[0].counters["throttled_samples"] = 2;
  rows[1].counters["samples"] = 3;  // memory/stream/triad: every sample throttled
  rows[1].counters["throttled_samples"] = 3;
  TempDir dir;
  const Report report = build_report(load_results_file(write_run(dir, synthetic_run(rows))),
                                     SpecDatabase::builtin(), "");
  const ReportRow& read = find_row(report, "memory/stream/read");
  ASSERT_TRUE(read.noise_pct);
  EXPECT_DOUBLE_EQ(*read.noise_pct, 0.3);
  EXPECT_NE(read.note.find("2 throttled sample(s) per repetition dropped"), std::string::npos)
      << read.note;
  const ReportRow& triad = find_row(report, "memory/stream/triad");
  EXPECT_FALSE(triad.noise_pct);
  EXPECT_NE(triad.note.find("a throttled figure"), std::string::npos) << triad.note;
  EXPECT_EQ(find_row(report, "memory/l2_sweep/16MiB").note.find("throttled"), std::string::npos);
  const std::string markdown = render_markdown(report);
  EXPECT_NE(markdown.find("1.00% / 0.30%"), std::string::npos) << markdown;
}

TEST(Report, WarnsWhenTheSheetChangedSinceTheRun) {
  std::vector<FixtureRow> rows = memory_rows();
  rows[0].counters["pct_of_spec"] = 50;  // not 400 / documented bandwidth
  TempDir dir;
  const Report report = build_report(load_results_file(write_run(dir, synthetic_run(rows))),
                                     SpecDatabase::builtin(), "");
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("differs from the one the run used"), std::string::npos);
}

TEST(Report, RefusesPlainBenchmarkFilesAndUnknownCounterparts) {
  json plain = synthetic_run(memory_rows());
  plain["context"].erase("gpubench_schema_version");
  TempDir dir;
  EXPECT_THROW(build_report(load_results_file(write_run(dir, plain, "plain.json")),
                            SpecDatabase::builtin(), ""),
               UserError);
  EXPECT_THROW(build_report(load_results_file(write_run(dir, synthetic_run(memory_rows()))),
                            SpecDatabase::builtin(), "rtx-9999"),
               UserError);
}

TEST(Report, ReadsTheCommittedH100Run) {
  const std::filesystem::path runs =
      std::filesystem::path(GPUBENCH_SOURCE_DIR) / "results" / "runs";
  std::vector<std::filesystem::path> files;
  if (std::filesystem::exists(runs)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(runs)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
  }
  if (files.empty()) GTEST_SKIP() << "no measured runs in results/runs";
  for (const auto& file : files) {
    const Report report = build_report(load_results_file(file), SpecDatabase::builtin(), "");
    EXPECT_FALSE(report.families.empty()) << file;
    const std::string markdown = render_markdown(report);
    EXPECT_NE(markdown.find("## What this means"), std::string::npos) << file;
  }
}
}  // namespace
}  // namespace gpubench
