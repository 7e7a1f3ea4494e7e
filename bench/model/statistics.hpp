#pragma once
// The few statistics compare and history decide with: medians, a robust relative spread, and a
// two-sided Mann-Whitney U test (no assumption about the shape of the timing distribution).

#include <cstddef>
#include <span>

namespace gpubench::stats {

// Median of the values (the mean of the two middle ones for an even count). Throws
// std::invalid_argument when values is empty.
double median(std::span<const double> values);

// Quantile q in [0, 1] by linear interpolation between order statistics (Hyndman & Fan type 7,
// numpy's default). Throws std::invalid_argument when values is empty or q is outside [0, 1].
double quantile(std::span<const double> values, double q);

// Relative interquartile range: (p75 - p25) / |median|, a noise measure that one outlier cannot
// inflate. 0 for a single value; +infinity when the median is 0 and the quartiles differ.
double relative_iqr(std::span<const double> values);

// Sample sizes up to this (on both sides) with no ties get the exact null distribution of U.
inline constexpr std::size_t kExactMaxSampleSize = 20;

struct MannWhitneyResult {
  double u_first = 0;   // U of the first sample: pairs where first > second, ties counting 1/2
  double u_second = 0;  // n1 * n2 - u_first
  double p_value = 1;   // two-sided
  bool exact = false;   // exact distribution (else normal approximation)
};

// Two-sided Mann-Whitney U test, computed the way scipy.stats.mannwhitneyu(x, y,
// alternative="two-sided", use_continuity=True) does: the exact distribution of U (counted by
// the recursion f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u)) when both samples have at most
// kExactMaxSampleSize values and no value occurs on both sides or twice; otherwise the normal
// approximation with tie correction and continuity correction. Throws std::invalid_argument when
// either sample is empty.
MannWhitneyResult mann_whitney_u(std::span<const double> first, std::span<const double> second);

// The smallest two-sided p-value any pair of samples of these sizes can reach: both samples fully
// separated, 2 / C(n1 + n2, n1), capped at 1. A change cannot be significant at alpha when this is
// already >= alpha, whatever the data.
double min_attainable_p(std::size_t n1, std::size_t n2);

}  // namespace gpubench::stats
