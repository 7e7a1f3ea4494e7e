#pragma once
// The arithmetic of the STREAM-style kernels, shared by the device code, the verification kernel
// and the CPU tests. Inputs are index-dependent and exactly representable in FP32, and every op's
// result is exact too, so verification compares bit for bit and a wrong index is caught (uniform
// BabelStream-style inputs would hide it).

#include <cstddef>
#include <cstdint>

#include "kernels/common/host_device.hpp"

namespace gpubench::memory {

enum class StreamOp : int { kRead, kWrite, kCopy, kScale, kAdd, kTriad, kDot };

// The multiplier of scale and triad: 3 keeps b + 3c exact for the inputs below (at most 14
// significant bits), unlike BabelStream's 0.4.
inline constexpr float kStreamScalar = 3.0f;

// Initial contents: a in [1, 2), b in [2, 3), c in [0.5, 1), each with 10-11 fraction bits.
GPUBENCH_HD constexpr float initial_a(std::size_t i) {
  return 1.0f + static_cast<float>(i & 1023u) / 1024.0f;
}
GPUBENCH_HD constexpr float initial_b(std::size_t i) {
  return 2.0f + static_cast<float>((i * 7u + 3u) & 1023u) / 1024.0f;
}
GPUBENCH_HD constexpr float initial_c(std::size_t i) {
  return 0.5f + static_cast<float>((i * 13u + 5u) & 1023u) / 2048.0f;
}
// What the write-only kernel stores.
GPUBENCH_HD constexpr float written_value(std::size_t i) {
  return 4.0f + static_cast<float>((i * 3u) & 1023u) / 1024.0f;
}

// Which array an op writes (0 = a, 1 = b, 2 = c), or -1 for the reductions (read, dot).
GPUBENCH_HD constexpr int output_array(StreamOp op) {
  switch (op) {
    case StreamOp::kWrite:
      return 0;
    case StreamOp::kCopy:
      return 2;  // c = a
    case StreamOp::kScale:
      return 1;  // b = s * c
    case StreamOp::kAdd:
      return 2;  // c = a + b
    case StreamOp::kTriad:
      return 0;  // a = b + s * c
    case StreamOp::kRead:
    case StreamOp::kDot:
      return -1;
  }
  return -1;
}

// Element i of the output array after the op ran on the initial contents. Every op is idempotent
// on them (no op reads the array it writes), so this also holds after any number of timed runs.
GPUBENCH_HD constexpr float expected_output(StreamOp op, std::size_t i) {
  switch (op) {
    case StreamOp::kWrite:
      return written_value(i);
    case StreamOp::kCopy:
      return initial_a(i);
    case StreamOp::kScale:
      return kStreamScalar * initial_c(i);
    case StreamOp::kAdd:
      return initial_a(i) + initial_b(i);
    case StreamOp::kTriad:
      return initial_b(i) + kStreamScalar * initial_c(i);
    case StreamOp::kRead:
    case StreamOp::kDot:
      return 0.0f;
  }
  return 0.0f;
}

// Arrays of `element_bytes` each that one run of the op reads plus writes: the bytes a bandwidth
// figure counts (triad moves 3 arrays: reads b and c, writes a).
GPUBENCH_HD constexpr int arrays_moved(StreamOp op) {
  switch (op) {
    case StreamOp::kRead:
      return 1;
    case StreamOp::kWrite:
      return 1;
    case StreamOp::kCopy:
      return 2;
    case StreamOp::kScale:
      return 2;
    case StreamOp::kAdd:
      return 3;
    case StreamOp::kTriad:
      return 3;
    case StreamOp::kDot:
      return 2;
  }
  return 0;
}

// The value each reduction sums per element.
GPUBENCH_HD constexpr double reduced_term(StreamOp op, std::size_t i) {
  return op == StreamOp::kDot ? static_cast<double>(initial_a(i)) * initial_b(i)
                              : static_cast<double>(initial_a(i));
}

// Bit-exact comparison for the array ops; the reductions use a relative tolerance because
// float partial sums are rounded.
inline constexpr double kReductionRelativeTolerance = 1e-5;

// Contents of the L2-sweep buffer: small integers, so float partial sums stay exact (< 2^24).
GPUBENCH_HD constexpr float l2_sweep_value(std::size_t i) {
  return static_cast<float>(i & 7u);
}

// Sum of one 16-byte vector of the L2-sweep buffer.
GPUBENCH_HD constexpr double l2_sweep_vector_sum(std::size_t vector) {
  double sum = 0;
  for (std::size_t i = vector * 4; i < vector * 4 + 4; ++i)
    sum += l2_sweep_value(i);
  return sum;
}

// Contents of host<->device transfer buffers, one 32-bit word at a time.
GPUBENCH_HD constexpr std::uint32_t transfer_word(std::size_t i) {
  return static_cast<std::uint32_t>(i * 2654435761u) ^ 0x5bd1e995u;
}

}  // namespace gpubench::memory

namespace gpubench::memory {

// What the L2 sweep must sum: its threads together load vectors 0, 1, 2, ... total_loads - 1,
// each taken mod `vectors` (a power of two). The buffer repeats every 2 vectors (6, then 22).
inline double l2_sweep_expected_sum(std::size_t vectors, std::size_t total_loads) {
  const double pair = l2_sweep_vector_sum(0) + l2_sweep_vector_sum(1);
  const std::size_t tail = total_loads % vectors;
  const double one_pass = pair * static_cast<double>(vectors / 2);
  const double remainder =
      pair * static_cast<double>(tail / 2) + (tail % 2 ? l2_sweep_vector_sum(0) : 0.0);
  return one_pass * static_cast<double>(total_loads / vectors) + remainder;
}

// Sum of f(i) for i < n when f repeats every 1024 indices (every initial_* pattern does).
template <typename Function>
double periodic_sum(std::size_t n, Function f) {
  double period = 0;
  double tail = 0;
  for (std::size_t i = 0; i < 1024; ++i) {
    const double value = f(i);
    period += value;
    if (i < n % 1024) tail += value;
  }
  return period * static_cast<double>(n / 1024) + tail;
}

}  // namespace gpubench::memory

namespace gpubench::memory {

// Index of the first element of output[0..n) that differs from expected_output(op, i), or n: the
// predicate the device's verification kernel applies to every element.
GPUBENCH_HD constexpr std::size_t first_mismatch(StreamOp op, const float* output, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (output[i] != expected_output(op, i)) return i;
  }
  return n;
}

}  // namespace gpubench::memory
