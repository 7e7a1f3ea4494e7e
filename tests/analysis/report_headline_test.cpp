// The report's headline, reasons, per-watt rule, driver section, filter and JSON, on the real H200
// runs in tests/fixtures/runs/h200-b376421 (measured at b376421) and on synthetic files whose
// values are invented round numbers.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "analysis/report.hpp"
#include "render/report_render.hpp"
#include "support/report_rows.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::kNoGpuEnv;
using testing::make_row;
using testing::run_gpubench;
using testing::synthetic_run;
using testing::TempDir;
using testing::write_run;

std::filesystem::path h200_run(const std::string& name) {
  return std::filesystem::path(GPUBENCH_TEST_FIXTURES_DIR) / "runs" / "h200-b376421" / name;
}

const Report& full_report() {
  static const Report report =
      build_report(load_results_file(h200_run("full.json")), SpecDatabase::builtin(), "");
  return report;
}

std::vector<std::pair<std::string, const ReportRow*>> all_rows(const Report& report) {
  std::vector<std::pair<std::string, const ReportRow*>> rows;
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows)
        rows.emplace_back(family.name + "/" + row.benchmark, &row);
    }
  }
  return rows;
}

const HeadlineFigure* headline(const Report& report, std::string_view what) {
  for (const auto& figure : report.headline) {
    if (figure.what == what) return &figure;
  }
  return nullptr;
}

bool has_reason(const ReportRow& row, std::string_view reason) {
  return std::find(row.reasons.begin(), row.reasons.end(), reason) != row.reasons.end();
}

TEST(ReportHeadline, OpensWithTheCardsHeadlineFiguresAgainstBothSheets) {
  const Report& report = full_report();
  ASSERT_NE(headline(report, "DRAM triad"), nullptr);
  const HeadlineFigure& triad = *headline(report, "DRAM triad");
  EXPECT_EQ(triad.benchmark, "memory/stream/triad");
  EXPECT_EQ(triad.unit, "GB/s");
  ASSERT_TRUE(triad.pct_of_spec && triad.counterpart_spec && triad.projected_counterpart);
  EXPECT_NEAR(*triad.pct_of_spec, 89.8, 0.1);  // the file's own pct_of_spec for the triad
  EXPECT_DOUBLE_EQ(*triad.counterpart_spec,
                   *SpecDatabase::builtin().at("h100-sxm5").number("memory_bandwidth_gbs"));
  for (const char* what : {"FP32", "FP16 tensor, FP32 accumulate", "INT8 tensor", "BF16 tensor",
                           "Host to device (pinned)"}) {
    EXPECT_NE(headline(report, what), nullptr) << what;
  }
  EXPECT_EQ(report.headline.at(0).what, "DRAM triad");
  EXPECT_EQ(report.headline.at(1).what, "FP32");
  EXPECT_EQ(report.headline.at(2).what, "FP16 tensor, FP32 accumulate");
  // Tensor precisions come from the GEMMs, where the INT8 shortfall is.
  const HeadlineFigure& int8 = *headline(report, "INT8 tensor");
  EXPECT_TRUE(int8.benchmark.starts_with("gemm/cublas/int8_s32acc/")) << int8.benchmark;
  EXPECT_LT(*int8.pct_of_spec, 10);
  EXPECT_NE(
      std::find(int8.reasons.begin(), int8.reasons.end(), "library_kernel_underuses_tensor_cores"),
      int8.reasons.end());

  const std::string text = render_headline_text(report);
  EXPECT_NE(text.find("DRAM triad (memory/stream/triad)"), std::string::npos) << text;
  EXPECT_NE(text.find("89.8% of 4800 GB/s"), std::string::npos) << text;
}

TEST(ReportHeadline, ComesFirstInTheMarkdownAndTheHtml) {
  const std::string markdown = render_markdown(full_report());
  const auto headline_at = markdown.find("## Headline");
  ASSERT_NE(headline_at, std::string::npos);
  EXPECT_LT(headline_at, markdown.find("## Run"));
  EXPECT_LT(headline_at, markdown.find("## memory results"));
  const std::string html = render_html(full_report(), {}, "left out.");
  EXPECT_LT(html.find("<h2>Headline</h2>"), html.find("<h2>Run</h2>"));
}

TEST(ReportReasons, TheInt8CublasRowsSayTheLibraryKernelUnderusesTensorCores) {
  int int8_compute_bound = 0;
  for (const auto& [name, row] : all_rows(full_report())) {
    if (!name.starts_with("gemm/cublas/int8_s32acc/")) continue;
    EXPECT_FALSE(row->reasons.empty()) << name;  // every INT8 row is far below its peak
    if (name.ends_with("4096x4096x4096") || name.ends_with("8192x8192x8192")) {
      EXPECT_TRUE(has_reason(*row, "library_kernel_underuses_tensor_cores")) << name;
      ++int8_compute_bound;
    }
  }
  EXPECT_EQ(int8_compute_bound, 2);
  // Rows at or above 85% of their peak carry none.
  for (const auto& [name, row] : all_rows(full_report())) {
    if (row->pct_of_spec && *row->pct_of_spec >= 85) {
      EXPECT_TRUE(row->reasons.empty()) << name;
    }
  }
  const auto cli = run_gpubench(fmt::format("report '{}' --benchmark 'cublas/int8_s32acc/4096x'",
                                            h200_run("full.json").string()),
                                kNoGpuEnv);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("library_kernel_underuses_tensor_cores (tensor pipe 13% busy"),
            std::string::npos)
      << cli.out;
}

TEST(ReportPower, NoPerWattFigureFromTheShortWindowsOfTheH200Runs) {
  for (const char* name : {"full.json", "quick1.json", "contended.json"}) {
    const Report report =
        build_report(load_results_file(h200_run(name)), SpecDatabase::builtin(), "");
    EXPECT_TRUE(report.has_telemetry) << name;
    EXPECT_NE(report.power_problem.find("sustained window of at least 1 s"), std::string::npos)
        << report.power_problem;
    int with_power = 0;
    for (const auto& [row_name, row] : all_rows(report)) {
      EXPECT_FALSE(row->per_watt) << name << " " << row_name;
      EXPECT_FALSE(row->energy_pj_per_unit) << name << " " << row_name;
      EXPECT_FALSE(row->counterpart_per_watt_tdp) << name << " " << row_name;
      if (!row->per_watt_problem.empty()) ++with_power;
    }
    EXPECT_GT(with_power, 0) << name;
    const std::string markdown = render_markdown(report);
    EXPECT_EQ(markdown.find("pJ/B"), std::string::npos) << name;
    // No per-watt figure; the unit is named only in the sentence that says why.
    EXPECT_FALSE(std::regex_search(markdown, std::regex("[0-9] GB/s/W"))) << name;
    EXPECT_NE(markdown.find("No per-watt figures: "), std::string::npos) << name;
  }
  // full.json's highest repetition median (749 W) is named against the 700 W TDP.
  EXPECT_NE(full_report().power_problem.find("on a card documented at 700 W"), std::string::npos)
      << full_report().power_problem;
}

TEST(ReportPower, PerWattOnlyFromAWindowOfAtLeastOneSecond) {
  const double spec = *SpecDatabase::builtin().at("rtx-4070").number("memory_bandwidth_gbs");
  auto triad = [&](std::string name, double window_s) {
    return make_row(std::move(name), {{"bandwidth_gbs", 400},
                                      {"pct_of_spec", 400 / spec * 100},
                                      {"power_mean_w", 100},
                                      {"power_window_s", window_s}});
  };
  TempDir dir;
  const Report report = build_report(
      load_results_file(write_run(dir, synthetic_run({triad("memory/stream/triad", 1.2),
                                                      triad("memory/stream/read", 0.2)}))),
      SpecDatabase::builtin(), "");
  const auto rows = all_rows(report);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(*rows[0].second->per_watt, 4);
  EXPECT_DOUBLE_EQ(*rows[0].second->energy_pj_per_unit, 250);
  EXPECT_FALSE(rows[1].second->per_watt);
  EXPECT_NE(rows[1].second->per_watt_problem.find("shorter than the 1 s sustained window"),
            std::string::npos)
      << rows[1].second->per_watt_problem;
  EXPECT_TRUE(report.power_problem.empty()) << "one row had a sustained window";
}

TEST(ReportDriver, DriverRowsGetTheirOwnTable) {
  TempDir dir;
  const auto run = write_run(
      dir, synthetic_run({make_row("memory/stream/triad", {{"bandwidth_gbs", 400}}),
                          make_row("driver/launch/empty_kernel_sync", {{"latency_us", 5}}),
                          make_row("driver/launch/async_throughput", {{"ops_per_s", 250000}}),
                          make_row("driver/alloc/malloc_1GiB", {}, 1, true)}));
  const Report report = build_report(load_results_file(run), SpecDatabase::builtin(), "");
  const auto driver = std::find_if(report.families.begin(), report.families.end(),
                                   [](const ReportFamily& f) { return f.name == "driver"; });
  ASSERT_NE(driver, report.families.end());
  const ReportRow& latency = driver->sections.at(0).rows.at(0);
  EXPECT_EQ(latency.kind, FigureKind::kLatency);
  EXPECT_EQ(latency.unit, "us");
  EXPECT_DOUBLE_EQ(latency.measured, 5);
  EXPECT_EQ(driver->sections.at(0).rows.at(1).kind, FigureKind::kRate);
  for (const auto& figure : report.headline) {
    EXPECT_FALSE(figure.benchmark.starts_with("driver/"));
  }

  const std::string markdown = render_markdown(report);
  const auto section = markdown.find("## driver path results");
  ASSERT_NE(section, std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("## driver results"), std::string::npos);
  const std::string tail = markdown.substr(section);
  EXPECT_NE(tail.find("| benchmark | measured (median) | spread (CV / noise) | note |"),
            std::string::npos)
      << tail;
  EXPECT_NE(tail.find("| launch/empty_kernel_sync | 5.000 us |"), std::string::npos) << tail;
  EXPECT_NE(tail.find("| launch/async_throughput | 250000 ops/s |"), std::string::npos) << tail;
  EXPECT_NE(tail.find("| alloc/malloc_1GiB | FAILED |"), std::string::npos) << tail;
}

TEST(ReportFilter, BenchmarkRegexSelectsRowsAndRefusesBadOrEmptySelections) {
  ReportOptions options;
  options.benchmark_filter = "^gemm/own/";
  const Report report =
      build_report(load_results_file(h200_run("quick1.json")), SpecDatabase::builtin(), options);
  ASSERT_EQ(report.families.size(), 1u);
  EXPECT_EQ(report.families[0].name, "gemm");
  for (const auto& [name, row] : all_rows(report)) {
    EXPECT_TRUE(name.starts_with("gemm/own/")) << name;
  }
  for (const char* bad : {"(", "no-such-benchmark"}) {
    const auto result = run_gpubench(
        fmt::format("report '{}' --benchmark '{}'", h200_run("quick1.json").string(), bad),
        kNoGpuEnv);
    EXPECT_EQ(result.exit_code, 2) << bad << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

TEST(ReportJson, CarriesRowsHeadlineReasonsAndProjections) {
  const auto result =
      run_gpubench(fmt::format("report '{}' --json", h200_run("full.json").string()), kNoGpuEnv);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json data = json::parse(result.out);
  EXPECT_EQ(data["spec_id"], "h200-sxm");
  EXPECT_EQ(data["counterpart_id"], "h100-sxm5");
  ASSERT_GE(data["headline"].size(), 3u);
  EXPECT_EQ(data["headline"][0]["figure"], "DRAM triad");
  EXPECT_TRUE(data["headline"][0]["projected_counterpart"].is_number());
  EXPECT_TRUE(data["projections"].contains("memory")) << data["projections"].dump();
  EXPECT_TRUE(data["power_problem"].is_string());
  bool int8_reason = false;
  for (const auto& row : data["rows"]) {
    // contains() first: const operator[] on a missing key is undefined (nlohmann asserts).
    EXPECT_TRUE(!row.contains("per_watt") || row["per_watt"].is_null()) << row.dump();
    if (row["benchmark"] == "gemm/cublas/int8_s32acc/4096x4096x4096") {
      EXPECT_EQ(row["reasons"][0]["reason"], "library_kernel_underuses_tensor_cores") << row.dump();
      int8_reason = true;
    }
  }
  EXPECT_TRUE(int8_reason);
  // The same JSON into a file, atomically.
  TempDir dir;
  const auto out = dir.path() / "report.json";
  const auto written = run_gpubench(
      fmt::format("report '{}' -o '{}'", h200_run("quick1.json").string(), out.string()),
      kNoGpuEnv);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_TRUE(json::parse(testing::read_file(out)).contains("rows"));
}

TEST(ReportPlots, EveryComputeRowIsARooflinePointAndTransfersAreSeries) {
  const json input = json::parse(plot_input_json(full_report()));
  int gemm_points = 0;
  for (const auto& point : input["compute"]) {
    if (point["label"].get<std::string>().starts_with("gemm/")) {
      EXPECT_TRUE(point["flop_per_byte"].is_number()) << point.dump();
      ++gemm_points;
    }
  }
  EXPECT_GT(gemm_points, 100);
  std::set<std::string> gemm_series;
  for (const auto& series : input["gemm"])
    gemm_series.insert(series["name"]);
  EXPECT_TRUE(gemm_series.contains("cublas/fp16_f32acc"));
  EXPECT_TRUE(gemm_series.contains("own/fp16_f32acc"));
  std::set<std::string> transfers;
  for (const auto& series : input["transfers"])
    transfers.insert(series["name"]);
  EXPECT_TRUE(transfers.contains("h2d/pinned"));
  EXPECT_TRUE(transfers.contains("d2h/pageable"));
  EXPECT_EQ(input["transfers"][0]["points"].size(), 7u);  // 64 KiB .. 256 MiB
  ASSERT_FALSE(input["headline"].empty());
  EXPECT_NEAR(input["headline"][0]["measured_pct"].get<double>(), 89.8, 0.1);
}

// The compute latency rows hold latency_cycles alone: their figure is the cycles (their
// descriptor makes them a primary figure), never "n/a" with a list of counters.
TEST(ReportRows, ComputeLatencyRowsReportTheirCycles) {
  std::size_t latency_rows = 0;
  for (const auto& [name, row] : all_rows(full_report())) {
    if (!name.starts_with("compute/latency/")) continue;
    ++latency_rows;
    EXPECT_EQ(row->counter, "latency_cycles") << name;
    EXPECT_EQ(row->unit, "cycles") << name;
    EXPECT_EQ(row->kind, FigureKind::kLatency) << name;
    EXPECT_GT(row->measured, 0) << name;
    EXPECT_EQ(row->secondary, "") << name;
  }
  EXPECT_GT(latency_rows, 0u);
}

}  // namespace
}  // namespace gpubench
