// The cuBLAS/cuBLASLt paths of the GEMM suite on a GPU (skipped without one): every precision this
// device runs, on odd sizes (or the smallest odd multiples FP8 and INT8 allow), against an FP64
// CPU reference computed here from the very inputs the device used. The same results also go
// through the suite's sampled FP64 check on the device, which must agree with the CPU.
#include "harness/cublas_gemm.hpp"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/device_buffer.hpp"
#include "harness/gemm_types.hpp"
#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "model/profile.hpp"
#include "support/gemm_reference.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using gemm::ElementType;

// The device's bytes as doubles, whatever the element type.
std::vector<double> to_double(ElementType type, const std::vector<unsigned char>& bytes) {
  const std::size_t count = bytes.size() / gemm::element_bytes(type);
  std::vector<double> values(count);
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned char* at = bytes.data() + i * gemm::element_bytes(type);
    switch (type) {
      case ElementType::kF32: {
        float v;
        std::memcpy(&v, at, sizeof v);
        values[i] = v;
        break;
      }
      case ElementType::kF16: {
        __half v;
        std::memcpy(&v, at, sizeof v);
        values[i] = __half2float(v);
        break;
      }
      case ElementType::kBf16: {
        __nv_bfloat16 v;
        std::memcpy(&v, at, sizeof v);
        values[i] = __bfloat162float(v);
        break;
      }
      case ElementType::kE4m3: {
        __nv_fp8_e4m3 v;
        std::memcpy(&v, at, sizeof v);
        values[i] = static_cast<float>(v);
        break;
      }
      case ElementType::kS8:
        values[i] = static_cast<std::int8_t>(*at);
        break;
      case ElementType::kS32: {
        std::int32_t v;
        std::memcpy(&v, at, sizeof v);
        values[i] = v;
        break;
      }
    }
  }
  return values;
}

std::vector<unsigned char> download(const DeviceBuffer<unsigned char>& buffer) {
  std::vector<unsigned char> host(buffer.bytes());
  GPUBENCH_CUDA_CHECK(cudaMemcpy(host.data(), buffer.get(), host.size(), cudaMemcpyDeviceToHost));
  return host;
}

// B as the k x n row-major matrix the reference multiplies by (FP8's B arrives as n x k).
std::vector<double> b_as_k_by_n(const std::vector<double>& b, bool transposed, int n, int k) {
  if (!transposed) return b;
  std::vector<double> out(b.size());
  for (int p = 0; p < k; ++p) {
    for (int j = 0; j < n; ++j) {
      out[static_cast<std::size_t>(p) * static_cast<std::size_t>(n) + static_cast<std::size_t>(j)] =
          b[static_cast<std::size_t>(j) * static_cast<std::size_t>(k) +
            static_cast<std::size_t>(p)];
    }
  }
  return out;
}

// The fast path's shape rules, on the CPU: what cuBLASLt's INT8 (IMMA, TN) and FP8 kernels take,
// and a reason for what they do not.
TEST(CublasGemm, TheFastPathSaysWhyItCannotTakeAShape) {
  const GemmShape odd{7, 9, 13, "odd", ""}, x4{36, 124, 68, "x4", ""},
      decode{1, 4096, 4096, "", ""};
  EXPECT_TRUE(CublasGemm::supports(GemmPrecision::kInt8, 89, x4));
  EXPECT_TRUE(CublasGemm::supports(GemmPrecision::kInt8, 89, decode)) << "m = 1 is cuBLASLt's n";
  const std::string why = CublasGemm::fast_path_problem(GemmPrecision::kInt8, 89, odd);
  EXPECT_NE(why.find("multiples of 4"), std::string::npos) << why;
  EXPECT_FALSE(CublasGemm::supports(GemmPrecision::kInt8, 89, {8, 6, 8, "", ""})) << "n = 6";
  EXPECT_FALSE(CublasGemm::supports(GemmPrecision::kInt8, 89, {8, 8, 6, "", ""})) << "k = 6";
  EXPECT_TRUE(CublasGemm::supports(GemmPrecision::kInt8, 89, {6, 8, 8, "", ""})) << "m free";
  EXPECT_NE(CublasGemm::fast_path_problem(GemmPrecision::kInt8, 70, x4).find("sm_75"),
            std::string::npos);
  EXPECT_NE(CublasGemm::fast_path_problem(GemmPrecision::kFp8E4m3, 86, x4).find("sm_89"),
            std::string::npos);
  EXPECT_TRUE(CublasGemm::fast_path_problem(GemmPrecision::kFp16Fp32Acc, 75, odd).empty());
  // Every shape the suite runs for INT8 is on the fast path.
  for (const GemmShape& shape : gemm_shapes(full_profile(), std::int64_t{1} << 40, 1, 4)) {
    if (shape.family == "resnet") continue;  // the suite runs no INT8 ResNet shape
    EXPECT_TRUE(CublasGemm::supports(GemmPrecision::kInt8, 89, shape)) << shape.name;
  }
}

// The algorithm choice, with a stub for cuBLASLt's heuristic: the whole workspace first, then
// none; no algorithm from either is "not run" (nullopt), never a failure; other errors throw.
struct StubHeuristic {
  std::vector<std::size_t> asked;  // the workspace of each query
  std::function<LtHeuristicAnswer(std::size_t)> answer;
  LtHeuristicQuery query() {
    return [this](std::size_t workspace) {
      asked.push_back(workspace);
      return answer(workspace);
    };
  }
};

LtHeuristicAnswer found_algorithm(std::uint64_t tag) {
  LtHeuristicAnswer answer;
  answer.found = 1;
  std::memcpy(answer.result.algo.data, &tag, sizeof tag);
  return answer;
}

TEST(CublasGemm, WithoutAnAlgorithmTheShapeIsNotRunAfterAskingWithoutWorkspace) {
  constexpr std::size_t kWorkspace = std::size_t{32} << 20;
  constexpr GemmPrecision kInt8 = GemmPrecision::kInt8;
  StubHeuristic none{.asked = {}, .answer = [](std::size_t) { return LtHeuristicAnswer{}; }};
  const LtLookup nothing = choose_lt_algorithm(none.query(), kWorkspace, kInt8);
  EXPECT_FALSE(nothing.choice.has_value());
  EXPECT_EQ(nothing.refusal, CUBLAS_STATUS_SUCCESS) << "found none, refused nothing";
  EXPECT_EQ(none.asked, (std::vector<std::size_t>{kWorkspace, 0}));

  StubHeuristic refused{.asked = {}, .answer = [](std::size_t) {
                          return LtHeuristicAnswer{.status = CUBLAS_STATUS_NOT_SUPPORTED};
                        }};
  const LtLookup refusal = choose_lt_algorithm(refused.query(), kWorkspace, kInt8);
  EXPECT_FALSE(refusal.choice.has_value());
  EXPECT_EQ(refusal.refusal, CUBLAS_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(refused.asked.size(), 2u);

  // INT8 at m = 1 or 16: an algorithm only without workspace, which the plan then runs with.
  StubHeuristic without{.asked = {}, .answer = [](std::size_t workspace) {
                          return workspace == 0 ? found_algorithm(7) : LtHeuristicAnswer{};
                        }};
  const auto chosen = choose_lt_algorithm(without.query(), kWorkspace, kInt8).choice;
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->workspace_bytes, 0u);
  std::uint64_t tag = 0;
  std::memcpy(&tag, chosen->algo.data, sizeof tag);
  EXPECT_EQ(tag, 7u);

  StubHeuristic first{.asked = {}, .answer = [](std::size_t) { return found_algorithm(3); }};
  const auto with = choose_lt_algorithm(first.query(), kWorkspace, kInt8).choice;
  ASSERT_TRUE(with.has_value());
  EXPECT_EQ(with->workspace_bytes, kWorkspace);
  EXPECT_EQ(first.asked.size(), 1u) << "no second query once one has an algorithm";

  StubHeuristic broken{.asked = {}, .answer = [](std::size_t) {
                         return LtHeuristicAnswer{.status = CUBLAS_STATUS_INTERNAL_ERROR};
                       }};
  try {
    choose_lt_algorithm(broken.query(), kWorkspace, kInt8);
    ADD_FAILURE() << "an INT8 lookup's INTERNAL_ERROR is a fault and must throw";
  } catch (const FastPathUnsupported& unsupported) {
    ADD_FAILURE() << "a fault said as a skip: " << unsupported.what();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("CUBLAS_STATUS_INTERNAL_ERROR"), std::string::npos);
  }
}

// NVFP4 (review item 1): cuBLASLt refuses a block-scaled plan it cannot take with statuses other
// than NOT_SUPPORTED (INVALID_VALUE without scale pointers); each is a skip with its name, never
// a runtime_error that ends the run at registration. The other rows keep throwing on faults.
TEST(CublasGemm, EveryFailedNvfp4LookupMeansUnsupported) {
  for (const cublasStatus_t status :
       {CUBLAS_STATUS_NOT_SUPPORTED, CUBLAS_STATUS_INVALID_VALUE, CUBLAS_STATUS_ARCH_MISMATCH,
        CUBLAS_STATUS_INTERNAL_ERROR, CUBLAS_STATUS_EXECUTION_FAILED}) {
    EXPECT_TRUE(lt_status_means_unsupported(GemmPrecision::kNvfp4, status)) << status;
  }
  EXPECT_FALSE(lt_status_means_unsupported(GemmPrecision::kNvfp4, CUBLAS_STATUS_SUCCESS));
  for (const GemmPrecision precision : {GemmPrecision::kInt8, GemmPrecision::kFp8E4m3}) {
    EXPECT_TRUE(lt_status_means_unsupported(precision, CUBLAS_STATUS_NOT_SUPPORTED));
    EXPECT_FALSE(lt_status_means_unsupported(precision, CUBLAS_STATUS_INVALID_VALUE));
    EXPECT_FALSE(lt_status_means_unsupported(precision, CUBLAS_STATUS_SUCCESS));
  }

  StubHeuristic invalid{.asked = {}, .answer = [](std::size_t) {
                          return LtHeuristicAnswer{.status = CUBLAS_STATUS_INVALID_VALUE};
                        }};
  LtLookup lookup;
  EXPECT_NO_THROW(
      lookup = choose_lt_algorithm(invalid.query(), std::size_t{32} << 20, GemmPrecision::kNvfp4));
  EXPECT_FALSE(lookup.choice.has_value());
  EXPECT_EQ(lookup.refusal, CUBLAS_STATUS_INVALID_VALUE);
  EXPECT_EQ(invalid.asked.size(), 2u) << "asked without workspace too";
}

// A failed attribute names the attribute (review item 6). No GPU: a descriptor is host state, and
// a value of the wrong size is INVALID_VALUE (cuBLASLt's documented answer).
TEST(CublasGemm, AFailedAttributeIsNamed) {
  cublasLtMatmulDesc_t operation = nullptr;
  ASSERT_EQ(cublasLtMatmulDescCreate(&operation, CUBLAS_COMPUTE_32F, CUDA_R_32F),
            CUBLAS_STATUS_SUCCESS);
  const std::int8_t too_small = 0;
  try {
    set_lt_attribute(operation, CUBLASLT_MATMUL_DESC_TRANSA, &too_small, sizeof too_small,
                     "CUBLASLT_MATMUL_DESC_TRANSA");
    ADD_FAILURE() << "a one-byte TRANSA was taken";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("CUBLASLT_MATMUL_DESC_TRANSA"), std::string::npos)
        << error.what();
  }
  cublasLtMatmulDescDestroy(operation);
}

TEST(CublasGemmGpu, EveryPrecisionMatchesTheFp64ReferenceOnOddSizes) {
  GPUBENCH_REQUIRE_GPU();
  const int sm = current_device_sm();
  OwnedStream stream;
  CublasGemm cublas(stream.get());
  // Odd everything; m = 1 (a decode step); then multiples of 16 (FP8) and of 4 (INT8) that are
  // not multiples of any tile, and INT8 with an odd m (cuBLASLt's n, which it does not restrict).
  const GemmShape shapes[] = {{7, 9, 13, "odd", ""},     {65, 31, 47, "odd", ""},
                              {1, 200, 129, "odd", ""},  {48, 80, 32, "x16", ""},
                              {144, 48, 272, "x16", ""}, {36, 124, 68, "x4", ""},
                              {1, 200, 128, "x4", ""},   {37, 20, 44, "x4", ""}};
  int checked = 0;
  for (const GemmPrecision precision : all_gemm_precisions()) {
    const GemmPrecisionInfo& info = gemm_precision_info(precision);
    for (const GemmShape& shape : shapes) {
      if (!CublasGemm::supports(precision, sm, shape)) continue;
      if (gemm_block_scaled(precision)) continue;  // NVFP4: cublas_nvfp4_test.cpp
      const int m = static_cast<int>(shape.m), n = static_cast<int>(shape.n),
                k = static_cast<int>(shape.k);
      const std::string what = fmt::format("{} {}x{}x{}", info.name, m, n, k);
      const ElementType in = gemm_input_type(precision), out = gemm_output_type(precision);
      DeviceBuffer<unsigned char> a(static_cast<std::size_t>(m * k) * gemm::element_bytes(in));
      DeviceBuffer<unsigned char> b(static_cast<std::size_t>(k * n) * gemm::element_bytes(in));
      DeviceBuffer<unsigned char> c(static_cast<std::size_t>(m * n) * gemm::element_bytes(out));
      gemm::launch_fill_random(in, a.get(), static_cast<std::size_t>(m * k), 11, stream.get());
      gemm::launch_fill_random(in, b.get(), static_cast<std::size_t>(k * n), 12, stream.get());
      GPUBENCH_CUDA_CHECK(cudaMemsetAsync(c.get(), 0xff, c.bytes(), stream.get()));
      cublas.prepare(precision, m, n, k);
      cublas.gemm(precision, m, n, k, a.get(), b.get(), c.get());
      DeviceBuffer<double> sums(3);
      GPUBENCH_CUDA_CHECK(cudaMemsetAsync(sums.get(), 0, 3 * sizeof(double), stream.get()));
      gemm::launch_sampled_error(in, out, gemm_b_transposed(precision), m, n, k, a.get(), b.get(),
                                 c.get(), m * n, 5, sums.get(), stream.get());
      GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream.get()));

      const std::vector<double> reference = gemm::testing::reference_gemm(
          m, n, k, to_double(in, download(a)),
          b_as_k_by_n(to_double(in, download(b)), gemm_b_transposed(precision), n, k));
      const std::vector<double> result = to_double(out, download(c));
      const double error = gemm::testing::relative_frobenius_error(result, reference);
      if (info.integer) {
        EXPECT_EQ(error, 0.0) << what << ": INT8 must be exact";
      } else {
        EXPECT_LT(error, gemm_tolerance(precision, k)) << what;
      }
      // The device's check saw every element (m * n samples) and must say the same.
      double device_sums[3];
      GPUBENCH_CUDA_CHECK(
          cudaMemcpy(device_sums, sums.get(), sizeof device_sums, cudaMemcpyDeviceToHost));
      EXPECT_EQ(device_sums[2], 0.0) << what << ": non-finite elements";
      const double device_error = device_sums[1] > 0 ? std::sqrt(device_sums[0] / device_sums[1])
                                                     : std::sqrt(device_sums[0]);
      EXPECT_NEAR(device_error, error, 1e-9 + 1e-6 * error) << what;
      ++checked;
    }
  }
  // FP32, TF32, FP16 x2 and BF16 everywhere; INT8 on its three shapes (and FP8 on sm_89+).
  EXPECT_GE(checked, 5 * 8 + 3);
}

}  // namespace
}  // namespace gpubench
