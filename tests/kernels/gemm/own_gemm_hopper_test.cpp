// gpubench's own HGEMM for Hopper (wgmma + TMA, sm_90a) on a GPU (skipped without a 9.0 device),
// against the FP64 CPU reference, with lone blocks and with clusters of two; and, everywhere, the
// dispatch that picks it and the cluster size it reads from the environment.
#include <cuda_fp16.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/compute/wgmma_kernels.hpp"
#include "kernels/gemm/own_gemm.hpp"
#include "kernels/gemm/own_gemm_detail.hpp"
#include "support/gemm_reference.hpp"
#include "support/own_gemm_gpu.hpp"
#include "support/test_support.hpp"

namespace gpubench::gemm {
namespace {

using testing::describe;
using testing::elements;
using testing::expect_close;
using testing::kHgemmTolerance;
using testing::Output;
using testing::random_matrix;
using testing::reference_gemm;
using testing::Shape;
using testing::to_double;
using testing::to_half;
using testing::upload;

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
    upload(a_dev, a, 0);
    upload(b_dev, b, 0);
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
  upload(a_dev, a, 0);
  upload(b_dev, b, 0);
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

}  // namespace
}  // namespace gpubench::gemm
