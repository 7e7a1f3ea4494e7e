// The gpubench binary as a user meets it: exit codes, one-sentence errors, JSON that parses.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "gpubench/json_outputs.hpp"
#include "model/spec_database.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::kNoGpuEnv;
using testing::run_gpubench;

int line_count(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(Cli, InfoWithoutAGpuSaysWhyInOneSentenceAndExits2) {
  const auto result = run_gpubench("info", kNoGpuEnv);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("gpubench: No CUDA device"), std::string::npos) << result.err;
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST(Cli, InfoJsonWithoutAGpuPrintsNoHalfDocument) {
  const auto result = run_gpubench("info --json", kNoGpuEnv);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST(Cli, CompareAgainstThePresentDeviceWithoutAGpuExits2) {
  const auto result = run_gpubench("specs compare --device 0", kNoGpuEnv);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("No CUDA device"), std::string::npos) << result.err;
}

TEST(Cli, SpecsListNamesEveryCard) {
  const auto result = run_gpubench("specs list");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const auto& sheet : SpecDatabase::builtin().sheets()) {
    EXPECT_NE(result.out.find(sheet.id), std::string::npos) << sheet.id;
  }
  const auto listed = json::parse(run_gpubench("specs list --json").out);
  EXPECT_EQ(listed["sheets"].size(), SpecDatabase::builtin().sheets().size());
}

TEST(Cli, SpecsShowJsonHasIdNameAndSourcedValues) {
  const auto result = run_gpubench("specs show rtx-4070 --json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto document = json::parse(result.out);
  EXPECT_EQ(document["id"], "rtx-4070");
  EXPECT_EQ(document["values"].size(), kSpecKeys.size());
  EXPECT_TRUE(document["values"]["memory_bandwidth_gbs"]["value"].is_number());
  EXPECT_FALSE(document["values"]["memory_bandwidth_gbs"]["source"].get<std::string>().empty());
}

TEST(Cli, SpecsShowTextListsSources) {
  const auto result = run_gpubench("specs show l4");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("memory_bandwidth_gbs"), std::string::npos);
  EXPECT_NE(result.out.find("derived"), std::string::npos);
}

TEST(Cli, SpecsCompareTheTwoTargetCards) {
  const auto text = run_gpubench("specs compare rtx-4070 l4");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("rtx-4070"), std::string::npos);
  EXPECT_NE(text.out.find("fp16_tensor_fp32acc_tflops"), std::string::npos);

  const auto result = run_gpubench("specs compare rtx-4070 l4 --json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto document = json::parse(result.out);
  EXPECT_EQ(document["a"]["id"], "rtx-4070");
  EXPECT_EQ(document["b"]["id"], "l4");
  const auto& database = SpecDatabase::builtin();
  for (const auto& row : document["rows"]) {
    if (row["key"] == "sm_count") {
      EXPECT_DOUBLE_EQ(
          row["ratio_a_to_b"].get<double>(),
          *database.at("rtx-4070").number("sm_count") / *database.at("l4").number("sm_count"));
    }
  }
}

// The upgrade comparisons of issue 25: sourced values side by side, and a value no document gives
// printed as "not documented" (null in JSON), never a failure or a made-up number.
TEST(Cli, SpecsCompareBlackwellCardsSaysWhatIsNotDocumented) {
  for (const std::string pair : {"rtx-4070 rtx-5070", "l4 rtx-pro-4000-blackwell-sff"}) {
    const auto text = run_gpubench("specs compare " + pair);
    ASSERT_EQ(text.exit_code, 0) << pair << ": " << text.err;
    EXPECT_NE(text.out.find("not documented"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("fp4_tensor_tflops"), std::string::npos) << text.out;
  }
  const auto result = run_gpubench("specs compare rtx-4070 rtx-5070 --json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto document = json::parse(result.out);
  int checked = 0;
  for (const auto& row : document["rows"]) {
    if (row["key"] == "l2_cache_mb") {  // documented for the 4070, not for the 5070
      EXPECT_TRUE(row["a"].is_number());
      EXPECT_TRUE(row["b"].is_null());
      EXPECT_TRUE(row["ratio_a_to_b"].is_null());
      ++checked;
    }
    if (row["key"] == "fp4_tensor_tflops") {  // no FP4 on Ada; 988 sparse AI TOPS / 2
      EXPECT_TRUE(row["a"].is_null());
      EXPECT_DOUBLE_EQ(row["b"].get<double>(), 494);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);
}

TEST(Cli, BadInputExits2WithAHint) {
  const auto unknown_id = run_gpubench("specs show rtx-9999");
  EXPECT_EQ(unknown_id.exit_code, 2);
  EXPECT_NE(unknown_id.err.find("known ids"), std::string::npos) << unknown_id.err;
  EXPECT_EQ(line_count(unknown_id.err), 1) << unknown_id.err;

  EXPECT_EQ(run_gpubench("specs compare rtx-4070").exit_code, 2);
  EXPECT_EQ(run_gpubench("specs compare rtx-4070 l4 --device 0").exit_code, 2);
  EXPECT_EQ(run_gpubench("no-such-command").exit_code, 2);
  EXPECT_EQ(run_gpubench("info --device notanumber").exit_code, 2);
  EXPECT_EQ(run_gpubench("").exit_code, 2);
}

TEST(Cli, HelpIsAvailableEverywhere) {
  for (const char* command : {"--help", "info --help", "specs --help", "specs list --help",
                              "specs show --help", "specs compare --help"}) {
    const auto result = run_gpubench(command);
    EXPECT_EQ(result.exit_code, 0) << command;
    EXPECT_NE(result.out.find("Usage"), std::string::npos) << command;
  }
}

// Each command's help opens with one line a person can paste, naming that command.
TEST(Cli, EveryHelpOpensWithAnExampleOfItsCommand) {
  for (const std::string command : {"", "info", "run", "report", "specs", "specs list",
                                    "specs show", "specs compare", "compare", "history", "fleet"}) {
    const auto result = run_gpubench(command.empty() ? "--help" : command + " --help");
    ASSERT_EQ(result.exit_code, 0) << command;
    const std::string first_line = result.out.substr(0, result.out.find('\n'));
    EXPECT_EQ(first_line.rfind("Example: gpubench " + command, 0), 0u) << first_line;
  }
}

TEST(CliGpu, InfoDescribesThePresentGpu) {
  GPUBENCH_REQUIRE_GPU();
  const auto result = run_gpubench("info --json");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto document = json::parse(result.out);
  EXPECT_EQ(document["schema"], std::string(kInfoJsonSchema.name));
  EXPECT_EQ(document["schema_version"], kInfoJsonSchema.version);
  ASSERT_FALSE(document["devices"].empty());
  const auto& device = document["devices"][0];
  EXPECT_GT(device["sm_count"].get<int>(), 0);
  EXPECT_TRUE(device["driver_version"].is_string()) << "NVML must report the driver";
  EXPECT_FALSE(device["spec_sheet"]["id"].get<std::string>().empty());

  const auto out_of_range = run_gpubench("info --device 999");
  EXPECT_EQ(out_of_range.exit_code, 2);
  EXPECT_NE(out_of_range.err.find("does not exist"), std::string::npos) << out_of_range.err;

  const auto compare = run_gpubench("specs compare --device 0");
  EXPECT_EQ(compare.exit_code, 0) << compare.err;
}

}  // namespace
}  // namespace gpubench
