// The cuBLASLt NVFP4 row on a Blackwell GPU (compute capability 10.0+; skipped elsewhere): e2m1
// operands with ue4m3 scales in cuBLAS's tiled layout, against the FP64 reference of
// kernels/gemm/nvfp4_layout.hpp computed here from the very bytes the device used, and through the
// suite's sampled device check, which must agree with the CPU.
#include <cuda.h>  // CUDA_VERSION
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/cublas_gemm.hpp"
#include "harness/device_buffer.hpp"
#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/gemm/gemm_support.hpp"
#include "kernels/gemm/nvfp4_layout.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

std::vector<std::uint8_t> download(const DeviceBuffer<unsigned char>& buffer) {
  std::vector<std::uint8_t> host(buffer.bytes());
  GPUBENCH_CUDA_CHECK(cudaMemcpy(host.data(), buffer.get(), host.size(), cudaMemcpyDeviceToHost));
  return host;
}

DeviceBuffer<unsigned char> bytes(std::int64_t count) {
  return DeviceBuffer<unsigned char>(static_cast<std::size_t>(count));
}

// The largest relative Frobenius error of C against the CPU reference, and the device check's, on
// a shape the caller has prepared.
void check_shape(CublasGemm& cublas, int m, int n, int k, cudaStream_t stream) {
  const std::string what = fmt::format("nvfp4 {}x{}x{}", m, n, k);
  DeviceBuffer<unsigned char> a = bytes(gemm::nvfp4_data_bytes(m, k)),
                              b = bytes(gemm::nvfp4_data_bytes(n, k)),
                              sa = bytes(gemm::nvfp4_scale_bytes(m, k)),
                              sb = bytes(gemm::nvfp4_scale_bytes(n, k));
  DeviceBuffer<float> c(static_cast<std::size_t>(m) * static_cast<std::size_t>(n));
  gemm::launch_fill_nvfp4(a.get(), m, k, sa.get(), 21, stream);
  gemm::launch_fill_nvfp4(b.get(), n, k, sb.get(), 22, stream);
  GPUBENCH_CUDA_CHECK(cudaMemsetAsync(c.get(), 0xff, c.bytes(), stream));  // poison
  cublas.prepare(GemmPrecision::kNvfp4, m, n, k);  // already prepared: the plan is cached
  cublas.gemm(GemmPrecision::kNvfp4, m, n, k, a.get(), b.get(), c.get(),
              BlockScales{sa.get(), sb.get()});
  DeviceBuffer<double> sums(3);
  GPUBENCH_CUDA_CHECK(cudaMemsetAsync(sums.get(), 0, 3 * sizeof(double), stream));
  gemm::launch_sampled_error_nvfp4(m, n, k, {a.get(), sa.get(), b.get(), sb.get()}, c.get(), m * n,
                                   5, sums.get(), stream);
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));

  const auto ha = download(a), hb = download(b), hsa = download(sa), hsb = download(sb);
  std::vector<float> hc(static_cast<std::size_t>(m) * static_cast<std::size_t>(n));
  GPUBENCH_CUDA_CHECK(cudaMemcpy(hc.data(), c.get(), c.bytes(), cudaMemcpyDeviceToHost));
  double error = 0, norm = 0;
  int exact = 0;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      const double ref = gemm::nvfp4_dot(ha.data(), hsa.data(), hb.data(), hsb.data(), i, j, k);
      const double got = hc[static_cast<std::size_t>(i) * static_cast<std::size_t>(n) +
                            static_cast<std::size_t>(j)];
      ASSERT_TRUE(std::isfinite(got)) << what << " at " << i << ", " << j;
      error += (got - ref) * (got - ref);
      norm += ref * ref;
      exact += got == ref ? 1 : 0;
    }
  }
  const double relative = std::sqrt(error / norm);
  EXPECT_LE(relative, gemm_tolerance(GemmPrecision::kNvfp4, k)) << what;
  // Said, not judged: whether the tensor cores' sums came out exact (FP32 holds most of them).
  fmt::print("{}: relative Frobenius error {:.3g}, {} of {} elements exact\n", what, relative,
             exact, m * n);
  double device_sums[3];
  GPUBENCH_CUDA_CHECK(
      cudaMemcpy(device_sums, sums.get(), sizeof device_sums, cudaMemcpyDeviceToHost));
  EXPECT_EQ(device_sums[2], 0.0) << what;
  EXPECT_NEAR(std::sqrt(device_sums[0] / device_sums[1]), relative, 1e-9 + 1e-6 * relative) << what;
}

// On the CPU: the card's reason first, then the build's and the loaded cuBLASLt's; none on
// Blackwell with 12.8+ of both.
TEST(Nvfp4Gemm, SaysWhyACardOrBuildCannotRunIt) {
  for (const int sm : {89, 90}) {
    const std::string why = CublasGemm::precision_problem(GemmPrecision::kNvfp4, sm);
    EXPECT_NE(why.find("no FP4 tensor cores before sm_100"), std::string::npos) << why;
    EXPECT_EQ(CublasGemm::fast_path_problem(GemmPrecision::kNvfp4, sm, {4096, 4096, 4096, "", ""}),
              why);
  }
  // Beyond the card, the build's headers, then the cuBLASLt this process loaded.
  const std::string library =
      gemm_build_problem(GemmPrecision::kNvfp4, CUDA_VERSION).empty()
          ? gemm_library_problem(GemmPrecision::kNvfp4, cublasLtGetVersion())
          : gemm_build_problem(GemmPrecision::kNvfp4, CUDA_VERSION);
  EXPECT_EQ(CublasGemm::precision_problem(GemmPrecision::kNvfp4, 120), library);
  EXPECT_EQ(CublasGemm::precision_problem(GemmPrecision::kNvfp4, 100), library);
  EXPECT_EQ(CublasGemm::supports(GemmPrecision::kNvfp4, 120, {4096, 4096, 4096, "", ""}),
            library.empty());
}

// On any GPU, no cuBLASLt: the suite's device check of NVFP4 output finds no error in a C written
// from the CPU reference (every element exact in FP32 at this size), and sees one scale changed.
TEST(Nvfp4ReferenceGpu, TheDeviceCheckAgreesWithTheCpuReference) {
  GPUBENCH_REQUIRE_GPU();
  constexpr int m = 144, n = 80, k = 96;
  OwnedStream stream;
  DeviceBuffer<unsigned char> a = bytes(gemm::nvfp4_data_bytes(m, k)),
                              b = bytes(gemm::nvfp4_data_bytes(n, k)),
                              sa = bytes(gemm::nvfp4_scale_bytes(m, k)),
                              sb = bytes(gemm::nvfp4_scale_bytes(n, k));
  gemm::launch_fill_nvfp4(a.get(), m, k, sa.get(), 31, stream.get());
  gemm::launch_fill_nvfp4(b.get(), n, k, sb.get(), 32, stream.get());
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream.get()));
  const auto ha = download(a), hb = download(b), hsa = download(sa), hsb = download(sb);
  for (std::size_t i = 0; i < ha.size(); ++i)
    ASSERT_EQ(ha[i], gemm::nvfp4_fill_byte(31, static_cast<std::int64_t>(i))) << i;
  for (std::size_t i = 0; i < hsb.size(); ++i)
    ASSERT_EQ(hsb[i], gemm::nvfp4_fill_scale(32, static_cast<std::int64_t>(i))) << i;
  std::vector<float> hc(static_cast<std::size_t>(m) * n);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      hc[static_cast<std::size_t>(i) * n + static_cast<std::size_t>(j)] = static_cast<float>(
          gemm::nvfp4_dot(ha.data(), hsa.data(), hb.data(), hsb.data(), i, j, k));
    }
  }
  DeviceBuffer<float> c(hc.size());
  GPUBENCH_CUDA_CHECK(cudaMemcpy(c.get(), hc.data(), c.bytes(), cudaMemcpyHostToDevice));
  const auto device_error = [&] {
    DeviceBuffer<double> sums(3);
    GPUBENCH_CUDA_CHECK(cudaMemset(sums.get(), 0, 3 * sizeof(double)));
    gemm::launch_sampled_error_nvfp4(m, n, k, {a.get(), sa.get(), b.get(), sb.get()}, c.get(),
                                     m * n, 5, sums.get(), stream.get());
    double host[3];
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream.get()));
    GPUBENCH_CUDA_CHECK(cudaMemcpy(host, sums.get(), sizeof host, cudaMemcpyDeviceToHost));
    EXPECT_EQ(host[2], 0.0);
    return std::sqrt(host[0] / host[1]);
  };
  EXPECT_EQ(device_error(), 0.0);
  // Row 5, block 2 of A to another scale: the device's reference moves, C does not.
  const auto offset = static_cast<std::size_t>(gemm::nvfp4_scale_offset(5, 2, k));
  const std::uint8_t other = hsa[offset] == gemm::kUe4m3Two ? gemm::kUe4m3Half : gemm::kUe4m3Two;
  GPUBENCH_CUDA_CHECK(cudaMemcpy(sa.get() + offset, &other, 1, cudaMemcpyHostToDevice));
  EXPECT_GT(device_error(), 0.0);
}

TEST(Nvfp4GemmGpu, MatchesTheBlockScaledReferenceOnBlackwell) {
  GPUBENCH_REQUIRE_GPU();
  const int sm = current_device_sm();
  const GemmShape probe{128, 128, 128, "", ""};
  if (const std::string why = CublasGemm::fast_path_problem(GemmPrecision::kNvfp4, sm, probe);
      !why.empty()) {
    GPUBENCH_SKIP_OTHER_HARDWARE("NVFP4 does not run here: " << why);
  }
  OwnedStream stream;
  CublasGemm cublas(stream.get());
  // One tile of scales; several row tiles and K tiles with padded rows (144, 80) and a K that is
  // not a multiple of 4 blocks (96 = 6 blocks); and a size cuBLASLt's large tiles take. cuBLASLt
  // may have no algorithm for the small odd ones, which is said and the rest still run; the two
  // sizes of whole tiles it must take.
  struct Shape {
    int m, n, k;
    bool required;
  };
  const Shape shapes[] = {
      {128, 128, 128, true}, {16, 48, 32, false}, {144, 80, 96, false}, {256, 512, 1024, true}};
  for (const Shape& shape : shapes) {
    SCOPED_TRACE(fmt::format("nvfp4 {}x{}x{}", shape.m, shape.n, shape.k));
    try {
      cublas.prepare(GemmPrecision::kNvfp4, shape.m, shape.n, shape.k);
    } catch (const FastPathUnsupported& unsupported) {
      fmt::print("nvfp4 {}x{}x{}: {}\n", shape.m, shape.n, shape.k, unsupported.what());
      if (shape.required) ADD_FAILURE() << unsupported.what();
      continue;
    }
    check_shape(cublas, shape.m, shape.n, shape.k, stream.get());
  }
}

}  // namespace
}  // namespace gpubench
