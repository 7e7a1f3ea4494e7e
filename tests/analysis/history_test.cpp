// `gpubench history`: driver-version ordering, grouping by GPU, the steps between driver versions,
// skipped files, and the JSON/CSV/plot outputs. Every fixture is generated here.
#include "analysis/history.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gpubench/errors.hpp"
#include "render/history_render.hpp"
#include "support/synthetic_results.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::around;
using testing::kTight;
using testing::run_gpubench;
using testing::SyntheticRun;
using testing::TempDir;

constexpr const char* kTriad = "synthetic/triad/manual_time";
constexpr const char* kCopy = "synthetic/copy/manual_time";

TEST(DriverVersions, OrderNumericallyNotAsText) {
  EXPECT_LT(compare_driver_versions("535.104.05", "550.54.15"), 0);
  EXPECT_LT(compare_driver_versions("550.54.15", "580.95.05"), 0);
  EXPECT_LT(compare_driver_versions("535.104.05", "580.95.05"), 0);
  EXPECT_GT(compare_driver_versions("580.95.05", "535.104.05"), 0);
  // As text "580.159.04" < "580.95.05"; as numbers 95 < 159.
  EXPECT_LT(compare_driver_versions("580.95.05", "580.159.04"), 0);
  EXPECT_LT(compare_driver_versions("99.1", "100.0"), 0);
  EXPECT_LT(compare_driver_versions("550.54", "550.54.15"), 0);  // a prefix first
  EXPECT_EQ(compare_driver_versions("550.54.15", "550.54.15"), 0);
  // Equal as numbers, different as text: ordered, never equal.
  EXPECT_NE(compare_driver_versions("550.54.5", "550.54.05"), 0);
  // Unknown versions after every number.
  EXPECT_LT(compare_driver_versions("580.95.05", "unknown"), 0);
  EXPECT_GT(compare_driver_versions("unknown", "535.104.05"), 0);

  std::vector<std::string> versions = {"580.95.05", "unknown",    "535.104.05", "580.159.04",
                                       "550.54.15", "550.127.05", "535.54.03"};
  std::sort(versions.begin(), versions.end(), DriverVersionLess{});
  EXPECT_EQ(versions,
            (std::vector<std::string>{"535.54.03", "535.104.05", "550.54.15", "550.127.05",
                                      "580.95.05", "580.159.04", "unknown"}));
}

TEST(DriverVersions, DatesOrderByTheInstantTheyName) {
  EXPECT_TRUE(date_before("2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00"));
  // 10:00 at +02:00 is 08:00 UTC, before 09:00 UTC, although its text sorts after.
  EXPECT_TRUE(date_before("2026-01-01T10:00:00+02:00", "2026-01-01T09:00:00+00:00"));
  EXPECT_FALSE(date_before("2026-01-01T09:00:00+00:00", "2026-01-01T10:00:00+02:00"));
  EXPECT_TRUE(date_before("2026-01-01T00:00:00+00:00", "not a date"));
}

// Writes runs of two synthetic GPUs over three driver versions (given out of order), with the
// triad benchmark 10% slower on 580.95.05 and copy unchanged.
struct HistoryFixture {
  TempDir dir;
  std::vector<std::filesystem::path> files;

  void add(const std::string& relative, const SyntheticRun& run) {
    const auto path = dir.path() / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << testing::synthetic_results(run).dump(1);
    files.push_back(path);
  }

  HistoryFixture() {
    const std::vector<std::pair<std::string, double>> drivers = {
        {"580.95.05", 1.10}, {"535.104.05", 1.0}, {"550.54.15", 1.0}};
    int index = 0;
    for (const auto& [driver, factor] : drivers) {
      for (int repeat = 0; repeat < 2; ++repeat) {
        SyntheticRun run;
        run.driver_version = driver;
        run.date = fmt::format("2026-0{}-0{}T00:00:00+00:00", 1 + index, 1 + repeat);
        run.benchmarks = {{kTriad, around(2.0 * factor, kTight)}, {kCopy, around(1.0, kTight)}};
        add(fmt::format("a/{}/run{}.json", driver, repeat), run);
      }
      ++index;
    }
    SyntheticRun other;
    other.gpu_name = "Synthetic GPU B";
    other.driver_version = "550.54.15";
    other.benchmarks = {{kTriad, around(5.0, kTight)}};
    add("b/other.json", other);
  }
};

const HistoryGroup& group_named(const History& history, const std::string& name) {
  for (const auto& group : history.groups) {
    if (group.gpu_name == name) return group;
  }
  throw std::runtime_error("no group " + name);
}

const HistorySeries& series_of(const HistoryGroup& group, const std::string& benchmark,
                               const std::string& metric) {
  for (const auto& series : group.series) {
    if (series.benchmark == benchmark && series.metric == metric) return series;
  }
  throw std::runtime_error("no series " + benchmark + " " + metric);
}

TEST(History, GroupsByGpuOrdersByDriverAndMarksTheSignificantStep) {
  HistoryFixture fixture;
  std::vector<SkippedFile> skipped;
  const auto files = collect_result_files({fixture.dir.path()}, skipped);
  EXPECT_TRUE(skipped.empty());
  ASSERT_EQ(files.size(), 7u);
  const History history = build_history(files, {});
  EXPECT_EQ(history.files_read, 7u);
  ASSERT_EQ(history.groups.size(), 2u);

  const HistoryGroup& a = group_named(history, "Synthetic GPU A");
  ASSERT_EQ(a.drivers.size(), 3u);
  EXPECT_EQ(a.drivers[0].driver_version, "535.104.05");
  EXPECT_EQ(a.drivers[1].driver_version, "550.54.15");
  EXPECT_EQ(a.drivers[2].driver_version, "580.95.05");
  EXPECT_EQ(a.drivers[0].runs.size(), 2u);
  EXPECT_LT(a.drivers[0].runs[0].date, a.drivers[0].runs[1].date);

  // One series per benchmark by default: its primary figure, the bandwidth here.
  EXPECT_EQ(a.series.size(), 2u);
  const HistorySeries& triad = series_of(a, kTriad, "bandwidth_gbs");
  ASSERT_EQ(triad.points.size(), 3u);
  ASSERT_TRUE(triad.points[0]);
  EXPECT_EQ(triad.points[0]->runs, 2u);
  EXPECT_EQ(triad.points[0]->n, 10u);                 // repetitions pooled over both runs
  EXPECT_NEAR(triad.points[0]->median, 500.0, 1e-6);  // 1e9 bytes in 2 ms
  EXPECT_NEAR(triad.points[2]->median, 500.0 / 1.1, 1e-6);
  ASSERT_EQ(triad.steps.size(), 2u);
  EXPECT_EQ(triad.steps[0].judgement.verdict, Verdict::kSame);
  EXPECT_EQ(triad.steps[1].judgement.verdict, Verdict::kSlower);
  EXPECT_EQ(triad.steps[1].from, 1u);
  EXPECT_EQ(triad.steps[1].to, 2u);
  EXPECT_NEAR(triad.steps[1].judgement.change, 1 / 1.1 - 1, 1e-9);
  for (const auto& step : series_of(a, kCopy, "bandwidth_gbs").steps) {
    EXPECT_EQ(step.judgement.verdict, Verdict::kSame);
  }

  const HistoryGroup& b = group_named(history, "Synthetic GPU B");
  ASSERT_EQ(b.drivers.size(), 1u);
  EXPECT_TRUE(series_of(b, kTriad, "bandwidth_gbs").steps.empty());
}

TEST(History, TableMarksTheStepAndJsonAndCsvParse) {
  HistoryFixture fixture;
  const auto table = run_gpubench("history '" + fixture.dir.path().string() + "'");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("Synthetic GPU A: 6 runs on 3 driver versions"), std::string::npos)
      << table.out;
  const auto header = table.out.find("535.104.05  550.54.15  580.95.05");
  EXPECT_NE(header, std::string::npos) << table.out;
  EXPECT_NE(table.out.find("-9.1% SLOWER"), std::string::npos) << table.out;

  const auto as_json = run_gpubench("history --json '" + fixture.dir.path().string() + "'");
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json parsed = json::parse(as_json.out);
  EXPECT_EQ(parsed["files_read"], 7);
  EXPECT_EQ(parsed["groups"].size(), 2u);
  EXPECT_EQ(parsed["groups"][0]["drivers"][2]["driver_version"], "580.95.05");
  bool found_slower = false;
  for (const auto& series : parsed["groups"][0]["series"]) {
    for (const auto& step : series["steps"])
      found_slower |= step["verdict"] == "SLOWER";
  }
  EXPECT_TRUE(found_slower);

  const auto as_csv =
      run_gpubench("history --csv --metric real_time '" + fixture.dir.path().string() + "'");
  ASSERT_EQ(as_csv.exit_code, 0) << as_csv.err;
  std::istringstream lines(as_csv.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line,
            "gpu_name,benchmark,metric,unit,driver_version,runs,n,median,relative_iqr,step_change,"
            "step_p_value,step_verdict");
  int rows = 0;
  int slower = 0;
  while (std::getline(lines, line)) {
    ++rows;
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 11) << line;
    if (line.ends_with(",SLOWER")) ++slower;
  }
  EXPECT_EQ(rows, 2 * 3 + 1);  // GPU A: 2 benchmarks x 3 drivers; GPU B: 1
  EXPECT_EQ(slower, 1);
}

TEST(History, UnreadableFilesAreSkippedAndReported) {
  HistoryFixture fixture;
  fixture.dir.write("a/empty.json", "");
  fixture.dir.write("a/truncated.json", "{\"context\": {\"date\": ");
  fixture.dir.write("a/notes.txt", "not a results file, not *.json: ignored");
  fixture.dir.write("a/run.json.tmp12345", "a leftover of an interrupted write: ignored");
  SyntheticRun negative;
  negative.benchmarks = {{kTriad, {2.0, -1.0, 2.0}}};
  fixture.add("a/negative.json", negative);

  // The good files are still reported, but a bad file is bad input: exit 2.
  const auto result = run_gpubench("history '" + fixture.dir.path().string() + "'");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("3 of 10 files skipped"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("skipped " + (fixture.dir.path() / "a/empty.json").string()),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("truncated.json: Cannot read"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("negative.json"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("notes.txt"), std::string::npos);
  EXPECT_EQ(result.err.find("json.tmp"), std::string::npos);
  EXPECT_NE(result.out.find("7 files read, 3 skipped"), std::string::npos) << result.out;

  const auto as_json = run_gpubench("history --json '" + fixture.dir.path().string() + "'");
  EXPECT_EQ(as_json.exit_code, 2) << as_json.err;
  EXPECT_EQ(json::parse(as_json.out)["skipped"].size(), 3u);
}

// Text a person typed comes back escaped: a name or a pattern holding terminal control sequences
// must not drive the terminal through gpubench's message.
TEST(History, MessagesQuoteTypedTextEscaped) {
  HistoryFixture fixture;
  const std::string escape = "\"$(printf '\\033')\"";  // the shell makes it ESC
  const auto none = run_gpubench("history --benchmark " + escape + "nothing '" +
                                 fixture.dir.path().string() + "'");
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_NE(none.err.find("\"\\x1bnothing\" matches no benchmark"), std::string::npos) << none.err;
  EXPECT_EQ(none.err.find('\x1b'), std::string::npos) << none.err;

  const auto missing =
      run_gpubench("history '" + fixture.dir.path().string() + "/'" + escape + "'absent'");
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("\\x1babsent does not exist"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.err.find('\x1b'), std::string::npos) << missing.err;
}

TEST(History, NothingReadableOrMissingInputsExit2) {
  TempDir dir;
  dir.write("empty.json", "");
  const auto nothing = run_gpubench("history '" + dir.path().string() + "'");
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("No readable results file"), std::string::npos) << nothing.err;
  const auto missing = run_gpubench("history '" + (dir.path() / "absent").string() + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("absent does not exist"), std::string::npos) << missing.err;
  EXPECT_EQ(run_gpubench("history --metric '(' '" + dir.path().string() + "'").exit_code, 2);
}

TEST(History, PlainFilesGroupUnderAnUnknownGpuAndDriver) {
  TempDir dir;
  SyntheticRun plain;
  plain.manifest = false;
  plain.benchmarks = {{kTriad, around(2.0, kTight)}};
  const auto path = dir.write("plain.json", testing::synthetic_results(plain).dump());
  const History history = build_history({path}, {});
  ASSERT_EQ(history.groups.size(), 1u);
  EXPECT_EQ(history.groups[0].gpu_name, kUnknownGpu);
  EXPECT_EQ(history.groups[0].drivers[0].driver_version, kUnknownDriver);
}

TEST(History, PlotRefusesOtherFormatsAndReportsAMissingPython) {
  HistoryFixture fixture;
  const std::string input = "'" + fixture.dir.path().string() + "'";
  TempDir out;
  const auto pdf =
      run_gpubench("history --plot '" + (out.path() / "h.pdf").string() + "' " + input);
  EXPECT_EQ(pdf.exit_code, 2);
  EXPECT_NE(pdf.err.find(".png or .svg"), std::string::npos) << pdf.err;
  const auto no_python =
      run_gpubench("history --plot '" + (out.path() / "h.png").string() + "' " + input,
                   "GPUBENCH_PYTHON=/nonexistent/python3");
  EXPECT_EQ(no_python.exit_code, 2);
  EXPECT_NE(no_python.err.find("/nonexistent/python3"), std::string::npos) << no_python.err;
  EXPECT_FALSE(std::filesystem::exists(out.path() / "h.png"));
}

TEST(History, PlotWritesAnImageWhereMatplotlibIsInstalled) {
  // Where gpubench looks for matplotlib (gpubench/python_script.hpp).
  if (std::system("python3 -c 'import matplotlib' >/dev/null 2>&1 || "
                  "/usr/bin/python3 -c 'import matplotlib' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no python3 with matplotlib is installed";
  }
  HistoryFixture fixture;
  TempDir out;
  for (const std::string name : {"history.png", "history.svg"}) {
    const auto image = out.path() / name;
    const auto result = run_gpubench("history --plot '" + image.string() + "' '" +
                                     fixture.dir.path().string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string bytes = testing::read_file(image);
    if (name.ends_with(".png")) {
      EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    } else {
      EXPECT_NE(bytes.find("<svg"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace gpubench
