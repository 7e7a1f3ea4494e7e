// A custom GEMM sweep against the card that would run it (issue 24), on the CPU: which rows are
// registered and in what order under which names, and each refusal (a precision the card lacks,
// a shape cuBLAS's fast path cannot take, operands larger than the free memory) in one sentence.
#include "model/gemm_device_fit.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "gpubench/errors.hpp"
#include "model/memory_plan.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::refusal;

using Impl = GemmImplementation;

std::vector<std::string> names(const CustomGemmPlan& plan) {
  std::vector<std::string> result;
  for (const CustomGemmRow& row : plan.rows)
    result.push_back(row.name);
  return result;
}

CustomGemmPlan llm_plan(const std::vector<Impl>& implementations) {
  std::istringstream file("m,n,k,name\n64,28672,8192,mlp_up_t64\n");
  std::vector<CustomGemmShape> shapes = parse_gemm_shapes("1x28672x8192", false);
  shapes.push_back(parse_gemm_file(file, "shapes.csv", false).front());
  return plan_custom_gemms(shapes, {GemmPrecision::kFp16Fp32Acc, GemmPrecision::kFp32},
                           implementations);
}

TEST(CustomGemmRegistration, RowsKeepTheShapeOrderWithCublasBeforeTheOwnKernel) {
  // --impl own,cublas: the library still runs first on each shape, so the own row's vs_cublas
  // has its figure; a shape's precisions stay together (one set of buffers each).
  const CustomGemmPlan plan =
      fit_custom_gemms(llm_plan({Impl::kOwn, Impl::kCublas}), 89, 20 * kGiB);
  EXPECT_EQ(names(plan), (std::vector<std::string>{
                             "gemm/cublas/fp16_f32acc/1x28672x8192",
                             "gemm/own/fp16_f32acc/1x28672x8192",
                             "gemm/cublas/fp32/1x28672x8192",
                             "gemm/own/fp32/1x28672x8192",
                             "gemm/cublas/fp16_f32acc/mlp_up_t64",
                             "gemm/own/fp16_f32acc/mlp_up_t64",
                             "gemm/cublas/fp32/mlp_up_t64",
                             "gemm/own/fp32/mlp_up_t64",
                         }));
  EXPECT_TRUE(plan.skipped.empty());
  EXPECT_EQ(plan.rows[4].shape.m, 64);
  EXPECT_EQ(plan.rows[4].shape.k, 8192);
}

TEST(CustomGemmRegistration, OwnHalfPrecisionRowsAreLeftOutBeforeSm80) {
  const CustomGemmPlan plan =
      fit_custom_gemms(llm_plan({Impl::kCublas, Impl::kOwn}), 75, 20 * kGiB);
  EXPECT_EQ(names(plan), (std::vector<std::string>{
                             "gemm/cublas/fp16_f32acc/1x28672x8192",
                             "gemm/cublas/fp32/1x28672x8192",
                             "gemm/own/fp32/1x28672x8192",
                             "gemm/cublas/fp16_f32acc/mlp_up_t64",
                             "gemm/cublas/fp32/mlp_up_t64",
                             "gemm/own/fp32/mlp_up_t64",
                         }));
  EXPECT_EQ(plan.skipped,
            (std::vector<std::string>{"own has no fp16_f32acc kernel for sm_75 (it needs sm_80)"}));
  const auto own_fp16 = plan_custom_gemms(parse_gemm_shapes("64x64x64", false),
                                          {GemmPrecision::kFp16Fp32Acc}, {Impl::kOwn});
  EXPECT_EQ(refusal([&] { (void)fit_custom_gemms(own_fp16, 75, kGiB); }),
            "No kernel computes the shapes in the precisions asked for on sm_75; add --impl "
            "cublas.");
}

TEST(CustomGemmRegistration, APrecisionTheCardLacksIsRefusedWithTheReason) {
  const auto plan = [](GemmPrecision precision) {
    return plan_custom_gemms(parse_gemm_shapes("64x64x64", false), {precision}, {Impl::kCublas});
  };
  EXPECT_EQ(refusal([&] { (void)fit_custom_gemms(plan(GemmPrecision::kFp8E4m3), 86, kGiB); }),
            "This card (sm_86) cannot run fp8_e4m3_f32acc: no FP8 tensor cores before sm_89.");
  EXPECT_EQ(refusal([&] { (void)fit_custom_gemms(plan(GemmPrecision::kBf16), 75, kGiB); }),
            "This card (sm_75) cannot run bf16_f32acc: no TF32/BF16 tensor cores before sm_80.");
  EXPECT_EQ(refusal([&] { (void)fit_custom_gemms(plan(GemmPrecision::kFp8E4m3), 89, kGiB); }), "");
  EXPECT_EQ(refusal([&] { (void)fit_custom_gemms(plan(GemmPrecision::kTf32), 80, kGiB); }), "");
}

TEST(CustomGemmRegistration, AShapeTheLibraryFastPathCannotTakeIsRefused) {
  const auto fp8 = plan_custom_gemms(parse_gemm_shapes("100x112x128", false),
                                     {GemmPrecision::kFp8E4m3}, {Impl::kCublas});
  EXPECT_EQ(refusal([&] { (void)fit_custom_gemms(fp8, 89, kGiB); }),
            "gemm/cublas/fp8_e4m3_f32acc/100x112x128 cannot run: cuBLASLt's FP8 GEMM needs m, n "
            "and k to be multiples of 16.");
}

TEST(CustomGemmFit, OperandsMustFitInSeventyPercentOfTheFreeMemory) {
  const GemmShape big{65536, 65536, 65536, "custom", "65536x65536x65536"};
  // FP16: A, B and C are 8 GiB each, 24 GiB in all; 70% of 20 GiB is 14 GiB.
  EXPECT_EQ(gemm_fit_problem(big, GemmPrecision::kFp16Fp32Acc, 20 * kGiB),
            "65536x65536x65536 in fp16_f32acc needs 24.0 GiB (A 8.0 GiB, B 8.0 GiB, C 8.0 GiB) "
            "but the card has 20.0 GiB free, of which 70% may hold the operands; choose a smaller "
            "shape or free GPU memory.");
  // The boundary: 24 GiB is exactly 70% of 240/7 GiB.
  const auto exactly = static_cast<std::int64_t>(24.0 * static_cast<double>(kGiB) / 0.7) + 1;
  EXPECT_EQ(gemm_fit_problem(big, GemmPrecision::kFp16Fp32Acc, exactly), "");
  EXPECT_NE(gemm_fit_problem(big, GemmPrecision::kFp16Fp32Acc, exactly - 2 * kMiB), "");
  // INT8: 1-byte A and B, a 4-byte C.
  const GemmShape layer{8192, 64, 28672, "custom", "8192x64x28672"};
  EXPECT_EQ(gemm_fit_problem(layer, GemmPrecision::kInt8, 100 * kMiB),
            "8192x64x28672 in int8_s32acc needs 227.8 MiB (A 224.0 MiB, B 1.8 MiB, C 2.0 MiB) "
            "but the card has 100.0 MiB free, of which 70% may hold the operands; choose a "
            "smaller shape or free GPU memory.");
  // Dimensions whose byte counts pass 2^63 are said, not overflowed.
  const GemmShape huge{2147483647, 2147483647, 2147483647, "custom", "huge"};
  EXPECT_NE(gemm_fit_problem(huge, GemmPrecision::kFp32, 80 * kGiB).find("huge in fp32 needs"),
            std::string::npos);
  // The plan refuses the first row that does not fit, by the same sentence.
  const auto plan = plan_custom_gemms(parse_gemm_shapes("64x64x64,65536x65536x65536", false),
                                      {GemmPrecision::kFp16Fp32Acc}, {Impl::kCublas});
  EXPECT_EQ(refusal([&] { (void)fit_custom_gemms(plan, 89, 20 * kGiB); }),
            gemm_fit_problem(big, GemmPrecision::kFp16Fp32Acc, 20 * kGiB));
}

}  // namespace
}  // namespace gpubench
