// `gpubench fleet` as data: real H200 runs copied under distinct host names, one node made slower,
// and every kind of input that must be listed rather than judged.
#include "analysis/fleet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "gpubench/errors.hpp"
#include "support/fleet_fixtures.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::h200_run;
using testing::NodeEdit;
using testing::TempDir;
using testing::write_fleet_node;
using testing::write_node_status;

constexpr const char* kStream = "^memory/stream/";

// node-a..node-d: quick1, quick2, quick1, quick2 (real rerun-to-rerun noise); node-d's STREAM
// figures 10% slower.
std::vector<std::filesystem::path> quick_fleet(const TempDir& dir, double slow_factor = 1.10) {
  std::vector<std::filesystem::path> files;
  const char* sources[] = {"quick1.json", "quick2.json", "quick1.json", "quick2.json"};
  const char* hosts[] = {"node-a", "node-b", "node-c", "node-d"};
  for (int i = 0; i < 4; ++i) {
    NodeEdit edit{hosts[i]};
    if (i == 3) {
      edit.slow_regex = kStream;
      edit.slow_factor = slow_factor;
    }
    files.push_back(
        write_fleet_node(h200_run(sources[i]), dir.path() / hosts[i] / "run.json", edit));
  }
  return files;
}

// (host, benchmark) of every flagged figure.
std::set<std::pair<std::string, std::string>> flagged(const Fleet& fleet) {
  std::set<std::pair<std::string, std::string>> out;
  for (const FleetGroup& group : fleet.groups) {
    for (const FleetSeries& series : group.series) {
      for (const NodeFigure& figure : series.figures) {
        if (figure.flagged) out.emplace(group.nodes[figure.node].host_name, series.benchmark);
      }
    }
  }
  return out;
}

const FleetSeries& series_named(const FleetGroup& group, std::string_view benchmark) {
  const auto it = std::find_if(group.series.begin(), group.series.end(),
                               [&](const FleetSeries& s) { return s.benchmark == benchmark; });
  if (it == group.series.end()) throw std::runtime_error("no series " + std::string(benchmark));
  return *it;
}

TEST(Fleet, FlagsExactlyTheNodeMadeSlowerOnTheFiguresMadeSlower) {
  TempDir dir;
  const Fleet fleet = build_fleet(quick_fleet(dir), {}, {});
  ASSERT_EQ(fleet.groups.size(), 1u);
  const FleetGroup& group = fleet.groups[0];
  EXPECT_EQ(group.gpu_name, "NVIDIA H200");
  EXPECT_EQ(group.profile, "quick");
  ASSERT_EQ(group.nodes.size(), 4u);
  EXPECT_EQ(node_label(group.nodes[3]), "node-d/gpu0");
  EXPECT_TRUE(fleet.unreadable.empty());

  const auto marks = flagged(fleet);
  std::set<std::string> stream_flagged;
  for (const auto& [host, benchmark] : marks) {
    EXPECT_EQ(host, "node-d") << benchmark;  // real rerun noise flags nobody
    EXPECT_TRUE(benchmark.starts_with("memory/stream/")) << benchmark;
    stream_flagged.insert(benchmark);
  }
  // Every STREAM benchmark (read, write, copy, scale, add, triad, dot) of the slow node.
  EXPECT_EQ(stream_flagged.size(), 7u);
  EXPECT_TRUE(fleet.any_flagged());

  const FleetSeries& triad = series_named(group, "memory/stream/triad/manual_time");
  EXPECT_EQ(triad.metric, "bandwidth_gbs");
  EXPECT_EQ(triad.direction, Direction::kHigherIsBetter);
  EXPECT_TRUE(triad.headline);
  ASSERT_EQ(triad.figures.size(), 4u);
  EXPECT_NEAR(triad.figures[3].deviation, 1 / 1.10 - 1, 0.02);
  ASSERT_TRUE(triad.figures[3].judgement.has_value());
  EXPECT_EQ(triad.figures[3].judgement->verdict, Verdict::kSlower);
  EXPECT_GT(triad.fleet_median, triad.figures[3].median);
}

TEST(Fleet, AChangeBelowTheThresholdIsNotFlagged) {
  TempDir dir;
  const Fleet fleet = build_fleet(quick_fleet(dir, 1.03), {}, {});  // 3% < 5%
  EXPECT_FALSE(fleet.any_flagged());
  FleetOptions tight;
  tight.threshold = 0.01;
  const Fleet strict = build_fleet(quick_fleet(dir, 1.03), {}, tight);
  for (const auto& [host, benchmark] : flagged(strict))
    EXPECT_EQ(host, "node-d") << benchmark;
}

TEST(Fleet, LatencyIsJudgedLowerIsBetter) {
  TempDir dir;
  std::vector<std::filesystem::path> files;
  for (const char* host : {"a", "b", "c"}) {
    files.push_back(
        write_fleet_node(h200_run("quick1.json"), dir.path() / host / "r.json", {host}));
  }
  NodeEdit slow{"d"};
  slow.slow_regex = "^memory/latency/";
  slow.slow_factor = 1.5;
  files.push_back(write_fleet_node(h200_run("quick2.json"), dir.path() / "d/r.json", slow));
  const Fleet fleet = build_fleet(files, {}, {});
  bool latency_flagged = false;
  for (const auto& [host, benchmark] : flagged(fleet)) {
    EXPECT_EQ(host, "d");
    latency_flagged = latency_flagged || benchmark.starts_with("memory/latency/");
  }
  EXPECT_TRUE(latency_flagged);
  const FleetSeries& latency = series_named(fleet.groups[0], "memory/latency/256MiB/manual_time");
  EXPECT_EQ(latency.metric, "latency_ns");
  EXPECT_EQ(latency.direction, Direction::kLowerIsBetter);
}

TEST(Fleet, ListsUnreadableFailedAndContendedInsteadOfDroppingThem) {
  TempDir dir;
  auto files = quick_fleet(dir);
  NodeEdit odd{"node-e"};
  odd.contended_regex = "^compute/";
  odd.failed_regex = "^memory/stream/dot/";
  files.push_back(write_fleet_node(h200_run("quick2.json"), dir.path() / "node-e/run.json", odd));
  files.push_back(dir.write("truncated.json", R"({"context": {"gpubench_schema)"));
  const auto status =
      write_node_status(dir.path() / "node-f", "node-f", 2, "gpubench: no CUDA device is visible");
  const auto ok_status = write_node_status(dir.path() / "node-a", "node-a", 0, "");
  const auto lost = write_node_status(dir.path() / "node-g", "node-g", 0, "");
  const Fleet fleet = build_fleet(files, {lost, ok_status, status}, {});

  ASSERT_EQ(fleet.unreadable.size(), 1u);
  EXPECT_EQ(fleet.unreadable[0].path.filename(), "truncated.json");
  EXPECT_NE(fleet.unreadable[0].reason.find("truncated"), std::string::npos);

  ASSERT_EQ(fleet.failed_nodes.size(), 2u);  // node-a ran and wrote its results
  EXPECT_EQ(fleet.failed_nodes[0].host_name, "node-f");
  EXPECT_EQ(fleet.failed_nodes[0].reason, "no usable GPU on this node");
  EXPECT_EQ(fleet.failed_nodes[0].exit_code, 2);
  EXPECT_EQ(fleet.failed_nodes[1].host_name, "node-g");
  EXPECT_NE(fleet.failed_nodes[1].reason.find("no results file"), std::string::npos);

  const FleetGroup& group = fleet.groups.at(0);
  ASSERT_EQ(group.failed.size(), 1u);
  EXPECT_EQ(group.nodes[group.failed[0].node].host_name, "node-e");
  EXPECT_EQ(group.failed[0].benchmark, "memory/stream/dot/manual_time");
  EXPECT_FALSE(group.contended.empty());
  for (const auto& note : group.contended) {
    EXPECT_EQ(group.nodes[note.node].host_name, "node-e");
    EXPECT_TRUE(note.benchmark.starts_with("compute/"));
  }
  // A contended figure is not part of its series.
  const FleetSeries& ffma = series_named(group, "compute/peak/fp32_ffma/manual_time");
  EXPECT_EQ(ffma.figures.size(), 4u);
}

TEST(Fleet, GroupsByModelAndProfileAndKeepsTheNewestRunOfANode) {
  TempDir dir;
  std::vector<std::filesystem::path> files;
  files.push_back(write_fleet_node(h200_run("quick1.json"), dir.path() / "1.json", {"x"}));
  files.push_back(write_fleet_node(h200_run("quick2.json"), dir.path() / "2.json", {"x"}));
  files.push_back(write_fleet_node(h200_run("full.json"), dir.path() / "3.json", {"x"}));
  files.push_back(write_fleet_node(h200_run("quick1.json"), dir.path() / "4.json", {"x", "1"}));
  const Fleet fleet = build_fleet(files, {}, {});
  ASSERT_EQ(fleet.groups.size(), 2u);
  EXPECT_EQ(fleet.groups[0].profile, "full");
  EXPECT_EQ(fleet.groups[1].profile, "quick");
  const FleetGroup& quick = fleet.groups[1];
  ASSERT_EQ(quick.nodes.size(), 2u);                    // x/gpu0 (newest of two) and x/gpu1
  EXPECT_EQ(quick.nodes[0].path.filename(), "2.json");  // quick2 was run after quick1
  ASSERT_EQ(quick.superseded.size(), 1u);
  EXPECT_EQ(quick.superseded[0].path.filename(), "1.json");
  EXPECT_EQ(node_label(quick.nodes[1]), "x/gpu1");
  // A single node is described but cannot be judged.
  for (const FleetSeries& series : fleet.groups[0].series) {
    ASSERT_EQ(series.figures.size(), 1u);
    EXPECT_FALSE(series.figures[0].judgement.has_value());
  }
}

// One pod (or Slurm task) with every GPU of an 8-GPU server: `gpubench run --device all` writes one
// file per GPU, all with the node's host name; each GPU is a node of its own, judged against the
// other seven, and the node's status file (exit 0) does not list it as failed.
TEST(Fleet, EachGpuOfAMultiGpuNodeIsJudgedOnItsOwn) {
  TempDir dir;
  std::vector<std::filesystem::path> files;
  for (int gpu = 0; gpu < 8; ++gpu) {
    NodeEdit edit{"l4-server", std::to_string(gpu)};
    if (gpu == 5) {
      edit.slow_regex = kStream;
      edit.slow_factor = 1.10;
    }
    files.push_back(write_fleet_node(h200_run(gpu % 2 == 0 ? "quick1.json" : "quick2.json"),
                                     dir.path() / fmt::format("run-gpu{}.json", gpu), edit));
  }
  const auto status = write_node_status(dir.path(), "l4-server", 0, "");
  const Fleet fleet = build_fleet(files, {status}, {});
  ASSERT_EQ(fleet.groups.size(), 1u);
  const FleetGroup& group = fleet.groups[0];
  ASSERT_EQ(group.nodes.size(), 8u);
  EXPECT_TRUE(group.superseded.empty());
  for (int gpu = 0; gpu < 8; ++gpu)
    EXPECT_EQ(node_label(group.nodes[gpu]), fmt::format("l4-server/gpu{}", gpu));
  EXPECT_TRUE(fleet.failed_nodes.empty());
  std::set<std::string> flagged_gpus;
  for (const FleetSeries& series : group.series) {
    for (const NodeFigure& figure : series.figures) {
      if (figure.flagged) flagged_gpus.insert(node_label(group.nodes[figure.node]));
    }
  }
  EXPECT_EQ(flagged_gpus, std::set<std::string>{"l4-server/gpu5"});
}

TEST(Fleet, BenchmarkRegexAndOptionsAreChecked) {
  TempDir dir;
  FleetOptions options;
  options.benchmark_regex = "triad";
  const Fleet fleet = build_fleet(quick_fleet(dir), {}, options);
  ASSERT_EQ(fleet.groups.at(0).series.size(), 1u);
  EXPECT_EQ(fleet.groups[0].series[0].benchmark, "memory/stream/triad/manual_time");
  options.benchmark_regex = "([";
  EXPECT_THROW(build_fleet({}, {}, options), UserError);
  FleetOptions bad;
  bad.threshold = -0.1;
  EXPECT_THROW(build_fleet({}, {}, bad), UserError);
  bad = {};
  bad.alpha = 1.5;
  EXPECT_THROW(build_fleet({}, {}, bad), UserError);
}

TEST(FleetStatus, ReadsAndRejectsStatusFiles) {
  TempDir dir;
  const auto good = write_node_status(dir.path(), "n1", 130, "interrupted");
  const FailedNode node = read_node_status(good);
  EXPECT_EQ(node.host_name, "n1");
  EXPECT_EQ(node.exit_code, 130);
  EXPECT_EQ(node.devices, "all");
  EXPECT_NE(node.reason.find("interrupted"), std::string::npos);
  EXPECT_EQ(describe_run_exit(2), "no usable GPU on this node");
  const auto bad = dir.write("gpubench-run.status.bad", "host_name=n2\nexit_code=two\n");
  EXPECT_THROW(read_node_status(bad), UserError);
  EXPECT_THROW(read_node_status(dir.path() / "missing"), UserError);

  std::filesystem::create_directories(dir.path() / "deep/er");
  write_node_status(dir.path() / "deep/er", "n3", 2, "");
  const auto found = collect_node_status_files({dir.path()});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].parent_path().filename(), "er");  // "deep/..." sorts first
}

}  // namespace
}  // namespace gpubench
