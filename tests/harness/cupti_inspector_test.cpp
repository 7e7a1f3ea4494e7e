// The CUPTI inspector: a missing or wrong library and a machine without a GPU give reasons, never
// a crash; CUPTI's own metric database (host API, no GPU needed) offers the metrics gpubench
// chooses; and, on a GPU, cuBLAS's and gpubench's kernels are named and classified and the range
// profiler gives a percentage or the permission text.
#include "harness/cupti_inspector.hpp"

#include <cuda_fp16.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness/cublas_gemm.hpp"
#include "harness/device_buffer.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/gemm/own_gemm.hpp"
#include "model/kernel_classes.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names)
    text += "\n  " + name;
  return text;
}

TEST(CuptiInspector, MissingLibraryIsAReasonNotACrash) {
  CuptiInspector inspector({"libgpubench-no-such-cupti.so.1"});
  bool launched = false;
  const auto launch = [&](cudaStream_t) { launched = true; };
  const KernelInspection inspection = inspector.inspect(launch, nullptr);
  EXPECT_FALSE(launched) << "nothing to inspect with, so nothing is launched";
  EXPECT_TRUE(inspection.kernel_names.empty());
  EXPECT_EQ(inspection.kernels_problem.rfind("kernels unavailable (", 0), 0u)
      << inspection.kernels_problem;
  EXPECT_NE(inspection.kernels_problem.find("libgpubench-no-such-cupti.so.1 not found"),
            std::string::npos)
      << inspection.kernels_problem;
  EXPECT_EQ(inspection.counters_problem.rfind("counters unavailable (", 0), 0u)
      << inspection.counters_problem;
  EXPECT_EQ(
      inspection_label("compute-bound", inspection, false)
          .rfind("compute-bound; CUPTI unavailable (libgpubench-no-such-cupti.so.1 not found", 0),
      0u)
      << inspection_label("compute-bound", inspection, false);
  const auto notices = inspector.take_notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].find('\n'), std::string::npos) << "one sentence, one line";
  EXPECT_TRUE(inspector.take_notices().empty()) << "said once";
  EXPECT_EQ(inspector.profiler_setups(), 0);
}

TEST(CuptiInspector, LibraryWithoutCuptiSymbolsIsRefused) {
  CuptiInspector inspector({"libm.so.6"});  // loads, but is not CUPTI
  const KernelInspection inspection = inspector.record_kernels([](cudaStream_t) {}, nullptr);
  EXPECT_NE(inspection.kernels_problem.find("libm.so.6 lacks cuptiGetVersion"), std::string::npos)
      << inspection.kernels_problem;
}

// Here (CI) there is no GPU: both halves say why, and a remembered reason is not asked again.
TEST(CuptiInspector, WithoutADeviceSaysWhyOnce) {
  if (testing::gpu_present())
    GPUBENCH_SKIP_OTHER_HARDWARE("a GPU is present; CuptiInspectorGpu covers it");
  CuptiInspector inspector;
  bool launched = false;
  const auto launch = [&](cudaStream_t) { launched = true; };
  const KernelInspection first = inspector.inspect(launch, nullptr);
  EXPECT_FALSE(launched);
  EXPECT_TRUE(first.kernel_names.empty());
  EXPECT_TRUE(first.tensor_pipe_pct.empty());
  EXPECT_EQ(first.kernels_problem.rfind("kernels unavailable (", 0), 0u) << first.kernels_problem;
  EXPECT_EQ(first.counters_problem.rfind("counters unavailable (", 0), 0u)
      << first.counters_problem;
  EXPECT_NE(first.counters_problem, kProfilingPermissionText);
  EXPECT_EQ(first.counters_problem.find('\n'), std::string::npos);
  EXPECT_FALSE(inspector.take_notices().empty());
  const KernelInspection second = inspector.inspect(launch, nullptr);
  EXPECT_EQ(second.kernels_problem, first.kernels_problem);
  EXPECT_EQ(second.counters_problem, first.counters_problem);
  EXPECT_TRUE(inspector.take_notices().empty()) << "remembered, not found again";
  EXPECT_EQ(inspector.profiler_setups(), 0) << "no device, so no profiler set-up was tried";
}

// CUPTI's metric database, read through the host API (no GPU involved): every chip of interest
// offers the metrics gpubench would choose, in that chip's spelling.
TEST(CuptiInspector, HostDatabaseOffersTheChosenMetrics) {
  if (testing::kUnderAddressSanitizer) {
    GTEST_SKIP() << "CUPTI dlopens libnvperf_host.so with RTLD_DEEPBIND, which AddressSanitizer's "
                    "runtime refuses; the ordinary build runs this test";
  }
  const struct {
    const char* chip;
    const char* floating_point;
    const char* integer;  // "" where the chip has no integer MMA
  } chips[] = {
      {"GV100", "sm__pipe_tensor_op_hmma_cycles_active", ""},
      {"TU104", "sm__pipe_tensor_op_hmma_cycles_active", "sm__pipe_tensor_op_imma_cycles_active"},
      {"GA100", "sm__pipe_tensor_op_hmma_cycles_active", "sm__pipe_tensor_op_imma_cycles_active"},
      {"AD104", "sm__pipe_tensor_op_hmma_cycles_active_v2",
       "sm__pipe_tensor_op_imma_cycles_active_v2"},
      {"GH100", "sm__pipe_tensor_op_hmma_cycles_active", "sm__pipe_tensor_op_imma_cycles_active"},
  };
  for (const auto& expected : chips) {
    std::string problem;
    const auto metrics = CuptiInspector::tensor_pipe_metrics_for_chip(expected.chip, problem);
    if (problem.find("not found") != std::string::npos) {
      GPUBENCH_SKIP_UNLESS_GPU_REQUIRED("libcupti is not installed here: " << problem);
    }
    ASSERT_TRUE(problem.empty()) << expected.chip << ": " << problem;
    ASSERT_FALSE(metrics.empty()) << expected.chip;
    EXPECT_EQ(metrics[0].pipe, TensorPipe::kFloatingPoint);
    EXPECT_EQ(metrics[0].base_name, expected.floating_point) << expected.chip;
    if (*expected.integer == '\0') {
      EXPECT_EQ(metrics.size(), 1u) << expected.chip;
    } else {
      ASSERT_EQ(metrics.size(), 2u) << expected.chip;
      EXPECT_EQ(metrics[1].base_name, expected.integer) << expected.chip;
    }
  }
  std::string problem;
  EXPECT_TRUE(CuptiInspector::tensor_pipe_metrics_for_chip("NOT_A_CHIP", problem).empty());
  EXPECT_FALSE(problem.empty());
}

// --- On a GPU.

struct GemmOperands {
  GemmOperands(int m, int n, int k, std::size_t element_bytes, std::size_t output_bytes)
      : a(static_cast<std::size_t>(m) * k * element_bytes),
        b(static_cast<std::size_t>(k) * n * element_bytes),
        c(static_cast<std::size_t>(m) * n * output_bytes) {
    GPUBENCH_CUDA_CHECK(cudaMemset(a.get(), 0, a.bytes()));
    GPUBENCH_CUDA_CHECK(cudaMemset(b.get(), 0, b.bytes()));
  }
  DeviceBuffer<unsigned char> a, b, c;
};

// The kernels one n^3 cuBLAS GEMM of this precision ran, as CUPTI recorded them.
KernelInspection cublas_kernels(GemmPrecision precision, int n, std::size_t element_bytes,
                                std::size_t output_bytes = 0) {
  OwnedStream stream;
  CublasGemm cublas(stream.get());
  GemmOperands operands(n, n, n, element_bytes, output_bytes ? output_bytes : element_bytes);
  cublas.prepare(precision, n, n, n);
  CuptiInspector inspector;
  return inspector.record_kernels(
      [&](cudaStream_t) {
        cublas.gemm(precision, n, n, n, operands.a.get(), operands.b.get(), operands.c.get());
      },
      stream.get());
}

TEST(CuptiInspectorGpu, CublasSgemmNamesItsKernels) {
  GPUBENCH_REQUIRE_GPU();
  const KernelInspection inspection = cublas_kernels(GemmPrecision::kFp32, 512, sizeof(float));
  ASSERT_FALSE(inspection.kernel_names.empty()) << inspection.kernels_problem;
  const bool any_gemm = std::any_of(
      inspection.kernel_names.begin(), inspection.kernel_names.end(), [](const std::string& name) {
        const KernelClass found = classify_kernel(name).kernel_class;
        return found == KernelClass::kSimt || found == KernelClass::kTensorCore;
      });
  EXPECT_TRUE(any_gemm) << "no SIMT or tensor-core kernel among:"
                        << joined(inspection.kernel_names);
}

TEST(CuptiInspectorGpu, CublasHgemmRunsATensorCoreKernel) {
  GPUBENCH_REQUIRE_GPU();
  const KernelInspection inspection =
      cublas_kernels(GemmPrecision::kFp16Fp32Acc, 1024, sizeof(__half));
  ASSERT_FALSE(inspection.kernel_names.empty()) << inspection.kernels_problem;
  EXPECT_EQ(all_tensor_core(inspection.kernel_names), std::optional<bool>(true))
      << "kernels:" << joined(inspection.kernel_names);
}

// INT8 goes through cuBLASLt's TN layout to an IMMA kernel; cublasGemmEx's NN call ran
// cutlass_80_wmma_tensorop_i161616gemm on an H200, at 6% of the INT8 peak.
TEST(CuptiInspectorGpu, CublasInt8RunsATensorCoreKernelNotTheWmmaFallback) {
  GPUBENCH_REQUIRE_GPU();
  const KernelInspection inspection = cublas_kernels(GemmPrecision::kInt8, 1024, 1, 4);
  ASSERT_FALSE(inspection.kernel_names.empty()) << inspection.kernels_problem;
  EXPECT_EQ(all_tensor_core(inspection.kernel_names), std::optional<bool>(true))
      << "kernels:" << joined(inspection.kernel_names);
  for (const std::string& name : inspection.kernel_names)
    EXPECT_EQ(name.find("wmma"), std::string::npos) << name;
}

// Either the driver lets CUPTI read the counters and the tensor pipe was busy for part of an
// HGEMM's cycles, or it refuses and the text says exactly that; asked once either way.
TEST(CuptiInspectorGpu, RangeProfilerReadsAPercentOrSaysPermission) {
  GPUBENCH_REQUIRE_GPU();
  OwnedStream stream;
  CublasGemm cublas(stream.get());
  const int n = 2048;
  GemmOperands operands(n, n, n, sizeof(__half), sizeof(__half));
  const auto launch = [&](cudaStream_t) {
    cublas.gemm(GemmPrecision::kFp16Fp32Acc, n, n, n, operands.a.get(), operands.b.get(),
                operands.c.get());
  };
  CuptiInspector inspector;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const KernelInspection inspection = inspector.read_tensor_pipes(launch, stream.get());
    const auto pct = tensor_pipe_active_pct(inspection, false);
    if (inspection.counters_problem == kProfilingPermissionText) {
      EXPECT_FALSE(pct.has_value());
    } else {
      ASSERT_TRUE(pct.has_value())
          << "neither a reading nor the permission text: " << inspection.counters_problem;
      EXPECT_GE(*pct, 0.0);
      EXPECT_LE(*pct, 100.0);
      EXPECT_GT(*pct, 0.0) << "a 2048^3 HGEMM on tensor cores kept the pipe idle?";
    }
    EXPECT_EQ(inspector.profiler_setups(), 1) << "attempt " << attempt;
  }
}

TEST(CuptiInspectorGpu, OwnKernelsAreNamedAndClassified) {
  GPUBENCH_REQUIRE_GPU();
  OwnedStream stream;
  const int n = 512;
  CuptiInspector inspector;
  GemmOperands sgemm(n, n, n, sizeof(float), sizeof(float));
  const KernelInspection simt = inspector.record_kernels(
      [&](cudaStream_t s) {
        gemm::launch_own_sgemm(n, n, n, reinterpret_cast<const float*>(sgemm.a.get()),
                               reinterpret_cast<const float*>(sgemm.b.get()),
                               reinterpret_cast<float*>(sgemm.c.get()), s);
      },
      stream.get());
  ASSERT_EQ(simt.kernel_names.size(), 1u) << simt.kernels_problem << joined(simt.kernel_names);
  EXPECT_EQ(short_kernel_name(simt.kernel_names[0]), "own_sgemm_kernel");
  EXPECT_EQ(classify_kernel(simt.kernel_names[0]).kernel_class, KernelClass::kSimt);
  if (current_device_sm() < 80) GPUBENCH_SKIP_OTHER_HARDWARE("own HGEMM needs sm_80 or newer");
  GemmOperands hgemm(n, n, n, sizeof(__half), sizeof(__half));
  const KernelInspection tensor = inspector.record_kernels(
      [&](cudaStream_t s) {
        ASSERT_TRUE(gemm::launch_own_hgemm(false, n, n, n,
                                           reinterpret_cast<const __half*>(hgemm.a.get()),
                                           reinterpret_cast<const __half*>(hgemm.b.get()),
                                           reinterpret_cast<__half*>(hgemm.c.get()), s));
      },
      stream.get());
  ASSERT_EQ(tensor.kernel_names.size(), 1u)
      << tensor.kernels_problem << joined(tensor.kernel_names);
  EXPECT_EQ(classify_kernel(tensor.kernel_names[0]).kernel_class, KernelClass::kTensorCore);
}

}  // namespace
}  // namespace gpubench
