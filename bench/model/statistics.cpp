#include "model/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace gpubench::stats {
namespace {

std::vector<double> sorted_copy(std::span<const double> values) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

double sorted_quantile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

// Number of arrangements of m first-sample and n second-sample values (no ties) for each U of the
// first sample, u = 0 .. m * n. Counts are exact in a double up to C(40, 20) ~ 1.4e11.
std::vector<double> exact_u_counts(std::size_t m, std::size_t n) {
  // table[i][j][u] = f(i, j, u); f(i, j, u) = f(i - 1, j, u - j) + f(i, j - 1, u): the largest of
  // the i + j values is either a first-sample value (beating all j second-sample values) or not.
  std::vector<std::vector<std::vector<double>>> table(m + 1,
                                                      std::vector<std::vector<double>>(n + 1));
  for (std::size_t i = 0; i <= m; ++i) {
    for (std::size_t j = 0; j <= n; ++j) {
      std::vector<double>& counts = table[i][j];
      counts.assign(i * j + 1, 0.0);
      if (i == 0 || j == 0) {
        counts[0] = 1.0;
        continue;
      }
      const std::vector<double>& first_largest = table[i - 1][j];
      const std::vector<double>& second_largest = table[i][j - 1];
      for (std::size_t u = 0; u < counts.size(); ++u) {
        if (u >= j && u - j < first_largest.size()) counts[u] += first_largest[u - j];
        if (u < second_largest.size()) counts[u] += second_largest[u];
      }
    }
  }
  return table[m][n];
}

double binomial(std::size_t n, std::size_t k) {
  double result = 1.0;
  for (std::size_t i = 1; i <= k; ++i) {
    result = result * static_cast<double>(n - k + i) / static_cast<double>(i);
  }
  return result;
}

}  // namespace

double median(std::span<const double> values) {
  return quantile(values, 0.5);
}

double quantile(std::span<const double> values, double q) {
  if (values.empty()) throw std::invalid_argument("quantile of no values");
  if (!(q >= 0.0 && q <= 1.0)) throw std::invalid_argument("quantile outside [0, 1]");
  return sorted_quantile(sorted_copy(values), q);
}

double relative_iqr(std::span<const double> values) {
  if (values.empty()) throw std::invalid_argument("spread of no values");
  const std::vector<double> sorted = sorted_copy(values);
  const double iqr = sorted_quantile(sorted, 0.75) - sorted_quantile(sorted, 0.25);
  const double middle = std::fabs(sorted_quantile(sorted, 0.5));
  if (iqr == 0.0) return 0.0;
  if (middle == 0.0) return std::numeric_limits<double>::infinity();
  return iqr / middle;
}

std::size_t median_interval_rank(std::size_t n, double confidence) {
  if (n == 0) throw std::invalid_argument("confidence interval of no values");
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("confidence outside (0, 1)");
  }
  const double tail = (1.0 - confidence) / 2.0;
  const double nd = static_cast<double>(n);
  // Below mean - 10 standard deviations B has no mass a double can add (< 1e-23): start there, so
  // a series of tens of thousands of samples costs a few hundred terms, not n / 2.
  const double start = std::max(0.0, std::floor(nd / 2.0 - 5.0 * std::sqrt(nd)));
  const double log_half_n = nd * std::log(0.5);
  double below = 0.0;  // P(B <= i - 1)
  auto i = static_cast<std::size_t>(start);
  for (; i < (n + 1) / 2; ++i) {  // k <= (n + 1) / 2: low end <= high end
    const double term = std::exp(std::lgamma(nd + 1.0) - std::lgamma(static_cast<double>(i) + 1.0) -
                                 std::lgamma(nd - static_cast<double>(i) + 1.0) + log_half_n);
    if (below + term > tail) break;
    below += term;
  }
  // P(B <= i - 1) <= tail < P(B <= i): k - 1 = i - 1.
  return std::max<std::size_t>(i, 1);
}

Interval median_confidence_interval(std::span<const double> values, double confidence) {
  const std::size_t k = median_interval_rank(values.size(), confidence);
  const std::vector<double> sorted = sorted_copy(values);
  return Interval{sorted[k - 1], sorted[sorted.size() - k]};
}

double relative_median_uncertainty(std::span<const double> values, double confidence) {
  const std::size_t k = median_interval_rank(values.size(), confidence);
  const std::vector<double> sorted = sorted_copy(values);
  const double middle = sorted_quantile(sorted, 0.5);
  const double half_width = std::max(middle - sorted[k - 1], sorted[sorted.size() - k] - middle);
  if (half_width == 0.0) return 0.0;
  if (middle == 0.0) return std::numeric_limits<double>::infinity();
  return half_width / std::fabs(middle);
}

MannWhitneyResult mann_whitney_u(std::span<const double> first, std::span<const double> second) {
  if (first.empty() || second.empty()) {
    throw std::invalid_argument("Mann-Whitney U test of an empty sample");
  }
  const std::size_t n1 = first.size();
  const std::size_t n2 = second.size();
  const std::size_t n = n1 + n2;

  // Rank the pooled values (average ranks for ties) and collect the tie-group sizes.
  struct Entry {
    double value;
    bool is_first;
  };
  std::vector<Entry> pooled;
  pooled.reserve(n);
  for (const double value : first)
    pooled.push_back({value, true});
  for (const double value : second)
    pooled.push_back({value, false});
  std::sort(pooled.begin(), pooled.end(),
            [](const Entry& a, const Entry& b) { return a.value < b.value; });
  double rank_sum_first = 0.0;
  double tie_term = 0.0;  // sum over tie groups of t^3 - t
  for (std::size_t begin = 0; begin < n;) {
    std::size_t end = begin + 1;
    while (end < n && pooled[end].value == pooled[begin].value)
      ++end;
    const double average_rank = (static_cast<double>(begin + 1) + static_cast<double>(end)) / 2.0;
    for (std::size_t k = begin; k < end; ++k) {
      if (pooled[k].is_first) rank_sum_first += average_rank;
    }
    const auto t = static_cast<double>(end - begin);
    tie_term += t * t * t - t;
    begin = end;
  }

  MannWhitneyResult result;
  const double n1d = static_cast<double>(n1);
  const double n2d = static_cast<double>(n2);
  result.u_first = rank_sum_first - n1d * (n1d + 1.0) / 2.0;
  result.u_second = n1d * n2d - result.u_first;
  const double u_max = std::max(result.u_first, result.u_second);

  if (tie_term == 0.0 && n1 <= kExactMaxSampleSize && n2 <= kExactMaxSampleSize) {
    // Exact: p = 2 * P(U >= u_max) under the null hypothesis.
    const std::vector<double> counts = exact_u_counts(n1, n2);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    const auto from = static_cast<std::size_t>(std::llround(u_max));
    double tail = 0.0;
    for (std::size_t u = from; u < counts.size(); ++u)
      tail += counts[u];
    result.p_value = std::min(1.0, 2.0 * tail / total);
    result.exact = true;
    return result;
  }

  // Normal approximation with tie and continuity corrections.
  const double nd = static_cast<double>(n);
  const double mean = n1d * n2d / 2.0;
  const double variance = n1d * n2d / 12.0 * ((nd + 1.0) - tie_term / (nd * (nd - 1.0)));
  if (variance <= 0.0) {
    result.p_value = 1.0;  // every value tied: no evidence of any difference
    return result;
  }
  const double z = (u_max - mean - 0.5) / std::sqrt(variance);
  result.p_value = std::clamp(std::erfc(z / std::sqrt(2.0)), 0.0, 1.0);  // 2 * (1 - Phi(z))
  return result;
}

double min_attainable_p(std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0) return 1.0;
  return std::min(1.0, 2.0 / binomial(n1 + n2, std::min(n1, n2)));
}

}  // namespace gpubench::stats
