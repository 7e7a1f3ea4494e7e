#pragma once
// What the GPU tests of the own GEMM kernels (own_gemm_test.cpp, own_gemm_hopper_test.cpp) share:
// copies to and from the harness's device buffers (harness/device_buffer.hpp), random inputs, an
// output buffer with guard bytes around C, FP16 conversions, and the comparison against the FP64
// reference with the kernels' tolerances.

#include <cuda_fp16.h>
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "harness/device_buffer.hpp"
#include "kernels/common/cuda_check.hpp"
#include "support/gemm_reference.hpp"

namespace gpubench::gemm::testing {

// Copies `host` into `buffer` from element `offset` on (an offset of 1 misaligns the pointer).
template <typename T>
void upload(DeviceBuffer<T>& buffer, const std::vector<T>& host, std::size_t offset) {
  GPUBENCH_CUDA_CHECK(cudaMemcpy(buffer.get() + offset, host.data(), host.size() * sizeof(T),
                                 cudaMemcpyHostToDevice));
}

// The whole of `buffer`, copied to the host.
template <typename T>
std::vector<T> download(const DeviceBuffer<T>& buffer) {
  std::vector<T> host(buffer.size());
  GPUBENCH_CUDA_CHECK(
      cudaMemcpy(host.data(), buffer.get(), buffer.bytes(), cudaMemcpyDeviceToHost));
  return host;
}

struct Shape {
  int m, n, k;
};
inline std::string describe(Shape s) {
  return std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
}
inline std::size_t elements(int rows, int cols) {
  return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
}

// Uniform in [-1, 1], never all zeros.
inline std::vector<float> random_matrix(std::size_t count, unsigned seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> v(count);
  for (float& x : v)
    x = dist(engine);
  return v;
}

// The result and what surrounds it: C is written kGuard elements (plus `offset`) into a buffer
// filled with 0xff bytes (NaN in FP32 and FP16), and nothing outside the m x n result may change.
inline constexpr std::size_t kGuard = 256;

template <typename T>
struct Output {
  DeviceBuffer<T> buffer;
  std::size_t offset;
  std::size_t count;
  Output(std::size_t result_count, std::size_t misalign)
      : buffer(result_count + 2 * kGuard + misalign),
        offset(kGuard + misalign),
        count(result_count) {
    GPUBENCH_CUDA_CHECK(cudaMemset(buffer.get(), 0xff, buffer.bytes()));
  }
  T* c() { return buffer.get() + offset; }
  // The result; fails the test if a byte outside it changed.
  std::vector<T> result_checking_guards(const std::string& what) {
    const std::vector<T> all = download(buffer);
    const auto* bytes = reinterpret_cast<const unsigned char*>(all.data());
    const std::size_t begin = offset * sizeof(T);
    const std::size_t end = (offset + count) * sizeof(T);
    std::size_t clobbered = 0;
    for (std::size_t i = 0; i < all.size() * sizeof(T); ++i) {
      if ((i < begin || i >= end) && bytes[i] != 0xff) ++clobbered;
    }
    EXPECT_EQ(clobbered, 0u) << what << ": bytes written outside C";
    return std::vector<T>(all.begin() + static_cast<std::ptrdiff_t>(offset),
                          all.begin() + static_cast<std::ptrdiff_t>(offset + count));
  }
};

// Relative Frobenius error below `tolerance` (the contract), and no single element off by more
// than `element_tolerance` times the typical magnitude of an output (sqrt(k / 9) for inputs
// uniform in [-1, 1]): a wrong tail element or a lost k tile can hide in a Frobenius norm over a
// million elements, but not from this.
inline void expect_close(const std::vector<double>& c, const std::vector<double>& reference, int k,
                         double tolerance, double element_tolerance, const std::string& what) {
  ASSERT_EQ(c.size(), reference.size());
  const double error = relative_frobenius_error(c, reference);
  EXPECT_LT(error, tolerance) << what;
  const double typical = std::sqrt(static_cast<double>(k) / 9.0);
  double worst = 0;
  std::size_t worst_at = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double d = std::fabs(c[i] - reference[i]);
    if (!(d <= worst)) {  // NaN too
      worst = d;
      worst_at = i;
    }
  }
  EXPECT_LE(worst, element_tolerance * typical)
      << what << ": element " << worst_at << " is " << c[worst_at] << ", reference "
      << reference[worst_at] << " (relative Frobenius error " << error << ")";
}

// The contracts: relative Frobenius error of FP32 and of FP16 results against the FP64 reference.
inline constexpr double kSgemmTolerance = 1e-5;
inline constexpr double kHgemmTolerance = 1e-2;

inline std::vector<__half> to_half(const std::vector<float>& v) {
  std::vector<__half> h(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    h[i] = __float2half_rn(v[i]);
  return h;
}
inline std::vector<double> to_double(const std::vector<__half>& h) {
  std::vector<double> d(h.size());
  for (std::size_t i = 0; i < h.size(); ++i)
    d[i] = static_cast<double>(__half2float(h[i]));
  return d;
}

}  // namespace gpubench::gemm::testing
