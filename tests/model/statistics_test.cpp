#include "model/statistics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace gpubench::stats {
namespace {

TEST(Statistics, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(median(std::vector<double>{3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{7}), 7.0);
  EXPECT_THROW(median(std::vector<double>{}), std::invalid_argument);
}

TEST(Statistics, QuantilesInterpolateLikeNumpy) {
  // numpy.quantile([1, 2, 3, 4, 10], [0.25, 0.75]) = [2, 4] (linear, type 7).
  const std::vector<double> values = {10, 1, 4, 2, 3};
  EXPECT_DOUBLE_EQ(quantile(values, 0.25), 2.0);
  EXPECT_DOUBLE_EQ(quantile(values, 0.75), 4.0);
  // numpy.quantile([1, 2, 3, 4], 0.25) = 1.75.
  EXPECT_DOUBLE_EQ(quantile(std::vector<double>{4, 3, 2, 1}, 0.25), 1.75);
  EXPECT_THROW(quantile(values, 1.5), std::invalid_argument);
}

TEST(Statistics, RelativeIqrIgnoresOneOutlier) {
  // IQR of {1, 2, 3, 4, 10} is 4 - 2 = 2, median 3: 2/3, however large the outlier is.
  EXPECT_NEAR(relative_iqr(std::vector<double>{10, 1, 4, 2, 3}), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(relative_iqr(std::vector<double>{1000, 1, 4, 2, 3}), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(relative_iqr(std::vector<double>{5}), 0.0);
  EXPECT_TRUE(std::isinf(relative_iqr(std::vector<double>{-1, -1, 0, 1, 1})));
}

// Reference ranks from the exact binomial sums in Python (fractions.Fraction, math.comb): the
// largest k with 1 - 2 P(B <= k - 1) >= 0.95, B ~ Binomial(n, 1/2). n = 100 gives the textbook
// interval [x(40), x(61)].
TEST(Statistics, MedianIntervalRankMatchesTheExactBinomialSums) {
  const std::pair<std::size_t, std::size_t> expected[] = {
      {1, 1}, {2, 1}, {5, 1}, {6, 1}, {10, 2}, {17, 5}, {100, 40}, {1000, 469}, {10000, 4902}};
  for (const auto& [n, k] : expected) {
    EXPECT_EQ(median_interval_rank(n, 0.95), k) << "n = " << n;
  }
  EXPECT_EQ(median_interval_rank(100, 0.99), 37u);
  EXPECT_THROW(median_interval_rank(0, 0.95), std::invalid_argument);
  EXPECT_THROW(median_interval_rank(10, 1.0), std::invalid_argument);
}

TEST(Statistics, MedianIntervalIsTheOrderStatisticsAndItsUncertaintyTheLargerSide) {
  // n = 10: [x(2), x(9)] of 1..10 shuffled, median 5.5.
  const std::vector<double> values = {7, 3, 10, 1, 5, 9, 2, 8, 6, 4};
  const Interval interval = median_confidence_interval(values, 0.95);
  EXPECT_DOUBLE_EQ(interval.low, 2);
  EXPECT_DOUBLE_EQ(interval.high, 9);
  EXPECT_NEAR(relative_median_uncertainty(values, 0.95), 3.5 / 5.5, 1e-12);
  // One far outlier moves the interval's end only as far as the next order statistic.
  const std::vector<double> skewed = {100,   100.1, 100.2, 100.3, 100.4,
                                      100.5, 100.6, 100.7, 100.8, 1e6};
  EXPECT_NEAR(relative_median_uncertainty(skewed, 0.95), 0.35 / 100.45, 1e-12);
  EXPECT_EQ(relative_median_uncertainty(std::vector<double>{3, 3, 3}, 0.95), 0.0);
  EXPECT_TRUE(std::isinf(relative_median_uncertainty(std::vector<double>{-1, 0, 1}, 0.95)));
}

// Reference values: scipy.stats.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True,
// method=...) from SciPy 1.17.1, printed to full precision.
struct Reference {
  const char* name;
  std::vector<double> x;
  std::vector<double> y;
  double u;
  double p;
  bool exact;
};

TEST(MannWhitneyU, MatchesScipyReferenceValues) {
  const std::vector<Reference> references = {
      // method="exact": fully separated samples reach the minimum p = 2 / C(10, 5).
      {"separated 5+5",
       {1.1, 2.3, 3.2, 4.8, 5.0},
       {6.1, 7.4, 8.0, 9.9, 10.2},
       0.0,
       0.007936507936507936,
       true},
      {"interleaved 5+4", {19, 22, 16, 29, 24}, {20, 11, 17, 12}, 17.0, 0.1111111111111111, true},
      {"interleaved 20+20 (largest exact case)",
       {1, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, 49, 53, 57, 61, 65, 69, 73, 77},
       {4.5,  8.5,  12.5, 16.5, 20.5, 24.5, 28.5, 32.5, 36.5, 40.5,
        44.5, 48.5, 52.5, 56.5, 60.5, 64.5, 68.5, 72.5, 76.5, 80.5},
       190.0,
       0.799407187161697,
       true},
      // method="asymptotic": ties within and across the samples (tie correction).
      {"ties 6+7", {1, 2, 2, 3, 3, 3}, {2, 3, 4, 4, 5, 5, 6}, 5.5, 0.028410955971066798, false},
      // method="asymptotic": larger than the exact limit, with seven values on both sides.
      {"large 25+30",
       {3.7, 7.4, 1.0, 4.7, 8.4, 2.0, 5.7, 9.4, 3.0, 6.7, 0.3, 4.0, 7.7,
        1.3, 5.0, 8.7, 2.3, 6.0, 9.7, 3.3, 7.0, 0.6, 4.3, 8.0, 1.6},
       {6.3, 1.3, 6.6, 1.6, 6.9, 1.9, 7.2, 2.2, 7.5, 2.5, 7.8, 2.8,  8.1, 3.1,  8.4,
        3.4, 8.7, 3.7, 9.0, 4.0, 9.3, 4.3, 9.6, 4.6, 9.9, 4.9, 10.2, 5.2, 10.5, 5.5},
       299.5,
       0.20483670729589198,
       false},
      {"all tied 4+4", {5, 5, 5, 5}, {5, 5, 5, 5}, 8.0, 1.0, false},
  };
  for (const auto& reference : references) {
    SCOPED_TRACE(reference.name);
    const MannWhitneyResult result = mann_whitney_u(reference.x, reference.y);
    EXPECT_DOUBLE_EQ(result.u_first, reference.u);
    EXPECT_DOUBLE_EQ(result.u_first + result.u_second,
                     static_cast<double>(reference.x.size() * reference.y.size()));
    EXPECT_NEAR(result.p_value, reference.p, 1e-12 * std::max(1.0, reference.p));
    EXPECT_EQ(result.exact, reference.exact);
  }
}

// Two samples of n values each whose U (pairs where the first beats the second) is exactly u.
MannWhitneyResult test_with_u(int n, int u) {
  std::vector<double> x;
  std::vector<double> y;
  for (int k = 0; k < n; ++k) {
    y.push_back(10.0 * k);
    x.push_back(-1.0 - k);  // below every y: beats none
  }
  int remaining = u;
  for (int k = 0; k < n && remaining > 0; ++k) {
    const int beats = std::min(remaining, n);  // 10 * (beats - 1) + 5 beats `beats` values of y
    x[static_cast<std::size_t>(k)] = 10.0 * (beats - 1) + 5.0 + 0.01 * k;
    remaining -= beats;
  }
  return mann_whitney_u(x, y);
}

TEST(MannWhitneyU, ExactDistributionAgreesWithPublishedCriticalValues) {
  // Standard tables of two-tailed critical values of U at alpha = 0.05 give 2 for n1 = n2 = 5, 13
  // for 8 + 8 and 23 for 10 + 10: U at the critical value is significant, one more is not. The p
  // values are scipy.stats.mannwhitneyu(method="exact") for the same samples (SciPy 1.17.1).
  const struct {
    int n;
    int u;
    double p;
  } cases[] = {{5, 2, 0.031746031746031744},  {5, 3, 0.05555555555555555},
               {8, 13, 0.04988344988344988},  {8, 14, 0.06495726495726495},
               {10, 23, 0.04325705254497823}, {10, 24, 0.0524259022711035}};
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.n << "+" << c.n << " U=" << c.u);
    const MannWhitneyResult result = test_with_u(c.n, c.u);
    EXPECT_DOUBLE_EQ(result.u_first, c.u);
    EXPECT_TRUE(result.exact);
    EXPECT_NEAR(result.p_value, c.p, 1e-12);
  }
  EXPECT_LT(test_with_u(5, 2).p_value, 0.05);
  EXPECT_GT(test_with_u(5, 3).p_value, 0.05);
  EXPECT_LT(test_with_u(8, 13).p_value, 0.05);
  EXPECT_GT(test_with_u(8, 14).p_value, 0.05);
  EXPECT_LT(test_with_u(10, 23).p_value, 0.05);
  EXPECT_GT(test_with_u(10, 24).p_value, 0.05);
}

TEST(MannWhitneyU, SymmetricInItsSamples) {
  const std::vector<double> a = {1.0, 2.5, 3.1, 4.7, 8.2};
  const std::vector<double> b = {2.0, 5.5, 6.1, 9.7, 9.9, 10.0};
  const auto ab = mann_whitney_u(a, b);
  const auto ba = mann_whitney_u(b, a);
  EXPECT_DOUBLE_EQ(ab.p_value, ba.p_value);
  EXPECT_DOUBLE_EQ(ab.u_first, ba.u_second);
  EXPECT_THROW(mann_whitney_u(a, std::vector<double>{}), std::invalid_argument);
}

TEST(MannWhitneyU, MinimumAttainablePValue) {
  EXPECT_DOUBLE_EQ(min_attainable_p(5, 5), 2.0 / 252.0);
  EXPECT_DOUBLE_EQ(min_attainable_p(3, 3), 0.1);         // 2 / C(6, 3): never below 0.05
  EXPECT_DOUBLE_EQ(min_attainable_p(3, 4), 2.0 / 35.0);  // 0.057: still not below 0.05
  EXPECT_DOUBLE_EQ(min_attainable_p(4, 4), 2.0 / 70.0);
  EXPECT_DOUBLE_EQ(min_attainable_p(1, 1), 1.0);
  EXPECT_DOUBLE_EQ(min_attainable_p(0, 5), 1.0);
}

}  // namespace
}  // namespace gpubench::stats
