#include "analysis/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analysis/compare_format.hpp"
#include "model/statistics.hpp"

namespace gpubench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Up to this many repetitions the spread is their range; beyond, 2 x their IQR.
constexpr std::size_t kRangeMaxRepetitions = 5;

std::string percent(double fraction) {
  return format_percent(fraction, false);
}

// The medians and the change; false when there is nothing to judge (reason set).
bool describe(std::span<const double> base, std::span<const double> candidate, Judgement& result) {
  if (base.empty() || candidate.empty()) {
    result.base_median = base.empty() ? kNaN : stats::median(base);
    result.candidate_median = candidate.empty() ? kNaN : stats::median(candidate);
    result.change = kNaN;
    result.reason = "no samples on one side";
    return false;
  }
  result.base_median = stats::median(base);
  result.candidate_median = stats::median(candidate);
  result.change = result.base_median != 0.0
                      ? (result.candidate_median - result.base_median) / result.base_median
                  : result.candidate_median == 0.0 ? 0.0
                                                   : kNaN;
  if (std::isnan(result.change)) {
    result.reason = "the base median is 0";
    return false;
  }
  return true;
}

void call_change(Judgement& result, Direction direction) {
  const bool improved =
      direction == Direction::kHigherIsBetter ? result.change > 0 : result.change < 0;
  result.verdict = improved ? Verdict::kFaster : Verdict::kSlower;
  result.reason.clear();
}

void noise_rule(const Repetitions& base, const Repetitions& candidate, Direction direction,
                const VerdictRule& rule, Judgement& result) {
  result.method = VerdictMethod::kNoiseRule;
  result.base_noise = std::max(*base.within_noise, repetition_spread(base.values));
  result.candidate_noise = std::max(*candidate.within_noise, repetition_spread(candidate.values));
  if (std::min(base.values.size(), candidate.values.size()) < kMinRepetitions) {
    result.reason = fmt::format("fewer than {} repetitions ({} and {})", kMinRepetitions,
                                base.values.size(), candidate.values.size());
    return;
  }
  const double bound = kNoiseMultiple * std::hypot(result.base_noise, result.candidate_noise);
  result.detectable_change = std::max(rule.threshold, bound);
  const double magnitude = std::fabs(result.change);
  if (magnitude > rule.threshold && magnitude > bound) {
    call_change(result, direction);
  } else if (magnitude <= rule.threshold && bound <= rule.threshold) {
    result.verdict = Verdict::kSame;
    result.reason = fmt::format("within the {} threshold", percent(rule.threshold));
  } else if (magnitude > rule.threshold) {
    result.reason = fmt::format("change within {:g}x the noise ({} and {})", kNoiseMultiple,
                                percent(result.base_noise), percent(result.candidate_noise));
  } else {
    result.reason = fmt::format("noise hides changes below {}", percent(bound));
  }
}

void rank_rule(std::span<const double> base, std::span<const double> candidate, Direction direction,
               const VerdictRule& rule, Judgement& result) {
  result.method = VerdictMethod::kRankRule;
  result.base_noise = stats::relative_iqr(base);
  result.candidate_noise = stats::relative_iqr(candidate);
  const auto test = stats::mann_whitney_u(base, candidate);
  result.p_value = test.p_value;
  result.exact_test = test.exact;
  const std::size_t fewest = std::min(base.size(), candidate.size());
  if (fewest < kMinRepetitions ||
      stats::min_attainable_p(base.size(), candidate.size()) >= rule.alpha) {
    result.reason = fmt::format(
        "too few repetitions ({} and {}) to reach p < {} without recorded per-repetition noise",
        base.size(), candidate.size(), rule.alpha);
    return;
  }
  // Noise: the two sides' relative IQRs added (not the larger), so identical runs with noise near
  // the threshold are rarely called changed (Compare.IdenticalRunsAreAlmostNever... measures it).
  const double magnitude = std::fabs(result.change);
  const double noise = result.base_noise + result.candidate_noise;
  if (noise > std::max(magnitude, rule.threshold)) {
    result.reason = fmt::format("noise (relative IQRs {} + {}) larger than the {}",
                                percent(result.base_noise), percent(result.candidate_noise),
                                magnitude > rule.threshold ? "change" : "threshold");
    return;
  }
  if (magnitude <= rule.threshold) {
    result.verdict = Verdict::kSame;
    result.reason = fmt::format("within the {} threshold", percent(rule.threshold));
    return;
  }
  if (test.p_value >= rule.alpha) {
    result.reason = fmt::format("not significant (p >= {})", rule.alpha);
    return;
  }
  call_change(result, direction);
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFaster:
      return "FASTER";
    case Verdict::kSlower:
      return "SLOWER";
    case Verdict::kSame:
      return "SAME";
    case Verdict::kUnsure:
      return "UNSURE";
    case Verdict::kError:
      return "ERROR";
  }
  return "?";
}

std::string_view to_string(VerdictMethod method) {
  return method == VerdictMethod::kNoiseRule ? "noise" : "mann_whitney";
}

double repetition_spread(std::span<const double> values) {
  if (values.size() < 2) return 0.0;
  if (values.size() > kRangeMaxRepetitions) return 2.0 * stats::relative_iqr(values);
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  const double median = std::fabs(stats::median(values));
  if (median == 0.0) return *high == *low ? 0.0 : std::numeric_limits<double>::infinity();
  return (*high - *low) / median;
}

Judgement judge(const Repetitions& base, const Repetitions& candidate, Direction direction,
                const VerdictRule& rule) {
  Judgement result;
  if (!describe(base.values, candidate.values, result)) return result;
  if (base.within_noise && candidate.within_noise) {
    noise_rule(base, candidate, direction, rule, result);
  } else {
    rank_rule(base.values, candidate.values, direction, rule, result);
  }
  return result;
}

Judgement judge(std::span<const double> base, std::span<const double> candidate,
                Direction direction, const VerdictRule& rule) {
  return judge(Repetitions{base, std::nullopt}, Repetitions{candidate, std::nullopt}, direction,
               rule);
}

Resolution resolution_of(std::span<const std::optional<double>> detectable_changes, double change) {
  Resolution result;
  result.change = change;
  result.rows = detectable_changes.size();
  std::vector<double> known;
  for (const auto& detectable : detectable_changes) {
    if (!detectable) continue;
    known.push_back(*detectable);
    if (*detectable <= change) ++result.resolving;
  }
  if (!known.empty()) result.median_detectable_change = stats::median(known);
  return result;
}

std::optional<double> row_detectable_change(std::span<const Judgement* const> judgements) {
  if (judgements.empty()) return std::nullopt;
  double largest = 0;
  for (const Judgement* judgement : judgements) {
    if (!judgement->detectable_change) return std::nullopt;
    largest = std::max(largest, *judgement->detectable_change);
  }
  return largest;
}

std::string describe_resolution(const Resolution& resolution, std::string_view rows_word) {
  std::string text =
      fmt::format("{} of {} {} ({:.0f}%) can resolve a {} change", resolution.resolving,
                  resolution.rows, rows_word, resolution.share() * 100, percent(resolution.change));
  if (resolution.median_detectable_change) {
    text += fmt::format("; median smallest detectable change {}",
                        percent(*resolution.median_detectable_change));
  }
  return text;
}

Verdict combined_verdict(std::span<const Verdict> verdicts) {
  for (const Verdict wanted :
       {Verdict::kError, Verdict::kSlower, Verdict::kFaster, Verdict::kUnsure}) {
    if (std::find(verdicts.begin(), verdicts.end(), wanted) != verdicts.end()) return wanted;
  }
  return Verdict::kSame;
}

}  // namespace gpubench
