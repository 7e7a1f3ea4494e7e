// The two profiles as data: what each measures, and that a quick run's benchmarks are a subset of
// a full run's under the same names (so compare and history line them up).
#include "model/profile.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "model/gemm_plan.hpp"
#include "model/memory_plan.hpp"

namespace gpubench {
namespace {

template <typename T>
bool subset(const std::vector<T>& part, const std::vector<T>& whole) {
  return std::all_of(part.begin(), part.end(), [&](const T& value) {
    return std::find(whole.begin(), whole.end(), value) != whole.end();
  });
}

TEST(Profile, QuickSamplesLessAndRepeatsLessThanFull) {
  const Profile& quick = quick_profile();
  const Profile& full = full_profile();
  EXPECT_EQ(quick.name, "quick");
  EXPECT_EQ(full.name, "full");
  EXPECT_EQ(quick.repetitions, 3) << "the fewest with which compare can still see a spread";
  EXPECT_GT(full.repetitions, quick.repetitions);
  EXPECT_DOUBLE_EQ(quick.stopping.target_median_uncertainty, 0.0025);
  EXPECT_DOUBLE_EQ(quick.stopping.confidence, 0.95);
  EXPECT_DOUBLE_EQ(quick.stopping.throttle_fraction, 0.75);
  EXPECT_LT(quick.stopping.budget_s, full.stopping.budget_s);
  EXPECT_LE(quick.compute_launch_s, full.compute_launch_s);
  EXPECT_GT(quick.compute_launch_s, 0);
}

TEST(Profile, QuickSizesAreAFullRunsSizes) {
  const Profile& quick = quick_profile();
  const Profile& full = full_profile();
  EXPECT_TRUE(subset(quick.transfer_bytes, full.transfer_bytes));
  EXPECT_TRUE(subset(quick.gemm_square_sizes, full.gemm_square_sizes));
  EXPECT_TRUE(subset(quick.gemm_llm_layers, full.gemm_llm_layers));
  EXPECT_TRUE(subset(quick.gemm_llm_tokens, full.gemm_llm_tokens));
  EXPECT_TRUE(subset(quick.gemm_resnet_layers, full.gemm_resnet_layers));
  constexpr std::int64_t kL2 = 50 * kMiB;
  EXPECT_TRUE(subset(l2_sweep_sizes(kL2, quick), l2_sweep_sizes(kL2, full)));
  const auto quick_latency = latency_sizes(kL2, 100 * kGiB, quick);
  const auto full_latency = latency_sizes(kL2, 100 * kGiB, full);
  EXPECT_TRUE(subset(quick_latency, full_latency));
  std::set<std::string> full_shapes;
  for (const GemmShape& shape : gemm_shapes(full, 100 * kGiB, 2, 2))
    full_shapes.insert(shape.name);
  for (const GemmShape& shape : gemm_shapes(quick, 100 * kGiB, 2, 2))
    EXPECT_TRUE(full_shapes.contains(shape.name)) << shape.name;
}

// Every layer a profile names exists in the GEMM plan's table (a misspelt name would silently
// drop its shapes).
TEST(Profile, EveryNamedGemmLayerIsPlanned) {
  for (const Profile* profile : {&quick_profile(), &full_profile()}) {
    const auto shapes = gemm_shapes(*profile, 100 * kGiB, 2, 2);
    const auto count = [&](std::string_view family) {
      return std::count_if(shapes.begin(), shapes.end(),
                           [&](const GemmShape& shape) { return shape.family == family; });
    };
    EXPECT_EQ(static_cast<std::size_t>(count("llm")),
              profile->gemm_llm_layers.size() * profile->gemm_llm_tokens.size());
    EXPECT_EQ(static_cast<std::size_t>(count("resnet")), profile->gemm_resnet_layers.size());
    EXPECT_EQ(static_cast<std::size_t>(count("square")), profile->gemm_square_sizes.size());
  }
}

TEST(Profile, TransfersRunFrom64KiBTo256MiBInAFullRun) {
  EXPECT_EQ(full_profile().transfer_bytes.front(), 64 * kKiB);
  EXPECT_EQ(full_profile().transfer_bytes.back(), 256 * kMiB);
  EXPECT_EQ(quick_profile().transfer_bytes.size(), 2u);
}

}  // namespace
}  // namespace gpubench
