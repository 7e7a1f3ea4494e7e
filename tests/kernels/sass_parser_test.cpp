// The SASS audit's reading of cuobjdump: the parser on captured output (tests/fixtures/sass/) and
// on hand-written text in every layout cuobjdump prints, and running cuobjdump itself (a stand-in
// tool for each way it fails).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gpubench/errors.hpp"
#include "support/sass_audit.hpp"
#include "support/sass_audit_checks.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::TempDir;

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
  const auto functions = parse_cuobjdump_sass(sass_fixture("copy_float4_sm75_sm89.sass"));
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

}  // namespace
}  // namespace gpubench
