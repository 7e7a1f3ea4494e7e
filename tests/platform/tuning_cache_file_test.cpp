// The autotuning cache on disk: a missing file is empty, entries merge, a corrupt file is said and
// replaced, the write is atomic, and a folder that cannot be written is a warning.
#include "platform/tuning_cache_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(TuningCacheFile, RemembersAcrossLoadsAndReplacesACorruptFile) {
  const testing::TempDir dir;
  const auto path = dir.path() / "nested" / "tuning.json";
  std::string problem;
  EXPECT_TRUE(load_tuning_cache(path, problem).entries.empty()) << "a missing file is empty";
  EXPECT_TRUE(problem.empty()) << "and no problem";
  ASSERT_EQ(remember_tuning(path, "one", {"sgemm tile 128x64x8", 0.3}), "");
  ASSERT_EQ(remember_tuning(path, "two", {"sgemm tile 64x64x8", 0.2}), "");
  TuningCache cache = load_tuning_cache(path, problem);
  EXPECT_TRUE(problem.empty()) << problem;
  EXPECT_EQ(cache.entries.size(), 2u) << "the second entry was merged, not written over the first";

  dir.write("nested/tuning.json", "{\"format\": 1, \"entr");
  cache = load_tuning_cache(path, problem);
  EXPECT_TRUE(cache.entries.empty());
  EXPECT_NE(problem.find("is not usable"), std::string::npos) << problem;
  ASSERT_EQ(remember_tuning(path, "three", {"sgemm tile 64x64x8", 0.1}), "");
  problem.clear();
  cache = load_tuning_cache(path, problem);
  EXPECT_TRUE(problem.empty()) << problem;
  EXPECT_EQ(cache.entries.size(), 1u);
  // No temporary file is left beside it.
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(path.parent_path()))
    ++files;
  EXPECT_EQ(files, 1);
}

TEST(TuningCacheFile, AnUnwritableFolderIsAWarningNotAFailure) {
  const testing::TempDir dir;
  dir.write("file", "x");
  const std::string problem = remember_tuning(dir.path() / "file" / "tuning.json", "k", {"x", 1});
  EXPECT_NE(problem.find("could not be written"), std::string::npos) << problem;
}

}  // namespace
}  // namespace gpubench
