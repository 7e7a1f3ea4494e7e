// `gpubench run --suite gemm` end to end on a real device: every library and own-kernel row
// verified against the FP64 reference, with its figures. Skipped without a GPU.
#include <gtest/gtest.h>

#include <optional>

#include "analysis/kernel_inspection.hpp"
#include "kernels/common/cuda_device.hpp"
#include "model/results_file.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(RunCommandGpu, QuickGemmSuiteVerifiesLibraryAndOwnKernels) {
  GPUBENCH_REQUIRE_GPU();
  const std::optional<ResultsFile> run = testing::run_quick_suite("gemm");
  ASSERT_TRUE(run);
  const ResultsFile& results = *run;
  bool saw_cublas_fp16 = false, saw_own_hgemm = false, saw_own_sgemm = false;
  for (const BenchmarkRecord& record : results.benchmarks) {
    EXPECT_FALSE(record.error_occurred) << record.name << ": " << record.error_message;
    if (record.aggregate_name != "median") continue;
    const auto starts = [&](const char* prefix) { return record.run_name.rfind(prefix, 0) == 0; };
    if (starts("gemm/cublas/fp16_f32acc/4096x4096x4096")) {
      saw_cublas_fp16 = true;
      EXPECT_GT(record.counters.at("tflops"), 0.0);
      // The bound, then what CUPTI saw of one untimed launch: cuBLAS's FP16 kernels run on
      // tensor cores, and the counters were read or the permission text says why not.
      EXPECT_EQ(record.label.rfind("compute-bound; kernels: ", 0), 0u) << record.label;
      EXPECT_NE(record.label.find("[tensor core]"), std::string::npos) << record.label;
      EXPECT_EQ(record.counters.at("tensor_core_kernels"), 1.0);
      if (record.label.find(kProfilingPermissionText) == std::string::npos) {
        EXPECT_NE(record.label.find("tensor pipe active "), std::string::npos) << record.label;
        EXPECT_GT(record.counters.at("tensor_pipe_active_pct"), 0.0);
      }
    }
    if (starts("gemm/own/fp16_f32acc/4096x4096x4096")) {
      saw_own_hgemm = true;
      EXPECT_GT(record.counters.at("vs_cublas"), 0.0);
      EXPECT_EQ(record.counters.at("tensor_core_kernels"), 1.0) << record.label;
      // The dispatch names the kernel it picked: Hopper's own on compute capability 9.0.
      EXPECT_NE(
          record.label.find(current_device_sm() == 90 ? "kernel wgmma+tma" : "kernel mma.sync"),
          std::string::npos)
          << record.label;
    }
    if (starts("gemm/own/fp32/")) {
      saw_own_sgemm = true;
      EXPECT_EQ(record.counters.at("tensor_core_kernels"), 0.0) << record.label;
    }
  }
  EXPECT_TRUE(saw_cublas_fp16 && saw_own_hgemm && saw_own_sgemm);
}

}  // namespace
}  // namespace gpubench
