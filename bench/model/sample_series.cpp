#include "model/sample_series.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/statistics.hpp"

namespace gpubench {

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kConverged:
      return "converged";
    case StopReason::kBudgetSpent:
      return "budget spent";
    case StopReason::kSampleCap:
      return "sample cap";
  }
  return "unknown";
}

std::optional<ReferenceClock> throttle_reference_clock(std::optional<double> documented_boost_mhz,
                                                       std::optional<double> nvml_max_mhz,
                                                       std::optional<double> runtime_peak_mhz) {
  if (documented_boost_mhz && *documented_boost_mhz > 0) {
    return ReferenceClock{*documented_boost_mhz, "documented boost"};
  }
  if (nvml_max_mhz && *nvml_max_mhz > 0) return ReferenceClock{*nvml_max_mhz, "NVML maximum"};
  if (runtime_peak_mhz && *runtime_peak_mhz > 0) {
    return ReferenceClock{*runtime_peak_mhz, "runtime peak"};
  }
  return std::nullopt;
}

std::optional<bool> clock_throttled(std::span<const TelemetrySample> readings, double begin_s,
                                    double end_s, double threshold_mhz) {
  std::optional<double> lowest_inside;
  std::optional<double> last_before;
  for (const TelemetrySample& reading : readings) {
    if (!reading.sm_clock_mhz || reading.time_s > end_s) continue;
    if (reading.time_s >= begin_s) {
      lowest_inside =
          std::min(lowest_inside.value_or(*reading.sm_clock_mhz), *reading.sm_clock_mhz);
    } else {
      last_before = *reading.sm_clock_mhz;  // readings arrive in time order
    }
  }
  const std::optional<double> clock = lowest_inside ? lowest_inside : last_before;
  if (!clock) return std::nullopt;
  return *clock < threshold_mhz;
}

std::optional<double> clock_while_running(std::span<const TelemetrySample> readings,
                                          std::span<const TimedSample> samples) {
  std::vector<bool> used(readings.size(), false);
  for (const TimedSample& sample : samples) {
    bool inside = false;
    std::optional<std::size_t> last_before;
    for (std::size_t i = 0; i < readings.size(); ++i) {
      const TelemetrySample& reading = readings[i];
      if (!reading.sm_clock_mhz || reading.time_s > sample.end_s) continue;
      if (reading.time_s >= sample.begin_s) {
        used[i] = true;
        inside = true;
      } else if (!last_before || reading.time_s >= readings[*last_before].time_s) {
        last_before = i;
      }
    }
    if (!inside && last_before) used[*last_before] = true;
  }
  std::vector<double> clocks;
  for (std::size_t i = 0; i < readings.size(); ++i) {
    if (used[i]) clocks.push_back(*readings[i].sm_clock_mhz);
  }
  if (clocks.empty()) return std::nullopt;
  return stats::median(clocks);
}

SampleSeries::SampleSeries(StoppingRule rule, std::optional<double> max_clock_mhz,
                           double allowance_s)
    : rule_(rule),
      max_clock_mhz_(max_clock_mhz),
      allowance_s_(std::max(allowance_s, rule.budget_s)),
      next_check_(rule.min_samples) {}

double SampleSeries::threshold_mhz() const {
  return max_clock_mhz_ ? *max_clock_mhz_ * rule_.throttle_fraction : 0.0;
}

void SampleSeries::add(const TimedSample& sample, std::span<const TelemetrySample> readings) {
  const bool throttled =
      max_clock_mhz_ &&
      clock_throttled(readings, sample.begin_s, sample.end_s, threshold_mhz()).value_or(false);
  samples_.push_back(sample);
  throttled_.push_back(throttled);
  if (!throttled) ++kept_;
}

std::optional<StopReason> SampleSeries::should_stop(double elapsed_s) {
  if (reason_) return reason_;
  elapsed_s_ = elapsed_s;
  if (kept_ >= std::max<std::size_t>(rule_.min_samples, 1) && kept_ >= next_check_) {
    std::vector<double> kept_seconds;
    kept_seconds.reserve(kept_);
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      if (!throttled_[i]) kept_seconds.push_back(samples_[i].seconds);
    }
    uncertainty_ = stats::relative_median_uncertainty(kept_seconds, rule_.confidence);
    if (*uncertainty_ <= rule_.target_median_uncertainty) {
      reason_ = StopReason::kConverged;
    } else {
      next_check_ = kept_ + std::max<std::size_t>(1, kept_ / 16);
    }
  }
  if (!reason_ && samples_.size() >= rule_.max_samples) reason_ = StopReason::kSampleCap;
  if (!reason_ && !samples_.empty() && out_of_time(elapsed_s)) reason_ = StopReason::kBudgetSpent;
  return reason_;
}

bool SampleSeries::out_of_time(double elapsed_s) const {
  if (elapsed_s >= allowance_s_) return true;
  if (elapsed_s < rule_.budget_s) return false;
  if (!uncertainty_ || kept_ < rule_.min_samples || rule_.target_median_uncertainty <= 0) {
    return true;
  }
  // Time to the target at this rate; lent time is worth taking while the allowance brings the
  // median to within sqrt(2) of it (twice the allowance to the target itself).
  const double ratio = *uncertainty_ / rule_.target_median_uncertainty;
  return elapsed_s * ratio * ratio > 2 * allowance_s_;
}

std::vector<bool> SampleSeries::throttled(std::span<const TelemetrySample> readings) const {
  std::vector<bool> flags;
  flags.reserve(samples_.size());
  for (const TimedSample& sample : samples_) {
    flags.push_back(
        max_clock_mhz_ &&
        clock_throttled(readings, sample.begin_s, sample.end_s, threshold_mhz()).value_or(false));
  }
  return flags;
}

SampleSummary SampleSeries::summarize(std::span<const TelemetrySample> readings) const {
  if (samples_.empty()) throw std::logic_error("SampleSeries::summarize: no samples");
  SampleSummary summary;
  std::vector<double> kept_seconds;
  std::vector<double> all_seconds;
  std::vector<TimedSample> kept;
  const std::vector<bool> dropped = throttled(readings);
  for (std::size_t i = 0; i < samples_.size(); ++i) {
    all_seconds.push_back(samples_[i].seconds);
    if (dropped[i]) {
      ++summary.throttled;
    } else {
      kept_seconds.push_back(samples_[i].seconds);
      kept.push_back(samples_[i]);
    }
  }
  if (kept_seconds.empty()) {
    summary.kept_throttled = true;
    kept_seconds = all_seconds;
    kept = samples_;
  }
  summary.sm_clock_mhz = clock_while_running(readings, kept);
  summary.kept = kept_seconds.size();
  summary.median_seconds = stats::median(kept_seconds);
  summary.relative_spread = stats::relative_iqr(kept_seconds);
  summary.median_uncertainty = stats::relative_median_uncertainty(kept_seconds, rule_.confidence);
  summary.reason = reason_.value_or(StopReason::kBudgetSpent);
  summary.sampling_s = elapsed_s_;
  return summary;
}

}  // namespace gpubench
