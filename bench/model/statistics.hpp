#pragma once
// The few statistics compare, history and the stopping rule decide with: medians, a robust
// relative spread, a distribution-free confidence interval of the median, and a two-sided
// Mann-Whitney U test (no assumption about the shape of the timing distribution).

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

// The rank k (1-based) of the lower end of the distribution-free confidence interval of a median of
// n values: the interval [x(k), x(n + 1 - k)] of the sorted values covers the distribution's
// median with probability 1 - 2 P(B <= k - 1), B ~ Binomial(n, 1/2), whatever the distribution's
// shape (the count of values below its median is B). k is the largest rank that keeps that
// coverage at or above `confidence`, and 1 (the range) below the n where even the range does not
// reach it (n <= 5 at 95%: the range of 5 covers with 93.75%). Throws std::invalid_argument when n
// is 0 or confidence is outside (0, 1).
std::size_t median_interval_rank(std::size_t n, double confidence);

struct Interval {
  double low = 0;
  double high = 0;
};

// That interval for the values (see median_interval_rank). Throws std::invalid_argument when
// values is empty or confidence is outside (0, 1).
Interval median_confidence_interval(std::span<const double> values, double confidence);

// How well the values' median is known: the larger distance from the median to an end of its
// confidence interval, over |median|. 0 when the interval is one point; +infinity when the median
// is 0 and the interval is not.
double relative_median_uncertainty(std::span<const double> values, double confidence);

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
