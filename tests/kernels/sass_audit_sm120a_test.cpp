// The SASS audit of the sm_120a library (kernels/compute/sm120_kernels.cu): each row's kernel
// issues the opcode its row claims, and nothing of the other path. On sm_120a (nvcc 13.0's SASS):
//   .kind::f8f6f4 (FP8, FP6, FP4 in 8-bit containers)  -> QMMA.16832.F32.<type>.<type> (FP8 rate)
//   .kind::mxf8f6f4.block_scale, ue8m0                  -> QMMA.SF.16832.F32.<type>.<type>.E8
//   .kind::mxf4 / .kind::mxf4nvf4 scale_vec::2X, ue8m0  -> OMMA.SF.16864.F32.E2M1.E2M1.E8 (FP4)
//   .kind::mxf4nvf4 scale_vec::4X, ue4m3                -> OMMA.SF.16864.F32.E2M1.E2M1.UE4M3.4X
// so an FP4 row that fell back to the FP8 instruction (and the FP8 rate) fails, as does any spill.
// Built in every configuration with GPUBENCH_SM120A_KERNELS (the CI preset included).
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "gpubench/errors.hpp"
#include "kernels/compute/sm120_kernels.hpp"
#include "support/sass_audit.hpp"
#include "support/test_support.hpp"

#ifndef GPUBENCH_CUOBJDUMP_PATH
#error "GPUBENCH_CUOBJDUMP_PATH must be defined (the cuobjdump path, or \"\") for this test"
#endif

namespace gpubench {
namespace {

using compute::Sm120Op;

// The mangled-name fragment of the kernel of `op` (template argument: the Sm120Op's value).
std::string kernel_of(Sm120Op op) {
  return "sm120_mma_throughput_kernelILNS0_7Sm120OpE" + std::to_string(static_cast<int>(op)) + "E";
}

// The instruction under test is >= 90% of the hottest loop (64 mma among the loop's counter and
// branch with nvcc 13.0), and the other family's opcodes appear nowhere.
SassRule rule(Sm120Op op, std::string opcode, std::vector<std::string> forbidden) {
  return {.kernel_pattern = kernel_of(op),
          .must_contain = {std::move(opcode)},
          .must_not_contain = std::move(forbidden),
          .min_fraction_in_loop = 0.9};
}

const std::vector<SassRule>& sm120a_rule_table() {
  const std::vector<std::string> not_scaled = {"QMMA.SF", "OMMA"};
  static const std::vector<SassRule> rules = {
      rule(Sm120Op::kF8f6f4E4m3, "QMMA.16832.F32.E4M3.E4M3", not_scaled),
      rule(Sm120Op::kF8f6f4E5m2, "QMMA.16832.F32.E5M2.E5M2", not_scaled),
      rule(Sm120Op::kF8f6f4E3m2, "QMMA.16832.F32.E3M2.E3M2", not_scaled),
      rule(Sm120Op::kF8f6f4E2m3, "QMMA.16832.F32.E2M3.E2M3", not_scaled),
      rule(Sm120Op::kF8f6f4E2m1, "QMMA.16832.F32.E2M1.E2M1", not_scaled),
      rule(Sm120Op::kMxf8f6f4E4m3Ue8m0, "QMMA.SF.16832.F32.E4M3.E4M3.E8", {"QMMA.16832", "OMMA"}),
      rule(Sm120Op::kMxf4E2m1Ue8m0, "OMMA.SF.16864.F32.E2M1.E2M1.E8", {"QMMA"}),
      rule(Sm120Op::kMxf4nvf4E2m1Ue8m0, "OMMA.SF.16864.F32.E2M1.E2M1.E8", {"QMMA"}),
      rule(Sm120Op::kMxf4nvf4E2m1Ue4m3, "OMMA.SF.16864.F32.E2M1.E2M1.UE4M3.4X",
           {"QMMA", "OMMA.SF.16864.F32.E2M1.E2M1.E8"}),
  };
  return rules;
}

TEST(SassAuditSm120a, EveryRowHasARule) {
  EXPECT_EQ(sm120a_rule_table().size(), std::size(compute::kSm120Ops));
}

// A kernel of `op` whose loop issues `opcode` 9 times around one counter update and branch.
std::string loop_kernel(Sm120Op op, const std::string& opcode) {
  std::string text = "\tcode for sm_120a\n\t\tFunction : _ZN8gpubench7compute" + kernel_of(op) +
                     "EvxjPjPNS_6common11ClockSampleE\n";
  char line[160];
  for (int i = 0; i < 9; ++i) {
    std::snprintf(line, sizeof line, "        /*%04x*/                   %s R12, R4, R2, R12 ;\n",
                  (i + 1) * 16, opcode.c_str());
    text += line;
  }
  text +=
      "        /*00a0*/              @P0 BRA 0x10 ;\n        /*00b0*/                   EXIT ;\n";
  return text;
}

// The rules on hand-made code: the claimed opcode passes; the FP4 rows issuing the FP8
// instruction, a plain row issuing a block-scaled one, or the ue4m3 row issuing the ue8m0 form,
// each fail.
TEST(SassAuditSm120a, ARowOnTheWrongInstructionFails) {
  const auto audit = [](Sm120Op op, const std::string& opcode) {
    return audit_sass(parse_cuobjdump_sass(loop_kernel(op, opcode)),
                      {sm120a_rule_table()[static_cast<std::size_t>(op)]});
  };
  EXPECT_TRUE(audit(Sm120Op::kMxf4E2m1Ue8m0, "OMMA.SF.16864.F32.E2M1.E2M1.E8").empty());
  EXPECT_TRUE(audit(Sm120Op::kF8f6f4E2m1, "QMMA.16832.F32.E2M1.E2M1").empty());
  EXPECT_FALSE(audit(Sm120Op::kMxf4E2m1Ue8m0, "QMMA.SF.16832.F32.E2M1.E2M1.E8").empty());
  EXPECT_FALSE(audit(Sm120Op::kMxf4nvf4E2m1Ue4m3, "QMMA.16832.F32.E2M1.E2M1").empty());
  EXPECT_FALSE(audit(Sm120Op::kMxf4nvf4E2m1Ue4m3, "OMMA.SF.16864.F32.E2M1.E2M1.E8").empty());
  EXPECT_FALSE(audit(Sm120Op::kF8f6f4E2m1, "QMMA.SF.16832.F32.E2M1.E2M1.E8").empty());
  EXPECT_FALSE(audit(Sm120Op::kF8f6f4E3m2, "QMMA.16832.F32.E4M3.E4M3").empty());
}

// The real kernels, from this test binary's sm_120a code.
TEST(SassAuditSm120a, KernelsMatchTheRuleTable) {
  if (!compute::sm120_kernels_built()) {
    GPUBENCH_SKIP_OTHER_HARDWARE("built without GPUBENCH_SM120A_KERNELS (CUDA older than 12.8?)");
  }
  const std::filesystem::path cuobjdump = GPUBENCH_CUOBJDUMP_PATH;
  ASSERT_TRUE(!cuobjdump.empty() && std::filesystem::is_regular_file(cuobjdump))
      << "No cuobjdump for the SASS audit: run scripts/setup.sh, then configure again.";
  // sm_121a (GB10) is built beside sm_120a from CUDA 12.9 (kernels/sm120a.cmake).
  std::vector<std::string> archs = {"sm_120a"};
  if (CUDART_VERSION >= 12090) archs.emplace_back("sm_121a");
  for (const std::string& arch : archs) {
    std::vector<SassFunction> functions;
    try {
      functions = parse_cuobjdump_sass(
          run_cuobjdump(cuobjdump, std::filesystem::read_symlink("/proc/self/exe"), arch));
    } catch (const UserError& error) {
      FAIL() << error.what();
    }
    const auto violations = audit_sass(functions, sm120a_rule_table());
    EXPECT_TRUE(violations.empty()) << violations.size() << " violation(s) in " << functions.size()
                                    << " " << arch << " functions:\n"
                                    << format_violations(violations);
  }
}

}  // namespace
}  // namespace gpubench
