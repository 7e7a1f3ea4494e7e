// Sizing rules, byte accounting, the chase's single cycle, and the verification arithmetic of the
// memory suite: everything about it that needs no GPU.
#include "model/memory_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "gpubench/errors.hpp"
#include "kernels/memory/stream_math.hpp"

namespace gpubench {
namespace {

using memory::StreamOp;

constexpr std::int64_t kL2 = 48 * kMiB;

TEST(StreamPlan, DefaultArraysAreAtLeastFourTimesL2AndFitInFreeMemory) {
  const StreamPlan plan = plan_stream_arrays(kL2, 20 * kGiB, std::nullopt);
  EXPECT_GE(plan.array_bytes, 4 * kL2);
  EXPECT_GE(3 * plan.array_bytes, 8 * kL2);
  EXPECT_EQ(plan.array_bytes % 16, 0);
  EXPECT_TRUE(plan.warning.empty());
  // Small free memory caps the arrays, but never below 4 x L2.
  const StreamPlan capped = plan_stream_arrays(kL2, 800 * kMiB, std::nullopt);
  EXPECT_LE(3 * capped.array_bytes, 800 * kMiB);
  EXPECT_GE(capped.array_bytes, 4 * kL2);
}

TEST(StreamPlan, TooLittleMemoryIsRefused) {
  EXPECT_THROW(plan_stream_arrays(kL2, 500 * kMiB, std::nullopt), UserError);
}

TEST(StreamPlan, RequestedBytesAreCheckedNotTrusted) {
  EXPECT_EQ(plan_stream_arrays(kL2, 20 * kGiB, kGiB).array_bytes, kGiB);
  for (const std::int64_t bad :
       {std::int64_t{0}, std::int64_t{-16}, std::int64_t{17}, std::int64_t{1000001}}) {
    EXPECT_THROW(plan_stream_arrays(kL2, 20 * kGiB, bad), UserError) << bad;
  }
  EXPECT_THROW(plan_stream_arrays(kL2, 20 * kGiB, 8 * kGiB), UserError) << "larger than free";
  EXPECT_FALSE(plan_stream_arrays(kL2, 20 * kGiB, kMiB).warning.empty())
      << "arrays inside L2 must warn that the cache flatters the figure";
}

TEST(L2Sweep, RunsFrom256KiBToPastFourTimesL2) {
  const auto sizes = l2_sweep_sizes(kL2, full_profile());
  ASSERT_FALSE(sizes.empty());
  EXPECT_EQ(sizes.front(), 256 * kKiB);
  EXPECT_GE(sizes.back(), 4 * kL2);
  EXPECT_LT(sizes.back(), 8 * kL2);
  EXPECT_TRUE(std::is_sorted(sizes.begin(), sizes.end()));
  for (const auto size : sizes)
    EXPECT_EQ(size & (size - 1), 0) << "powers of two: " << size;
  // The cliff is visible: points on both sides of the L2 size.
  EXPECT_TRUE(std::any_of(sizes.begin(), sizes.end(), [](auto s) { return s < kL2; }));
  EXPECT_TRUE(std::any_of(sizes.begin(), sizes.end(), [](auto s) { return s > 2 * kL2; }));
  const auto quick = l2_sweep_sizes(kL2, quick_profile());
  EXPECT_LT(quick.size(), sizes.size());
  EXPECT_EQ(quick.back(), sizes.back());
}

TEST(L2Sweep, LoadsPerThreadCoverTheTarget) {
  EXPECT_EQ(l2_sweep_loads_per_thread(1000, 16000), 1);
  EXPECT_EQ(l2_sweep_loads_per_thread(1000, 16001), 2);
  EXPECT_EQ(l2_sweep_loads_per_thread(1 << 20, 1), 1);
}

TEST(L2Sweep, ExpectedSumMatchesBruteForce) {
  for (const std::size_t vectors : {2u, 8u, 64u}) {
    for (const std::size_t loads : {1u, 7u, 64u, 129u, 1000u}) {
      double brute = 0;
      for (std::size_t j = 0; j < loads; ++j)
        brute += memory::l2_sweep_vector_sum(j % vectors);
      EXPECT_EQ(memory::l2_sweep_expected_sum(vectors, loads), brute) << vectors << " " << loads;
    }
  }
}

TEST(Latency, SizesSpanL1ToDramAndRespectFreeMemory) {
  const auto sizes = latency_sizes(kL2, 20 * kGiB, full_profile());
  EXPECT_EQ(sizes.front(), 16 * kKiB);
  EXPECT_EQ(sizes.back(), kGiB);
  const auto small = latency_sizes(kL2, 512 * kMiB, full_profile());
  EXPECT_LE(small.back(), 512 * kMiB);
  const auto quick = latency_sizes(kL2, 20 * kGiB, quick_profile());
  ASSERT_EQ(quick.size(), 3u);
  EXPECT_GE(quick.back(), 4 * kL2);
  EXPECT_GE(kChaseTimedSteps, 1'000'000u);
}

// Following the order from any slot visits every slot once and returns: one cycle.
TEST(Latency, ChaseOrderIsOneCycleOverEverySlot) {
  for (const std::uint32_t slots : {1u, 2u, 3u, 128u, 4099u}) {
    const auto order = chase_order(slots, 42);
    ASSERT_EQ(order.size(), slots);
    std::vector<std::uint32_t> next(slots);
    for (std::uint32_t k = 0; k < slots; ++k)
      next[order[k]] = order[(k + 1) % slots];
    std::set<std::uint32_t> seen;
    std::uint32_t p = order[0];
    for (std::uint32_t step = 0; step < slots; ++step) {
      EXPECT_TRUE(seen.insert(p).second) << "slot " << p << " visited twice";
      p = next[p];
    }
    EXPECT_EQ(p, order[0]);
    EXPECT_EQ(seen.size(), slots);
  }
  EXPECT_NE(chase_order(1000, 1), chase_order(1000, 2)) << "the seed changes the order";
}

TEST(FormatBytes, UsesTheLargestExactUnit) {
  EXPECT_EQ(format_bytes(256 * kKiB), "256KiB");
  EXPECT_EQ(format_bytes(48 * kMiB), "48MiB");
  EXPECT_EQ(format_bytes(kGiB), "1GiB");
  EXPECT_EQ(format_bytes(1000), "1000B");
}

TEST(StreamMath, BytesMovedPerKernel) {
  EXPECT_EQ(memory::arrays_moved(StreamOp::kRead), 1);
  EXPECT_EQ(memory::arrays_moved(StreamOp::kWrite), 1);
  EXPECT_EQ(memory::arrays_moved(StreamOp::kCopy), 2);
  EXPECT_EQ(memory::arrays_moved(StreamOp::kScale), 2);
  EXPECT_EQ(memory::arrays_moved(StreamOp::kAdd), 3);
  EXPECT_EQ(memory::arrays_moved(StreamOp::kTriad), 3);
  EXPECT_EQ(memory::arrays_moved(StreamOp::kDot), 2);
}

// The inputs and every result are exactly representable, so the device check can be bit-exact.
TEST(StreamMath, ResultsAreExactInFloat) {
  for (std::size_t i = 0; i < 4096; ++i) {
    const double a = memory::initial_a(i), b = memory::initial_b(i), c = memory::initial_c(i);
    EXPECT_EQ(static_cast<double>(memory::expected_output(StreamOp::kTriad, i)),
              b + memory::kStreamScalar * c);
    EXPECT_EQ(static_cast<double>(memory::expected_output(StreamOp::kAdd, i)), a + b);
    EXPECT_EQ(static_cast<double>(memory::expected_output(StreamOp::kScale, i)),
              memory::kStreamScalar * c);
  }
}

// No op reads the array it writes, so repeated timed runs leave the expected output in place.
TEST(StreamMath, OpsAreIdempotentOnTheirInputs) {
  EXPECT_NE(memory::output_array(StreamOp::kCopy), 0);   // reads a
  EXPECT_NE(memory::output_array(StreamOp::kScale), 2);  // reads c
  EXPECT_EQ(memory::output_array(StreamOp::kAdd), 2);    // reads a, b
  EXPECT_EQ(memory::output_array(StreamOp::kTriad), 0);  // reads b, c
  EXPECT_LT(memory::output_array(StreamOp::kDot), 0);
}

// The host form of the device check: a planted wrong element is found, at its index.
TEST(StreamMath, VerificationCatchesAPlantedWrongElement) {
  for (const StreamOp op :
       {StreamOp::kWrite, StreamOp::kCopy, StreamOp::kScale, StreamOp::kAdd, StreamOp::kTriad}) {
    std::vector<float> output(5000);
    for (std::size_t i = 0; i < output.size(); ++i)
      output[i] = memory::expected_output(op, i);
    EXPECT_EQ(memory::first_mismatch(op, output.data(), output.size()), output.size());
    output[3071] = std::nextafter(output[3071], 100.0f);
    EXPECT_EQ(memory::first_mismatch(op, output.data(), output.size()), 3071u);
    // An off-by-one index (reading a[i + 1]) is caught too: the inputs vary with i.
    for (std::size_t i = 0; i + 1 < output.size(); ++i) {
      output[i] = memory::expected_output(op, i + 1);
    }
    EXPECT_EQ(memory::first_mismatch(op, output.data(), output.size()), 0u);
  }
}

TEST(StreamMath, PeriodicSumMatchesBruteForce) {
  for (const std::size_t n : {0u, 1u, 1023u, 1024u, 5000u}) {
    double brute = 0;
    for (std::size_t i = 0; i < n; ++i)
      brute += memory::reduced_term(StreamOp::kDot, i);
    EXPECT_DOUBLE_EQ(memory::periodic_sum(
                         n, [](std::size_t i) { return memory::reduced_term(StreamOp::kDot, i); }),
                     brute);
  }
}

}  // namespace
}  // namespace gpubench
