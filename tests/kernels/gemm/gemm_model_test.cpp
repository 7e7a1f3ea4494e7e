// The CPU models of the own GEMM kernels (tests/support/own_gemm_model.hpp), built from the index
// math the kernels use, against the FP64 reference GEMM on odd sizes: the product comes out exact
// and every element of C is stored once. The reference itself is checked first.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "kernels/gemm/gemm_tiling.hpp"
#include "support/gemm_reference.hpp"
#include "support/own_gemm_configs.hpp"
#include "support/own_gemm_model.hpp"

namespace gpubench::gemm {
namespace {

using testing::describe;
using testing::element_at;
using testing::integer_matrix;
using testing::kHgemmConfigs;
using testing::model_hgemm;
using testing::model_sgemm;
using testing::reference_gemm;
using testing::relative_frobenius_error;

struct Shape {
  int m, n, k;
};
// Odd sizes (every tail at once), exact tiles, more than one block and k tile, and sizes whose
// k and n are multiples of 8 (what the cp.async path requires) but not of the tiles.
constexpr Shape kModelShapes[] = {{1, 1, 1},      {7, 9, 13},     {17, 33, 9},    {65, 31, 47},
                                  {128, 128, 32}, {130, 260, 70}, {136, 264, 72}, {257, 129, 40}};

TEST(GemmReference, MatchesHandComputedProducts) {
  const std::vector<double> a = {1, 2, 3, 4, 5, 6};     // 2 x 3
  const std::vector<double> b = {7, 8, 9, 10, 11, 12};  // 3 x 2
  EXPECT_EQ(reference_gemm(2, 2, 3, a, b), (std::vector<double>{58, 64, 139, 154}));
  EXPECT_EQ(reference_gemm(1, 1, 1, std::vector<float>{3.f}, std::vector<float>{-2.f}),
            (std::vector<double>{-6}));
  // Against the textbook dot-product formulation on odd sizes.
  for (const Shape s : {Shape{17, 33, 9}, Shape{65, 31, 47}}) {
    const auto x = integer_matrix(s.m, s.k, 1);
    const auto y = integer_matrix(s.k, s.n, 2);
    const auto c = reference_gemm(s.m, s.n, s.k, x, y);
    for (int i = 0; i < s.m; ++i) {
      for (int j = 0; j < s.n; ++j) {
        double dot = 0;
        for (int p = 0; p < s.k; ++p)
          dot += element_at(x, s.k, i, p) * element_at(y, s.n, p, j);
        ASSERT_EQ(element_at(c, s.n, i, j), dot) << i << "," << j;
      }
    }
  }
  EXPECT_EQ(relative_frobenius_error(std::vector<double>{58, 64, 139, 154},
                                     reference_gemm(2, 2, 3, a, b)),
            0.0);
  EXPECT_NEAR(relative_frobenius_error(std::vector<double>{3, 0}, std::vector<double>{3, 4}),
              4.0 / 5.0, 1e-15);
}

TEST(GemmModel, HgemmIndexMathComputesTheProductOnOddSizes) {
  for (const HgemmConfig config : kHgemmConfigs) {
    for (const Shape s : kModelShapes) {
      const auto a = integer_matrix(s.m, s.k, s.m + 3 * s.k);
      const auto b = integer_matrix(s.k, s.n, s.n + 5 * s.k);
      std::vector<int> writes;
      const auto c = model_hgemm(hgemm_tile(config), s.m, s.n, s.k, a, b, writes);
      EXPECT_EQ(c, reference_gemm(s.m, s.n, s.k, a, b))
          << describe(config) << " " << s.m << "x" << s.n << "x" << s.k;
      EXPECT_EQ(std::count(writes.begin(), writes.end(), 1), static_cast<long>(writes.size()))
          << "every element stored exactly once";
    }
  }
}

TEST(GemmModel, SgemmIndexMathComputesTheProductOnOddSizes) {
  for (const SgemmConfig config : kSgemmConfigs) {
    for (const Shape s : kModelShapes) {
      const auto a = integer_matrix(s.m, s.k, s.m + 3 * s.k);
      const auto b = integer_matrix(s.k, s.n, s.n + 5 * s.k);
      std::vector<int> writes;
      const auto c = model_sgemm(sgemm_tile(config), s.m, s.n, s.k, a, b, writes);
      EXPECT_EQ(c, reference_gemm(s.m, s.n, s.k, a, b))
          << describe(config) << " " << s.m << "x" << s.n << "x" << s.k;
      EXPECT_EQ(std::count(writes.begin(), writes.end(), 1), static_cast<long>(writes.size()))
          << "every element stored exactly once";
    }
  }
}

}  // namespace
}  // namespace gpubench::gemm
