// The SASS audit of Hopper's sm_90a kernels (kernels/compute/wgmma_kernels.cu,
// kernels/gemm/wgmma_hgemm.cu) in this test binary, and its rules on excerpts of the code they were
// written against.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/compute/wgmma_kernels.hpp"
#include "support/sass_audit.hpp"
#include "support/sass_audit_checks.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

// Hopper's own fast path (kernels/compute/wgmma_kernels.cu, kernels/gemm/wgmma_hgemm.cu), built for
// sm_90a only and audited in that code. Peak kernels (template argument: the ComputeOp whose types
// they use): the warpgroup MMA of their types (HGMMA for f16/bf16/tf32, QGMMA for fp8, IGMMA for
// s8) and in the hottest loop at least 35% of the instructions (16 GMMA among UMOV descriptor
// moves, with nvcc 13.0: 38% with FP32 accumulators, more with FP16; a serialized loop, with a
// WARPGROUP.DEPBAR after every GMMA, falls below). Each has two wgmma.fence and two wait_group
// (the chain's loop, its closing group), so exactly two WARPGROUP.ARRIVE and two
// WARPGROUP.DEPBAR: any more are ptxas's own (C7517 "warpgroup.wait is injected", C7519
// "warpgroup.arrive is injected"), as the FP32-accumulate kernels had before their accumulators
// were pinned as floats (tests/fixtures/sass/peak_f32acc_injected_waits_sm90a.sass: 4 and 3).
// The HGEMM: HGMMA (B transposed), TMA loads (UTMALDG) and mbarrier waits (SYNCS), FP32 / FP16
// accumulate as asked, the epilogue staged through shared memory (STS of the accumulators, LDS.128
// back, STG.E.128 to C: the 4-byte stores straight from registers it had before fail), one
// wgmma.fence and two wait_group (in the k loop, after it); its clusters
// of two (second template argument 2) multicast B (UTMALDG.2D.MULTICAST), arrive on the other
// block's barriers (SYNCS.ARRIVE.TRANS64.RED) and synchronize the cluster (UCGABAR), lone blocks
// none of it. No loop of it holds a memory barrier or a cache invalidation: cluster-scope release
// and acquire on the pipeline's barriers put a MEMBAR.ALL.GPU before every remote arrival and a
// CCTL.IVALL after every producer wait
// (tests/fixtures/sass/hgemm_cluster_scope_barriers_sm90a.sass); the cluster barriers at the
// kernel's start and end keep theirs, outside every loop.
const std::vector<SassRule>& hopper_rule_table() {
  const auto peak = [](int op, const char* gmma) {
    return SassRule{
        .kernel_pattern = "wgmma_throughput_kernelILNS0_9ComputeOpE" + std::to_string(op) + "E",
        .must_contain = {gmma, "WARPGROUP.ARRIVE"},
        .min_fraction_in_loop = 0.35,
        .exact_counts = {{"WARPGROUP.ARRIVE", 2}, {"WARPGROUP.DEPBAR", 2}}};
  };
  const auto cluster = [](int fp16_accumulate, int cluster_m) {
    const std::vector<std::string> cluster_code = {"UTMALDG.2D.MULTICAST",
                                                   "SYNCS.ARRIVE.TRANS64.RED", "UCGABAR_WAIT"};
    return SassRule{.kernel_pattern = "wgmma_hgemm_kernelILb" + std::to_string(fp16_accumulate) +
                                      "ELi" + std::to_string(cluster_m) + "E",
                    .must_contain = cluster_m == 2 ? cluster_code : std::vector<std::string>{},
                    .must_not_contain = cluster_m == 2 ? std::vector<std::string>{} : cluster_code,
                    .must_not_contain_in_loops = {"MEMBAR", "CCTL"},
                    .exact_counts = {{"WARPGROUP.ARRIVE", 1}, {"WARPGROUP.DEPBAR", 2}}};
  };
  static const std::vector<SassRule> rules = {
      peak(5, "HGMMA.64x256x16.F16"),
      peak(6, "HGMMA.64x256x16.F32"),
      peak(7, "HGMMA.64x256x16.F32.BF16"),
      peak(8, "HGMMA.64x256x8.F32.TF32"),
      peak(9, "IGMMA.64x256x32.S8.S8"),
      peak(11, "QGMMA.64x256x32.F32.E4M3.E4M3"),
      peak(12, "QGMMA.64x256x32.F32.E5M2.E5M2"),
      peak(13, "QGMMA.64x256x32.F16.E4M3.E4M3"),
      peak(14, "QGMMA.64x256x32.F16.E5M2.E5M2"),
      {.kernel_pattern = "wgmma_hgemm_kernelILb0E",
       .must_contain = {"HGMMA.64x256x16.F32", "UTMALDG.2D", "SYNCS.PHASECHK.TRANS64.TRYWAIT",
                        "SYNCS.ARRIVE.TRANS64", "STS", "LDS.128", "STG.E.128"},
       .must_not_contain = {"HGMMA.64x256x16.F16", "LDGSTS", "HMMA"}},
      {.kernel_pattern = "wgmma_hgemm_kernelILb1E",
       .must_contain = {"HGMMA.64x256x16.F16", "UTMALDG.2D", "SYNCS.PHASECHK.TRANS64.TRYWAIT",
                        "SYNCS.ARRIVE.TRANS64", "STS", "LDS.128", "STG.E.128"},
       .must_not_contain = {"HGMMA.64x256x16.F32", "LDGSTS", "HMMA"}},
      cluster(0, 1),
      cluster(0, 2),
      cluster(1, 1),
      cluster(1, 2),
  };
  return rules;
}

// The Hopper rules on excerpts of the code they were written against
// (tests/fixtures/sass/README.md): the FP32-accumulate peak kernels with ptxas's injected warpgroup
// waits, and the clustered HGEMM with cluster-scope barriers in its k loop and its producer's wait.
// Each fails its rule.
TEST(SassAudit, HopperRulesCatchInjectedWaitsAndClusterScopeBarriers) {
  const auto rule_for = [](std::string_view pattern) {
    const auto& rules = hopper_rule_table();
    const auto it = std::find_if(rules.begin(), rules.end(), [pattern](const SassRule& r) {
      return r.kernel_pattern == pattern;
    });
    if (it == rules.end()) throw std::runtime_error("no rule " + std::string(pattern));
    return *it;
  };
  const auto problems = [](const std::vector<SassViolation>& violations) {
    std::string text;
    for (const auto& violation : violations)
      text += violation.problem + "\n";
    return text;
  };
  const auto peak = problems(
      audit_sass(parse_cuobjdump_sass(sass_fixture("peak_f32acc_injected_waits_sm90a.sass")),
                 {rule_for("wgmma_throughput_kernelILNS0_9ComputeOpE6E")}));
  EXPECT_NE(peak.find("4 instruction(s) matching WARPGROUP.ARRIVE, where its rule expects exactly "
                      "2"),
            std::string::npos)
      << peak;
  EXPECT_NE(peak.find("3 instruction(s) matching WARPGROUP.DEPBAR, where its rule expects exactly "
                      "2"),
            std::string::npos)
      << peak;
  const auto hgemm = problems(
      audit_sass(parse_cuobjdump_sass(sass_fixture("hgemm_cluster_scope_barriers_sm90a.sass")),
                 {rule_for("wgmma_hgemm_kernelILb0ELi2E")}));
  EXPECT_NE(hgemm.find("matching MEMBAR inside a loop (MEMBAR.ALL.CTA at 0x1500, MEMBAR.ALL.GPU "
                       "at 0x1510"),
            std::string::npos)
      << hgemm;
  EXPECT_NE(hgemm.find("matching CCTL inside a loop (CCTL.IVALL at 0xa8c0)"), std::string::npos)
      << hgemm;
}

// The sm_90a kernels: built in every configuration with GPUBENCH_SM90A_KERNELS (the CI preset
// included), so CI audits Hopper's code without a Hopper.
TEST(SassAudit, HopperKernelsMatchTheRuleTable) {
  if (!compute::wgmma_kernels_built()) {
    GPUBENCH_SKIP_OTHER_HARDWARE("built without GPUBENCH_SM90A_KERNELS");
  }
  expect_audit_passes(this_test_binary(), hopper_rule_table(), "sm_90a");
}

}  // namespace
}  // namespace gpubench
