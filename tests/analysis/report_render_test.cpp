// What `gpubench report` writes, on synthetic runs in temporary directories (never results/): well
// formed Markdown tables, one valid HTML document with its plots drawn, and the command line that
// writes them (specs only, atomic output files, bad input), plus the whole path on a real GPU. The
// report's contents are tested in report_test.cpp. Every measured value here is invented.
#include "render/report_render.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "analysis/report.hpp"
#include "gpubench/errors.hpp"
#include "platform/python_script.hpp"
#include "support/report_rows.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::FixtureRow;
using testing::gemm_and_telemetry_rows;
using testing::kNoGpuEnv;
using testing::memory_rows;
using testing::read_file;
using testing::run_gpubench;
using testing::synthetic_run;
using testing::TempDir;
using testing::write_run;

// --- Rendering.

// Every Markdown table: a header, a --- separator, and rows with as many cells as the header.
void expect_well_formed_markdown_tables(const std::string& markdown) {
  std::istringstream lines(markdown);
  std::string line;
  std::vector<std::string> table;
  int tables = 0;
  auto cells = [](const std::string& row) {
    int count = 0;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++count;
    }
    return count - 1;
  };
  auto check = [&] {
    if (table.empty()) return;
    ++tables;
    ASSERT_GE(table.size(), 2u) << table[0];
    EXPECT_TRUE(std::regex_match(table[1], std::regex(R"(\|( --- \|)+)"))) << table[1];
    const int width = cells(table[0]);
    for (const auto& row : table)
      EXPECT_EQ(cells(row), width) << row;
    table.clear();
  };
  while (std::getline(lines, line)) {
    if (line.starts_with("|")) {
      EXPECT_TRUE(line.ends_with("|")) << line;
      table.push_back(line);
    } else {
      check();
    }
  }
  check();
  EXPECT_GT(tables, 2);
}

TEST(ReportRender, MarkdownTablesAreWellFormed) {
  TempDir dir;
  json run = synthetic_run(gemm_and_telemetry_rows());
  run["context"]["env_warning_x"] = "A | pipe in a synthetic warning.";
  const Report report =
      build_report(load_results_file(write_run(dir, run)), SpecDatabase::builtin(), "");
  const std::string markdown = render_markdown(report);
  expect_well_formed_markdown_tables(markdown);
  EXPECT_NE(markdown.find("| stream/dot | FAILED |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("## memory results"), std::string::npos);
  EXPECT_NE(markdown.find("## gemm results"), std::string::npos);
  expect_well_formed_markdown_tables(render_markdown(build_specs_only_report(
      SpecDatabase::builtin().at("rtx-4070"), SpecDatabase::builtin().at("l4"))));
}

// Runs tests/render/check_report_html.py (Python's html.parser) on the file.
testing::CommandResult check_html(const std::filesystem::path& html, int min_plots) {
  TempDir dir;
  const std::string command =
      fmt::format("python3 '{}/tests/render/check_report_html.py' '{}' {} >'{}/out' 2>&1",
                  GPUBENCH_SOURCE_DIR, html.string(), min_plots, dir.path().string());
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(dir.path() / "out"), ""};
}

TEST(ReportRender, HtmlIsOneValidDocumentWithItsTextEscaped) {
  std::vector<FixtureRow> rows = memory_rows();
  rows[0].label = "<script>alert(1)</script> & co";
  TempDir dir;
  const Report report = build_report(load_results_file(write_run(dir, synthetic_run(rows))),
                                     SpecDatabase::builtin(), "");
  const std::string html = render_html(report, {}, "left out (synthetic).");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"), std::string::npos);
  EXPECT_NE(html.find("Plots unavailable: left out (synthetic)."), std::string::npos);
  const auto file = dir.write("report.html", html);
  const auto checked = check_html(file, 0);
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
}

TEST(ReportRender, PlotsAreDrawnAndEmbedded) {
  TempDir dir;
  const Report report =
      build_report(load_results_file(write_run(dir, synthetic_run(gemm_and_telemetry_rows()))),
                   SpecDatabase::builtin(), "");
  const auto input = json::parse(plot_input_json(report));
  EXPECT_EQ(input["working_set"]["series"][0]["points"].size(), 4u);
  EXPECT_EQ(input["this"]["id"], "rtx-4070");
  EXPECT_EQ(input["counterpart"]["id"], "l4");

  std::string problem;
  const auto plots = render_plots(
      report, problem, std::filesystem::path(GPUBENCH_SOURCE_DIR) / "scripts" / "plot.py");
  if (problem.find("matplotlib") != std::string::npos ||
      problem.find("python3 was not found") != std::string::npos) {
    GTEST_SKIP() << problem;
  }
  ASSERT_TRUE(problem.empty()) << problem;
  std::vector<std::string> names;
  for (const auto& plot : plots)
    names.push_back(plot.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"headline", "working_set", "roofline", "gemm", "transfers"}));
  const auto file = dir.write("report.html", render_html(report, plots, ""));
  const auto checked = check_html(file, 5);
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
  EXPECT_NE(checked.out.find("ok: 5 plots"), std::string::npos) << checked.out;
}

// Screenshots the page with tests/render/screenshot_report.py (headless Chromium): exit 0 when the
// text and at least min_plots plots were drawn; the test skips where no browser or matplotlib is.
ScriptRun screenshot(const std::filesystem::path& html, int min_plots, const TempDir& dir) {
  return run_matplotlib_script(
      std::filesystem::path(GPUBENCH_SOURCE_DIR) / "tests" / "render" / "screenshot_report.py",
      {html.string(), (dir.path() / "screenshot.png").string(), std::to_string(min_plots)},
      dir.path() / "screenshot.log");
}

TEST(ReportRender, AHeadlessBrowserDrawsTheTablesAndThePlots) {
  TempDir dir;
  const Report report =
      build_report(load_results_file(write_run(dir, synthetic_run(gemm_and_telemetry_rows()))),
                   SpecDatabase::builtin(), "");
  std::string problem;
  const auto plots = render_plots(
      report, problem, std::filesystem::path(GPUBENCH_SOURCE_DIR) / "scripts" / "plot.py");
  if (!problem.empty()) GTEST_SKIP() << "no plots here: " << problem;
  const auto with_plots = dir.write("plots.html", render_html(report, plots, ""));
  const ScriptRun shot = screenshot(with_plots, 5, dir);
  const std::string log = read_file(dir.path() / "screenshot.log");
  if (shot.status == 77) GTEST_SKIP() << log;
  if (shot.status == -1) GTEST_SKIP() << shot.problem;
  EXPECT_EQ(shot.status, 0) << log;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "screenshot.png"));

  // The check can fail: the same page without its plots is refused.
  const auto without_plots = dir.write("no-plots.html", render_html(report, {}, "left out."));
  const ScriptRun bare = screenshot(without_plots, 1, dir);
  EXPECT_EQ(bare.status, 1) << read_file(dir.path() / "screenshot.log");
  EXPECT_NE(read_file(dir.path() / "screenshot.log").find("no plots drawn"), std::string::npos);
}

TEST(ReportRender, TheCompiledInPlotScriptIsScriptsPlotPy) {
  EXPECT_EQ(builtin_plot_script(),
            read_file(std::filesystem::path(GPUBENCH_SOURCE_DIR) / "scripts" / "plot.py"));
}

// --- The command line.

int line_count(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(ReportCli, SpecsOnlyWorksWithoutAGpu) {
  const auto result = run_gpubench("report --specs-only rtx-4070 l4", kNoGpuEnv);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("# gpubench report: Documented specs"));
  EXPECT_NE(result.out.find("| memory_bandwidth_gbs |"), std::string::npos);
  EXPECT_NE(result.out.find("LLM decode upper bound"), std::string::npos);

  TempDir dir;
  const auto html = dir.path() / "specs.html";
  const auto written = run_gpubench(
      fmt::format("report --specs-only rtx-4070 l4 -o '{}'", html.string()), kNoGpuEnv);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  const bool plotted = written.err.find("no plots") == std::string::npos;
  const auto checked = check_html(html, plotted ? 1 : 0);
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
}

TEST(ReportCli, WritesMarkdownOrHtmlAtomicallyBesideNothingElse) {
  TempDir dir;
  const auto run = write_run(dir, synthetic_run(memory_rows()));
  const auto out = dir.path() / "reports";
  for (const char* name : {"r.md", "r.html"}) {
    const auto result = run_gpubench(
        fmt::format("report '{}' -o '{}' --no-plots", run.string(), (out / name).string()),
        kNoGpuEnv);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("Report: "), std::string::npos);
  }
  EXPECT_TRUE(read_file(out / "r.md").starts_with("# gpubench report"));
  EXPECT_TRUE(read_file(out / "r.html").starts_with("<!DOCTYPE html>"));
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(out))
    ++files;
  EXPECT_EQ(files, 2) << "no temporary file may be left beside the reports";
}

TEST(ReportCli, BadInputIsOneSentenceAndExit2) {
  TempDir dir;
  const auto run = write_run(dir, synthetic_run(memory_rows()));
  const std::vector<std::string> bad = {
      "report",
      fmt::format("report '{}' --specs-only rtx-4070 l4", run.string()),
      fmt::format("report '{}'", (dir.path() / "missing.json").string()),
      fmt::format("report '{}' -o '{}'", run.string(), (dir.path() / "r.txt").string()),
      "report --specs-only rtx-4070 rtx-9999",
      fmt::format("report '{}' --against rtx-9999", run.string()),
  };
  for (const auto& arguments : bad) {
    const auto result = run_gpubench(arguments, kNoGpuEnv);
    EXPECT_EQ(result.exit_code, 2) << arguments << "\n" << result.err;
    EXPECT_EQ(line_count(result.err), 1) << arguments << "\n" << result.err;
    EXPECT_TRUE(result.out.empty()) << arguments;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "r.txt"));
}

// The whole path on a real GPU: the run records the environment check and NVML telemetry, and
// the report turns them into per-watt figures and a valid HTML file with its plots.
TEST(ReportGpu, AQuickRunRecordsEnvironmentAndTelemetryAndReports) {
  GPUBENCH_REQUIRE_GPU();
  TempDir dir;
  const auto run = dir.path() / "run.json";
  const auto ran = run_gpubench(fmt::format("run --suite memory --quick --out '{}'", run.string()));
  ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  EXPECT_NE(ran.out.find("Environment of GPU"), std::string::npos) << ran.out;
  const ResultsFile results = load_results_file(run);
  for (const char* key :
       {"env_compute_processes", "env_persistence_mode", "env_clocks", "env_power_limit",
        "env_pcie_link", "env_mig_mode", "env_display_active", "gpubench_stopping_rule",
        "gpubench_run_wall_s", "gpubench_timing_method"}) {
    EXPECT_TRUE(results.context_value(key)) << key;
  }
  bool saw_power = false;
  for (const MeasuredBenchmark& benchmark : summarize_benchmarks(results)) {
    if (benchmark.name == "memory/stream/read") {
      // Noise-based stopping: at least one kept sample per repetition, the noise when >= 3.
      EXPECT_GE(benchmark.median.at("samples"), 1);
      EXPECT_TRUE(benchmark.median.contains("throttled_samples"));
      EXPECT_TRUE(benchmark.median.contains("converged"));
      if (benchmark.median.at("samples") >= 3) {
        EXPECT_GE(benchmark.median.at("noise_pct"), 0);
      }
      EXPECT_GT(benchmark.median.at("sm_clock_mean_mhz"), 0);
    }
    // Power only from the sustained window, which the quick profile measures for the triad.
    if (benchmark.name != "memory/stream/triad") continue;
    EXPECT_GT(benchmark.median.at("power_mean_w"), 0);
    EXPECT_GE(benchmark.median.at("power_window_s"), kSustainedPowerWindowS);
    EXPECT_GT(benchmark.median.at("gbs_per_w"), 0);
    saw_power = true;
  }
  EXPECT_TRUE(saw_power);

  const auto html = dir.path() / "report.html";
  const auto reported =
      run_gpubench(fmt::format("report '{}' -o '{}'", run.string(), html.string()));
  ASSERT_EQ(reported.exit_code, 0) << reported.err;
  const bool plotted = reported.err.find("no plots") == std::string::npos;
  const auto checked = check_html(html, plotted ? 2 : 0);
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
  const auto markdown = run_gpubench(fmt::format("report '{}'", run.string()));
  EXPECT_NE(markdown.out.find("pJ per byte"), std::string::npos) << markdown.out;
}

}  // namespace
}  // namespace gpubench
