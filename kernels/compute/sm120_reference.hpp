#pragma once
// Every output word of one warp of the sm_120 peak chain (sm120_math.hpp), lane-major: the same
// values as sm120_accumulator_word(..., true), from tables of the warp's A, B, C and scales rather
// than hashes per product, so checking every warp of a full wave stays cheap. Host only.

#include <cstdint>
#include <vector>

#include "kernels/compute/sm120_kernels.hpp"

namespace gpubench::compute {

inline std::vector<std::uint32_t> sm120_expected_words(Sm120Op op, std::uint32_t seed,
                                                       std::uint32_t warp) {
  const int depth = sm120_shape(op).k;
  const int chunks = sm120_op_info(op).scale_vec;
  // Scaled A (16 x K) and B (K x 8): each element times its chunk's factor.
  std::vector<double> a(static_cast<std::size_t>(16 * depth));
  std::vector<double> b(static_cast<std::size_t>(depth * 8));
  for (int k = 0; k < depth; ++k) {
    const int chunk = mx::scale_chunk(k, depth, chunks);
    const double scale_a = sm120_scale(op, seed, warp, false, chunk);
    const double scale_b = sm120_scale(op, seed, warp, true, chunk);
    for (int row = 0; row < 16; ++row)
      a[static_cast<std::size_t>(row * depth + k)] = a_value(seed, warp, {row, k}) * scale_a;
    for (int col = 0; col < 8; ++col)
      b[static_cast<std::size_t>(k * 8 + col)] = b_value(seed, warp, {k, col}) * scale_b;
  }
  std::vector<std::uint32_t> words(static_cast<std::size_t>(32 * kSm120WordsPerThread));
  for (int lane = 0; lane < 32; ++lane) {
    for (int index = 0; index < kSm120Accumulators; ++index) {
      for (int element = 0; element < kSm120AccumulatorWords; ++element) {
        const MatrixCoord at = c_coord(lane, element);
        double value = c_value(seed, warp, index, at);
        for (int k = 0; k < depth; ++k) {
          value += a[static_cast<std::size_t>(at.row * depth + k)] *
                   b[static_cast<std::size_t>(k * 8 + at.col)];
        }
        words[static_cast<std::size_t>(lane * kSm120WordsPerThread +
                                       index * kSm120AccumulatorWords + element)] =
            exact_f32_bits(value);
      }
    }
  }
  return words;
}

}  // namespace gpubench::compute
