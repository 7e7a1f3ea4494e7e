// gpubench's own SGEMM and HGEMM on a GPU (skipped without one), against the FP64 CPU reference:
// odd sizes (every tail), exact tiles, long k, every tile configuration, the scalar fallback
// (misaligned pointers and leading dimensions), and the memory around C left untouched. Argument
// checks run everywhere.
#include "kernels/gemm/own_gemm.hpp"

#include <cuda_fp16.h>
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/compute/wgmma_kernels.hpp"
#include "kernels/gemm/own_gemm_detail.hpp"
#include "support/gemm_reference.hpp"
#include "support/test_support.hpp"

namespace gpubench::gemm {
namespace {

using testing::reference_gemm;
using testing::relative_frobenius_error;

// Device memory of `count` elements, freed on scope exit.
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t count) : count_(count) {
    GPUBENCH_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T)));
  }
  ~DeviceBuffer() { cudaFree(data_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() { return data_; }
  std::size_t count() const { return count_; }
  void upload(const std::vector<T>& host, std::size_t offset) {
    GPUBENCH_CUDA_CHECK(
        cudaMemcpy(data_ + offset, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> download() const {
    std::vector<T> host(count_);
    GPUBENCH_CUDA_CHECK(cudaMemcpy(host.data(), data_, count_ * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  T* data_ = nullptr;
  std::size_t count_;
};

struct Shape {
  int m, n, k;
};
std::string describe(Shape s) {
  return std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
}
std::size_t elements(int rows, int cols) {
  return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
}

// Uniform in [-1, 1], never all zeros.
std::vector<float> random_matrix(std::size_t count, unsigned seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> v(count);
  for (float& x : v)
    x = dist(engine);
  return v;
}

// The result and what surrounds it: C is written kGuard elements (plus `offset`) into a buffer
// filled with 0xff bytes (NaN in FP32 and FP16), and nothing outside the m x n result may change.
constexpr std::size_t kGuard = 256;

template <typename T>
struct Output {
  DeviceBuffer<T> buffer;
  std::size_t offset;
  std::size_t count;
  Output(std::size_t result_count, std::size_t misalign)
      : buffer(result_count + 2 * kGuard + misalign),
        offset(kGuard + misalign),
        count(result_count) {
    GPUBENCH_CUDA_CHECK(cudaMemset(buffer.get(), 0xff, buffer.count() * sizeof(T)));
  }
  T* c() { return buffer.get() + offset; }
  // The result; fails the test if a byte outside it changed.
  std::vector<T> result_checking_guards(const std::string& what) {
    const std::vector<T> all = buffer.download();
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
void expect_close(const std::vector<double>& c, const std::vector<double>& reference, int k,
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

// Odd sizes (1x1x1; every tail; k = 8191), exact tiles, k and n multiples of 8 but not of the
// tiles (the vectorized paths with tails), and 1000^3.
constexpr Shape kShapes[] = {{1, 1, 1},         {7, 9, 13},     {17, 33, 9},     {65, 31, 47},
                             {129, 257, 65},    {128, 128, 32}, {256, 256, 256}, {3, 8, 8},
                             {64, 72, 40},      {300, 200, 17}, {96, 136, 2056}, {65, 129, 8191},
                             {1000, 1000, 1000}};

constexpr double kSgemmTolerance = 1e-5;
constexpr double kHgemmTolerance = 1e-2;

// --- argument checks (no GPU needed: they come before any CUDA call)

TEST(OwnGemm, RejectsEmptyShapesAndNullPointers) {
  float f = 0;
  __half h{};
  EXPECT_THROW(launch_own_sgemm(0, 1, 1, &f, &f, &f, nullptr), std::invalid_argument);
  EXPECT_THROW(launch_own_sgemm(1, -1, 1, &f, &f, &f, nullptr), std::invalid_argument);
  EXPECT_THROW(launch_own_sgemm(1, 1, 0, &f, &f, &f, nullptr), std::invalid_argument);
  EXPECT_THROW(launch_own_sgemm(1, 1, 1, nullptr, &f, &f, nullptr), std::invalid_argument);
  EXPECT_THROW(launch_own_sgemm_with(SgemmConfig::k128x128x16, 1, 1, 1, &f, &f, nullptr, nullptr),
               std::invalid_argument);
  EXPECT_THROW(launch_own_hgemm(false, 0, 1, 1, &h, &h, &h, nullptr), std::invalid_argument);
  EXPECT_THROW(launch_own_hgemm(true, 1, 1, 1, &h, nullptr, &h, nullptr), std::invalid_argument);
  EXPECT_THROW(
      launch_own_hgemm_with(HgemmConfig::kFallback128x128x32, false, 1, 0, 1, &h, &h, &h, nullptr),
      std::invalid_argument);
}

TEST(OwnGemm, VectorizedPathNeedsAlignedRows) {
  alignas(16) static float f[8];
  alignas(16) static __half h[16];
  EXPECT_TRUE(own_sgemm_vectorized(4, 8, f, f));
  EXPECT_FALSE(own_sgemm_vectorized(6, 8, f, f));
  EXPECT_FALSE(own_sgemm_vectorized(4, 9, f, f));
  EXPECT_FALSE(own_sgemm_vectorized(4, 8, f + 1, f));
  EXPECT_TRUE(own_hgemm_vectorized(8, 16, h, h));
  EXPECT_FALSE(own_hgemm_vectorized(4, 16, h, h));
  EXPECT_FALSE(own_hgemm_vectorized(8, 12, h, h));
  EXPECT_FALSE(own_hgemm_vectorized(8, 16, h, h + 4));
}

// --- SGEMM

struct SgemmVariant {
  const char* name;
  bool use_default;  // launch_own_sgemm, else launch_own_sgemm_with(config)
  SgemmConfig config;
  std::size_t misalign;  // elements added to every pointer (1: the scalar fallback)
};
constexpr SgemmVariant kSgemmVariants[] = {
    {"launch_own_sgemm", true, SgemmConfig::k128x128x8, 0},
    {"128x128x8", false, SgemmConfig::k128x128x8, 0},
    {"128x128x16", false, SgemmConfig::k128x128x16, 0},
    {"128x64x8", false, SgemmConfig::k128x64x8, 0},
    {"64x64x8", false, SgemmConfig::k64x64x8, 0},
    {"misaligned pointers (scalar fallback)", true, SgemmConfig::k128x128x8, 1},
};

TEST(OwnSgemmGpu, MatchesTheFp64ReferenceOnEveryShapeAndConfig) {
  GPUBENCH_REQUIRE_GPU();
  for (const Shape s : kShapes) {
    const auto a = random_matrix(elements(s.m, s.k), 1u + static_cast<unsigned>(s.m));
    const auto b = random_matrix(elements(s.k, s.n), 2u + static_cast<unsigned>(s.n));
    const auto reference = reference_gemm(s.m, s.n, s.k, a, b);
    DeviceBuffer<float> a_dev(a.size() + 1);
    DeviceBuffer<float> b_dev(b.size() + 1);
    for (const SgemmVariant& v : kSgemmVariants) {
      const std::string what = "SGEMM " + describe(s) + " " + v.name;
      a_dev.upload(a, v.misalign);
      b_dev.upload(b, v.misalign);
      Output<float> out(reference.size(), v.misalign);
      const float* pa = a_dev.get() + v.misalign;
      const float* pb = b_dev.get() + v.misalign;
      if (v.misalign != 0) {
        EXPECT_FALSE(own_sgemm_vectorized(s.n, s.k, pa, pb)) << what;
      } else if (s.n % 4 == 0 && s.k % 4 == 0) {
        EXPECT_TRUE(own_sgemm_vectorized(s.n, s.k, pa, pb)) << what;
      }
      if (v.use_default) {
        launch_own_sgemm(s.m, s.n, s.k, pa, pb, out.c(), nullptr);
      } else {
        launch_own_sgemm_with(v.config, s.m, s.n, s.k, pa, pb, out.c(), nullptr);
      }
      GPUBENCH_CUDA_CHECK(cudaDeviceSynchronize());
      const std::vector<float> c = out.result_checking_guards(what);
      expect_close(std::vector<double>(c.begin(), c.end()), reference, s.k, kSgemmTolerance, 1e-4,
                   what);
    }
  }
}

// --- HGEMM

std::vector<__half> to_half(const std::vector<float>& v) {
  std::vector<__half> h(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    h[i] = __float2half_rn(v[i]);
  return h;
}
std::vector<double> to_double(const std::vector<__half>& h) {
  std::vector<double> d(h.size());
  for (std::size_t i = 0; i < h.size(); ++i)
    d[i] = static_cast<double>(__half2float(h[i]));
  return d;
}

struct HgemmVariant {
  const char* name;
  bool use_default;  // launch_own_hgemm, else launch_own_hgemm_with(config)
  HgemmConfig config;
  std::size_t misalign;
};
constexpr HgemmVariant kHgemmVariants[] = {
    {"launch_own_hgemm", true, HgemmConfig::k128x128x32Stages3, 0},
    {"128x128x32 3 stages", false, HgemmConfig::k128x128x32Stages3, 0},
    {"128x256x32 4 stages", false, HgemmConfig::k128x256x32Stages4, 0},
    {"fallback 128x128x32 (scalar loads)", false, HgemmConfig::kFallback128x128x32, 0},
    {"misaligned pointers (scalar fallback)", true, HgemmConfig::k128x128x32Stages3, 1},
};

// FP16 accumulation is tested where it is meant to hold 1e-2: inputs in [-1, 1] and k <= 1024.
void run_hgemm_shapes(bool fp16_accumulate) {
  for (const Shape s : kShapes) {
    if (fp16_accumulate && s.k > 1024) continue;
    // Inputs rounded to FP16 first: the reference multiplies exactly what the kernel reads.
    const auto a = to_half(random_matrix(elements(s.m, s.k), 3u + static_cast<unsigned>(s.m)));
    const auto b = to_half(random_matrix(elements(s.k, s.n), 4u + static_cast<unsigned>(s.n)));
    const auto reference = reference_gemm(s.m, s.n, s.k, to_double(a), to_double(b));
    DeviceBuffer<__half> a_dev(a.size() + 1);
    DeviceBuffer<__half> b_dev(b.size() + 1);
    for (const HgemmVariant& v : kHgemmVariants) {
      const std::string what = std::string("HGEMM ") +
                               (fp16_accumulate ? "FP16-accumulate " : "FP32-accumulate ") +
                               describe(s) + " " + v.name;
      a_dev.upload(a, v.misalign);
      b_dev.upload(b, v.misalign);
      Output<__half> out(reference.size(), v.misalign);
      const __half* pa = a_dev.get() + v.misalign;
      const __half* pb = b_dev.get() + v.misalign;
      if (v.misalign != 0) {
        EXPECT_FALSE(own_hgemm_vectorized(s.n, s.k, pa, pb)) << what;
      } else if (s.n % 8 == 0 && s.k % 8 == 0) {
        EXPECT_TRUE(own_hgemm_vectorized(s.n, s.k, pa, pb)) << what;
      }
      if (v.use_default) {
        ASSERT_TRUE(launch_own_hgemm(fp16_accumulate, s.m, s.n, s.k, pa, pb, out.c(), nullptr));
      } else {
        launch_own_hgemm_with(v.config, fp16_accumulate, s.m, s.n, s.k, pa, pb, out.c(), nullptr);
      }
      GPUBENCH_CUDA_CHECK(cudaDeviceSynchronize());
      expect_close(to_double(out.result_checking_guards(what)), reference, s.k, kHgemmTolerance,
                   fp16_accumulate ? 0.05 : 0.01, what);
    }
  }
}

TEST(OwnHgemmGpu, Fp32AccumulateMatchesTheFp64Reference) {
  GPUBENCH_REQUIRE_GPU();
  if (current_device_sm() < 80) GPUBENCH_SKIP_OTHER_HARDWARE("own HGEMM needs sm_80 or newer");
  run_hgemm_shapes(false);
}

TEST(OwnHgemmGpu, Fp16AccumulateMatchesTheFp64Reference) {
  GPUBENCH_REQUIRE_GPU();
  if (current_device_sm() < 80) GPUBENCH_SKIP_OTHER_HARDWARE("own HGEMM needs sm_80 or newer");
  run_hgemm_shapes(true);
}

TEST(OwnHgemmGpu, DeclinesWithoutCpAsync) {
  GPUBENCH_REQUIRE_GPU();
  if (current_device_sm() >= 80) GPUBENCH_SKIP_OTHER_HARDWARE("this device has cp.async");
  DeviceBuffer<__half> x(64);
  EXPECT_FALSE(launch_own_hgemm(false, 8, 8, 8, x.get(), x.get(), x.get(), nullptr));
  EXPECT_THROW(launch_own_hgemm_with(HgemmConfig::k128x128x32Stages3, false, 8, 8, 8, x.get(),
                                     x.get(), x.get(), nullptr),
               std::invalid_argument);
}

// --- HGEMM for Hopper (wgmma + TMA)

// Sets (or, given nullptr, unsets) the cluster-size variable for one scope and restores it after,
// so the tests do not depend on the environment they were started in, nor change it.
class ScopedClusterVariable {
 public:
  explicit ScopedClusterVariable(const char* value) {
    const char* previous = std::getenv(kHopperClusterVariable);
    if (previous != nullptr) previous_ = previous;
    set(value);
  }
  ~ScopedClusterVariable() { set(previous_ ? previous_->c_str() : nullptr); }
  ScopedClusterVariable(const ScopedClusterVariable&) = delete;
  ScopedClusterVariable& operator=(const ScopedClusterVariable&) = delete;
  static void set(const char* value) {
    if (value == nullptr) {
      ::unsetenv(kHopperClusterVariable);
    } else {
      ::setenv(kHopperClusterVariable, value, 1);
    }
  }

 private:
  std::optional<std::string> previous_;
};

TEST(OwnHgemm, DispatchPicksWgmmaOnHopperOnlyWhereTmaApplies) {
  const ScopedClusterVariable lone_blocks(nullptr);
  alignas(16) static __half h[16];
  const bool built = compute::wgmma_kernels_built();
  EXPECT_EQ(wgmma_hgemm_applies(90, 8, 16, h, h), built);
  EXPECT_FALSE(wgmma_hgemm_applies(89, 8, 16, h, h));
  EXPECT_FALSE(wgmma_hgemm_applies(100, 8, 16, h, h));
  EXPECT_FALSE(wgmma_hgemm_applies(90, 12, 16, h, h));  // rows not 16-byte multiples
  EXPECT_FALSE(wgmma_hgemm_applies(90, 8, 20, h, h));
  EXPECT_FALSE(wgmma_hgemm_applies(90, 8, 16, h + 1, h));
  EXPECT_STREQ(own_hgemm_kernel_name(90, 8, 16, h, h), built ? "wgmma+tma" : "mma.sync");
  EXPECT_STREQ(own_hgemm_kernel_name(90, 12, 16, h, h), "mma.sync");
  EXPECT_STREQ(own_hgemm_kernel_name(89, 8, 16, h, h), "mma.sync");
  EXPECT_STREQ(own_hgemm_kernel_name(75, 8, 16, h, h), "");
  EXPECT_THROW(launch_wgmma_hgemm(false, 0, 8, 8, h, h, h, nullptr), std::invalid_argument);
}

// Every shape TMA takes (n, k multiples of 8): single elements of a tile, every tail of m, n and
// k, more k tiles than pipeline stages (the barriers' phases wrap), exact tiles, k = 8192.
constexpr Shape kHopperShapes[] = {{1, 8, 8},       {3, 8, 8},        {64, 72, 40},
                                   {128, 256, 64},  {129, 264, 72},   {200, 136, 24},
                                   {96, 520, 2056}, {256, 512, 1024}, {1000, 1000, 1000},
                                   {65, 256, 8192}, {384, 768, 320}};

void run_hopper_hgemm_shapes(bool fp16_accumulate, int cluster_m) {
  for (const Shape s : kHopperShapes) {
    if (fp16_accumulate && s.k > 1024) continue;
    const std::string what = std::string("Hopper HGEMM ") +
                             (fp16_accumulate ? "FP16-accumulate " : "FP32-accumulate ") +
                             describe(s) + " cluster " + std::to_string(cluster_m);
    const auto a = to_half(random_matrix(elements(s.m, s.k), 5u + static_cast<unsigned>(s.m)));
    const auto b = to_half(random_matrix(elements(s.k, s.n), 6u + static_cast<unsigned>(s.k)));
    const auto reference = reference_gemm(s.m, s.n, s.k, to_double(a), to_double(b));
    DeviceBuffer<__half> a_dev(a.size());
    DeviceBuffer<__half> b_dev(b.size());
    a_dev.upload(a, 0);
    b_dev.upload(b, 0);
    // C aligned (pair stores) or not (scalar stores); one block per SM, or at most three blocks
    // (one cluster of two, with clusters) that each loop over many tiles (the pipeline's stages
    // and phases carried across tiles).
    struct Variant {
      std::size_t misalign;
      int max_blocks;
      const char* name;
    };
    for (const Variant v : {Variant{0, 0, ""}, Variant{1, 0, " (C misaligned)"},
                            Variant{0, 3, " (at most 3 persistent blocks)"}}) {
      Output<__half> out(reference.size(), v.misalign);
      launch_wgmma_hgemm(fp16_accumulate, s.m, s.n, s.k, a_dev.get(), b_dev.get(), out.c(), nullptr,
                         v.max_blocks, cluster_m);
      GPUBENCH_CUDA_CHECK(cudaDeviceSynchronize());
      const std::string where = what + v.name;
      expect_close(to_double(out.result_checking_guards(where)), reference, s.k, kHgemmTolerance,
                   fp16_accumulate ? 0.05 : 0.01, where);
    }
  }
}

// Skips the test unless a 9.0 device is present; fails it under GPUBENCH_REQUIRE_GPU=1 when a 9.0
// device is present but the build lacks the sm_90a kernels.
#define REQUIRE_HOPPER_HGEMM()                                                             \
  do {                                                                                     \
    GPUBENCH_REQUIRE_GPU();                                                                \
    if (current_device_sm() != 90) {                                                       \
      GPUBENCH_SKIP_OTHER_HARDWARE("needs compute capability 9.0");                        \
    }                                                                                      \
    if (!compute::wgmma_kernels_built()) {                                                 \
      GPUBENCH_SKIP_UNLESS_GPU_REQUIRED("a Hopper, but this build has no sm_90a kernels"); \
    }                                                                                      \
  } while (0)

// Lone blocks (OwnHgemmHopperGpu, the default) and clusters of two (OwnHgemmHopperClustersGpu, an
// experiment: B multicast, and an odd tile-row count leaves a block below the matrix) are separate
// suites, so a GPU session can check the default kernel on its own first.
TEST(OwnHgemmHopperGpu, Fp32AccumulateMatchesTheFp64Reference) {
  REQUIRE_HOPPER_HGEMM();
  run_hopper_hgemm_shapes(false, 1);
}

TEST(OwnHgemmHopperGpu, Fp16AccumulateMatchesTheFp64Reference) {
  REQUIRE_HOPPER_HGEMM();
  run_hopper_hgemm_shapes(true, 1);
}

TEST(OwnHgemmHopperClustersGpu, Fp32AccumulateMatchesTheFp64Reference) {
  REQUIRE_HOPPER_HGEMM();
  run_hopper_hgemm_shapes(false, 2);
}

TEST(OwnHgemmHopperClustersGpu, Fp16AccumulateMatchesTheFp64Reference) {
  REQUIRE_HOPPER_HGEMM();
  run_hopper_hgemm_shapes(true, 2);
}

// Inputs of known structure, so a swapped k slice, n panel or row shows up exactly, not as noise:
// A = identity-like (A[i][k] = 1 where k == i % k_size), B[k][j] = k + j / 64 (small integers,
// exact in FP16), so C[i][j] = (i % k) + j / 64.
void check_structured_product(int cluster_m) {
  const Shape s{300, 520, 200};
  std::vector<__half> a(elements(s.m, s.k), __float2half(0.f));
  std::vector<__half> b(elements(s.k, s.n));
  for (int i = 0; i < s.m; ++i)
    a[static_cast<std::size_t>(i) * s.k + static_cast<std::size_t>(i % s.k)] = __float2half(1.f);
  for (int k = 0; k < s.k; ++k) {
    for (int j = 0; j < s.n; ++j) {
      b[static_cast<std::size_t>(k) * s.n + j] = __float2half(static_cast<float>(k + j / 64));
    }
  }
  DeviceBuffer<__half> a_dev(a.size());
  DeviceBuffer<__half> b_dev(b.size());
  a_dev.upload(a, 0);
  b_dev.upload(b, 0);
  for (const bool fp16_accumulate : {false, true}) {
    Output<__half> out(elements(s.m, s.n), 0);
    launch_wgmma_hgemm(fp16_accumulate, s.m, s.n, s.k, a_dev.get(), b_dev.get(), out.c(), nullptr,
                       fp16_accumulate ? 2 : 0, cluster_m);
    GPUBENCH_CUDA_CHECK(cudaDeviceSynchronize());
    const auto c = to_double(out.result_checking_guards("structured"));
    int wrong = 0;
    for (int i = 0; i < s.m && wrong < 8; ++i) {
      for (int j = 0; j < s.n && wrong < 8; ++j) {
        const double expected = static_cast<double>(i % s.k + j / 64);
        const double got = c[static_cast<std::size_t>(i) * s.n + j];
        if (got != expected) {
          ++wrong;
          ADD_FAILURE() << (fp16_accumulate ? "FP16" : "FP32") << " accumulate, cluster "
                        << cluster_m << ": C[" << i << "][" << j << "] = " << got << ", expected "
                        << expected;
        }
      }
    }
  }
}

TEST(OwnHgemmHopperGpu, StructuredInputsGiveExactResults) {
  REQUIRE_HOPPER_HGEMM();
  check_structured_product(1);
}

TEST(OwnHgemmHopperClustersGpu, StructuredInputsGiveExactResults) {
  REQUIRE_HOPPER_HGEMM();
  check_structured_product(2);
}

// The cluster size comes from GPUBENCH_HOPPER_HGEMM_CLUSTER: unset, empty or 1 is 1, 2 is 2 (and
// the kernel's label says so on Hopper), anything else is refused with the variable's name.
TEST(OwnHgemmHopperClusters, SizeComesFromTheEnvironment) {
  const ScopedClusterVariable restored(nullptr);
  const auto set = ScopedClusterVariable::set;
  EXPECT_EQ(hopper_hgemm_cluster_m(), 1);
  set("");
  EXPECT_EQ(hopper_hgemm_cluster_m(), 1);
  set("1");
  EXPECT_EQ(hopper_hgemm_cluster_m(), 1);
  set("2");
  EXPECT_EQ(hopper_hgemm_cluster_m(), 2);
  alignas(16) static __half h[16];
  EXPECT_STREQ(own_hgemm_kernel_name(90, 8, 16, h, h),
               compute::wgmma_kernels_built() ? "wgmma+tma cluster 2x1" : "mma.sync");
  for (const char* wrong : {"4", "2x1", " 2", "yes"}) {
    set(wrong);
    try {
      hopper_hgemm_cluster_m();
      ADD_FAILURE() << "accepted " << wrong;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(kHopperClusterVariable), std::string::npos);
    }
  }
}

// Launches go on the given stream, asynchronously: results appear after synchronizing it.
TEST(OwnGemmGpu, RunsOnTheCallersStream) {
  GPUBENCH_REQUIRE_GPU();
  cudaStream_t stream = nullptr;
  GPUBENCH_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  const Shape s{200, 136, 72};
  const auto a = random_matrix(elements(s.m, s.k), 7u);
  const auto b = random_matrix(elements(s.k, s.n), 8u);
  DeviceBuffer<float> a_dev(a.size());
  DeviceBuffer<float> b_dev(b.size());
  a_dev.upload(a, 0);
  b_dev.upload(b, 0);
  Output<float> out(elements(s.m, s.n), 0);
  launch_own_sgemm(s.m, s.n, s.k, a_dev.get(), b_dev.get(), out.c(), stream);
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  const std::vector<float> c = out.result_checking_guards("SGEMM on a stream");
  expect_close(std::vector<double>(c.begin(), c.end()), reference_gemm(s.m, s.n, s.k, a, b), s.k,
               kSgemmTolerance, 1e-4, "SGEMM on a stream");
  if (current_device_sm() >= 80) {
    const auto ah = to_half(a);
    const auto bh = to_half(b);
    DeviceBuffer<__half> ah_dev(ah.size());
    DeviceBuffer<__half> bh_dev(bh.size());
    ah_dev.upload(ah, 0);
    bh_dev.upload(bh, 0);
    Output<__half> outh(elements(s.m, s.n), 0);
    ASSERT_TRUE(
        launch_own_hgemm(false, s.m, s.n, s.k, ah_dev.get(), bh_dev.get(), outh.c(), stream));
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    expect_close(to_double(outh.result_checking_guards("HGEMM on a stream")),
                 reference_gemm(s.m, s.n, s.k, to_double(ah), to_double(bh)), s.k, kHgemmTolerance,
                 0.01, "HGEMM on a stream");
  }
  GPUBENCH_CUDA_CHECK(cudaStreamDestroy(stream));
}

}  // namespace
}  // namespace gpubench::gemm
