// The SASS audit of the kernels the gpubench executable holds (memory, driver and compute
// families), sm_89: the project's rule table held against the real code. The own GEMMs are audited
// in sass_audit_gemm_test.cpp, Hopper's sm_90a kernels in sass_audit_sm90a_test.cpp; the parser
// and the rules' mechanics are tested in sass_parser_test.cpp and sass_rules_test.cpp.
#include "support/sass_audit.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "support/sass_audit_checks.hpp"

#ifndef GPUBENCH_KERNELS_BINARY
#error "GPUBENCH_KERNELS_BINARY must be defined (the binary whose kernels are audited)"
#endif

namespace gpubench {
namespace {

// The project's rules. A kernel named here must exist in GPUBENCH_KERNELS_BINARY; every kernel in
// it, ruled or not, must stay out of local memory.
const std::vector<SassRule>& rule_table() {
  static const std::vector<SassRule> rules = {
      {.kernel_pattern = "stream_read_kernel", .must_contain = {"LDG.E.128"}},
      {.kernel_pattern = "stream_dot_kernel", .must_contain = {"LDG.E.128"}},
      {.kernel_pattern = "stream_copy_kernel", .must_contain = {"LDG.E.128", "STG.E.128"}},
      {.kernel_pattern = "stream_scale_kernel", .must_contain = {"LDG.E.128", "STG.E.128"}},
      {.kernel_pattern = "stream_add_kernel", .must_contain = {"LDG.E.128", "STG.E.128"}},
      {.kernel_pattern = "stream_triad_kernel", .must_contain = {"LDG.E.128", "STG.E.128"}},
      {.kernel_pattern = "stream_write_kernel", .must_contain = {"STG.E.128"}},
      {.kernel_pattern = "l2_read_kernel", .must_contain = {"LDG.E.128"}},
      {.kernel_pattern = "pointer_chase_kernel", .must_contain = {"LDG"}},
      // The stream hold (kernels/probe/stream_hold.cu) polls a flag in host memory: a strong,
      // system-scope load on each pass (one the compiler could hoist would spin until the
      // timeout), a sleep between polls, and the timeout published with a system-scope fence.
      {.kernel_pattern = "stream_hold_kernel",
       .must_contain = {"LDG.E.STRONG.SYS", "NANOSLEEP", "STG.E.STRONG.SYS", "MEMBAR.SC.SYS"}},
      // The driver suite's "empty" kernel: a read-modify-write of its counter and nothing else.
      {.kernel_pattern = "count_kernelEPj",
       .must_contain = {"LDG.E", "STG.E"},
       .must_not_contain = {"BAR", "ATOM", "RED"}},
      // Compute peaks (kernels/compute/): the unit under test, >= 90% of the hottest loop.
      // Template argument E<n>E is the ComputeOp's value.
      {.kernel_pattern = "scalar_throughput_kernelILNS0_9ComputeOpE0E",
       .must_contain = {"FFMA"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "scalar_throughput_kernelILNS0_9ComputeOpE1E",
       .must_contain = {"HFMA2"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "scalar_throughput_kernelILNS0_9ComputeOpE2E",
       .must_contain = {"HFMA2.BF16_V2"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "scalar_throughput_kernelILNS0_9ComputeOpE3E",
       .must_contain = {"DFMA"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "scalar_throughput_kernelILNS0_9ComputeOpE4E",
       .must_contain = {"IMAD"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE5E",
       .must_contain = {"HMMA.16816.F16"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE6E",
       .must_contain = {"HMMA.16816.F32"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE7E",
       .must_contain = {"HMMA.16816.F32.BF16"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE8E",
       .must_contain = {"HMMA.1688.F32.TF32"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE9E",
       .must_contain = {"IMMA.16832.S8.S8"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE10E",
       .must_contain = {"IMMA.16864.S4.S4"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE11E",
       .must_contain = {"QMMA.16832.F32.E4M3.E4M3"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE12E",
       .must_contain = {"QMMA.16832.F32.E5M2.E5M2"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE13E",
       .must_contain = {"QMMA.16832.F16.E4M3.E4M3"},
       .min_fraction_in_loop = 0.9},
      {.kernel_pattern = "mma_throughput_kernelILNS0_9ComputeOpE14E",
       .must_contain = {"QMMA.16832.F16.E5M2.E5M2"},
       .min_fraction_in_loop = 0.9},
  };
  return rules;
}

TEST(SassAudit, KernelsMatchTheRuleTable) {
  expect_audit_passes(GPUBENCH_KERNELS_BINARY, rule_table());
}

}  // namespace
}  // namespace gpubench
