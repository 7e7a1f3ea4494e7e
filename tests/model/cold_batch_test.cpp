// Cold batches (model/cold_batch.hpp, issue 27): with the L2 flush, a batch of N launches runs on N
// copies of the operands, one each, or the row is timed one launch per sample; never on copies
// another launch of the same sample warmed.
#include "model/cold_batch.hpp"

#include <gtest/gtest.h>

#include <set>

namespace gpubench {
namespace {

constexpr std::int64_t kMiB = 1 << 20;
constexpr std::int64_t kGiB = std::int64_t{1} << 30;

TEST(ColdBatch, KeepsACopyPerLaunchWhenTheyFit) {
  // 1024^3 FP16 with FP32 C: 2 + 2 + 4 MiB a copy; 15 more on a card with 10 GiB free.
  EXPECT_EQ(operand_copies_for(16, true, 8 * kMiB, 10 * kGiB), 16);
  // Exactly the share: 3 more copies of 1 GiB take 3 GiB of 6 GiB free.
  EXPECT_EQ(operand_copies_for(4, true, kGiB, 6 * kGiB), 4);
}

TEST(ColdBatch, KeepsOneCopyWhenMoreWouldNotFit) {
  // 8192^3 FP32: 768 MiB a copy; 15 more would take 11.25 GiB of a 12 GiB card's 11 GiB free.
  EXPECT_EQ(operand_copies_for(16, true, 768 * kMiB, 11 * kGiB), 1);
  EXPECT_EQ(operand_copies_for(4, true, kGiB, 6 * kGiB - 1), 1);  // just past the share
}

TEST(ColdBatch, KeepsOneCopyWithoutABatchOrWithoutTheFlush) {
  EXPECT_EQ(operand_copies_for(1, true, 8 * kMiB, 10 * kGiB), 1);
  // No flush: the batch is warm by request, and runs on the one copy.
  EXPECT_EQ(operand_copies_for(16, false, 8 * kMiB, 10 * kGiB), 1);
  EXPECT_EQ(operand_copies_for(16, true, 0, 10 * kGiB), 1);
  EXPECT_EQ(operand_copies_for(16, true, 8 * kMiB, 0), 1);
}

TEST(ColdBatch, ARotatingRowWithoutACopyPerLaunchIsTimedOneLaunchPerSample) {
  EXPECT_EQ(launches_per_sample_for(16, true, 16), 16);
  EXPECT_EQ(launches_per_sample_for(16, true, 1), 1);
  EXPECT_EQ(launches_per_sample_for(16, true, 15), 1);  // one launch would reuse a warm copy
  EXPECT_EQ(launches_per_sample_for(1, true, 16), 1);
}

TEST(ColdBatch, WarmBatchesAndRowsThatDoNotRotateKeepTheBatch) {
  EXPECT_EQ(launches_per_sample_for(16, false, 1), 16);  // --no-l2-flush --batch 16
  EXPECT_EQ(launches_per_sample_for(16, true, 0), 16);   // a transfer: one set, no rotation
  EXPECT_EQ(launches_per_sample_for(0, true, 0), 1);
}

TEST(ColdBatch, EveryLaunchOfASampleRunsOnItsOwnCopy) {
  for (const int batch : {2, 4, 16, 1000}) {
    const int copies = operand_copies_for(batch, true, kMiB, 1000 * kGiB);
    ASSERT_EQ(copies, batch);
    const int launches = launches_per_sample_for(batch, true, copies);
    std::set<int> used;
    for (int launch = 0; launch < launches; ++launch) {
      const int copy = operand_copy_of_launch(launch, copies);
      ASSERT_GE(copy, 0);
      ASSERT_LT(copy, copies);
      used.insert(copy);
    }
    EXPECT_EQ(used.size(), static_cast<std::size_t>(launches)) << "batch " << batch;
  }
  EXPECT_EQ(operand_copy_of_launch(5, 1), 0);
  EXPECT_EQ(operand_copy_of_launch(5, 0), 0);
}

}  // namespace
}  // namespace gpubench
