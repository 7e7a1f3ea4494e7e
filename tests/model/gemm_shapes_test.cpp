// Custom GEMM shapes from the command line (issue 24) on the CPU: every syntax expands to the
// right shapes, and every bad form is refused with its own sentence.
#include "model/gemm_shapes.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <tuple>

#include "gpubench/errors.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::refusal;

using Mnk = std::tuple<std::int64_t, std::int64_t, std::int64_t>;

std::vector<Mnk> mnk(const std::vector<CustomGemmShape>& shapes) {
  std::vector<Mnk> sizes;
  for (const CustomGemmShape& shape : shapes)
    sizes.emplace_back(shape.shape.m, shape.shape.n, shape.shape.k);
  return sizes;
}

std::string shapes_refusal(const std::string& text, bool allow_many = false) {
  return refusal([&] { (void)parse_gemm_shapes(text, allow_many); });
}

std::vector<CustomGemmShape> from_file(const std::string& text, bool allow_many = false) {
  std::istringstream in(text);
  return parse_gemm_file(in, "shapes.csv", allow_many);
}

std::string file_refusal(const std::string& text) {
  return refusal([&] { (void)from_file(text); });
}

TEST(GemmShapes, AListOfMxNxKKeepsItsOrderAndNamesEachShape) {
  const auto shapes = parse_gemm_shapes("8192x64x28672, 1x2x3", false);
  EXPECT_EQ(mnk(shapes), (std::vector<Mnk>{{8192, 64, 28672}, {1, 2, 3}}));
  EXPECT_EQ(shapes[0].shape.name, "8192x64x28672");
  EXPECT_EQ(shapes[0].shape.family, "custom");
  EXPECT_FALSE(shapes[0].precision);
}

TEST(GemmShapes, RangesAreTheCrossProductWithTheEndIncluded) {
  EXPECT_EQ(mnk(parse_gemm_shapes("m=1:64:x2,n=28672,k=8192", false)),
            (std::vector<Mnk>{{1, 28672, 8192},
                              {2, 28672, 8192},
                              {4, 28672, 8192},
                              {8, 28672, 8192},
                              {16, 28672, 8192},
                              {32, 28672, 8192},
                              {64, 28672, 8192}}));
  // +N and a bare N add; the end is kept only when a step lands on it; axes in any order.
  EXPECT_EQ(mnk(parse_gemm_shapes("k=7,m=1024:4096:1024,n=10:30:+15", false)),
            (std::vector<Mnk>{{1024, 10, 7},
                              {1024, 25, 7},
                              {2048, 10, 7},
                              {2048, 25, 7},
                              {3072, 10, 7},
                              {3072, 25, 7},
                              {4096, 10, 7},
                              {4096, 25, 7}}));
  EXPECT_EQ(mnk(parse_gemm_shapes("m=3:3:x2,n=1,k=1", false)), (std::vector<Mnk>{{3, 1, 1}}));
}

TEST(GemmShapes, ARangeNearTheLargestDimensionStopsWithoutOverflow) {
  const auto shapes = parse_gemm_shapes("m=1073741824:2147483647:x2,n=1,k=1", false);
  EXPECT_EQ(mnk(shapes), (std::vector<Mnk>{{1073741824, 1, 1}}));
}

TEST(GemmShapes, TheBenchmarkNameIsTheProfileRowsName) {
  EXPECT_EQ(gemm_benchmark_name(GemmImplementation::kCublas, GemmPrecision::kFp16Fp32Acc,
                                gemm_shape_name(8192, 64, 28672)),
            "gemm/cublas/fp16_f32acc/8192x64x28672");
  // A custom 4096 cube is named as the profile's square of that size, so compare pairs them.
  const auto profile_shapes = gemm_shapes(full_profile(), std::int64_t{1} << 40, 2, 2);
  const auto square = std::find_if(profile_shapes.begin(), profile_shapes.end(),
                                   [](const GemmShape& shape) { return shape.m == 4096; });
  ASSERT_NE(square, profile_shapes.end());
  EXPECT_EQ(square->name, parse_gemm_shapes("4096x4096x4096", false)[0].shape.name);
}

TEST(GemmShapes, EachBadFormIsRefusedWithItsSentence) {
  EXPECT_EQ(shapes_refusal("0x64x64"), "--gemm 0x64x64 m is 0; GEMM sizes must be positive.");
  EXPECT_EQ(shapes_refusal("64x-1x64"), "--gemm 64x-1x64 n is -1; GEMM sizes must be positive.");
  EXPECT_EQ(shapes_refusal("m=0:8:+1,n=1,k=1"),
            "--gemm m start is 0; GEMM sizes must be positive.");
  EXPECT_EQ(shapes_refusal("64x64"),
            "--gemm shape \"64x64\" is not MxNxK (e.g. 8192x64x28672) nor m=...,n=...,k=....");
  EXPECT_EQ(shapes_refusal("64xtwox64"), "--gemm 64xtwox64 n \"two\" is not a whole number.");
  EXPECT_EQ(shapes_refusal("m=1:64,n=1,k=1"),
            "--gemm m=1:64 is not a range; write start:end:step, e.g. 1:64:x2.");
  EXPECT_EQ(shapes_refusal("m=1:64:y2,n=1,k=1"), "--gemm m step \"y2\" is not +N, N or xN.");
  EXPECT_EQ(shapes_refusal("m=1:64:x1,n=1,k=1"),
            "--gemm m step x1 does not advance; use +1 or more, or x2 or more.");
  EXPECT_EQ(shapes_refusal("m=1:64:+0,n=1,k=1"),
            "--gemm m step +0 does not advance; use +1 or more, or x2 or more.");
  EXPECT_EQ(shapes_refusal("m=64:1:+1,n=1,k=1"), "--gemm m range 64:1 ends below its start.");
  EXPECT_EQ(shapes_refusal("m=1,n=1"), "--gemm gives no k=; give m=, n= and k=.");
  EXPECT_EQ(shapes_refusal("m=1,m=2,n=1,k=1"), "--gemm gives m= twice.");
  EXPECT_EQ(shapes_refusal("q=1,n=1,k=1"),
            "--gemm item \"q=1\" is not m=, n= or k=; write e.g. m=1:64:x2,n=28672,k=8192.");
  EXPECT_EQ(shapes_refusal("2147483648x1x1"),
            "--gemm 2147483648x1x1 m is 2147483648, above cuBLAS's largest dimension "
            "2147483647.");
  EXPECT_EQ(shapes_refusal(" "), "--gemm is empty; give e.g. 8192x64x28672.");
}

TEST(GemmShapes, MoreThanAThousandShapesNeedYes) {
  EXPECT_EQ(shapes_refusal("m=1:1001:+1,n=1,k=1"),
            "--gemm gives 1001 shapes, more than 1000; add --yes to run them all.");
  EXPECT_EQ(shapes_refusal("m=1:10:+1,n=1:10:+1,k=1:11:+1"),
            "--gemm gives 1100 shapes, more than 1000; add --yes to run them all.");
  EXPECT_EQ(parse_gemm_shapes("m=1:1000:+1,n=1,k=1", false).size(), 1000u);
  EXPECT_EQ(parse_gemm_shapes("m=1:1001:+1,n=1,k=1", true).size(), 1001u);
  EXPECT_EQ(shapes_refusal("m=1:200000:+1,n=1,k=1", true),
            "--gemm gives more than 100000 shapes; split the sweep.");
}

TEST(GemmShapes, AFileTakesNamesPrecisionsCommentsAndAHeader) {
  const auto shapes = from_file(
      "# a 70B model's MLP\n"
      "m, n, k, name, precision\n"
      "\n"
      "16,28672,8192,mlp_up_t16   # decode\n"
      "16,8192,28672,,bf16_f32acc\n");
  EXPECT_EQ(mnk(shapes), (std::vector<Mnk>{{16, 28672, 8192}, {16, 8192, 28672}}));
  EXPECT_EQ(shapes[0].shape.name, "mlp_up_t16");
  EXPECT_FALSE(shapes[0].precision);
  EXPECT_EQ(shapes[1].shape.name, "16x8192x28672");
  EXPECT_EQ(shapes[1].precision, GemmPrecision::kBf16);
  // A header may order the columns; without one they are m, n, k, name, precision.
  const auto reordered = from_file("precision,k,n,m\nINT8_S32ACC,3,2,1\n");
  EXPECT_EQ(mnk(reordered), (std::vector<Mnk>{{1, 2, 3}}));
  EXPECT_EQ(reordered[0].precision, GemmPrecision::kInt8);
  EXPECT_EQ(mnk(from_file("1,2,3\n4,5,6,six\n")), (std::vector<Mnk>{{1, 2, 3}, {4, 5, 6}}));
}

TEST(GemmShapes, EachBadFileLineIsNamed) {
  EXPECT_EQ(file_refusal("1,2\n"), "shapes.csv line 1: 2 fields; write m,n,k[,name[,precision]].");
  EXPECT_EQ(file_refusal("m,n,k\n1,2,0\n"),
            "shapes.csv line 2: k is 0; GEMM sizes must be positive.");
  EXPECT_EQ(file_refusal("m,n,size\n"),
            "shapes.csv line 1: column \"size\" is not m, n, k, name or precision.");
  EXPECT_EQ(file_refusal("m,n,name\n"), "shapes.csv line 1: the header names no k column.");
  EXPECT_EQ(file_refusal("1,2,3,a/b\n"),
            "shapes.csv line 1: name \"a/b\" may hold only letters, digits, '_', '-' and '.'.");
  EXPECT_EQ(file_refusal("1,2,3,x,fp64\n"),
            "shapes.csv line 1: precision \"fp64\" is not a GEMM precision; known: fp32, tf32, "
            "fp16_f16acc, fp16_f32acc, bf16_f32acc, fp8_e4m3_f32acc, int8_s32acc, nvfp4_f32acc.");
  EXPECT_EQ(file_refusal("# nothing\n\n"), "shapes.csv lists no shape.");
}

TEST(GemmShapes, PrecisionsAndImplementationsAreCheckedAgainstGpubenchs) {
  EXPECT_EQ(parse_gemm_precisions("fp16_f32acc, FP32,fp16_f32acc"),
            (std::vector<GemmPrecision>{GemmPrecision::kFp16Fp32Acc, GemmPrecision::kFp32}));
  EXPECT_EQ(parse_gemm_precisions("all"), all_gemm_precisions());
  EXPECT_EQ(refusal([] { (void)parse_gemm_precisions("fp16"); }),
            "--precision \"fp16\" is not a GEMM precision; known: fp32, tf32, fp16_f16acc, "
            "fp16_f32acc, bf16_f32acc, fp8_e4m3_f32acc, int8_s32acc, nvfp4_f32acc.");
  EXPECT_EQ(
      parse_gemm_implementations("own,cublas,own"),
      (std::vector<GemmImplementation>{GemmImplementation::kOwn, GemmImplementation::kCublas}));
  EXPECT_EQ(refusal([] { (void)parse_gemm_implementations("cutlass"); }),
            "--impl \"cutlass\" is not cublas or own.");
}

TEST(GemmShapes, ThePlanCrossesShapesPrecisionsAndImplementations) {
  auto shapes = parse_gemm_shapes("64x128x256", false);
  const auto named = from_file("1,2,3,tiny,int8_s32acc\n");
  shapes.push_back(named[0]);
  const CustomGemmPlan plan =
      plan_custom_gemms(shapes, {GemmPrecision::kFp16Fp32Acc, GemmPrecision::kBf16},
                        {GemmImplementation::kCublas, GemmImplementation::kOwn});
  std::vector<std::string> names;
  for (const CustomGemmRow& row : plan.rows)
    names.push_back(row.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "gemm/cublas/fp16_f32acc/64x128x256", "gemm/own/fp16_f32acc/64x128x256",
                       "gemm/cublas/bf16_f32acc/64x128x256", "gemm/cublas/int8_s32acc/tiny"}));
  EXPECT_EQ(plan.skipped, (std::vector<std::string>{"own has no bf16_f32acc kernel",
                                                    "own has no int8_s32acc kernel"}));
  // A, B in FP16 (2 bytes) and C in FP16: (64*256 + 256*128 + 64*128) * 2.
  EXPECT_DOUBLE_EQ(plan.rows[0].operand_bytes, (64.0 * 256 + 256 * 128 + 64 * 128) * 2);
  EXPECT_EQ(refusal([] {
              (void)plan_custom_gemms(parse_gemm_shapes("1x2x3,1x2x3", false),
                                      {GemmPrecision::kFp32}, {GemmImplementation::kCublas});
            }),
            "gemm/cublas/fp32/1x2x3 is asked for twice; give each shape once.");
  EXPECT_EQ(refusal([] {
              (void)plan_custom_gemms(parse_gemm_shapes("1x2x3", false), {GemmPrecision::kBf16},
                                      {GemmImplementation::kOwn});
            }),
            "No kernel computes the shapes in the precisions asked for; add --impl cublas.");
}

}  // namespace
}  // namespace gpubench
