#pragma once
// The CPU reference the GEMM tests compare against: row-major C (m x n) = A (m x k) * B (k x n)
// accumulated in FP64, and the relative Frobenius error of a result against it.

#include <cmath>
#include <cstddef>
#include <vector>

namespace gpubench::gemm::testing {

// `a` and `b` hold m * k and k * n values of any type convertible to double.
template <typename A, typename B>
std::vector<double> reference_gemm(int m, int n, int k, const std::vector<A>& a,
                                   const std::vector<B>& b) {
  const auto un = static_cast<std::size_t>(n);
  const auto uk = static_cast<std::size_t>(k);
  std::vector<double> c(static_cast<std::size_t>(m) * un, 0.0);
  std::vector<double> b_row(un);
  for (std::size_t p = 0; p < uk; ++p) {
    for (std::size_t j = 0; j < un; ++j)
      b_row[j] = static_cast<double>(b[p * un + j]);
    for (std::size_t i = 0; i < static_cast<std::size_t>(m); ++i) {
      const double a_ip = static_cast<double>(a[i * uk + p]);
      double* c_row = c.data() + i * un;
      for (std::size_t j = 0; j < un; ++j)
        c_row[j] += a_ip * b_row[j];
    }
  }
  return c;
}

// A rows x cols matrix of small integers (-3..3) from `seed`: every product and sum of a GEMM's
// size is exact in FP16 inputs and in double, so a CPU model of a kernel must match exactly.
inline std::vector<double> integer_matrix(int rows, int cols, int seed) {
  std::vector<double> v(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  unsigned state = static_cast<unsigned>(seed) * 2654435761u + 12345u;
  for (double& x : v) {
    state = state * 1664525u + 1013904223u;
    x = static_cast<double>(static_cast<int>((state >> 16) % 7u) - 3);
  }
  return v;
}

// ||c - reference||_F / ||reference||_F (the absolute error when the reference is all zeros). A
// NaN anywhere in c gives NaN, which fails every "error < tolerance" check.
template <typename T>
double relative_frobenius_error(const std::vector<T>& c, const std::vector<double>& reference) {
  double diff = 0;
  double norm = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const double d = static_cast<double>(c[i]) - reference[i];
    diff += d * d;
    norm += reference[i] * reference[i];
  }
  return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

}  // namespace gpubench::gemm::testing
