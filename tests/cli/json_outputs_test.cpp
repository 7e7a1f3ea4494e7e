// Every --json output opens with its schema name and version (gpubench/json_outputs.hpp), read
// from the binary as a script reads it, over the real H200 runs.
#include "gpubench/json_outputs.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/h200_runs.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using json = nlohmann::ordered_json;  // keeps the order of keys, which the test checks
using testing::h200_run;
using testing::run_gpubench;
using testing::TempDir;

// Appended piece by piece: GCC 12's -Wrestrict misfires on "'" + text + "'" at -O3.
std::string quoted(const std::filesystem::path& path) {
  std::string out(1, '\'');
  out.append(path.string()).push_back('\'');
  return out;
}

// Runs `gpubench <args>` and checks the document's "schema" and "schema_version".
void expect_versioned(const std::string& args, const JsonOutputSchema& schema) {
  const auto result = run_gpubench(args);
  ASSERT_NE(result.exit_code, 2) << args << "\n" << result.err;
  const json document = json::parse(result.out);
  ASSERT_TRUE(document.is_object()) << args;
  EXPECT_EQ(document.value("schema", ""), std::string(schema.name)) << args;
  ASSERT_TRUE(document.contains("schema_version")) << args;
  EXPECT_EQ(document["schema_version"], schema.version) << args;
  // The version is the document's first key, where a reader that stops early still finds it.
  EXPECT_EQ(document.begin().key(), "schema") << args;
}

// Two runs of the same card in one directory, as history and fleet read them.
struct TwoRuns {
  TempDir dir;
  TwoRuns() {
    for (const char* name : {"quick1.json", "quick2.json"})
      std::filesystem::copy_file(h200_run(name), dir.path() / name);
  }
};

TEST(JsonOutputs, ReportCarriesItsVersion) {
  expect_versioned("report --json " + quoted(h200_run("quick1.json")), kReportJsonSchema);
}

TEST(JsonOutputs, CompareCarriesItsVersion) {
  expect_versioned(
      "compare --json " + quoted(h200_run("quick1.json")) + " " + quoted(h200_run("quick2.json")),
      kCompareJsonSchema);
}

TEST(JsonOutputs, HistoryCarriesItsVersion) {
  const TwoRuns runs;
  expect_versioned("history --json " + quoted(runs.dir.path()), kHistoryJsonSchema);
}

TEST(JsonOutputs, FleetCarriesItsVersion) {
  const TwoRuns runs;
  expect_versioned("fleet --json " + quoted(runs.dir.path()), kFleetJsonSchema);
}

TEST(JsonOutputs, CheckCarriesItsVersion) {
  expect_versioned("check --json " + quoted(h200_run("quick1.json")), kCheckJsonSchema);
}

TEST(JsonOutputs, SpecsListAndCompareCarryTheirVersions) {
  expect_versioned("specs list --json", kSpecsListJsonSchema);
  expect_versioned("specs compare rtx-4070 l4 --json", kSpecsCompareJsonSchema);
}

// Each kind has its own name, so a script handed the wrong document can tell.
TEST(JsonOutputs, EveryKindHasItsOwnName) {
  const JsonOutputSchema kinds[] = {
      kReportJsonSchema, kCompareJsonSchema, kHistoryJsonSchema,   kFleetJsonSchema,
      kCheckJsonSchema,  kInfoJsonSchema,    kSpecsListJsonSchema, kSpecsCompareJsonSchema};
  for (std::size_t i = 0; i < std::size(kinds); ++i) {
    EXPECT_GE(kinds[i].version, 1) << kinds[i].name;
    for (std::size_t j = i + 1; j < std::size(kinds); ++j)
      EXPECT_NE(kinds[i].name, kinds[j].name);
  }
}

}  // namespace
}  // namespace gpubench
