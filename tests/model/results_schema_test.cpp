// The results contract (include/gpubench/results_schema.hpp) and the places that must follow it:
// a key added there and forgotten in the fuzzers' dictionary fails here.
#include "gpubench/results_schema.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace gpubench {
namespace {

std::string read_source(const std::string& relative) {
  std::ifstream in(std::filesystem::path(GPUBENCH_SOURCE_DIR) / relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The JSON keys fuzz/dict/results_file.dict offers the fuzzer: lines such as "\"gpu_name\"".
std::set<std::string> dictionary_keys() {
  std::set<std::string> keys;
  std::istringstream lines(read_source("fuzz/dict/results_file.dict"));
  const std::regex quoted_key(R"re(^"\\"(.+)\\""$)re");
  std::smatch match;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_match(line, match, quoted_key)) keys.insert(match[1].str());
  }
  return keys;
}

TEST(ResultsSchema, FuzzDictionaryHoldsTheManifestAndTopLevelKeys) {
  const std::set<std::string> keys = dictionary_keys();
  ASSERT_FALSE(keys.empty()) << "fuzz/dict/results_file.dict is missing or unreadable";
  for (const auto key : kManifestKeys)
    EXPECT_TRUE(keys.contains(std::string(key))) << key << ": rerun fuzz/make_seeds.py";
  for (const auto key : {kSchemaVersionKey, kContextKey, kBenchmarksKey, kReasonsKey})
    EXPECT_TRUE(keys.contains(std::string(key))) << key << ": rerun fuzz/make_seeds.py";
}

// Every key the contract names, the optional ones included, not only those the test above lists.
TEST(ResultsSchema, FuzzDictionaryHoldsEveryKeyTheContractNames) {
  const std::set<std::string> keys = dictionary_keys();
  const std::string header = read_source("include/gpubench/results_schema.hpp");
  const std::regex constant(R"re(std::string_view k\w+ = "([^"]+)")re");
  int named = 0;
  for (std::sregex_iterator it(header.begin(), header.end(), constant), end; it != end; ++it) {
    ++named;
    EXPECT_TRUE(keys.contains((*it)[1].str())) << (*it)[1].str() << ": rerun fuzz/make_seeds.py";
  }
  EXPECT_GT(named, static_cast<int>(kManifestKeys.size())) << "the header's keys were not found";
}

TEST(ResultsSchema, ManifestKeysAreDistinctAndExcludeTheVersion) {
  const std::set<std::string_view> distinct(kManifestKeys.begin(), kManifestKeys.end());
  EXPECT_EQ(distinct.size(), kManifestKeys.size());
  EXPECT_FALSE(distinct.contains(kSchemaVersionKey));
  EXPECT_GE(kResultsSchemaVersion, 1);
}

}  // namespace
}  // namespace gpubench
