// The autotuning cache on the CPU: its text round-trips, a corrupt or foreign file reads as empty
// and says why, keys separate devices, drivers, candidate sets and shapes, and the folder follows
// GPUBENCH_CACHE_DIR, then XDG_CACHE_HOME, then HOME (tests/platform/ has the file on disk).
#include "model/tuning_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gpubench {
namespace {

TEST(TuningCache, RoundTripsItsEntries) {
  TuningCache cache;
  cache.entries["GPU-1|driver 580.95.05|a,b|4096x4096x4096"] = {"sgemm tile 128x128x16", 0.42};
  cache.entries["GPU-1|driver 580.95.05|a,b|64x64x64"] = {"sgemm tile 64x64x8", 0.05};
  std::string problem;
  const TuningCache read = parse_tuning_cache(serialize_tuning_cache(cache), problem);
  EXPECT_TRUE(problem.empty()) << problem;
  ASSERT_EQ(read.entries.size(), 2u);
  EXPECT_EQ(read.entries.at("GPU-1|driver 580.95.05|a,b|4096x4096x4096").choice,
            "sgemm tile 128x128x16");
  EXPECT_DOUBLE_EQ(read.entries.at("GPU-1|driver 580.95.05|a,b|64x64x64").tuning_s, 0.05);
}

TEST(TuningCache, ACorruptOrForeignFileReadsAsEmptyAndSaysWhy) {
  for (const std::string& text :
       {std::string("{\"format\": 1, \"entries\": {\"k\": {\"cho"),
        std::string("\x00\xff garbage", 10), std::string("[]"),
        std::string(R"({"format": 99, "entries": {}})"), std::string(R"({"format": 1})")}) {
    std::string problem;
    EXPECT_TRUE(parse_tuning_cache(text, problem).entries.empty()) << text;
    EXPECT_FALSE(problem.empty()) << text;
  }
  // Entries of the wrong shape are skipped, the others kept.
  std::string problem;
  const TuningCache cache = parse_tuning_cache(
      R"({"format": 1, "entries": {"good": {"choice": "x", "tuning_s": 0.1},
          "no_time": {"choice": "x"}, "negative": {"choice": "x", "tuning_s": -1},
          "not_text": {"choice": 3, "tuning_s": 0.1}, "not_object": 7}})",
      problem);
  EXPECT_TRUE(problem.empty()) << problem;
  ASSERT_EQ(cache.entries.size(), 1u);
  EXPECT_TRUE(cache.entries.contains("good"));
}

TEST(TuningCache, KeysSeparateDeviceDriverCandidatesAndShape) {
  const std::string key = tuning_cache_key("GPU-1", "580.95.05", "a,b", 4096, 4096, 1024);
  EXPECT_NE(key, tuning_cache_key("GPU-2", "580.95.05", "a,b", 4096, 4096, 1024));
  EXPECT_NE(key, tuning_cache_key("GPU-1", "575.57.08", "a,b", 4096, 4096, 1024));
  EXPECT_NE(key, tuning_cache_key("GPU-1", "580.95.05", "a,b,c", 4096, 4096, 1024));
  EXPECT_NE(key, tuning_cache_key("GPU-1", "580.95.05", "a,b", 4096, 1024, 4096));
}

TEST(TuningCache, TheFolderFollowsTheEnvironmentInOrder) {
  EXPECT_EQ(tuning_cache_dir("/override", "/xdg", "/home/u"), std::filesystem::path("/override"));
  EXPECT_EQ(tuning_cache_dir(nullptr, "/xdg", "/home/u"), std::filesystem::path("/xdg/gpubench"));
  EXPECT_EQ(tuning_cache_dir("", "/xdg", "/home/u"), std::filesystem::path("/xdg/gpubench"));
  EXPECT_EQ(tuning_cache_dir(nullptr, "relative", "/home/u"),
            std::filesystem::path("/home/u/.cache/gpubench"))
      << "a relative XDG_CACHE_HOME is ignored, as the XDG specification says";
  EXPECT_EQ(tuning_cache_dir(nullptr, nullptr, "/home/u"),
            std::filesystem::path("/home/u/.cache/gpubench"));
  EXPECT_FALSE(tuning_cache_dir(nullptr, "", "").has_value());
}

}  // namespace
}  // namespace gpubench
