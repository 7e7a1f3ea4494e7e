// `gpubench run --gemm ... --dry-run` as a user meets it (issue 24): the expanded sweep is listed
// on a machine with no GPU visible, and bad input is one sentence with exit 2.
#include <gtest/gtest.h>

#include <fstream>

#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::kNoGpuEnv;
using testing::run_gpubench;

TEST(GemmDryRun, ListsTheExpandedSweepWithoutAGpu) {
  const auto result = run_gpubench(
      "run --quick --gemm m=16:64:x2,n=28672,k=8192 --impl cublas,own "
      "--precision fp16_f32acc,bf16_f32acc --dry-run",
      kNoGpuEnv);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(result.err.empty()) << result.err;
  for (const char* name :
       {"gemm/cublas/fp16_f32acc/16x28672x8192", "gemm/own/fp16_f32acc/32x28672x8192",
        "gemm/cublas/bf16_f32acc/64x28672x8192"}) {
    EXPECT_NE(result.out.find(name), std::string::npos) << name << "\n" << result.out;
  }
  EXPECT_EQ(result.out.find("gemm/own/bf16"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Left out: own has no bf16_f32acc kernel."), std::string::npos);
  // 3 shapes x (2 fp16 rows + 1 bf16 row); the quick profile's 3 repetitions of 0.05 s each.
  EXPECT_NE(result.out.find("9 custom GEMM rows (quick profile)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Sampling takes at most 1.4 s (9 rows x 3 repetitions x 0.05 s"),
            std::string::npos)
      << result.out;
  // (16*8192 + 8192*28672 + 16*28672) * 2 bytes = 449.1 MiB for the 16-token shape.
  EXPECT_NE(result.out.find("449.1"), std::string::npos) << result.out;
}

TEST(GemmDryRun, ReadsAShapesFileWithNames) {
  testing::TempDir dir;
  const auto file = dir.path() / "shapes.csv";
  std::ofstream(file) << "m,n,k,name,precision\n64,28672,8192,mlp_up_t64,fp32\n";
  const auto result =
      run_gpubench("run --gemm-file '" + file.string() + "' --impl own --dry-run", kNoGpuEnv);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("gemm/own/fp32/mlp_up_t64"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("1 custom GEMM row (full profile)"), std::string::npos) << result.out;
}

TEST(GemmDryRun, BadInputIsOneSentenceAndExit2) {
  struct Case {
    const char* args;
    const char* sentence;
  };
  const Case cases[] = {
      {"--gemm 0x64x64 --dry-run",
       "gpubench: --gemm 0x64x64 m is 0; GEMM sizes must be positive.\n"},
      {"--gemm m=1:2000:+1,n=1,k=1 --dry-run",
       "gpubench: --gemm gives 2000 shapes, more than 1000; add --yes to run them all.\n"},
      {"--gemm 1x2x3 --impl cutlass --dry-run",
       "gpubench: --impl \"cutlass\" is not cublas or own.\n"},
      {"--dry-run",
       "gpubench: --dry-run lists custom sizes; give them with --gemm, --gemm-file, "
       "--transfer-sizes or --sweep-sizes.\n"},
      {"--quick --precision bf16_f32acc",
       "gpubench: --precision and --impl choose among custom GEMM shapes; give them with --gemm "
       "or --gemm-file (--filter selects the profile's rows).\n"},
      {"--gemm-file /nonexistent/shapes.csv --dry-run",
       "gpubench: --gemm-file /nonexistent/shapes.csv cannot be read.\n"},
      // Custom sizes run in their suite: one --suite leaves out is refused, not ignored.
      {"--gemm 1x2x3 --suite memory",
       "gpubench: --gemm and --gemm-file run in the gemm suite; add gemm to --suite.\n"},
      {"--sweep-sizes 1MiB --suite gemm --dry-run",
       "gpubench: --transfer-sizes and --sweep-sizes run in the memory suite; add memory to "
       "--suite.\n"},
      {"--transfer-sizes 6 --dry-run",
       "gpubench: --transfer-sizes 6B is not a multiple of 4 bytes (the check compares 32-bit "
       "words).\n"},
      {"--sweep-sizes 1MiB:4MiB --dry-run",
       "gpubench: --sweep-sizes=1MiB:4MiB is not a range; write start:end:step, e.g. "
       "256KiB:64MiB:x2.\n"},
      // Bad input is refused before CUDA is touched, also without --dry-run.
      {"--gemm 1x0x3", "gpubench: --gemm 1x0x3 n is 0; GEMM sizes must be positive.\n"},
  };
  for (const Case& c : cases) {
    const auto result = run_gpubench(std::string("run ") + c.args, kNoGpuEnv);
    EXPECT_EQ(result.exit_code, 2) << c.args << "\n" << result.out << result.err;
    EXPECT_EQ(result.err, c.sentence) << c.args;
    EXPECT_TRUE(result.out.empty()) << c.args << "\n" << result.out;
  }
  // --yes lifts the 1,000-shape limit.
  EXPECT_EQ(run_gpubench("run --gemm m=1:2000:+1,n=1,k=1 --yes --dry-run", kNoGpuEnv).exit_code, 0);
}

TEST(GemmDryRun, ListsCustomMemorySizesWithTheProfileRowNames) {
  const auto result = run_gpubench(
      "run --quick --sweep-sizes 1MiB:4MiB:x2 --transfer-sizes 4KiB --dry-run", kNoGpuEnv);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(result.err.empty()) << result.err;
  for (const char* name :
       {"memory/l2_sweep/1MiB", "memory/l2_sweep/4MiB", "memory/latency/2MiB",
        "memory/h2d/pinned/4KiB", "memory/d2h/pageable/4KiB", "memory/bidirectional/pinned/4KiB"}) {
    EXPECT_NE(result.out.find(name), std::string::npos) << name << "\n" << result.out;
  }
  // 3 sweep sizes x 2 (L2 sweep and chase) + 1 size x 3 directions x 2 (pinned, pageable).
  EXPECT_NE(result.out.find("Dry run: nothing is run. 12 custom memory rows (quick profile)"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("Total: 12 rows."), std::string::npos) << result.out;
}

TEST(GemmDryRun, ARealRunOfCustomShapesIsNoLongerRefusedAsUnbuilt) {
  // Without a GPU the run stops where any run does, at the device: the options themselves pass.
  const auto result = run_gpubench("run --gemm 64x64x64 --impl cublas,own", kNoGpuEnv);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_EQ(result.err.find("does not yet run"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("--gemm"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace gpubench
