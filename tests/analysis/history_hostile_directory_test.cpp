// A fleet directory of 1,000 results files of which 1% are damaged (cut short, empty, another
// tool's JSON, binary junk): `history` finishes, lists exactly the damaged files with their reason,
// and its figures are those of the 990 good files alone.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analysis/history.hpp"
#include "render/history_render.hpp"
#include "support/fuzz_inputs.hpp"
#include "support/synthetic_results.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

namespace fs = std::filesystem;

// One small synthetic run; driver, GPU, date and times vary with `index` so the history has
// several groups, columns and steps.
std::string good_run(int index) {
  testing::SyntheticRun run;
  run.gpu_name = index % 2 == 0 ? "Synthetic GPU A" : "Synthetic GPU B";
  run.driver_version = std::vector<std::string>{"535.104.05", "550.54.15", "580.95.05"}[index % 3];
  run.date =
      fmt::format("2026-01-{:02}T{:02}:{:02}:00+00:00", 1 + index % 28, index % 24, index % 60);
  const double base = 1.0 + 0.1 * (index % 3) + 0.001 * (index % 7);
  run.benchmarks.emplace_back("memory/stream/copy", testing::around(base, {-0.01, 0.0, 0.01}));
  run.benchmarks.emplace_back("compute/fp32", testing::around(2.0 * base, {-0.02, 0.0, 0.02}));
  return testing::synthetic_results(run).dump();
}

fs::path write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

struct Damage {
  std::string content;
  std::string reason;  // what the skip reason must say
};

// Ten damaged files: three cut short, two empty, three from other tools, two of binary junk.
std::vector<Damage> damaged_files() {
  const std::string whole = good_run(0);
  std::string junk;
  for (int i = 0; i < 4096; ++i)
    junk += static_cast<char>((i * 151 + 7) % 256);
  return {
      {whole.substr(0, whole.size() / 2), "truncated"},
      {whole.substr(0, 1), "truncated"},
      {whole.substr(0, whole.size() - 2), "truncated"},
      {"", "is empty"},
      {"", "is empty"},
      {R"({"name": "my-tool", "version": "1.0.0", "dependencies": {}})", "not a google/benchmark"},
      {R"([{"metric": "bandwidth", "value": 900}])", "not a google/benchmark"},
      {R"({"context": {"date": "x"}, "benchmarks": {"not": "a list"}})", "not a google/benchmark"},
      {junk, "not valid JSON"},
      {std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + junk, "not valid JSON"},
  };
}

TEST(HistoryHostileDirectory, SkipsExactlyTheDamagedFilesAndMatchesTheCleanHistory) {
  testing::TempDir dir;
  std::vector<fs::path> good;
  for (int i = 0; i < 990; ++i) {
    good.push_back(
        write_file(dir.path() / fmt::format("box-{:03}/run-{:04}.json", i % 10, i), good_run(i)));
  }
  std::map<fs::path, std::string> damaged;  // path -> expected reason
  const std::vector<Damage> damage = damaged_files();
  for (std::size_t i = 0; i < damage.size(); ++i) {
    const fs::path path =
        write_file(dir.path() / fmt::format("box-{:03}/damaged-{}.json", i, i), damage[i].content);
    damaged[path.lexically_normal()] = damage[i].reason;
  }

  std::vector<SkippedFile> listing_problems;
  const std::vector<fs::path> all = collect_result_files({dir.path()}, listing_problems);
  ASSERT_TRUE(listing_problems.empty());
  ASSERT_EQ(all.size(), 1000u);
  const History fleet = build_history(all, {});
  const History clean = build_history(good, {});

  EXPECT_EQ(fleet.files_read, 990u);
  ASSERT_EQ(fleet.skipped.size(), damaged.size());
  for (const SkippedFile& skipped : fleet.skipped) {
    const auto expected = damaged.find(skipped.path.lexically_normal());
    ASSERT_NE(expected, damaged.end()) << skipped.path << " was skipped: " << skipped.reason;
    EXPECT_NE(skipped.reason.find(expected->second), std::string::npos) << skipped.reason;
    EXPECT_EQ(testing::loader_message_problem(skipped.reason, skipped.path.string()), "")
        << skipped.reason;
  }

  // The figures: every group, driver column, run, median, spread and step, as history --json
  // writes them.
  auto figures = nlohmann::json::parse(history_to_json(fleet));
  auto clean_figures = nlohmann::json::parse(history_to_json(clean));
  ASSERT_FALSE(clean_figures["groups"].empty());
  EXPECT_EQ(figures["groups"], clean_figures["groups"]);
}

}  // namespace
}  // namespace gpubench
