#include "model/rate_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "model/spec_database.hpp"

namespace gpubench {
namespace {

constexpr ComputeCapability kTuring{7, 5}, kA100{8, 0}, kAmpere{8, 6}, kAda{8, 9}, kHopper{9, 0};

TEST(ComputeCapability, ParsesMajorDotMinor) {
  EXPECT_EQ(ComputeCapability::parse("8.9"), (ComputeCapability{8, 9}));
  EXPECT_EQ(ComputeCapability::parse("10.0"), (ComputeCapability{10, 0}));
  EXPECT_EQ(ComputeCapability::parse("89"), std::nullopt);
  EXPECT_EQ(ComputeCapability::parse("8."), std::nullopt);
  EXPECT_EQ(ComputeCapability::parse(".9"), std::nullopt);
  EXPECT_EQ(ComputeCapability::parse("8.9x"), std::nullopt);
  EXPECT_EQ((ComputeCapability{8, 9}).str(), "8.9");
}

TEST(RateTable, GeForceHalvesOnlyFp32AccumulateTensorMath) {
  for (const Throughput t : all_throughputs()) {
    const auto geforce = ops_per_clock_per_sm(kAda, ProductClass::kGeForce, t);
    const auto datacenter = ops_per_clock_per_sm(kAda, ProductClass::kDatacenter, t);
    if (t == Throughput::kFp64Tensor) {  // Ada has no FP64 tensor math in either class
      EXPECT_FALSE(geforce || datacenter);
      continue;
    }
    ASSERT_TRUE(geforce && datacenter) << spec_key(t);
    const bool halved = t == Throughput::kTf32Tensor || t == Throughput::kFp16TensorFp32Acc ||
                        t == Throughput::kBf16Tensor || t == Throughput::kFp8TensorFp32Acc;
    EXPECT_DOUBLE_EQ(*geforce * (halved ? 2 : 1), *datacenter) << spec_key(t);
  }
}

TEST(RateTable, UnitsAnArchitectureLacksHaveNoRate) {
  EXPECT_FALSE(ops_per_clock_per_sm(kTuring, ProductClass::kDatacenter, Throughput::kBf16Tensor));
  EXPECT_FALSE(ops_per_clock_per_sm(kTuring, ProductClass::kDatacenter, Throughput::kTf32Tensor));
  EXPECT_FALSE(
      ops_per_clock_per_sm(kAmpere, ProductClass::kDatacenter, Throughput::kFp8TensorFp32Acc));
  EXPECT_FALSE(
      ops_per_clock_per_sm(kA100, ProductClass::kDatacenter, Throughput::kFp8TensorFp16Acc));
  EXPECT_TRUE(ops_per_clock_per_sm(kAda, ProductClass::kDatacenter, Throughput::kFp8TensorFp16Acc));
  EXPECT_TRUE(
      ops_per_clock_per_sm(kHopper, ProductClass::kDatacenter, Throughput::kFp8TensorFp32Acc));
}

TEST(RateTable, UnknownArchitectureIsNotGuessed) {
  EXPECT_FALSE(rate_table_knows({12, 0}));
  EXPECT_FALSE(ops_per_clock_per_sm({12, 0}, ProductClass::kGeForce, Throughput::kFp32));
  EXPECT_FALSE(peak_tera_ops({12, 0}, ProductClass::kGeForce, Throughput::kFp32, 10, 1000));
  for (const auto cc : {kTuring, kA100, kAmpere, kAda, kHopper})
    EXPECT_TRUE(rate_table_knows(cc));
}

TEST(RateTable, PeakIsSmsTimesRateTimesClock) {
  // 10 SMs x 256 FLOP/clk x 1000 MHz = 2.56 TFLOPS.
  EXPECT_DOUBLE_EQ(*peak_tera_ops(kAda, ProductClass::kGeForce, Throughput::kFp32, 10, 1000), 2.56);
}

TEST(RateTable, EveryThroughputHasADistinctSpecKey) {
  std::set<std::string_view> keys;
  for (const Throughput t : all_throughputs()) {
    EXPECT_NE(std::find(kSpecKeys.begin(), kSpecKeys.end(), spec_key(t)), kSpecKeys.end())
        << spec_key(t);
    keys.insert(spec_key(t));
  }
  EXPECT_EQ(keys.size(), all_throughputs().size());
}

TEST(RateTable, ProductClassNamesRoundTrip) {
  for (const auto c : {ProductClass::kGeForce, ProductClass::kDatacenter}) {
    EXPECT_EQ(parse_product_class(to_string(c)), c);
  }
  EXPECT_EQ(parse_product_class("workstation"), std::nullopt);
}

}  // namespace
}  // namespace gpubench
