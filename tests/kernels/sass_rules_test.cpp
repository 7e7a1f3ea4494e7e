// The SASS audit's rules on captured and hand-written code: opcode matching, required and
// forbidden opcodes, local memory, patterns that match no kernel, the hottest loop's fraction, and
// the rules on loops and exact counts. Each kind of rule is shown to fail on the code it forbids.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "support/sass_audit.hpp"
#include "support/sass_audit_checks.hpp"

namespace gpubench {
namespace {

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

}  // namespace
}  // namespace gpubench
