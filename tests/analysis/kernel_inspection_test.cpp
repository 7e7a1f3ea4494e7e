// The pure half of the GEMM suite's CUPTI inspection: which tensor-pipe metrics are chosen from
// what a chip offers, and the label a benchmark gets.
#include "analysis/kernel_inspection.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace gpubench {
namespace {

std::vector<TensorPipeMetric> select_from(const std::set<std::string>& offered) {
  return select_tensor_pipe_metrics(
      [&](std::string_view name) { return offered.contains(std::string(name)); });
}

// The base-metric sets below are the relevant part of what CUPTI 13.0's host API lists for these
// chips (cuptiProfilerHostGetBaseMetrics); CuptiInspector.HostDatabaseOffersTheChosenMetrics checks
// the real database wherever libcupti is installed.
TEST(TensorPipeMetrics, PreferTheCurrentNameWhereAChipHasTwo) {
  // Ada (AD104): both spellings, the old one deprecated.
  const auto ada = select_from(
      {"sm__pipe_tensor_op_hmma_cycles_active", "sm__pipe_tensor_op_hmma_cycles_active_v2",
       "sm__pipe_tensor_op_imma_cycles_active", "sm__pipe_tensor_op_imma_cycles_active_v2"});
  ASSERT_EQ(ada.size(), 2u);
  EXPECT_EQ(ada[0].pipe, TensorPipe::kFloatingPoint);
  EXPECT_EQ(ada[0].base_name, "sm__pipe_tensor_op_hmma_cycles_active_v2");
  EXPECT_EQ(ada[0].counter_name, "tensor_pipe_hmma_active_pct");
  EXPECT_EQ(ada[0].metric_name(),
            "sm__pipe_tensor_op_hmma_cycles_active_v2.avg.pct_of_peak_sustained_active");
  EXPECT_EQ(ada[1].pipe, TensorPipe::kInteger);
  EXPECT_EQ(ada[1].base_name, "sm__pipe_tensor_op_imma_cycles_active_v2");
  EXPECT_EQ(ada[1].counter_name, "tensor_pipe_imma_active_pct");
}

TEST(TensorPipeMetrics, EachArchitecturesSpelling) {
  // Turing, Ampere, Hopper (on GH100 these count HGMMA/QGMMA and IGMMA/BGMMA too).
  const auto hopper = select_from(
      {"sm__pipe_tensor_cycles_active", "sm__pipe_tensor_op_hmma_cycles_active",
       "sm__pipe_tensor_op_imma_cycles_active", "sm__pipe_tensor_op_dmma_cycles_active"});
  ASSERT_EQ(hopper.size(), 2u);
  EXPECT_EQ(hopper[0].base_name, "sm__pipe_tensor_op_hmma_cycles_active");
  EXPECT_EQ(hopper[1].base_name, "sm__pipe_tensor_op_imma_cycles_active");
  // Blackwell.
  const auto blackwell =
      select_from({"sm__pipe_tensor_cycles_active", "sm__pipe_tensor_subpipe_hmma_cycles_active",
                   "sm__pipe_tensor_subpipe_imma_cycles_active"});
  ASSERT_EQ(blackwell.size(), 2u);
  EXPECT_EQ(blackwell[0].base_name, "sm__pipe_tensor_subpipe_hmma_cycles_active");
  EXPECT_EQ(blackwell[1].base_name, "sm__pipe_tensor_subpipe_imma_cycles_active");
  // Volta: no integer MMA pipe.
  const auto volta = select_from({"sm__pipe_tensor_op_hmma_cycles_active"});
  ASSERT_EQ(volta.size(), 1u);
  EXPECT_EQ(volta[0].pipe, TensorPipe::kFloatingPoint);
  // A chip without any: nothing to read, rather than a guess.
  EXPECT_TRUE(select_from({"sm__pipe_tensor_cycles_active"}).empty());
}

TEST(TensorPipeMetrics, SubmetricsMatchWithOrWithoutTheLeadingDot) {
  EXPECT_TRUE(has_submetric({".sum", ".avg.pct_of_peak_sustained_active"}, kTensorPipeSubmetric));
  EXPECT_TRUE(has_submetric({"avg.pct_of_peak_sustained_active"}, kTensorPipeSubmetric));
  EXPECT_FALSE(has_submetric({".avg.pct_of_peak_sustained_elapsed"}, kTensorPipeSubmetric));
  EXPECT_FALSE(has_submetric({}, kTensorPipeSubmetric));
}

TEST(KernelInspectionLabel, KernelsAndTensorPipe) {
  KernelInspection inspection;
  inspection.kernel_names = {"turing_h1688gemm_256x64_sliced1x2_ldg8_tn"};
  inspection.tensor_pipe_pct = {{"tensor_pipe_hmma_active_pct", 87.34},
                                {"tensor_pipe_imma_active_pct", 0.0}};
  EXPECT_EQ(inspection_label("compute-bound", inspection, false),
            "compute-bound; kernels: turing_h1688gemm_256x64_sliced1x2_ldg8_tn [tensor core]; "
            "tensor pipe active 87.3%");
  // An INT8 GEMM is judged by the integer pipe.
  EXPECT_EQ(tensor_pipe_active_pct(inspection, true), std::optional<double>(0.0));
  EXPECT_EQ(tensor_pipe_active_pct(inspection, false), std::optional<double>(87.34));
  EXPECT_EQ(tensor_pipe_active_pct(KernelInspection{}, false), std::nullopt);
}

TEST(KernelInspectionLabel, PermissionTextIsExact) {
  KernelInspection inspection;
  inspection.kernel_names = {"volta_sgemm_32x128_tn"};
  inspection.counters_problem = std::string(kProfilingPermissionText);
  EXPECT_EQ(inspection_label("memory-bound", inspection, false),
            "memory-bound; kernels: volta_sgemm_32x128_tn [SIMT]; counters unavailable "
            "(profiling permission)");
  EXPECT_EQ(kProfilingPermissionText, "counters unavailable (profiling permission)");
  EXPECT_EQ(counters_unavailable("no CUDA device"), "counters unavailable (no CUDA device)");
}

TEST(KernelInspectionLabel, OneSharedReasonIsSaidOnce) {
  KernelInspection inspection;
  inspection.kernels_problem = "kernels unavailable (libcupti.so.13 not found)";
  inspection.counters_problem = counters_unavailable("libcupti.so.13 not found");
  EXPECT_EQ(inspection_label("compute-bound", inspection, false),
            "compute-bound; CUPTI unavailable (libcupti.so.13 not found)");
  // Different reasons are both said; no bound gives no leading separator.
  inspection.counters_problem = std::string(kProfilingPermissionText);
  EXPECT_EQ(inspection_label("", inspection, false),
            "kernels unavailable (libcupti.so.13 not found); counters unavailable (profiling "
            "permission)");
  EXPECT_EQ(inspection_label("compute-bound", KernelInspection{}, false), "compute-bound");
}

}  // namespace
}  // namespace gpubench
