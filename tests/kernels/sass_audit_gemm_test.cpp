// The SASS audit of gpubench's own GEMM kernels (kernels/gemm/), sm_89, in this test binary.
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "kernels/gemm/gemm_tiling.hpp"
#include "support/sass_audit.hpp"
#include "support/sass_audit_checks.hpp"

namespace gpubench {
namespace {

// The float4 SGEMM of tile configuration `config` (kSgemmConfigs).
SassRule sgemm_rule(int config) {
  return {
      .kernel_pattern = "own_sgemm_kernelILNS0_11SgemmConfigE" + std::to_string(config) + "ELb1E",
      .must_contain = {"FFMA", "LDS.128", "LDG.E.128", "STG.E.128"},
      .min_fraction_in_loop = 0.8};
}

// gpubench's own GEMM kernels (kernels/gemm/). Template arguments in the mangled names:
// HgemmConfigE<n>E (0: 128x128x32 with 3 cp.async stages, 1: 128x256x32 with 4, 2: the
// scalar-load fallback), then Lb0 / Lb1 (FP32 / FP16 accumulate); SgemmConfigE<n>E (0: 128x128x8,
// 1: 128x128x16, 2: 128x64x8, 3: 64x64x8), then Lb1 / Lb0 (float4 loads / the scalar fallback). The
// hottest-loop fractions guard the main loops' shape against regressions (unrolling lost, address
// math grown): at sm_89 with nvcc 13.0 the cp.async HGEMMs' k-tile loops are 29-32% HMMA (64 HMMA,
// 16 LDSM, 8 LDGSTS, the rest addressing), the SGEMMs' 82-88% FFMA (one k tile per
// iteration: 64 FFMA and 4 LDS.128 per k; 128, 167, 163, 167 registers for configs 0-3, 145 for
// the fallback; no local memory).
const std::vector<SassRule>& own_gemm_rule_table() {
  static const std::vector<SassRule> rules = {
      {.kernel_pattern = "own_hgemm_kernelILNS0_11HgemmConfigE0ELb0E",
       .must_contain = {"HMMA.16816.F32", "LDSM.16.M88.4", "LDSM.16.MT88.4", "LDGSTS.E.BYPASS.128"},
       .must_not_contain = {"HMMA.16816.F16"},
       .min_fraction_in_loop = 0.25},
      {.kernel_pattern = "own_hgemm_kernelILNS0_11HgemmConfigE1ELb0E",
       .must_contain = {"HMMA.16816.F32", "LDSM.16.M88.4", "LDSM.16.MT88.4", "LDGSTS.E.BYPASS.128"},
       .must_not_contain = {"HMMA.16816.F16"},
       .min_fraction_in_loop = 0.25},
      {.kernel_pattern = "own_hgemm_kernelILNS0_11HgemmConfigE0ELb1E",
       .must_contain = {"HMMA.16816.F16", "LDSM.16.M88.4", "LDSM.16.MT88.4", "LDGSTS.E.BYPASS.128"},
       .must_not_contain = {"HMMA.16816.F32"},
       .min_fraction_in_loop = 0.25},
      {.kernel_pattern = "own_hgemm_kernelILNS0_11HgemmConfigE1ELb1E",
       .must_contain = {"HMMA.16816.F16", "LDSM.16.M88.4", "LDSM.16.MT88.4", "LDGSTS.E.BYPASS.128"},
       .must_not_contain = {"HMMA.16816.F32"},
       .min_fraction_in_loop = 0.25},
      {.kernel_pattern = "own_hgemm_kernelILNS0_11HgemmConfigE2ELb0E",
       .must_contain = {"HMMA.16816.F32", "LDSM.16.M88.4", "LDSM.16.MT88.4"},
       .must_not_contain = {"HMMA.16816.F16", "LDGSTS"}},
      {.kernel_pattern = "own_hgemm_kernelILNS0_11HgemmConfigE2ELb1E",
       .must_contain = {"HMMA.16816.F16", "LDSM.16.M88.4", "LDSM.16.MT88.4"},
       .must_not_contain = {"HMMA.16816.F32", "LDGSTS"}},
      sgemm_rule(0),
      sgemm_rule(1),
      sgemm_rule(2),
      sgemm_rule(3),
      {.kernel_pattern = "own_sgemm_kernelILNS0_11SgemmConfigE0ELb0E",
       .must_contain = {"FFMA", "LDS.128"},
       .must_not_contain = {"LDG.E.128"},
       .min_fraction_in_loop = 0.75},
  };
  return rules;
}

// The gpubench executable holds only the kernels it references (the linker leaves unreferenced
// objects of the gpubench_kernels archive out), and nothing in it calls the own GEMM kernels until
// the GEMM suite registers them; this test binary links them through own_gemm_test.cpp, so they
// are audited here. Once gpubench runs them, their rows can join rule_table().
TEST(SassAudit, KernelsMatchTheRuleTableForOwnGemm) {
  expect_audit_passes(this_test_binary(), own_gemm_rule_table());
}

// The float4 SGEMMs' inner loops read their fragments from shared memory as float4: the loop with
// the most FFMA also holds the most LDS.128, at least 4 per k of a k tile (2 of A, 2 of B) -- a
// tile configuration whose shared reads went scalar (lost alignment, a broken swizzle) fails.
TEST(SassAudit, OwnSgemmHotLoopsReadSharedMemoryAsFloat4) {
  const std::filesystem::path cuobjdump = GPUBENCH_CUOBJDUMP_PATH;
  ASSERT_TRUE(!cuobjdump.empty() && std::filesystem::is_regular_file(cuobjdump));
  const auto functions =
      parse_cuobjdump_sass(run_cuobjdump(cuobjdump, this_test_binary(), kAuditArch));
  for (const gemm::SgemmConfig config : gemm::kSgemmConfigs) {
    const std::string pattern =
        "own_sgemm_kernelILNS0_11SgemmConfigE" + std::to_string(static_cast<int>(config)) + "ELb1E";
    const SassFunction& kernel = function_named(functions, pattern);
    const auto ffma_loop = hottest_loop(kernel, "FFMA");
    const auto lds_loop = hottest_loop(kernel, "LDS.128");
    ASSERT_TRUE(ffma_loop && lds_loop) << pattern;
    EXPECT_EQ(lds_loop->instructions, ffma_loop->instructions) << pattern << ": the same loop";
    EXPECT_GE(lds_loop->matching, static_cast<std::size_t>(4 * gemm::sgemm_tile(config).bk))
        << pattern;
  }
}

}  // namespace
}  // namespace gpubench
