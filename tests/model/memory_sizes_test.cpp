// --transfer-sizes and --sweep-sizes (issue 24) on the CPU: --gemm's syntax family with byte
// units, each bad form refused in one sentence, and the sizes replacing the profile's only where
// they fit.
#include <gtest/gtest.h>

#include <vector>

#include "gpubench/errors.hpp"
#include "model/memory_plan.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::refusal;

using Sizes = std::vector<std::int64_t>;

std::string transfer_refusal(const std::string& text, bool allow_many = false) {
  return refusal([&] { (void)parse_transfer_sizes(text, allow_many); });
}

std::string sweep_refusal(const std::string& text) {
  return refusal([&] { (void)parse_sweep_sizes(text, false); });
}

TEST(CustomMemorySizes, ListsRangesAndUnitsExpandSorted) {
  EXPECT_EQ(parse_transfer_sizes("64MiB, 4KiB,1gib,100", false),
            (Sizes{100, 4 * kKiB, 64 * kMiB, kGiB}));
  EXPECT_EQ(parse_sweep_sizes("256KiB:2MiB:x2", false),
            (Sizes{256 * kKiB, 512 * kKiB, kMiB, 2 * kMiB}));
  // +N increments take a unit; the end is kept only when a step lands on it.
  EXPECT_EQ(parse_sweep_sizes("1MiB:3MiB:+768KiB", false),
            (Sizes{kMiB, kMiB + 768 * kKiB, kMiB + 1536 * kKiB}));
  EXPECT_EQ(parse_transfer_sizes("8GiB,4KiB:16KiB:x4", false),
            (Sizes{4 * kKiB, 16 * kKiB, 8 * kGiB}));
}

TEST(CustomMemorySizes, EachBadFormIsOneSentence) {
  EXPECT_EQ(transfer_refusal("0"), "--transfer-sizes is 0; memory sizes must be positive.");
  EXPECT_EQ(transfer_refusal("-4KiB"), "--transfer-sizes is -4096; memory sizes must be positive.");
  EXPECT_EQ(transfer_refusal("4KB"),
            "--transfer-sizes \"4KB\" is not a whole number of bytes (KiB, MiB or GiB may "
            "follow).");
  EXPECT_EQ(transfer_refusal("6"),
            "--transfer-sizes 6B is not a multiple of 4 bytes (the check compares 32-bit "
            "words).");
  EXPECT_EQ(sweep_refusal("1000"),
            "--sweep-sizes 1000B is not a multiple of 128 bytes (the pointer chase visits one "
            "128-byte line per step).");
  EXPECT_EQ(sweep_refusal("1KiB:2KiB"),
            "--sweep-sizes=1KiB:2KiB is not a range; write start:end:step, e.g. "
            "256KiB:64MiB:x2.");
  EXPECT_EQ(sweep_refusal("1KiB:2KiB:x1"),
            "--sweep-sizes step x1 does not advance; use +1 or more, or x2 or more.");
  EXPECT_EQ(sweep_refusal("1KiB:2KiB:x2KiB"), "--sweep-sizes step \"x2KiB\" is not +N, N or xN.");
  EXPECT_EQ(sweep_refusal("2MiB:1MiB:x2"),
            "--sweep-sizes range 2097152:1048576 ends below its start.");
  EXPECT_EQ(transfer_refusal("4KiB,64MiB,4096"),
            "--transfer-sizes gives 4KiB twice; give each size once.");
  EXPECT_EQ(transfer_refusal(" "),
            "--transfer-sizes is empty; give e.g. 4KiB,64MiB or "
            "256KiB:64MiB:x2.");
  EXPECT_EQ(transfer_refusal("512GiB"),
            "--transfer-sizes is 549755813888, above the largest size gpubench takes, "
            "274877906944.");
  EXPECT_EQ(transfer_refusal("99999999999GiB"),
            "--transfer-sizes \"99999999999GiB\" is not a whole number of bytes (KiB, MiB or GiB "
            "may follow).");
  // More than 1,000 sizes need --yes.
  EXPECT_EQ(transfer_refusal("4:8000:+4"),
            "--transfer-sizes gives 2000 sizes, more than 1000; add --yes to run them all.");
  EXPECT_EQ(parse_transfer_sizes("4:8000:+4", true).size(), 2000u);
}

TEST(CustomMemorySizes, TheyReplaceTheProfileSizesOnlyWhereTheyFit) {
  constexpr std::int64_t kL2 = 48 * kMiB;
  const MemorySizes profile = plan_memory_sizes(kL2, 20 * kGiB, quick_profile(), {}, {});
  EXPECT_EQ(profile.l2_sweep, l2_sweep_sizes(kL2, quick_profile()));
  EXPECT_EQ(profile.latency, latency_sizes(kL2, 20 * kGiB, quick_profile()));
  EXPECT_EQ(profile.transfer, quick_profile().transfer_bytes);

  const Sizes sweep = {kMiB, 64 * kMiB}, transfer = {4 * kKiB, kGiB};
  const MemorySizes custom = plan_memory_sizes(kL2, 20 * kGiB, quick_profile(), sweep, transfer);
  EXPECT_EQ(custom.l2_sweep, sweep);
  EXPECT_EQ(custom.latency, sweep);
  EXPECT_EQ(custom.transfer, transfer);

  // 80% of 1 GiB is 819.2 MiB: one 1 GiB working set, or two 512 MiB transfer buffers, exceed it.
  EXPECT_EQ(refusal([&] { (void)plan_memory_sizes(kL2, kGiB, quick_profile(), {kGiB}, {}); }),
            "--sweep-sizes 1GiB does not fit: the device has 1GiB free (80% usable); give smaller "
            "working sets.");
  EXPECT_EQ(refusal([&] { (void)plan_memory_sizes(kL2, kGiB, quick_profile(), {}, {512 * kMiB}); }),
            "--transfer-sizes 512MiB needs 2 device buffers = 1GiB but the device has 1GiB free "
            "(80% usable); give smaller sizes.");
  EXPECT_EQ(refusal([&] {
              (void)plan_memory_sizes(kL2, kGiB, quick_profile(), {512 * kMiB}, {256 * kMiB});
            }),
            "");
}

TEST(CustomMemorySizes, NamesMatchTheProfileRows) {
  EXPECT_EQ(l2_sweep_benchmark_name(48 * kMiB), "memory/l2_sweep/48MiB");
  EXPECT_EQ(latency_benchmark_name(16 * kKiB), "memory/latency/16KiB");
  EXPECT_EQ(transfer_benchmark_name("h2d", true, 64 * kMiB), "memory/h2d/pinned/64MiB");
  EXPECT_EQ(transfer_benchmark_name("bidirectional", false, 1536 * kKiB),
            "memory/bidirectional/pageable/1536KiB");
}

}  // namespace
}  // namespace gpubench
