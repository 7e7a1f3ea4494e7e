#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "model/spec_database.hpp"

// The Blackwell-era sheets (issue 25): values no document gives are explicit unknowns, and FP4/FP6
// peaks are dense and documented. The rate-table consistency test for them is in
// spec_database_test.cpp, with every other sheet's.

namespace gpubench {
namespace {

const SpecDatabase& tree_database() {
  static const SpecDatabase database = SpecDatabase::load_directory(GPUBENCH_SPECS_DIR);
  return database;
}

constexpr std::string_view kPreBlackwellIds[] = {
    "rtx-4070", "l4", "rtx-4070-ti",    "rtx-4090",  "l40s",      "rtx-3090",
    "a10",      "t4", "a100-sxm4-80gb", "h100-sxm5", "h100-pcie", "h200-sxm"};

// "undocumented:" marks a value as unknown; it is never derived and never carries a number.
TEST(SpecDatabase, UndocumentedValuesAreNullAndNotDerived) {
  int undocumented = 0;
  for (const auto& sheet : tree_database().sheets()) {
    for (const auto& [key, value] : sheet.values) {
      if (!value.undocumented()) continue;
      ++undocumented;
      EXPECT_FALSE(value.derived) << sheet.id << "." << key;
      EXPECT_GT(value.source.size(), kUndocumentedPrefix.size() + 10)
          << sheet.id << "." << key << " must say which document is missing";
      EXPECT_EQ(value.display(), "not documented") << sheet.id << "." << key;
    }
  }
  EXPECT_GT(undocumented, 0);  // the Blackwell sheets leave L2 size unknown, for one
  EXPECT_EQ(tree_database().at("rtx-5070").find("l2_cache_mb")->display(), "not documented");
  EXPECT_EQ(tree_database().at("l4").find("fp64_tensor_tflops")->display(), "n/a");
}

// The original twelve sheets stay complete: none of their key values became unknown.
TEST(SpecDatabase, PreBlackwellSheetsDocumentEveryKeyValue) {
  for (const auto id : kPreBlackwellIds) {
    for (const auto& [key, value] : tree_database().at(id).values) {
      EXPECT_FALSE(value.undocumented()) << id << "." << key;
    }
  }
}

// Every Blackwell sheet carries its card's documented FP4 peak (dense), and the GeForce and RTX
// PRO ones agree with sm_120's 4096 FLOP/clk/SM; no card before Blackwell has FP4 or FP6.
TEST(SpecDatabase, BlackwellSheetsCarryDenseFp4AndOlderOnesNone) {
  for (const auto& sheet : tree_database().sheets()) {
    const SpecValue* fp4 = sheet.find("fp4_tensor_tflops");
    const SpecValue* fp6 = sheet.find("fp6_tensor_tflops");
    ASSERT_TRUE(fp4 && fp6) << sheet.id;
    if (sheet.architecture != "blackwell") {
      EXPECT_TRUE(fp4->is_null() && !fp4->undocumented()) << sheet.id;
      EXPECT_TRUE(fp6->is_null() && !fp6->undocumented()) << sheet.id;
      continue;
    }
    ASSERT_TRUE(fp4->number()) << sheet.id;
    EXPECT_FALSE(fp4->derived) << sheet.id;
    EXPECT_NE(fp4->source.find("dense"), std::string::npos)
        << sheet.id << ": a sparse FP4 headline must be halved, and the source must say so";
  }
  // RTX 5090: the whitepaper's dense 1676 TFLOPS, not the 3352 "AI TOPS" headline.
  EXPECT_DOUBLE_EQ(*tree_database().at("rtx-5090").number("fp4_tensor_tflops"), 1676);
  EXPECT_DOUBLE_EQ(*tree_database().at("b200").number("fp4_tensor_tflops"), 9000);
  EXPECT_DOUBLE_EQ(*tree_database().at("b200").number("fp6_tensor_tflops"), 4500);
}

}  // namespace
}  // namespace gpubench
