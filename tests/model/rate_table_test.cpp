#include "model/rate_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <utility>

#include "model/spec_database.hpp"

namespace gpubench {
namespace {

constexpr ComputeCapability kTuring{7, 5}, kA100{8, 0}, kAmpere{8, 6}, kAda{8, 9}, kHopper{9, 0},
    kRtxBlackwell{12, 0};

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
    if (t == Throughput::kFp64Tensor || t == Throughput::kFp4Tensor ||
        t == Throughput::kFp6Tensor) {  // Ada has no FP64, FP4 or FP6 tensor math in either class
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
  // B200 (sm_100): no document gives its SM count and clock, so no per-SM rate.
  EXPECT_FALSE(rate_table_knows({10, 0}));
  EXPECT_FALSE(ops_per_clock_per_sm({10, 0}, ProductClass::kDatacenter, Throughput::kFp32));
  EXPECT_FALSE(peak_tera_ops({10, 0}, ProductClass::kDatacenter, Throughput::kFp32, 10, 1000));
  EXPECT_FALSE(rate_is_undocumented({10, 0}, ProductClass::kDatacenter, Throughput::kFp32));
  for (const auto cc : {kTuring, kA100, kAmpere, kAda, kHopper, kRtxBlackwell})
    EXPECT_TRUE(rate_table_knows(cc));
}

// The sm_120 GeForce rates against the dense RTX 5090 figures of the RTX Blackwell whitepaper's
// Appendix A (170 SMs, 2407 MHz boost): each peak / (SMs x boost) within 0.1% of the table.
TEST(RateTable, RtxBlackwellGeForceRatesMatchTheWhitepaperFigures) {
  constexpr int kSms = 170;
  constexpr double kBoostMhz = 2407;
  const std::pair<Throughput, double> documented_tflops[] = {
      {Throughput::kFp16TensorFp16Acc, 419.0}, {Throughput::kFp16TensorFp32Acc, 209.5},
      {Throughput::kBf16Tensor, 209.5},        {Throughput::kFp8TensorFp16Acc, 838.0},
      {Throughput::kFp8TensorFp32Acc, 419.0},
  };
  for (const auto& [t, tflops] : documented_tflops) {
    const auto peak = peak_tera_ops(kRtxBlackwell, ProductClass::kGeForce, t, kSms, kBoostMhz);
    ASSERT_TRUE(peak) << spec_key(t);
    EXPECT_NEAR(*peak / tflops, 1.0, 1e-3) << spec_key(t);
  }
  // 21760 CUDA cores / 170 SMs = 128 FP32 lanes per SM, 2 FLOP per FMA.
  EXPECT_EQ(ops_per_clock_per_sm(kRtxBlackwell, ProductClass::kGeForce, Throughput::kFp32), 256);
}

// GeForce Blackwell halves FP32-accumulate FP16 tensor math as Ada does; RTX PRO does not (the
// RTX PRO Blackwell whitepaper prints 503.8 TFLOPS with either accumulator for the RTX PRO 6000).
TEST(RateTable, RtxBlackwellGeForceHalvesFp32AccumulateAndRtxProDoesNot) {
  const auto rate = [](ProductClass c, Throughput t) {
    return ops_per_clock_per_sm(kRtxBlackwell, c, t);
  };
  EXPECT_EQ(*rate(ProductClass::kGeForce, Throughput::kFp16TensorFp32Acc) * 2,
            *rate(ProductClass::kGeForce, Throughput::kFp16TensorFp16Acc));
  EXPECT_EQ(*rate(ProductClass::kDatacenter, Throughput::kFp16TensorFp32Acc),
            *rate(ProductClass::kDatacenter, Throughput::kFp16TensorFp16Acc));
  EXPECT_EQ(*rate(ProductClass::kGeForce, Throughput::kFp16TensorFp16Acc),
            *rate(ProductClass::kDatacenter, Throughput::kFp16TensorFp16Acc));
}

// FP4 on sm_120: the RTX 5090's dense 1676 TFLOPS with FP32 accumulate at 170 SMs x 2407 MHz, with
// no GeForce halving; the RTX PRO column the same (RTX PRO 6000: 2000 dense FP4 TFLOPS against
// 503.8 FP16, a ratio of 3.97). FP6 has no documented sm_120 figure, and no architecture before
// Blackwell has either format.
TEST(RateTable, RtxBlackwellFp4MatchesTheWhitepaperAndFp6IsUnknown) {
  const auto peak =
      peak_tera_ops(kRtxBlackwell, ProductClass::kGeForce, Throughput::kFp4Tensor, 170, 2407);
  ASSERT_TRUE(peak);
  EXPECT_NEAR(*peak / 1676.0, 1.0, 1e-3);
  EXPECT_EQ(ops_per_clock_per_sm(kRtxBlackwell, ProductClass::kDatacenter, Throughput::kFp4Tensor),
            ops_per_clock_per_sm(kRtxBlackwell, ProductClass::kGeForce, Throughput::kFp4Tensor));
  const double pro_ratio =
      *ops_per_clock_per_sm(kRtxBlackwell, ProductClass::kDatacenter, Throughput::kFp4Tensor) /
      *ops_per_clock_per_sm(kRtxBlackwell, ProductClass::kDatacenter,
                            Throughput::kFp16TensorFp16Acc);
  EXPECT_NEAR(pro_ratio, 2000.0 / 503.8, 0.05);
  for (const auto c : {ProductClass::kGeForce, ProductClass::kDatacenter}) {
    EXPECT_TRUE(rate_is_undocumented(kRtxBlackwell, c, Throughput::kFp6Tensor));
    for (const auto cc : {kTuring, kA100, kAmpere, kAda, kHopper}) {
      for (const auto t : {Throughput::kFp4Tensor, Throughput::kFp6Tensor}) {
        EXPECT_FALSE(ops_per_clock_per_sm(cc, c, t)) << cc.str() << " " << spec_key(t);
        EXPECT_FALSE(rate_is_undocumented(cc, c, t)) << cc.str() << " " << spec_key(t);
      }
    }
  }
  EXPECT_EQ(spec_key(Throughput::kFp4Tensor), "fp4_tensor_tflops");
  EXPECT_EQ(spec_key(Throughput::kFp6Tensor), "fp6_tensor_tflops");
}

// A rate no cited document gives is unknown: no number, and distinguishable from a missing unit.
TEST(RateTable, UndocumentedRatesAreUnknownNotAbsent) {
  for (const auto t : {Throughput::kInt8Tensor, Throughput::kTf32Tensor, Throughput::kFp64}) {
    EXPECT_FALSE(ops_per_clock_per_sm(kRtxBlackwell, ProductClass::kGeForce, t)) << spec_key(t);
    EXPECT_TRUE(rate_is_undocumented(kRtxBlackwell, ProductClass::kGeForce, t)) << spec_key(t);
  }
  EXPECT_FALSE(rate_is_undocumented(kAda, ProductClass::kGeForce, Throughput::kFp64Tensor));
  EXPECT_FALSE(rate_is_undocumented(kRtxBlackwell, ProductClass::kGeForce, Throughput::kFp32));
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

TEST(RateTable, MmaSyncIsTheLegacyPathOnlyWhereAnotherInstructionHoldsThePeak) {
  EXPECT_NE(legacy_mma_sync_label(90).find("wgmma"), std::string_view::npos);
  EXPECT_NE(legacy_mma_sync_label(100).find("tcgen05"), std::string_view::npos);
  EXPECT_NE(legacy_mma_sync_label(103).find("tcgen05"), std::string_view::npos);
  for (const int sm : {75, 80, 86, 89, 120, 121}) {
    EXPECT_TRUE(legacy_mma_sync_label(sm).empty()) << sm;
  }
}

}  // namespace
}  // namespace gpubench
