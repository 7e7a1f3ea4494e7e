// The driver suite's row table, sampling budget, copy patterns and GEMM reference, on the CPU.
#include "model/driver_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "model/memory_plan.hpp"
#include "model/profile.hpp"

namespace gpubench {
namespace {

TEST(DriverPlan, RowsAreUniqueAndCoverEveryKind) {
  const auto rows = driver_rows();
  std::set<std::string> names;
  std::set<DriverRowKind> kinds;
  for (const DriverRow& row : rows) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_EQ(row.name.rfind("driver/", 0), 0u) << row.name;
    kinds.insert(row.kind);
    EXPECT_EQ(row.rate, row.kind == DriverRowKind::kLaunchRate) << row.name;
  }
  EXPECT_EQ(kinds.size(), static_cast<std::size_t>(DriverRowKind::kCublasSteadyGemm) + 1);
}

TEST(DriverPlan, CopiesCoverBothDirectionsBothHostMemoriesAndThreeSizes) {
  std::set<std::tuple<CopyDirection, bool, std::int64_t>> seen;
  for (const DriverRow& row : driver_rows()) {
    if (row.kind != DriverRowKind::kCopy) continue;
    seen.insert({row.direction, row.pinned, row.bytes});
    EXPECT_NE(row.name.find(row.pinned ? "pinned" : "pageable"), std::string::npos) << row.name;
    EXPECT_NE(row.name.find(format_bytes(row.bytes)), std::string::npos) << row.name;
  }
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_TRUE(seen.contains({CopyDirection::kDeviceToHost, false, 4}));
  EXPECT_TRUE(seen.contains({CopyDirection::kHostToDevice, true, 64 * kKiB}));
}

TEST(DriverPlan, LaunchGraphAndGemmRowsSayHowMuchTheyDo) {
  for (const DriverRow& row : driver_rows()) {
    switch (row.kind) {
      case DriverRowKind::kLaunchRate:
        EXPECT_EQ(row.kernels, kLaunchRateKernels);
        break;
      case DriverRowKind::kGraphLaunch:
      case DriverRowKind::kGraphOneByOne:
        EXPECT_EQ(row.kernels, kGraphKernels) << row.name;
        break;
      case DriverRowKind::kCublasFirstGemm:
      case DriverRowKind::kCublasSteadyGemm:
        EXPECT_EQ(row.gemm_size, kCublasGemmSize) << row.name;
        break;
      case DriverRowKind::kMallocFree:
      case DriverRowKind::kPoolMallocFree:
      case DriverRowKind::kMemset:
        EXPECT_GT(row.bytes, 0) << row.name;
        break;
      default:
        break;
    }
  }
}

// Issue 16: the suite's share of the quick profile is about 1-2 s. Every repetition of every row
// at the quick budget, plus a slow sample's overshoot (a JIT compile, a 1 GiB free: a few
// milliseconds), must stay within that.
TEST(DriverPlan, QuickSamplingFitsTheQuickProfile) {
  const Profile& quick = quick_profile();
  EXPECT_LT(quick.driver_stopping.budget_s, full_profile().driver_stopping.budget_s);
  const double quick_s = static_cast<double>(driver_rows().size()) * quick.repetitions *
                         (quick.driver_stopping.budget_s + 0.005);
  EXPECT_LT(quick_s, 2.0);
  EXPECT_GE(quick.driver_stopping.min_samples, 5u);
}

TEST(DriverPlan, PatternsAreNeverZeroAndChangeWithTheSeed) {
  for (std::uint32_t seed = 0; seed < 1000; ++seed) {
    int same_as_next_seed = 0;
    for (std::size_t i = 0; i < 64; ++i) {
      ASSERT_NE(pattern_byte(seed, i), 0) << seed << " " << i;
      same_as_next_seed += pattern_byte(seed, i) == pattern_byte(seed + 1, i);
    }
    EXPECT_LT(same_as_next_seed, 8) << seed;
    // A 4-byte copy must tell consecutive seeds apart.
    bool differs = false;
    for (std::size_t i = 0; i < 4; ++i)
      differs |= pattern_byte(seed, i) != pattern_byte(seed + 1, i);
    EXPECT_TRUE(differs) << seed;
  }
}

TEST(DriverPlan, MismatchFindsTheFirstWrongByte) {
  std::vector<std::uint8_t> bytes(4096);
  fill_pattern(bytes, 7);
  EXPECT_FALSE(first_pattern_mismatch(bytes, 7));
  EXPECT_EQ(first_pattern_mismatch(bytes, 8), 0u);
  bytes[1234] ^= 1;
  bytes[2000] ^= 1;
  EXPECT_EQ(first_pattern_mismatch(bytes, 7), 1234u);
  std::vector<std::uint8_t> cleared(16, 0);
  EXPECT_EQ(first_pattern_mismatch(cleared, 7), 0u);
}

TEST(DriverPlan, GemmReferenceIsExactSmallIntegers) {
  for (std::size_t i = 0; i < 1000; ++i) {
    for (int which = 0; which < 2; ++which) {
      const float value = gemm_operand(which, i);
      EXPECT_GE(value, -2.0f);
      EXPECT_LE(value, 2.0f);
      EXPECT_EQ(value, std::round(value));
    }
  }
  const int n = 5;
  const auto c = gemm_reference(n);
  ASSERT_EQ(c.size(), 25u);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      double sum = 0;
      for (int k = 0; k < n; ++k) {
        sum += static_cast<double>(gemm_operand(0, static_cast<std::size_t>(i + k * n))) *
               gemm_operand(1, static_cast<std::size_t>(k + j * n));
      }
      EXPECT_EQ(c[static_cast<std::size_t>(i + j * n)], static_cast<float>(sum)) << i << "," << j;
    }
  }
  // The suite's shape: every entry within FP32's exact integer range.
  const auto full = gemm_reference(kCublasGemmSize);
  for (const float value : full)
    ASSERT_LE(std::fabs(value), 4.0f * kCublasGemmSize);
  EXPECT_TRUE(std::any_of(full.begin(), full.end(), [](float v) { return v != 0.0f; }));
}

}  // namespace
}  // namespace gpubench
