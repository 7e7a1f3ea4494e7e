// The stopping rule against simulated sample sources (issue 27): deterministic pseudo-random rows
// shaped like the H200 fixture runs' (a narrow compute row, a wide microsecond row, a row that
// lands in one of two states per launch, a drifting one), sampled the way the timing loop does:
// add a sample, ask should_stop with the loop's elapsed time.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "model/sample_series.hpp"
#include "model/sampling_budget.hpp"
#include "model/statistics.hpp"

namespace gpubench {
namespace {

// splitmix64 and Box-Muller: the same numbers on every standard library (std::normal_distribution
// is implementation-defined).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  double uniform() {
    state_ += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (static_cast<double>(z >> 11) + 0.5) / 9007199254740992.0;  // (0, 1)
  }
  double normal() {
    const double radius = std::sqrt(-2.0 * std::log(uniform()));
    return radius * std::cos(6.283185307179586 * uniform());
  }

 private:
  std::uint64_t state_;
};

enum class Shape { kNarrow, kWide, kVeryWide, kBimodal, kDrifting };

// One benchmark row: its launch time, the wall time one sample costs the loop (the launch plus
// the L2 flush, event synchronisation and bookkeeping around it) and the shape of its noise.
struct SimulatedRow {
  Shape shape = Shape::kNarrow;
  double launch_s = 1e-4;
  double wall_per_sample_s = 1.2e-4;
};

double draw(const SimulatedRow& row, Random& random, std::size_t index) {
  switch (row.shape) {
    case Shape::kNarrow:  // compute peaks: relative IQR about 0.07%
      return row.launch_s * (1 + 0.0005 * random.normal());
    case Shape::kWide:  // 1 MiB transfers: relative IQR about 2.3%
      return row.launch_s * (1 + 0.017 * random.normal());
    case Shape::kVeryWide:  // relative IQR about 7%
      return row.launch_s * (1 + 0.05 * random.normal());
    case Shape::kBimodal:  // 40% of launches in a state 8% slower (1024^3 cuBLAS GEMMs)
      return row.launch_s * (1 + 0.018 * random.normal()) * (random.uniform() < 0.4 ? 1.08 : 1.0);
    case Shape::kDrifting:  // slowing by 1% per 1,000 samples (a card warming up)
      return row.launch_s * (1 + 0.004 * random.normal()) * (1 + 1e-5 * static_cast<double>(index));
  }
  return row.launch_s;
}

struct Outcome {
  StopReason reason = StopReason::kBudgetSpent;
  std::size_t samples = 0;
  double elapsed_s = 0;
  double median_s = 0;
  double median_uncertainty = 0;  // relative half-width of the median's 95% interval
};

// One repetition, allowed allowance_s (0: its share only).
Outcome simulate(const StoppingRule& rule, const SimulatedRow& row, std::uint64_t seed,
                 double allowance_s = 0) {
  Random random(seed);
  SampleSeries series(rule, std::nullopt, allowance_s);
  std::vector<double> seconds;
  for (std::size_t i = 0;; ++i) {
    const double begin_s = static_cast<double>(i) * row.wall_per_sample_s;
    const double end_s = begin_s + row.wall_per_sample_s;
    seconds.push_back(draw(row, random, i));
    series.add(TimedSample{.seconds = seconds.back(), .begin_s = begin_s, .end_s = end_s}, {});
    if (const auto reason = series.should_stop(end_s)) {
      const SampleSummary summary = series.summarize({});
      return Outcome{*reason, summary.kept, end_s, summary.median_seconds,
                     stats::relative_median_uncertainty(seconds, 0.95)};
    }
  }
}

constexpr double kQuickShare_s = 0.05;  // the quick profile's sampling budget per repetition

TEST(SamplingSimulation, ANarrowRowStopsAtTheMinimumSamples) {
  const SimulatedRow compute{.shape = Shape::kNarrow, .launch_s = 0.01, .wall_per_sample_s = 0.01};
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Outcome outcome = simulate(StoppingRule{.budget_s = kQuickShare_s}, compute, seed);
    EXPECT_EQ(outcome.reason, StopReason::kConverged) << "seed " << seed;
    EXPECT_LE(outcome.samples, 5u) << "seed " << seed;
  }
}

// A wide but stable microsecond row (1 MiB transfers, small GEMMs): its IQR never falls to 0.5%,
// so by the relative-IQR rule it sampled the whole budget; its median is known to 0.25% long
// before that, and it stops there, leaving most of its share.
TEST(SamplingSimulation, AWideStableRowStopsOnceItsMedianIsKnown) {
  const SimulatedRow transfer{
      .shape = Shape::kWide, .launch_s = 2.4e-5, .wall_per_sample_s = 3.2e-5};
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Outcome outcome = simulate(StoppingRule{.budget_s = kQuickShare_s}, transfer, seed);
    EXPECT_EQ(outcome.reason, StopReason::kConverged) << "seed " << seed;
    EXPECT_LT(outcome.elapsed_s, kQuickShare_s / 2) << "seed " << seed;
    EXPECT_LE(outcome.median_uncertainty, 0.0025) << "seed " << seed;
    EXPECT_NEAR(outcome.median_s, transfer.launch_s, transfer.launch_s * 0.005) << "seed " << seed;
  }
}

// The 1024^3 cuBLAS rows: 8 us launches, about 48 us a sample with the L2 flush, some launches in
// a state 8% slower. Within its share (0.05 s, about 1,000 samples, as in the H200 runs) its
// median is not known to 0.25%; with time lent by the pool it takes more samples and is.
TEST(SamplingSimulation, ATwoStateRowGetsMoreSamplesFromThePoolAndItsMedianIsKnown) {
  const SimulatedRow gemm{.shape = Shape::kBimodal, .launch_s = 8e-6, .wall_per_sample_s = 4.8e-5};
  const StoppingRule rule{.budget_s = kQuickShare_s};
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Outcome own_share = simulate(rule, gemm, seed);
    const Outcome lent = simulate(rule, gemm, seed, 4 * kQuickShare_s);
    EXPECT_EQ(own_share.reason, StopReason::kBudgetSpent) << "seed " << seed;
    EXPECT_GT(own_share.median_uncertainty, rule.target_median_uncertainty) << "seed " << seed;
    EXPECT_EQ(lent.reason, StopReason::kConverged) << "seed " << seed;
    EXPECT_GT(lent.samples, own_share.samples) << "seed " << seed;
    EXPECT_LE(lent.median_uncertainty, rule.target_median_uncertainty) << "seed " << seed;
  }
}

// A row that cannot get there (millisecond launches varying by 5%: thousands of samples, seconds)
// does not draw on the pool: it stops at its share and leaves the pool to rows that can.
TEST(SamplingSimulation, ARowThatCannotConvergeStopsAtItsShare) {
  const SimulatedRow slow_noisy{
      .shape = Shape::kVeryWide, .launch_s = 1e-3, .wall_per_sample_s = 1e-3};
  const StoppingRule rule{.budget_s = kQuickShare_s};
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Outcome outcome = simulate(rule, slow_noisy, seed, 4 * kQuickShare_s);
    EXPECT_EQ(outcome.reason, StopReason::kBudgetSpent) << "seed " << seed;
    EXPECT_LE(outcome.elapsed_s, kQuickShare_s + slow_noisy.wall_per_sample_s) << "seed " << seed;
  }
}

// A run shaped like the quick profile's: 79 rows x 3 repetitions, each row one of the four shapes,
// sampled through one SamplingBudget the way the timing loop does.
struct RunTotals {
  double shares_s = 0;
  double spent_s = 0;
  double overrun_allowance_s = 0;  // one last sample per repetition
  double lent_s = 0;               // spent beyond the shares
  double saved_s = 0;              // left of the shares
  std::size_t converged = 0;
  std::size_t bimodal_samples = 0;
};

const SimulatedRow kMixedRows[] = {
    {Shape::kNarrow, 1e-2, 1e-2},       {Shape::kNarrow, 2e-4, 2.4e-4},
    {Shape::kWide, 2.4e-5, 3.2e-5},     {Shape::kBimodal, 8e-6, 4.8e-5},
    {Shape::kDrifting, 1.2e-4, 1.3e-4}, {Shape::kVeryWide, 1e-3, 1e-3}};
const SimulatedRow kTwoStateRows[] = {{Shape::kBimodal, 8e-6, 4.8e-5}};

RunTotals simulate_run(SamplingBudget* budget, std::uint64_t seed,
                       std::span<const SimulatedRow> rows = kMixedRows) {
  const StoppingRule rule{.budget_s = kQuickShare_s};
  RunTotals totals;
  for (std::size_t row = 0; row < 79; ++row) {
    const SimulatedRow& simulated = rows[(row * 7 + seed) % rows.size()];
    for (std::size_t repetition = 0; repetition < 3; ++repetition) {
      const double allowance_s = budget ? budget->allowance_s(rule.budget_s) : rule.budget_s;
      EXPECT_LE(allowance_s, 4 * rule.budget_s + 1e-12);
      const Outcome outcome =
          simulate(rule, simulated, seed * 1000 + row * 3 + repetition, allowance_s);
      if (budget) budget->settle(rule.budget_s, outcome.elapsed_s);
      totals.shares_s += rule.budget_s;
      totals.spent_s += outcome.elapsed_s;
      totals.overrun_allowance_s += simulated.wall_per_sample_s;
      totals.lent_s += std::max(0.0, outcome.elapsed_s - rule.budget_s);
      totals.saved_s += std::max(0.0, rule.budget_s - outcome.elapsed_s);
      if (outcome.reason == StopReason::kConverged) ++totals.converged;
      if (simulated.shape == Shape::kBimodal) totals.bimodal_samples += outcome.samples;
    }
  }
  return totals;
}

TEST(SamplingSimulation, ThePoolNeverLendsMoreThanTheRunLeft) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SamplingBudget budget;
    const RunTotals pooled = simulate_run(&budget, seed);
    const RunTotals alone = simulate_run(nullptr, seed);
    // Within the shares added up, but for the last sample of a repetition that overran.
    EXPECT_LE(pooled.spent_s, pooled.shares_s + pooled.overrun_allowance_s) << "seed " << seed;
    // Half of what converged rows left shortens the run: it is no longer than the repetitions
    // that stopped early and the shares of the others would make it.
    EXPECT_LE(pooled.spent_s, pooled.shares_s - pooled.saved_s / 2 + pooled.overrun_allowance_s)
        << "seed " << seed;
    EXPECT_NEAR(budget.spent_s(), pooled.spent_s, 1e-9);
    EXPECT_NEAR(budget.shares_s(), pooled.shares_s, 1e-9);
    EXPECT_GT(pooled.lent_s, 0.0) << "seed " << seed;
    // The lent time bought figures: more repetitions converged, the two-state rows got more
    // samples, and the run took no longer than its rows' shares.
    EXPECT_GT(pooled.converged, alone.converged) << "seed " << seed;
    EXPECT_GT(pooled.bimodal_samples, alone.bimodal_samples) << "seed " << seed;
  }
}

// Where hardly a repetition converges early there is little to lend: what is lent never exceeds
// what others left, and the run takes no longer than its shares.
TEST(SamplingSimulation, ARunWhoseRowsAllWantMoreStaysWithinItsShares) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SamplingBudget budget;
    const RunTotals pooled = simulate_run(&budget, seed, kTwoStateRows);
    EXPECT_LE(pooled.spent_s, pooled.shares_s + pooled.overrun_allowance_s) << "seed " << seed;
    EXPECT_LE(pooled.lent_s, pooled.saved_s + pooled.overrun_allowance_s) << "seed " << seed;
  }
}

TEST(SamplingBudget, LendsWhatTheRunLeftUpToTheCap) {
  SamplingBudget budget(4.0, 1.0);                   // all of what is left
  EXPECT_DOUBLE_EQ(budget.allowance_s(0.05), 0.05);  // nothing left yet: the share alone
  budget.settle(0.05, 0.01);                         // converged early: 0.04 s to the pool
  EXPECT_DOUBLE_EQ(budget.pool_s(), 0.04);
  EXPECT_DOUBLE_EQ(budget.allowance_s(0.05), 0.09);
  budget.settle(0.05, 0.0);
  budget.settle(0.05, 0.0);
  budget.settle(0.05, 0.0);                         // 0.19 s in the pool
  EXPECT_DOUBLE_EQ(budget.allowance_s(0.05), 0.2);  // capped at 4 x the share
  budget.settle(0.05, 0.2);                         // borrowed 0.15 s
  EXPECT_NEAR(budget.pool_s(), 0.04, 1e-12);
  EXPECT_NEAR(budget.lent_s(), 0.15, 1e-12);
  EXPECT_NEAR(budget.spent_s(), 0.21, 1e-12);
  EXPECT_NEAR(budget.shares_s(), 0.25, 1e-12);
  EXPECT_EQ(budget.repetitions(), 5u);
}

TEST(SamplingBudget, LendsHalfOfWhatIsLeftByDefault) {
  SamplingBudget budget;
  budget.settle(0.05, 0.01);  // 0.04 s left: 0.02 s to lend, 0.02 s off the run
  EXPECT_DOUBLE_EQ(budget.pool_s(), 0.02);
  EXPECT_DOUBLE_EQ(budget.allowance_s(0.05), 0.07);
  budget.settle(0.05, 0.07);  // borrowed all of it
  EXPECT_NEAR(budget.pool_s(), 0.0, 1e-12);
  EXPECT_NEAR(budget.spent_s(), 0.08, 1e-12);  // of 0.1 s of shares
}

TEST(SamplingBudget, AnOverrunIsRepaidBeforeAnythingIsLent) {
  SamplingBudget budget;
  budget.settle(0.05, 0.4);  // one launch longer than the share (a 16384^3 FP32 GEMM)
  EXPECT_NEAR(budget.pool_s(), -0.35, 1e-12);
  EXPECT_DOUBLE_EQ(budget.allowance_s(0.05), 0.05);  // never below the share
  budget.settle(0.05, 0.0);
  EXPECT_DOUBLE_EQ(budget.allowance_s(0.05), 0.05);
  EXPECT_DOUBLE_EQ(SamplingBudget(0.5).allowance_s(0.05), 0.05);  // a multiple below 1 is 1
}

}  // namespace
}  // namespace gpubench
