// Fragment layouts against the PTX ISA's documented figures, operand encodings, and the CPU
// models the compute benchmarks are verified against: all on the CPU.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <utility>

#include "kernels/compute/compute_kernels.hpp"
#include "kernels/compute/compute_reference.hpp"

namespace gpubench::compute {
namespace {

constexpr MmaShape kM16N8K16F16{16, 16, 2};
constexpr MmaShape kM16N8K8Tf32{16, 8, 1};
constexpr MmaShape kM16N8K32S8{16, 32, 4};
constexpr MmaShape kM16N8K64S4{16, 64, 8};
constexpr MmaShape kM16N8K8F16{16, 8, 2};  // sm_75
constexpr MmaShape kM8N8K16S8{8, 16, 4};   // sm_75
constexpr MmaShape kM8N8K32S4{8, 32, 8};   // sm_75
constexpr MmaShape kAllShapes[] = {kM16N8K16F16, kM16N8K8Tf32, kM16N8K32S8, kM16N8K64S4,
                                   kM16N8K8F16,  kM8N8K16S8,   kM8N8K32S4};

TEST(MmaLayout, RegisterCountsMatchThePtxIsa) {
  EXPECT_EQ(kM16N8K16F16.a_registers(), 4);
  EXPECT_EQ(kM16N8K16F16.b_registers(), 2);
  EXPECT_EQ(kM16N8K8Tf32.a_registers(), 4);
  EXPECT_EQ(kM16N8K8Tf32.b_registers(), 2);
  EXPECT_EQ(kM16N8K32S8.a_registers(), 4);
  EXPECT_EQ(kM16N8K64S4.b_registers(), 2);
  EXPECT_EQ(kM16N8K8F16.a_registers(), 2);
  EXPECT_EQ(kM16N8K8F16.b_registers(), 1);
  EXPECT_EQ(kM8N8K16S8.a_registers(), 1);
  EXPECT_EQ(kM8N8K32S4.b_registers(), 1);
  EXPECT_EQ(kM16N8K16F16.c_elements(), 4);
  EXPECT_EQ(kM8N8K16S8.c_elements(), 2);
  EXPECT_EQ(kM16N8K16F16.flops(), 2 * 16 * 8 * 16);
}

// Every element of A, B and C is held by exactly one (lane, register, element).
TEST(MmaLayout, FragmentsCoverEachMatrixExactlyOnce) {
  for (const MmaShape shape : kAllShapes) {
    std::set<std::pair<int, int>> a, b, c;
    for (int lane = 0; lane < 32; ++lane) {
      for (int r = 0; r < shape.a_registers(); ++r) {
        for (int j = 0; j < shape.elements_per_reg; ++j) {
          const MatrixCoord at = a_coord(shape, lane, r, j);
          ASSERT_TRUE(at.row >= 0 && at.row < shape.m && at.col >= 0 && at.col < shape.k);
          EXPECT_TRUE(a.insert({at.row, at.col}).second) << shape.m << "x" << shape.k;
        }
      }
      for (int r = 0; r < shape.b_registers(); ++r) {
        for (int j = 0; j < shape.elements_per_reg; ++j) {
          const MatrixCoord at = b_coord(shape, lane, r, j);
          ASSERT_TRUE(at.row >= 0 && at.row < shape.k && at.col >= 0 && at.col < 8);
          EXPECT_TRUE(b.insert({at.row, at.col}).second);
        }
      }
      for (int i = 0; i < shape.c_elements(); ++i) {
        const MatrixCoord at = c_coord(lane, i);
        ASSERT_TRUE(at.row < shape.m && at.col < 8);
        EXPECT_TRUE(c.insert({at.row, at.col}).second);
      }
    }
    EXPECT_EQ(a.size(), static_cast<std::size_t>(shape.m * shape.k));
    EXPECT_EQ(b.size(), static_cast<std::size_t>(shape.k * 8));
    EXPECT_EQ(c.size(), static_cast<std::size_t>(shape.m * 8));
  }
}

// Spot checks against the PTX ISA's figures ("Matrix Fragments for mma.m16n8k16 with floating
// point type", ".m16n8k8 .tf32", ".m16n8k32 integer", ".m8n8k16"): groupID = lane >> 2,
// threadID_in_group = lane % 4.
TEST(MmaLayout, MatchesTheDocumentedFigures) {
  // m16n8k16 f16, lane 5 (group 1, thread 1): a0,a1 at row 1 cols 2,3; a2,a3 at row 9;
  // a4..a7 eight columns further; b0,b1 at rows 2,3 col 1; b2,b3 at rows 10,11; c2,c3 at row 9.
  EXPECT_EQ(a_coord(kM16N8K16F16, 5, 0, 0), (MatrixCoord{1, 2}));
  EXPECT_EQ(a_coord(kM16N8K16F16, 5, 0, 1), (MatrixCoord{1, 3}));
  EXPECT_EQ(a_coord(kM16N8K16F16, 5, 1, 0), (MatrixCoord{9, 2}));
  EXPECT_EQ(a_coord(kM16N8K16F16, 5, 2, 1), (MatrixCoord{1, 11}));
  EXPECT_EQ(a_coord(kM16N8K16F16, 5, 3, 0), (MatrixCoord{9, 10}));
  EXPECT_EQ(b_coord(kM16N8K16F16, 5, 0, 1), (MatrixCoord{3, 1}));
  EXPECT_EQ(b_coord(kM16N8K16F16, 5, 1, 0), (MatrixCoord{10, 1}));
  EXPECT_EQ(c_coord(5, 2), (MatrixCoord{9, 2}));
  EXPECT_EQ(c_coord(5, 3), (MatrixCoord{9, 3}));
  // m16n8k8 tf32, lane 6 (group 1, thread 2): a0 (1,2), a1 (9,2), a2 (1,6), a3 (9,6); b1 (6,1).
  EXPECT_EQ(a_coord(kM16N8K8Tf32, 6, 0, 0), (MatrixCoord{1, 2}));
  EXPECT_EQ(a_coord(kM16N8K8Tf32, 6, 1, 0), (MatrixCoord{9, 2}));
  EXPECT_EQ(a_coord(kM16N8K8Tf32, 6, 2, 0), (MatrixCoord{1, 6}));
  EXPECT_EQ(b_coord(kM16N8K8Tf32, 6, 1, 0), (MatrixCoord{6, 1}));
  // m16n8k32 s8, lane 7 (group 1, thread 3): a11 (row 1, col 12+3+16), b4 (row 12+16, col 1).
  EXPECT_EQ(a_coord(kM16N8K32S8, 7, 2, 3), (MatrixCoord{1, 31}));
  EXPECT_EQ(b_coord(kM16N8K32S8, 7, 1, 0), (MatrixCoord{28, 1}));
  // m16n8k64 s4, lane 1: a16 (row 0, col 8 + 32).
  EXPECT_EQ(a_coord(kM16N8K64S4, 1, 2, 0), (MatrixCoord{0, 40}));
  // m8n8k16 s8, lane 9 (group 2, thread 1): a2 (2, 6), b2 (6, 2), c1 (2, 3).
  EXPECT_EQ(a_coord(kM8N8K16S8, 9, 0, 2), (MatrixCoord{2, 6}));
  EXPECT_EQ(b_coord(kM8N8K16S8, 9, 0, 2), (MatrixCoord{6, 2}));
  EXPECT_EQ(c_coord(9, 1), (MatrixCoord{2, 3}));
}

TEST(MmaShapes, TuringGetsItsOwnShapes) {
  EXPECT_EQ(mma_shape(ComputeOp::kMmaF16F32, 75).k, 8);
  EXPECT_EQ(mma_shape(ComputeOp::kMmaF16F32, 89).k, 16);
  EXPECT_EQ(mma_shape(ComputeOp::kMmaS8S32, 75).m, 8);
  EXPECT_EQ(mma_shape(ComputeOp::kMmaS4S32, 86).k, 64);
  EXPECT_EQ(mma_shape(ComputeOp::kMmaE4m3F16, 89).k, 32);
  EXPECT_EQ(accumulator_words(ComputeOp::kMmaF16F16, 89), 2);
  EXPECT_EQ(accumulator_words(ComputeOp::kMmaF16F32, 89), 4);
  EXPECT_EQ(accumulator_words(ComputeOp::kMmaS8S32, 75), 2);
}

// Small integers in each element format, per IEEE 754 binary16, bfloat16, and the OCP FP8
// formats (E4M3: bias 7, E5M2: bias 15).
TEST(Encodings, SmallIntegersInEveryFormat) {
  EXPECT_EQ(encode_element(Element::kF16, 1), 0x3C00u);
  EXPECT_EQ(encode_element(Element::kF16, -2), 0xC000u);
  EXPECT_EQ(encode_element(Element::kBf16, 1), 0x3F80u);
  EXPECT_EQ(encode_element(Element::kBf16, -1), 0xBF80u);
  EXPECT_EQ(encode_element(Element::kTf32, 2), 0x40000000u);
  EXPECT_EQ(encode_element(Element::kS8, -1), 0xFFu);
  EXPECT_EQ(encode_element(Element::kS4, -2), 0xEu);
  EXPECT_EQ(encode_element(Element::kE4m3, 1), 0x38u);  // 0 0111 000
  EXPECT_EQ(encode_element(Element::kE4m3, -2), 0xC0u);
  EXPECT_EQ(encode_element(Element::kE5m2, 1), 0x3Cu);  // 0 01111 00
  EXPECT_EQ(encode_element(Element::kE5m2, 2), 0x40u);
}

TEST(Encodings, AccumulatorsAreExactIeeeValues) {
  for (int value = -300; value <= 300; ++value) {
    const float f = static_cast<float>(value);
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    EXPECT_EQ(encode_accumulator(Accumulator::kF32, value), bits) << value;
    EXPECT_EQ(encode_accumulator(Accumulator::kF16, value), half_bits(value)) << value;
    EXPECT_EQ(encode_accumulator(Accumulator::kS32, value), static_cast<std::uint32_t>(value));
  }
}

// The expected accumulator word is C + A * B at the lane's C positions, computed here from whole
// matrices independently of the packing code.
TEST(MmaReference, AccumulatorWordIsCPlusAB) {
  for (const ComputeOp op : {ComputeOp::kMmaF16F32, ComputeOp::kMmaS4S32, ComputeOp::kMmaTf32F32}) {
    const MmaShape shape = mma_shape(op, 89);
    const std::uint32_t seed = 7, warp = 3;
    for (int lane = 0; lane < 32; ++lane) {
      for (int i = 0; i < shape.c_elements(); ++i) {
        const MatrixCoord at = c_coord(lane, i);
        int sum = c_value(seed, warp, 1, at);
        for (int k = 0; k < shape.k; ++k) {
          sum += a_value(seed, warp, {at.row, k}) * b_value(seed, warp, {k, at.col});
        }
        const Accumulator type = accumulator(op);
        EXPECT_EQ(accumulator_word(op, 89, seed, warp, lane, 1, i, true),
                  encode_accumulator(type, sum));
      }
    }
  }
}

// A fragment mapping mistake must change the expectation, or the check could not catch it.
TEST(MmaReference, AWrongLaneMappingIsDetectable) {
  const ComputeOp op = ComputeOp::kMmaF16F32;
  int differing = 0;
  for (int lane = 0; lane < 32; ++lane) {
    for (int w = 0; w < 4; ++w) {
      differing += accumulator_word(op, 89, 1, 0, lane, 0, w, true) !=
                   accumulator_word(op, 89, 1, 0, lane ^ 4, 0, w, true);
    }
  }
  EXPECT_GT(differing, 64);
  // Packing A with the B layout gives other registers for most lanes.
  int packed_differently = 0;
  for (int lane = 0; lane < 32; ++lane) {
    packed_differently += pack_a(op, 89, 1, 0, lane, 0) != pack_b(op, 89, 1, 0, lane, 0, false);
  }
  EXPECT_GT(packed_differently, 16);
}

TEST(ScalarReference, HalfRoundingMatchesTheCompiler) {
#ifndef __FLT16_MAX__
  // clang before 15 has no _Float16 on x86 (the sanitize build); the GCC build runs this test.
  GTEST_SKIP() << "this compiler has no _Float16 to compare with";
#else
  for (int i = 1; i < 20000; ++i) {
    // Inside the f16 range: the chains stay far below 65504.
    const double d =
        std::ldexp(static_cast<double>(i * 7919 % 60001), -(i % 30)) * (i % 3 ? 1 : -1);
    EXPECT_EQ(round_to_half(d), static_cast<double>(static_cast<_Float16>(d))) << d;
  }
#endif
}

TEST(ScalarReference, Bf16RoundingIsNearestEven) {
  for (std::uint32_t bits = 0x3F800000u; bits < 0x3F800000u + 70000u; bits += 7u) {
    float f = 0;
    std::memcpy(&f, &bits, sizeof f);
    // Reference: round the float's bits to the upper 16, ties to even.
    const std::uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
    float expected = 0;
    std::memcpy(&expected, &rounded, sizeof expected);
    EXPECT_EQ(round_to_bf16(f), static_cast<double>(expected)) << bits;
  }
}

TEST(ScalarReference, OperandsAreExactInTheirFormat) {
  for (std::uint32_t thread = 0; thread < 200; ++thread) {
    const ScalarOperands h = scalar_operands(ComputeOp::kHfma2, 1, thread, 3);
    EXPECT_EQ(round_to_half(h.a), h.a);
    EXPECT_EQ(round_to_half(h.b), h.b);
    EXPECT_EQ(round_to_half(h.x0), h.x0);
    EXPECT_NE(h.x0, 0.0);
    const ScalarOperands b = scalar_operands(ComputeOp::kBf16Fma2, 1, thread, 3);
    EXPECT_EQ(round_to_bf16(b.a), b.a);
    EXPECT_EQ(round_to_bf16(b.x0), b.x0);
    const ScalarOperands f = scalar_operands(ComputeOp::kFfma, 1, thread, 3);
    EXPECT_EQ(static_cast<double>(static_cast<float>(f.a)), f.a);
    EXPECT_GE(f.a, 0.5);
    EXPECT_LT(f.a, 1.0);
  }
}

// The fixed-point shortcut gives what running every step gives.
TEST(ScalarReference, ChainModelShortcutIsExact) {
  for (const ComputeOp op :
       {ComputeOp::kFfma, ComputeOp::kHfma2, ComputeOp::kBf16Fma2, ComputeOp::kDfma}) {
    const ScalarOperands shared = scalar_operands(op, 5, 11, 0);  // a, b: chain 0's
    const ScalarOperands o{scalar_operands(op, 5, 11, 2).x0, shared.a, shared.b};
    double x = o.x0;
    for (int i = 0; i < 5000; ++i) {
      if (op == ComputeOp::kFfma) {
        x = std::fma(static_cast<float>(x), static_cast<float>(o.a), static_cast<float>(o.b));
      } else if (op == ComputeOp::kDfma) {
        x = std::fma(x, o.a, o.b);
      } else if (op == ComputeOp::kHfma2) {
        x = round_to_half(x * o.a + o.b);
      } else {
        x = round_to_bf16(x * o.a + o.b);
      }
    }
    const std::uint64_t model = scalar_chain_result(op, 5, 11, 2, 5000);
    std::uint64_t direct = 0;
    if (op == ComputeOp::kFfma) {
      const float f = static_cast<float>(x);
      std::uint32_t bits = 0;
      std::memcpy(&bits, &f, sizeof bits);
      direct = bits;
    } else if (op == ComputeOp::kDfma) {
      std::memcpy(&direct, &x, sizeof direct);
    } else {
      const std::uint32_t lane = op == ComputeOp::kHfma2 ? half_bits(x) : bf16_bits(x);
      direct = lane | (lane << 16);
    }
    EXPECT_EQ(model, direct) << static_cast<int>(op);
  }
  // IMAD wraps modulo 2^32.
  const IntegerOperands shared = integer_operands(5, 11, 0);
  std::uint32_t x = integer_operands(5, 11, 2).x0;
  for (int step = 0; step < 100; ++step)
    x = x * shared.a + shared.b;
  EXPECT_EQ(scalar_chain_result(ComputeOp::kImad, 5, 11, 2, 100), x);
}

TEST(ComputeAccounting, FlopsPerLaunch) {
  // Scalar: threads x iterations x chains x 2 (HFMA2: x 4).
  EXPECT_DOUBLE_EQ(launch_flops(ComputeOp::kFfma, 89, 2, 16), 2.0 * 256 * 16 * kScalarChains * 2);
  EXPECT_DOUBLE_EQ(launch_flops(ComputeOp::kHfma2, 89, 1, 16), 256.0 * 16 * kScalarChains * 4);
  // Tensor: warps x (2 x iterations + 1) x accumulators x 2MNK.
  EXPECT_DOUBLE_EQ(launch_flops(ComputeOp::kMmaF16F32, 89, 1, 4),
                   8.0 * 9 * kMmaAccumulators * 4096);
  EXPECT_EQ(output_words_per_thread(ComputeOp::kDfma, 89), 2 * kScalarChains);
  EXPECT_EQ(output_words_per_thread(ComputeOp::kMmaF16F16, 89), kMmaAccumulators * 2);
}

TEST(ComputeAvailability, ArchitecturesGetWhatTheyHave) {
  EXPECT_TRUE(compute_op_built(ComputeOp::kMmaF16F32, 75));
  EXPECT_FALSE(compute_op_built(ComputeOp::kMmaBf16F32, 75));
  EXPECT_FALSE(compute_op_built(ComputeOp::kMmaTf32F32, 75));
  EXPECT_FALSE(compute_op_built(ComputeOp::kBf16Fma2, 75));
  EXPECT_FALSE(compute_op_built(ComputeOp::kMmaE4m3F32, 86));
  EXPECT_TRUE(compute_op_built(ComputeOp::kMmaE4m3F32, 89));  // CUDA >= 12.4 here
  EXPECT_TRUE(compute_op_emulated(ComputeOp::kMmaE4m3F32, 90));
  EXPECT_FALSE(compute_op_emulated(ComputeOp::kMmaE4m3F32, 89));
  EXPECT_FALSE(compute_op_emulated(ComputeOp::kMmaF16F32, 90));
  // Blackwell, from nvcc 13.0's SASS: sm_100 emulates FP8 and INT4 mma.sync, sm_120 INT4 only.
  EXPECT_TRUE(compute_op_emulated(ComputeOp::kMmaE5m2F16, 100));
  EXPECT_TRUE(compute_op_emulated(ComputeOp::kMmaS4S32, 100));
  EXPECT_FALSE(compute_op_emulated(ComputeOp::kMmaS8S32, 100));
  EXPECT_TRUE(compute_op_emulated(ComputeOp::kMmaS4S32, 120));
  EXPECT_FALSE(compute_op_emulated(ComputeOp::kMmaE4m3F32, 120));
  EXPECT_FALSE(compute_op_emulated(ComputeOp::kMmaS4S32, 89));
}

}  // namespace
}  // namespace gpubench::compute
