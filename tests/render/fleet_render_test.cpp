// `gpubench fleet` output: text, JSON, CSV, Markdown and HTML with plots, from a fleet of real
// H200 runs copied under distinct host names with one node made slower; and the CLI's exit codes.
#include "render/fleet_render.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/fleet_fixtures.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::h200_run;
using testing::NodeEdit;
using testing::read_file;
using testing::run_gpubench;
using testing::TempDir;
using testing::write_fleet_node;
using testing::write_node_status;

// node-a, node-b, node-c healthy (quick1, quick2, quick1), node-d's STREAM and FP32 figures 10%
// slower, node-e without a usable GPU (its status file only).
void write_fleet(const TempDir& dir) {
  const char* sources[] = {"quick1.json", "quick2.json", "quick1.json", "quick2.json"};
  const char* hosts[] = {"node-a", "node-b", "node-c", "node-d"};
  for (int i = 0; i < 4; ++i) {
    NodeEdit edit{hosts[i]};
    if (i == 3) {
      edit.slow_regex = "^memory/stream/|^compute/peak/fp32_ffma/";
      edit.slow_factor = 1.10;
    }
    write_fleet_node(h200_run(sources[i]), dir.path() / hosts[i] / "run.json", edit);
    write_node_status(dir.path() / hosts[i], hosts[i], 0, "");
  }
  write_node_status(dir.path() / "node-e", "node-e", 2,
                    "gpubench: no CUDA device is visible; check the driver");
}

Fleet fleet_of(const TempDir& dir) {
  std::vector<SkippedFile> skipped;
  return build_fleet(collect_result_files({dir.path()}, skipped),
                     collect_node_status_files({dir.path()}), {});
}

TEST(FleetRender, TextNamesTheSlowNodeAndEveryNodeNotJudged) {
  TempDir dir;
  write_fleet(dir);
  const std::string text = format_fleet_text(fleet_of(dir), false);
  EXPECT_NE(text.find("NVIDIA H200, quick profile: 4 nodes (driver 580.159.04)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("FLAGGED node-d/gpu0: 8 of"), std::string::npos) << text;
  EXPECT_EQ(text.find("FLAGGED node-a"), std::string::npos) << text;
  EXPECT_NE(text.find("node-e: no usable GPU on this node (gpubench: no CUDA device"),
            std::string::npos)
      << text;
  EXPECT_LT(std::count(text.begin(), text.end(), '\n'), 15) << "short for people:\n" << text;
  const std::string verbose = format_fleet_text(fleet_of(dir), true);
  EXPECT_NE(verbose.find("memory/stream/triad/manual_time"), std::string::npos);
}

TEST(FleetRender, JsonAndCsvCarryEveryNodeAndFigure) {
  TempDir dir;
  write_fleet(dir);
  const Fleet fleet = fleet_of(dir);
  const json out = json::parse(fleet_to_json(fleet));
  EXPECT_TRUE(out["flagged"].get<bool>());
  ASSERT_EQ(out["failed_nodes"].size(), 1u);
  EXPECT_EQ(out["failed_nodes"][0]["reason"], "no usable GPU on this node");
  EXPECT_EQ(out["failed_nodes"][0]["exit_code"], 2);
  const json& group = out["groups"][0];
  EXPECT_EQ(group["nodes"].size(), 4u);
  EXPECT_EQ(group["flagged"], 8);
  std::size_t figures = 0;
  for (const json& series : group["series"]) {
    figures += series["nodes"].size();
    if (series["benchmark"] == "memory/stream/triad/manual_time") {
      EXPECT_TRUE(series["headline"].get<bool>());
      EXPECT_TRUE(series["nodes"][3]["flagged"].get<bool>());
      EXPECT_EQ(series["nodes"][3]["verdict"], "SLOWER");
    }
  }
  const std::string csv = fleet_to_csv(fleet);
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), figures + 1);
  EXPECT_NE(csv.find(",node-d/gpu0,node-d,0,3,"), std::string::npos);
}

// Runs tests/render/check_report_html.py (Python's html.parser) on the file.
int check_html(const std::filesystem::path& html, int min_plots, std::string& out) {
  TempDir dir;
  const std::string command =
      fmt::format("python3 '{}/tests/render/check_report_html.py' '{}' {} >'{}/out' 2>&1",
                  GPUBENCH_SOURCE_DIR, html.string(), min_plots, dir.path().string());
  const int status = std::system(command.c_str());
  out = read_file(dir.path() / "out");
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(FleetRender, MarkdownAndHtmlWithAPlotPerHeadlineFigure) {
  TempDir dir;
  write_fleet(dir);
  const Fleet fleet = fleet_of(dir);
  const std::string markdown = render_fleet_markdown(fleet);
  EXPECT_NE(markdown.find("## NVIDIA H200, quick profile"), std::string::npos);
  EXPECT_NE(markdown.find("| node-d/gpu0 | memory/stream/triad/manual_time |"), std::string::npos);
  EXPECT_NE(markdown.find("- node-e: no usable GPU on this node"), std::string::npos);

  const json input = json::parse(fleet_plot_input_json(fleet));
  std::vector<std::string> names;
  for (const json& plot : input["plots"])
    names.push_back(plot["name"]);
  // The four headlines (triad, FP32, cuBLAS FP16 GEMM, H2D) and the other flagged figures (six
  // STREAM), once each.
  EXPECT_EQ(names.size(), 10u);
  EXPECT_NE(
      std::find(names.begin(), names.end(),
                "NVIDIA H200, quick profile: gemm/cublas/fp16_f32acc/4096x4096x4096/manual_time"),
      names.end());
  EXPECT_EQ(input["plots"][0]["nodes"].size(), 4u);

  std::string problem;
  const auto plots = render_fleet_plots(
      fleet, problem, std::filesystem::path(GPUBENCH_SOURCE_DIR) / "scripts" / "plot_fleet.py");
  if (problem.find("matplotlib") != std::string::npos ||
      problem.find("python3 was not found") != std::string::npos) {
    GTEST_SKIP() << problem;
  }
  ASSERT_TRUE(problem.empty()) << problem;
  EXPECT_EQ(plots.size(), names.size());
  const auto html = dir.write("fleet.html", render_fleet_html(fleet, plots, ""));
  std::string checked;
  EXPECT_EQ(check_html(html, static_cast<int>(names.size()), checked), 0) << checked;
}

TEST(FleetCli, ExitCodesSayFlaggedCleanOrBadInput) {
  TempDir dir;
  write_fleet(dir);
  const auto flagged = run_gpubench(fmt::format("fleet '{}'", dir.path().string()));
  EXPECT_EQ(flagged.exit_code, 1) << flagged.err;
  EXPECT_NE(flagged.out.find("FLAGGED node-d/gpu0"), std::string::npos) << flagged.out;

  TempDir clean;
  for (const char* host : {"a", "b", "c"}) {
    write_fleet_node(h200_run("quick1.json"), clean.path() / host / "r.json", {host});
  }
  const auto ok = run_gpubench(fmt::format("fleet '{}' --csv", clean.path().string()));
  EXPECT_EQ(ok.exit_code, 0) << ok.err << ok.out;
  EXPECT_EQ(ok.out.rfind("gpu_name,profile,benchmark", 0), 0u);

  const auto md = dir.path() / "fleet.md";
  const auto written =
      run_gpubench(fmt::format("fleet '{}' --json -o '{}'", clean.path().string(), md.string()));
  EXPECT_EQ(written.exit_code, 0) << written.err;
  EXPECT_TRUE(json::accept(written.out)) << written.out;
  EXPECT_NE(read_file(md).find("# gpubench fleet report"), std::string::npos);

  // A cut-short file among good ones: the good ones are still judged and printed, the bad one is
  // listed with its reason, and the status is 2 (bad input), not 0.
  std::filesystem::create_directories(clean.path() / "d");
  std::ofstream(clean.path() / "d" / "r.json")
      << read_file(h200_run("quick1.json")).substr(0, 5000);
  const auto partial = run_gpubench(fmt::format("fleet '{}'", clean.path().string()));
  EXPECT_EQ(partial.exit_code, 2) << partial.err << partial.out;
  EXPECT_NE((partial.out + partial.err).find("truncated"), std::string::npos) << partial.out;
  EXPECT_NE(partial.out.find("3 nodes (driver 580.159.04), 79 benchmarks judged"),
            std::string::npos)
      << partial.out;

  EXPECT_EQ(run_gpubench("fleet /nonexistent/fleet").exit_code, 2);
  TempDir empty;
  const auto none = run_gpubench(fmt::format("fleet '{}'", empty.path().string()));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("No readable results file"), std::string::npos) << none.err;
  EXPECT_EQ(run_gpubench(fmt::format("fleet '{}' -o fleet.pdf", clean.path().string())).exit_code,
            2);
  EXPECT_EQ(
      run_gpubench(fmt::format("fleet '{}' --threshold 150", clean.path().string())).exit_code, 2);
}

}  // namespace
}  // namespace gpubench
