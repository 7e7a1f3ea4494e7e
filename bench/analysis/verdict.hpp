#pragma once
// The verdict rule shared by `gpubench compare` and the steps of `gpubench history`: is the change
// between two sets of repetitions of one benchmark larger than the threshold and than the noise?
//
// Noise rule (both sides recorded by gpubench's timing loop, which writes `samples` and, from 3
// samples on, `noise_pct` with every repetition; at least kMinRepetitions a side). The noise is the
// compared metric's own. The noise of a side is the larger of
//   - the largest relative IQR of one repetition's kept samples (noise_pct / 100), for a metric
//     computed from those samples (the time, and rates over it); 0 for one the kernel measures
//     itself (latency_cycles), whose repetitions are its only samples
//     (noise_follows_timed_samples in compare_metrics.hpp), and
//   - the spread of the repetitions themselves: (max - min) / median for up to 5 repetitions,
//     2 x their relative IQR beyond (an outlier repetition does not set the scale of a large pool).
// So a figure that does not vary from repetition to repetition is judged by the threshold alone.
// The two sides' noises add in quadrature (u). A change is FASTER or SLOWER when |change| is above
// the threshold and above kNoiseMultiple x u; SAME when |change| is within the threshold and
// kNoiseMultiple x u is too, so a change of the threshold would have been seen; UNSURE otherwise.
// The sample count is deliberately not used to shrink the noise (a median of n samples has a
// sampling error near 0.93 x IQR / sqrt(n)): back-to-back runs of a real H200 differ by up to
// twice the sample IQR although n is in the hundreds, so the IQR itself is the honest unit.
//
// Rank rule (either side without per-repetition samples: a plain google/benchmark file or an
// older run): the two sides' relative IQRs added as noise and a two-sided Mann-Whitney U test,
// which cannot reach p < 0.05 with fewer than 4 repetitions a side.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "analysis/compare_metrics.hpp"

namespace gpubench {

// ERROR: the benchmark failed (error_occurred or skipped) in the new run, or was measured while
// the GPU was shared (contended) and that was not allowed.
enum class Verdict { kFaster, kSlower, kSame, kUnsure, kError };
std::string_view to_string(Verdict verdict);

// How many noise units a change must exceed. Calibrated on three pairs of real back-to-back H200
// runs (tests/fixtures/runs/h200-b376421: quick1, quick2, full; 237 benchmark comparisons): no
// change above 3% exceeded 2.2 units there, and |change| / u had a spread (standard deviation) of
// 0.54-0.65. A 5% change with both sides' noise below 1% exceeds 3 x hypot(1%, 1%) = 4.2%.
inline constexpr double kNoiseMultiple = 3.0;
inline constexpr std::size_t kMinRepetitions = 3;

struct VerdictRule {
  double alpha = 0.05;      // rank rule only
  double threshold = 0.03;  // relative change, 0.03 = 3%
};

// One side of a comparison: the value of each repetition, and what the file records of the noise
// inside each repetition.
struct Repetitions {
  std::span<const double> values;
  // The largest relative IQR of one repetition's samples (0 where every repetition had fewer than
  // 3 samples, the repetitions then being the samples); nullopt: the file records no samples.
  std::optional<double> within_noise;
};

// The spread of repetition values as the noise rule measures it (see above); 0 for fewer than 2.
double repetition_spread(std::span<const double> values);

enum class VerdictMethod { kNoiseRule, kRankRule };
std::string_view to_string(VerdictMethod method);

struct Judgement {
  Verdict verdict = Verdict::kUnsure;
  VerdictMethod method = VerdictMethod::kRankRule;
  double base_median = 0;
  double candidate_median = 0;
  double change = 0;      // (candidate - base) / base; NaN when the base median is 0
  double base_noise = 0;  // relative: noise rule as above, rank rule the relative IQR
  double candidate_noise = 0;
  // The smallest change this comparison can call (noise rule): max(threshold, kNoiseMultiple x u).
  std::optional<double> detectable_change;
  std::optional<double> p_value;  // rank rule only
  bool exact_test = false;
  std::string reason;  // why this verdict, in a few words
};

// The verdict (values on both sides in the same unit). Uses the noise rule when both sides carry
// within_noise, the rank rule otherwise.
Judgement judge(const Repetitions& base, const Repetitions& candidate, Direction direction,
                const VerdictRule& rule);
// The rank rule alone, for values without recorded noise.
Judgement judge(std::span<const double> base, std::span<const double> candidate,
                Direction direction, const VerdictRule& rule);

// What a set of verdicts is worth: how many rows (benchmarks, or history series at one driver step)
// could resolve a change of `change` (the threshold: their smallest detectable change is within
// it, so a change that large would have been called), and the median smallest detectable change.
// A row judged by the rank rule has no detectable change and resolves nothing.
struct Resolution {
  double change = 0;
  std::size_t rows = 0;
  std::size_t resolving = 0;
  std::optional<double> median_detectable_change;  // over the rows that have one
  double share() const {
    return rows == 0 ? 0.0 : static_cast<double>(resolving) / static_cast<double>(rows);
  }
};
// One entry per row: the largest detectable change of its metrics, nullopt where one has none.
Resolution resolution_of(std::span<const std::optional<double>> detectable_changes, double change);
// The row's entry for resolution_of from its metrics' judgements.
std::optional<double> row_detectable_change(std::span<const Judgement* const> judgements);
// "45 of 79 rows (57%) can resolve a 3.0% change; median smallest detectable change 3.8%".
std::string describe_resolution(const Resolution& resolution, std::string_view rows_word);

// The verdict of a benchmark from its metrics' verdicts: ERROR over SLOWER over FASTER over
// UNSURE over SAME.
Verdict combined_verdict(std::span<const Verdict> verdicts);

}  // namespace gpubench
