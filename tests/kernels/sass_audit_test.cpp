// The SASS audit: parser and rules on captured cuobjdump output (tests/fixtures/sass/), running
// cuobjdump, and the project's rule table held against the real kernels' sm_89 code.
#include "support/sass_audit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "gpubench/errors.hpp"
#include "kernels/compute/wgmma_kernels.hpp"
#include "kernels/gemm/gemm_tiling.hpp"
#include "support/test_support.hpp"

#ifndef GPUBENCH_CUOBJDUMP_PATH
#error "GPUBENCH_CUOBJDUMP_PATH must be defined (the cuobjdump path, or \"\") for this test"
#endif
#ifndef GPUBENCH_KERNELS_BINARY
#error "GPUBENCH_KERNELS_BINARY must be defined (the binary whose kernels are audited)"
#endif

namespace gpubench {
namespace {

using testing::TempDir;

// The architecture both target cards (RTX 4070, L4) run.
constexpr std::string_view kAuditArch = "sm_89";

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

std::string fixture(const std::string& name) {
  const auto path = std::filesystem::path(GPUBENCH_TEST_FIXTURES_DIR) / "sass" / name;
  std::string text = testing::read_file(path);
  if (text.empty()) throw std::runtime_error("missing or empty fixture " + path.string());
  return text;
}

// The fixture kernels (namespace gpubench::fixture), sm_89.
const std::vector<SassFunction>& fixture_kernels() {
  static const std::vector<SassFunction> functions =
      parse_cuobjdump_sass(fixture("fixture_kernels_sm89.sass"));
  return functions;
}

const SassFunction& function_named(const std::vector<SassFunction>& functions,
                                   std::string_view pattern) {
  const auto it = std::find_if(functions.begin(), functions.end(), [pattern](const auto& f) {
    return f.mangled_name.find(pattern) != std::string::npos;
  });
  if (it == functions.end()) throw std::runtime_error("no function " + std::string(pattern));
  return *it;
}

bool contains(const std::vector<std::string>& opcodes, std::string_view opcode) {
  return std::find(opcodes.begin(), opcodes.end(), opcode) != opcodes.end();
}

// A stand-in cuobjdump: a shell script with the given body.
std::filesystem::path fake_cuobjdump(const TempDir& dir, const std::string& body) {
  const auto path = dir.write("cuobjdump", "#!/bin/sh\n" + body + "\n");
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

// --- parser

TEST(SassParser, FindsEveryFunctionWithItsArchitecture) {
  const auto& functions = fixture_kernels();
  ASSERT_EQ(functions.size(), 5u);
  EXPECT_EQ(functions[0].mangled_name, "_ZN8gpubench7fixture12chase_kernelEPKjPji");
  EXPECT_EQ(functions[4].mangled_name, "_ZN8gpubench7fixture18copy_float4_kernelEPK6float4PS1_i");
  for (const auto& function : functions) {
    EXPECT_EQ(function.arch, "sm_89") << function.mangled_name;
    EXPECT_FALSE(function.opcodes.empty()) << function.mangled_name;
  }
}

TEST(SassParser, ReadsOneOpcodeAnInstructionWithItsModifiers) {
  const auto& scalar = function_named(fixture_kernels(), "copy_scalar_kernel");
  std::vector<std::string> expected = {"MOV",       "S2R",   "S2R",     "IMAD",      "ISETP.GE.AND",
                                       "EXIT",      "MOV",   "ULDC.64", "IMAD.WIDE", "LDG.E",
                                       "IMAD.WIDE", "STG.E", "EXIT",    "BRA"};
  expected.insert(expected.end(), 10, "NOP");  // padding after the end, printed as code
  EXPECT_EQ(scalar.opcodes, expected);
  const auto& float4 = function_named(fixture_kernels(), "copy_float4_kernel");
  EXPECT_TRUE(contains(float4.opcodes, "LDG.E.128.CONSTANT"));
  EXPECT_TRUE(contains(float4.opcodes, "STG.E.128"));
  EXPECT_TRUE(
      contains(function_named(fixture_kernels(), "copy_float4_plain").opcodes, "LDG.E.128"));
}

TEST(SassParser, StripsPredicates) {
  // chase_kernel: "@!P1 BRA 0x100", "@P0 EXIT"; local_array_kernel: "@!P0 BRA P1, 0xf0".
  for (const auto& function : fixture_kernels()) {
    for (const auto& opcode : function.opcodes) {
      EXPECT_FALSE(opcode.empty()) << function.mangled_name;
      EXPECT_NE(opcode.front(), '@') << function.mangled_name << " " << opcode;
      EXPECT_NE(opcode.front(), '/') << function.mangled_name << " " << opcode;
    }
  }
  const auto& chase = function_named(fixture_kernels(), "chase_kernel");
  EXPECT_EQ(std::count(chase.opcodes.begin(), chase.opcodes.end(), "BRA"), 3);
  EXPECT_EQ(std::count(chase.opcodes.begin(), chase.opcodes.end(), "EXIT"), 2);
}

TEST(SassParser, KeepsArchitectureSectionsApart) {
  const auto functions = parse_cuobjdump_sass(fixture("copy_float4_sm75_sm89.sass"));
  ASSERT_EQ(functions.size(), 2u);
  EXPECT_EQ(functions[0].mangled_name, functions[1].mangled_name);
  EXPECT_EQ(functions[0].arch, "sm_75");
  EXPECT_EQ(functions[1].arch, "sm_89");
  EXPECT_TRUE(contains(functions[0].opcodes, "LDG.E.128.CONSTANT.SYS"));
  EXPECT_TRUE(contains(functions[0].opcodes, "STG.E.128.SYS"));
  EXPECT_TRUE(contains(functions[1].opcodes, "LDG.E.128.CONSTANT"));
  EXPECT_EQ(functions[0].opcodes.size(), 16u);  // 13 instructions and 3 NOPs of padding
  EXPECT_EQ(functions[1].opcodes.size(), 24u);  // 14 instructions and 10 NOPs
}

TEST(SassParser, ReadsDualIssuePairs) {
  // CUDA 13 cannot build for Maxwell/Pascal, so this is written by hand in cuobjdump's layouts for
  // them: before 10.2 a pair ends "; }" then the encoding; from 10.2 on the second instruction
  // ends at "}" with no ';' and its encoding moves to the next line.
  const std::string text = R"sass(
	code for sm_52
		Function : _Z3dualPf
	.headerflags    @"EF_CUDA_SM52 EF_CUDA_VIRTUAL_SM(EF_CUDA_SM52)"
                                                                       /* 0x001c4400fe0007f6 */
        /*0008*/                   MOV R1, c[0x0][0x20];               /* 0x4c98078000870001 */
        /*0010*/         {         S2R R0, SR_CTAID.X;                 /* 0xf0c8000002570000 */
        /*0018*/                   S2R R2, SR_TID.X;        }          /* 0xf0c8000002170002 */
        /*0028*/         {         @!P0 MOV R4, c[0x0][0x148];         /* 0x4c98078005270004 */
        /*0030*/                   STG.E.128 [R2], R4        }
                                                                       /* 0xeedc200000070200 */
        /*0038*/                   EXIT;                               /* 0xe30000000007000f */
		..........
)sass";
  const auto functions = parse_cuobjdump_sass(text);
  ASSERT_EQ(functions.size(), 1u);
  EXPECT_EQ(functions[0].arch, "sm_52");
  const std::vector<std::string> expected = {"MOV", "S2R", "S2R", "MOV", "STG.E.128", "EXIT"};
  EXPECT_EQ(functions[0].opcodes, expected);
}

TEST(SassParser, IgnoresTextThatIsNoInstructionOfAFunction) {
  const std::string text = R"sass(
        /*0000*/                   LDL R0, [R1] ;
	code for sm_89

	.text._Z3fooPf:
		Function : _Z3fooPf
	.headerflags	@"EF_CUDA_SM89 EF_CUDA_VIRTUAL_SM(EF_CUDA_SM89)"
.L_x_0:
        /*0000*/                   MOV R1, c[0x0][0x28] ;                /* 0x00000a0000017a02 */
                                                                         /* 0x000fe40000000f00 */

        /*0010*/              @!PT BRA `(.L_x_0) ;
        /*0020*/                   EXIT ;
		..........
        /*0030*/                   STL [R1], R0 ;
)sass";
  const auto functions = parse_cuobjdump_sass(text);
  ASSERT_EQ(functions.size(), 1u);
  EXPECT_EQ(functions[0].mangled_name, "_Z3fooPf");
  const std::vector<std::string> expected = {"MOV", "BRA", "EXIT"};
  EXPECT_EQ(functions[0].opcodes, expected);
  EXPECT_TRUE(parse_cuobjdump_sass("").empty());
  EXPECT_TRUE(parse_cuobjdump_sass("\n\tcode for sm_89\n\t.target\tsm_89\n").empty());
}

// --- matching and the audit

TEST(SassAudit, OpcodesMatchWholeModifiers) {
  EXPECT_TRUE(opcode_matches("LDG.E.128", "LDG.E.128"));
  EXPECT_TRUE(opcode_matches("LDG.E.128.CONSTANT", "LDG.E.128"));
  EXPECT_TRUE(opcode_matches("LDG.E.128.CONSTANT.SYS", "LDG.E.128"));
  EXPECT_TRUE(opcode_matches("LDG.E", "LDG"));
  EXPECT_FALSE(opcode_matches("LDG.E", "LDG.E.128"));
  EXPECT_FALSE(opcode_matches("LDG.E.1280", "LDG.E.128"));
  EXPECT_FALSE(opcode_matches("LDGSTS.E.128", "LDG"));
  EXPECT_FALSE(opcode_matches("ULDC.64", "LDL"));
  EXPECT_FALSE(opcode_matches("LDG.E", ""));
}

TEST(SassAudit, Float4KernelsPassA128BitRule) {
  const std::vector<SassRule> rules = {
      {.kernel_pattern = "copy_float4", .must_contain = {"LDG.E.128", "STG.E.128"}}};
  const auto violations = audit_sass(fixture_kernels(), rules);
  // Only the local-memory kernel is flagged, and by the spill check, not by this rule.
  ASSERT_EQ(violations.size(), 1u) << format_violations(violations);
  EXPECT_NE(violations[0].kernel.find("local_array_kernel"), std::string::npos);
}

TEST(SassAudit, ScalarKernelFailsA128BitRule) {
  const auto& scalar = function_named(fixture_kernels(), "copy_scalar_kernel");
  const std::vector<SassRule> rules = {
      {.kernel_pattern = "copy_scalar_kernel", .must_contain = {"LDG.E.128", "STG.E.128"}}};
  const auto violations = audit_sass({scalar}, rules);
  ASSERT_EQ(violations.size(), 2u) << format_violations(violations);
  EXPECT_EQ(violations[0].kernel, scalar.mangled_name);
  EXPECT_NE(violations[0].problem.find("no LDG.E.128"), std::string::npos) << violations[0].problem;
  EXPECT_NE(violations[0].problem.find("LDG instructions: LDG.E"), std::string::npos)
      << violations[0].problem;
  EXPECT_NE(violations[1].problem.find("no STG.E.128"), std::string::npos) << violations[1].problem;
}

TEST(SassAudit, AnyWidthPatternAcceptsScalarAndVectorLoads) {
  const std::vector<SassRule> rules = {{.kernel_pattern = "chase_kernel", .must_contain = {"LDG"}},
                                       {.kernel_pattern = "copy_float4", .must_contain = {"LDG"}}};
  const std::vector<SassFunction> functions = {
      function_named(fixture_kernels(), "chase_kernel"),
      function_named(fixture_kernels(), "copy_float4_kernel"),
      function_named(fixture_kernels(), "copy_float4_plain_kernel")};
  const auto violations = audit_sass(functions, rules);
  EXPECT_TRUE(violations.empty()) << format_violations(violations);
}

TEST(SassAudit, ForbiddenOpcodeIsAViolation) {
  const std::vector<SassRule> rules = {
      {.kernel_pattern = "copy_float4", .must_not_contain = {"LDG.E.128.CONSTANT"}}};
  const std::vector<SassFunction> functions = {
      function_named(fixture_kernels(), "copy_float4_kernel"),
      function_named(fixture_kernels(), "copy_float4_plain_kernel")};
  const auto violations = audit_sass(functions, rules);
  ASSERT_EQ(violations.size(), 1u) << format_violations(violations);
  EXPECT_EQ(violations[0].kernel, functions[0].mangled_name);
  EXPECT_NE(violations[0].problem.find("forbids"), std::string::npos) << violations[0].problem;
}

TEST(SassAudit, LocalMemoryIsFlaggedInEveryFunction) {
  const auto violations = audit_sass(fixture_kernels(), {});
  ASSERT_EQ(violations.size(), 1u) << format_violations(violations);
  EXPECT_EQ(violations[0].kernel, "_ZN8gpubench7fixture18local_array_kernelEPKiPfi");
  EXPECT_NE(violations[0].problem.find("uses local memory (spill?)"), std::string::npos);
  EXPECT_NE(violations[0].problem.find("1 LDL and 1 STL"), std::string::npos)
      << violations[0].problem;
}

TEST(SassAudit, PatternMatchingNoKernelIsAViolation) {
  const std::vector<SassRule> rules = {
      {.kernel_pattern = "stream_triad_kernel", .must_contain = {"LDG.E.128"}}};
  const auto violations = audit_sass(fixture_kernels(), rules);
  ASSERT_FALSE(violations.empty());
  EXPECT_EQ(violations[0].kernel, "stream_triad_kernel");
  EXPECT_NE(violations[0].problem.find("no kernel matches pattern stream_triad_kernel"),
            std::string::npos);
  EXPECT_EQ(audit_sass({}, rules).size(), 1u);
}

// A loop of 9 FFMA and its backward branch (90% FFMA), then code after it.
constexpr std::string_view kLoopSass = R"(
	code for sm_89
		Function : loop_kernel
        /*0000*/                   MOV R1, c[0x0][0x28] ;
        /*0010*/                   FFMA R0, R1, R2, R3 ;
        /*0020*/                   FFMA R0, R1, R2, R3 ;
        /*0030*/                   FFMA R0, R1, R2, R3 ;
        /*0040*/                   FFMA R0, R1, R2, R3 ;
        /*0050*/                   FFMA R0, R1, R2, R3 ;
        /*0060*/                   FFMA R0, R1, R2, R3 ;
        /*0070*/                   FFMA R0, R1, R2, R3 ;
        /*0080*/                   FFMA R0, R1, R2, R3 ;
        /*0090*/                   FFMA R0, R1, R2, R3 ;
        /*0098*/                   @!UPT UIADD3 URZ, URZ, URZ, URZ ;
        /*00a0*/              @P0 BRA 0x10 ;
        /*00b0*/                   IADD3 R4, R4, 0x1, RZ ;
        /*00c0*/                   EXIT ;
		Function : straight_kernel
        /*0000*/                   FFMA R0, R1, R2, R3 ;
        /*0010*/                   EXIT ;
)";

TEST(SassAudit, HottestLoopFractionIsMeasuredAndEnforced) {
  const auto functions = parse_cuobjdump_sass(kLoopSass);
  ASSERT_EQ(functions.size(), 2u);
  ASSERT_EQ(functions[0].addresses.size(), functions[0].opcodes.size());
  EXPECT_EQ(functions[0].branch_targets[11], 0x10u);
  EXPECT_TRUE(functions[0].never_executes[10]) << "an @!UPT spacer is padding, not work";
  EXPECT_FALSE(functions[0].never_executes[9]);
  const auto loop = hottest_loop(functions[0], "FFMA");
  ASSERT_TRUE(loop);
  EXPECT_EQ(loop->instructions, 10u);
  EXPECT_EQ(loop->matching, 9u);
  EXPECT_FALSE(hottest_loop(functions[1], "FFMA")) << "no backward branch, no loop";

  const std::vector<SassRule> enough = {
      {.kernel_pattern = "loop_kernel", .must_contain = {"FFMA"}, .min_fraction_in_loop = 0.9}};
  EXPECT_TRUE(audit_sass(functions, enough).empty());
  const std::vector<SassRule> too_much = {
      {.kernel_pattern = "loop_kernel", .must_contain = {"FFMA"}, .min_fraction_in_loop = 0.95}};
  const auto violations = audit_sass(functions, too_much);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_NE(violations[0].problem.find("hottest loop"), std::string::npos);
  const std::vector<SassRule> loopless = {
      {.kernel_pattern = "straight_kernel", .must_contain = {"FFMA"}, .min_fraction_in_loop = 0.5}};
  EXPECT_EQ(audit_sass(functions, loopless).size(), 1u);
}

// --- rules on loops and counts

// A barrier before a loop, one inside it, an invalidation after it.
constexpr std::string_view kBarrierLoopSass = R"(
	code for sm_90a
		Function : barrier_kernel
        /*0000*/                   MEMBAR.ALL.GPU ;
        /*0010*/                   SYNCS.ARRIVE.TRANS64.RED.A1T0 RZ, [R20+URZ], RZ ;
        /*0020*/                   MEMBAR.ALL.CTA ;
        /*0030*/              @P0 BRA 0x10 ;
        /*0040*/                   CCTL.IVALL ;
        /*0050*/                   EXIT ;
)";

TEST(SassAudit, ForbiddenInLoopsMeansInsideARangeABackwardBranchCloses) {
  const auto functions = parse_cuobjdump_sass(kBarrierLoopSass);
  const std::vector<SassRule> rules = {
      {.kernel_pattern = "barrier_kernel", .must_not_contain_in_loops = {"MEMBAR", "CCTL"}}};
  const auto violations = audit_sass(functions, rules);
  ASSERT_EQ(violations.size(), 1u) << format_violations(violations);
  EXPECT_NE(violations[0].problem.find("1 instruction(s) matching MEMBAR inside a loop "
                                       "(MEMBAR.ALL.CTA at 0x20)"),
            std::string::npos)
      << violations[0].problem;
}

TEST(SassAudit, ExactCountsCatchOneMoreAndOneFewer) {
  const auto functions = parse_cuobjdump_sass(kBarrierLoopSass);
  const auto rule = [](std::size_t membars) {
    return std::vector<SassRule>{
        {.kernel_pattern = "barrier_kernel", .exact_counts = {{"MEMBAR", membars}}}};
  };
  EXPECT_TRUE(audit_sass(functions, rule(2)).empty());
  for (const std::size_t wrong : {1u, 3u}) {
    const auto violations = audit_sass(functions, rule(wrong));
    ASSERT_EQ(violations.size(), 1u) << format_violations(violations);
    EXPECT_NE(violations[0].problem.find("has 2 instruction(s) matching MEMBAR, where its rule "
                                         "expects exactly " +
                                         std::to_string(wrong)),
              std::string::npos)
        << violations[0].problem;
  }
}

// --- running cuobjdump

TEST(RunCuobjdump, MissingToolSaysRunSetup) {
  try {
    run_cuobjdump("/nonexistent/cuobjdump", GPUBENCH_EXE, kAuditArch);
    FAIL() << "no error";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("run scripts/setup.sh"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(run_cuobjdump("", GPUBENCH_EXE, kAuditArch), UserError);
}

TEST(RunCuobjdump, RejectsAMissingBinaryAndAMalformedArchitecture) {
  TempDir dir;
  const auto tool = fake_cuobjdump(dir, "exit 0");
  EXPECT_THROW(run_cuobjdump(tool, dir.path() / "absent", kAuditArch), UserError);
  EXPECT_THROW(run_cuobjdump(tool, GPUBENCH_EXE, "sm_89; true"), UserError);
  EXPECT_THROW(run_cuobjdump(tool, GPUBENCH_EXE, "89"), UserError);
  EXPECT_NO_THROW(run_cuobjdump(tool, GPUBENCH_EXE, "sm_90a"));
}

TEST(RunCuobjdump, PassesSassAndArchAndReturnsStdoutOnly) {
  TempDir dir;
  const auto tool = fake_cuobjdump(dir, "echo \"args: $*\"; echo noise >&2");
  const auto binary = dir.write("it's a binary", "x");
  EXPECT_EQ(run_cuobjdump(tool, binary, kAuditArch),
            "args: -sass -arch sm_89 " + binary.string() + "\n");
}

TEST(RunCuobjdump, FailureIsAUserErrorWithCuobjdumpsMessage) {
  TempDir dir;
  const auto tool =
      fake_cuobjdump(dir, "echo \"cuobjdump fatal   : Could not open input file 'x'\" >&2; exit 1");
  try {
    run_cuobjdump(tool, GPUBENCH_EXE, kAuditArch);
    FAIL() << "no error";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("Could not open input file"), std::string::npos)
        << error.what();
  }
}

TEST(RunCuobjdump, MissingNvdisasmSaysRunSetup) {
  TempDir dir;
  const auto tool = fake_cuobjdump(dir,
                                   "echo \"cuobjdump fatal   : Could not find executable file "
                                   "'nvdisasm'; you can try adding path\" >&2; exit 1");
  try {
    run_cuobjdump(tool, GPUBENCH_EXE, kAuditArch);
    FAIL() << "no error";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("nvdisasm"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("run scripts/setup.sh"), std::string::npos);
  }
}

TEST(RunCuobjdump, BinaryWithoutDeviceCodeGivesNoFunctions) {
  TempDir dir;
  // What cuobjdump 13.5 does for a host-only binary.
  const auto tool = fake_cuobjdump(
      dir, "echo \"cuobjdump info    : File 'x' does not contain device code\" >&2; exit 255");
  EXPECT_TRUE(parse_cuobjdump_sass(run_cuobjdump(tool, GPUBENCH_EXE, kAuditArch)).empty());
}

// --- the real kernels

// Runs cuobjdump on `binary` and expects `rules` (and the local-memory check) to pass.
void expect_audit_passes(const std::filesystem::path& binary, const std::vector<SassRule>& rules,
                         std::string_view arch = kAuditArch) {
  const std::filesystem::path cuobjdump = GPUBENCH_CUOBJDUMP_PATH;
  ASSERT_TRUE(!cuobjdump.empty() && std::filesystem::is_regular_file(cuobjdump))
      << "No cuobjdump for the SASS audit (GPUBENCH_CUOBJDUMP_PATH=\"" << cuobjdump.string()
      << "\"): run scripts/setup.sh, then configure again.";
  std::vector<SassFunction> functions;
  try {
    functions = parse_cuobjdump_sass(run_cuobjdump(cuobjdump, binary, arch));
  } catch (const UserError& error) {
    FAIL() << error.what();
  }
  const auto violations = audit_sass(functions, rules);
  std::string unmatched;
  for (const auto& violation : violations) {
    if (violation.problem.starts_with("no kernel matches pattern")) {
      unmatched += (unmatched.empty() ? "" : ", ") + violation.kernel;
    }
  }
  EXPECT_TRUE(violations.empty())
      << violations.size() << " SASS audit violation(s) in " << binary.string() << " (" << arch
      << ", " << functions.size() << " functions):\n"
      << format_violations(violations)
      << (unmatched.empty() ? "" : "patterns that matched no kernel: " + unmatched + "\n")
      << (functions.empty() ? "the binary holds no " + std::string(arch) + " SASS at all\n" : "");
}

TEST(SassAudit, KernelsMatchTheRuleTable) {
  expect_audit_passes(GPUBENCH_KERNELS_BINARY, rule_table());
}

// The gpubench executable holds only the kernels it references (the linker leaves unreferenced
// objects of the gpubench_kernels archive out), and nothing in it calls the own GEMM kernels until
// the GEMM suite registers them; this test binary links them through own_gemm_test.cpp, so they
// are audited here. Once gpubench runs them, their rows can join rule_table().
TEST(SassAudit, KernelsMatchTheRuleTableForOwnGemm) {
  expect_audit_passes(std::filesystem::read_symlink("/proc/self/exe"), own_gemm_rule_table());
}

// The float4 SGEMMs' inner loops read their fragments from shared memory as float4: the loop with
// the most FFMA also holds the most LDS.128, at least 4 per k of a k tile (2 of A, 2 of B) -- a
// tile configuration whose shared reads went scalar (lost alignment, a broken swizzle) fails.
TEST(SassAudit, OwnSgemmHotLoopsReadSharedMemoryAsFloat4) {
  const std::filesystem::path cuobjdump = GPUBENCH_CUOBJDUMP_PATH;
  ASSERT_TRUE(!cuobjdump.empty() && std::filesystem::is_regular_file(cuobjdump));
  const auto functions = parse_cuobjdump_sass(
      run_cuobjdump(cuobjdump, std::filesystem::read_symlink("/proc/self/exe"), kAuditArch));
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
  const auto peak =
      problems(audit_sass(parse_cuobjdump_sass(fixture("peak_f32acc_injected_waits_sm90a.sass")),
                          {rule_for("wgmma_throughput_kernelILNS0_9ComputeOpE6E")}));
  EXPECT_NE(peak.find("4 instruction(s) matching WARPGROUP.ARRIVE, where its rule expects exactly "
                      "2"),
            std::string::npos)
      << peak;
  EXPECT_NE(peak.find("3 instruction(s) matching WARPGROUP.DEPBAR, where its rule expects exactly "
                      "2"),
            std::string::npos)
      << peak;
  const auto hgemm =
      problems(audit_sass(parse_cuobjdump_sass(fixture("hgemm_cluster_scope_barriers_sm90a.sass")),
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
  expect_audit_passes(std::filesystem::read_symlink("/proc/self/exe"), hopper_rule_table(),
                      "sm_90a");
}

}  // namespace
}  // namespace gpubench
