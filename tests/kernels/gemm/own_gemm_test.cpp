// gpubench's own SGEMM and HGEMM (mma.sync, sm_80 and newer) on a GPU (skipped without one),
// against the FP64 CPU reference: odd sizes (every tail), exact tiles, long k, every tile
// configuration, the scalar fallback (misaligned pointers and leading dimensions), the caller's
// stream, and the memory around C left untouched. Argument checks run everywhere. The Hopper
// kernel (wgmma + TMA) and its dispatch are in own_gemm_hopper_test.cpp.
#include "kernels/gemm/own_gemm.hpp"

#include <cuda_fp16.h>
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
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
using testing::kSgemmTolerance;
using testing::Output;
using testing::random_matrix;
using testing::reference_gemm;
using testing::Shape;
using testing::to_double;
using testing::to_half;
using testing::upload;

// Odd sizes (1x1x1; every tail; k = 8191), exact tiles, k and n multiples of 8 but not of the
// tiles (the vectorized paths with tails), and 1000^3.
constexpr Shape kShapes[] = {{1, 1, 1},         {7, 9, 13},     {17, 33, 9},     {65, 31, 47},
                             {129, 257, 65},    {128, 128, 32}, {256, 256, 256}, {3, 8, 8},
                             {64, 72, 40},      {300, 200, 17}, {96, 136, 2056}, {65, 129, 8191},
                             {1000, 1000, 1000}};

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
      upload(a_dev, a, v.misalign);
      upload(b_dev, b, v.misalign);
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
      upload(a_dev, a, v.misalign);
      upload(b_dev, b, v.misalign);
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

// --- both kernels

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
  upload(a_dev, a, 0);
  upload(b_dev, b, 0);
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
    upload(ah_dev, ah, 0);
    upload(bh_dev, bh, 0);
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
