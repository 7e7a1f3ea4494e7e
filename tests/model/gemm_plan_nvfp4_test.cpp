// The NVFP4 GEMM row's plan on the CPU (issue 25, item 4): its precision entry, the FP4 peak it is
// read against, where it runs and the reasons it is left out on cards and builds without FP4.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "model/gemm_plan.hpp"
#include "model/gemm_shapes.hpp"
#include "model/memory_plan.hpp"

namespace gpubench {
namespace {

TEST(GemmPlanNvfp4, IsAPrecisionReadAgainstTheFp4Peak) {
  const GemmPrecisionInfo& info = gemm_precision_info(GemmPrecision::kNvfp4);
  EXPECT_EQ(info.name, "nvfp4_f32acc");
  EXPECT_EQ(spec_key(info.peak), "fp4_tensor_tflops");
  EXPECT_FALSE(info.integer);
  // Half a byte per E2M1 element plus a ue4m3 scale byte per 16; C is FP32.
  EXPECT_DOUBLE_EQ(info.input_bytes, 0.5625);
  EXPECT_DOUBLE_EQ(info.output_bytes, 4.0);
  EXPECT_NE(
      std::find(all_gemm_precisions().begin(), all_gemm_precisions().end(), GemmPrecision::kNvfp4),
      all_gemm_precisions().end());
  EXPECT_EQ(parse_gemm_precisions("nvfp4_f32acc"),
            (std::vector<GemmPrecision>{GemmPrecision::kNvfp4}));
  // FP8's bound for the same unknown accumulator width (review item 3), at every k.
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kNvfp4, 1024), 1e-2);
  EXPECT_DOUBLE_EQ(gemm_tolerance(GemmPrecision::kNvfp4, 16384), 1e-2);
  // 4096^3: A and B at 0.5625 byte per element, C at 4.
  const GemmShape square{4096, 4096, 4096, "square", "x"};
  EXPECT_DOUBLE_EQ(gemm_min_bytes(square, info.input_bytes, info.output_bytes),
                   4096.0 * 4096 * (2 * 0.5625 + 4));
}

TEST(GemmPlanNvfp4, NeedsBlackwellTensorCores) {
  for (const int sm : {75, 86, 89, 90}) {
    const std::string why = gemm_precision_problem(GemmPrecision::kNvfp4, sm);
    EXPECT_NE(why.find("no FP4 tensor cores before sm_100"), std::string::npos) << sm << why;
  }
  for (const int sm : {100, 103, 110, 120, 121})
    EXPECT_EQ(gemm_precision_problem(GemmPrecision::kNvfp4, sm), "") << sm;
  EXPECT_EQ(gemm_precision_problem(GemmPrecision::kFp8E4m3, 89), "") << "FP8 unchanged";
}

TEST(GemmPlanNvfp4, NeedsCuda128Headers) {
  EXPECT_EQ(gemm_build_problem(GemmPrecision::kNvfp4, 12040),
            "this gpubench was built with CUDA 12.4, whose cuBLASLt has no NVFP4; rebuild with "
            "CUDA 12.8 or newer");
  EXPECT_NE(gemm_build_problem(GemmPrecision::kNvfp4, 12060).find("CUDA 12.6"), std::string::npos);
  EXPECT_EQ(gemm_build_problem(GemmPrecision::kNvfp4, 12080), "");
  EXPECT_EQ(gemm_build_problem(GemmPrecision::kNvfp4, 13000), "");
  for (const GemmPrecision precision : all_gemm_precisions()) {
    if (precision == GemmPrecision::kNvfp4) continue;
    EXPECT_EQ(gemm_build_problem(precision, 12040), "") << gemm_precision_info(precision).name;
  }
}

// A build with 12.8+ headers may load an older libcublasLt.so.12 (review item 2): the loaded
// version, cublasLtGetVersion()'s major * 10000 + minor * 100 + patch, decides, in one line.
TEST(GemmPlanNvfp4, NeedsALoadedCublasLt128) {
  EXPECT_EQ(cublaslt_version_name(120803), "12.8.3");
  EXPECT_EQ(cublaslt_version_name(130100), "13.1.0");
  EXPECT_EQ(gemm_library_problem(GemmPrecision::kNvfp4, 120605),
            "this cuBLASLt is 12.6.5; NVFP4 needs 12.8+");
  EXPECT_NE(gemm_library_problem(GemmPrecision::kNvfp4, 120799), "");
  EXPECT_EQ(gemm_library_problem(GemmPrecision::kNvfp4, 120800), "");
  EXPECT_EQ(gemm_library_problem(GemmPrecision::kNvfp4, 120904), "");
  EXPECT_EQ(gemm_library_problem(GemmPrecision::kNvfp4, 130000), "");
  for (const GemmPrecision precision : all_gemm_precisions()) {
    if (precision == GemmPrecision::kNvfp4) continue;
    EXPECT_EQ(gemm_library_problem(precision, 120402), "") << gemm_precision_info(precision).name;
  }
}

TEST(GemmPlanNvfp4, FastPathShapeRules) {
  const auto problem = [](std::int64_t m, std::int64_t n, std::int64_t k) {
    return cublas_fast_path_problem(GemmPrecision::kNvfp4, 100, {m, n, k, "", ""});
  };
  EXPECT_EQ(problem(4096, 4096, 4096), "");
  EXPECT_EQ(problem(16, 48, 32), "");
  EXPECT_NE(problem(4096, 4096, 4112).find("k a multiple of 32"), std::string::npos)
      << "k = 16 x 257: whole scale blocks, rows not 16-byte aligned";
  EXPECT_NE(problem(1, 4096, 4096), "") << "m = 1";
  EXPECT_NE(problem(4096, 40, 4096), "") << "n = 40";
  EXPECT_NE(cublas_fast_path_problem(GemmPrecision::kNvfp4, 90, {4096, 4096, 4096, "", ""})
                .find("sm_100"),
            std::string::npos)
      << "the card first";
}

// The default run: squares and the LLM layers (as FP8 and INT8), never ResNet; every square of
// both profiles and the LLM layers past one token are on cuBLASLt's NVFP4 path.
TEST(GemmPlanNvfp4, RunsOnSquaresAndLlmLayersOfBothProfiles) {
  constexpr auto kLib = GemmImplementation::kCublas;
  EXPECT_TRUE(gemm_profile_runs(kLib, GemmPrecision::kNvfp4, "square"));
  EXPECT_TRUE(gemm_profile_runs(kLib, GemmPrecision::kNvfp4, "llm"));
  EXPECT_FALSE(gemm_profile_runs(kLib, GemmPrecision::kNvfp4, "resnet"));
  // The rows the other precisions had before NVFP4 joined.
  EXPECT_TRUE(gemm_profile_runs(kLib, GemmPrecision::kFp8E4m3, "llm"));
  EXPECT_FALSE(gemm_profile_runs(kLib, GemmPrecision::kBf16, "llm"));
  EXPECT_TRUE(gemm_profile_runs(kLib, GemmPrecision::kFp32, "resnet"));
  EXPECT_FALSE(gemm_profile_runs(GemmImplementation::kOwn, GemmPrecision::kFp32, "resnet"));
  EXPECT_TRUE(gemm_profile_runs(GemmImplementation::kOwn, GemmPrecision::kFp16Fp32Acc, "llm"));
  const GemmPrecisionInfo& info = gemm_precision_info(GemmPrecision::kNvfp4);
  for (const Profile& profile : {quick_profile(), full_profile()}) {
    int squares = 0, llm = 0;
    for (const GemmShape& shape :
         gemm_shapes(profile, 64 * kGiB, info.input_bytes, info.output_bytes)) {
      if (!gemm_profile_runs(kLib, GemmPrecision::kNvfp4, shape.family)) continue;
      const std::string why = cublas_fast_path_problem(GemmPrecision::kNvfp4, 120, shape);
      if (shape.m == 1) {
        EXPECT_NE(why, "") << shape.name << ": a single token is left out, as for FP8";
        continue;
      }
      EXPECT_EQ(why, "") << shape.name;
      ++(shape.family == "square" ? squares : llm);
    }
    EXPECT_GE(squares, 2) << profile.name;
    // quick: one layer at 2048 tokens; full: five layers at 16, 128 and 2048.
    EXPECT_EQ(llm, profile.name == "quick" ? 1 : 15) << profile.name;
  }
}

}  // namespace
}  // namespace gpubench
