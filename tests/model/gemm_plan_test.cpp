// The GEMM suite's plan on the CPU: tolerances, shapes, byte and intensity arithmetic.
#include "model/gemm_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "model/memory_plan.hpp"

namespace gpubench {
namespace {

TEST(GemmPlan, TolerancePerPrecision) {
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kFp32, 4096), 1e-5);
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kTf32, 4096), 1e-3);
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kFp16Fp32Acc, 4096), 1e-2);
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kBf16, 4096), 1e-2);
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kFp8E4m3, 4096), 1e-2);
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kFp8E4m3, 16384), 2e-2) << "fast accumulate";
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kInt8, 4096), 0.0) << "INT8 must be exact";
  // FP16 accumulation: 1e-2 up to k = 1024, growing with sqrt(k) past it.
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kFp16Fp16Acc, 512), 1e-2);
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kFp16Fp16Acc, 4096), 2e-2);
}

TEST(GemmPlan, EveryPrecisionHasDistinctNameAndASpecPeak) {
  std::set<std::string_view> names;
  for (const GemmPrecision precision : all_gemm_precisions()) {
    const auto& info = gemm_precision_info(precision);
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_GT(info.input_bytes, 0);
    EXPECT_FALSE(spec_key(info.peak).empty());
  }
  EXPECT_EQ(names.size(), 8u);
}

TEST(GemmPlan, ShapesCoverSquaresLlmLayersAndResnet) {
  const auto full = gemm_shapes(full_profile(), 64 * kGiB, 2, 2);
  const auto count = [&](std::string_view family) {
    return std::count_if(full.begin(), full.end(), [&](auto& s) { return s.family == family; });
  };
  EXPECT_EQ(count("square"), 7);
  EXPECT_EQ(count("llm"), 20) << "5 layers x tokens 1, 16, 128, 2048";
  EXPECT_EQ(count("resnet"), 3);
  EXPECT_TRUE(std::any_of(full.begin(), full.end(), [](auto& s) {
    return s.m == 1 && s.n == 14336 && s.k == 4096;  // decode: one token through the MLP
  }));
  std::set<std::string> names;
  for (const auto& shape : full)
    EXPECT_TRUE(names.insert(shape.name).second) << shape.name;
  const auto quick = gemm_shapes(quick_profile(), 64 * kGiB, 2, 2);
  EXPECT_LT(quick.size(), full.size());
  EXPECT_GE(quick.size(), 4u);
}

TEST(GemmPlan, ShapesThatDoNotFitAreDropped) {
  // 16384^2 FP32: 3 GiB for A, B and C; with 2 GiB free it must go.
  const auto small = gemm_shapes(full_profile(), 2 * kGiB, 4, 4);
  EXPECT_TRUE(std::none_of(small.begin(), small.end(), [](auto& s) { return s.m == 16384; }));
  EXPECT_TRUE(std::any_of(small.begin(), small.end(), [](auto& s) { return s.m == 4096; }));
}

TEST(GemmPlan, BytesAndIntensity) {
  const GemmShape square{4096, 4096, 4096, "square", "x"};
  EXPECT_DOUBLE_EQ(gemm_min_bytes(square, 2, 2), 3.0 * 4096 * 4096 * 2);
  // A ridge of 100 TFLOPS over 500 GB/s is 200 FLOP/byte; 4096^3 FP16 is 1365 FLOP/byte.
  const Boundedness big = classify_gemm(square, 2, 2, 100, 500);
  EXPECT_DOUBLE_EQ(big.ridge_point, 200.0);
  EXPECT_NEAR(big.arithmetic_intensity, 2.0 * 4096 / 6, 1e-9);
  EXPECT_TRUE(big.compute_bound);
  // One token through a 4096x4096 layer: under 1 FLOP/byte, memory-bound anywhere.
  const GemmShape decode{1, 4096, 4096, "llm", "y"};
  EXPECT_FALSE(classify_gemm(decode, 2, 2, 100, 500).compute_bound);
  EXPECT_LT(classify_gemm(decode, 2, 2, 100, 500).arithmetic_intensity, 1.0);
}

}  // namespace
}  // namespace gpubench
