#include "model/sustained_power.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "gpubench/counters.hpp"

namespace gpubench {
namespace {

struct PowerPoint {
  double time_s = 0;
  double watts = 0;
};

bool over_limit(double watts, std::optional<double> limit_w, const SustainedPowerPolicy& policy) {
  return limit_w && watts > *limit_w * (1 + policy.limit_margin);
}

std::vector<TelemetrySample> between(const std::vector<TelemetrySample>& samples, double begin_s,
                                     double end_s) {
  std::vector<TelemetrySample> inside;
  for (const TelemetrySample& sample : samples) {
    if (sample.time_s >= begin_s && sample.time_s <= end_s) inside.push_back(sample);
  }
  // Two threads may sample: in time order, the counter's steps are consecutive.
  std::stable_sort(inside.begin(), inside.end(),
                   [](const auto& a, const auto& b) { return a.time_s < b.time_s; });
  return inside;
}

bool counter_everywhere(const std::vector<TelemetrySample>& samples) {
  return samples.size() >= 2 &&
         std::all_of(samples.begin(), samples.end(), [](const auto& s) { return s.energy_mj; });
}

std::vector<PowerPoint> reading_points(const std::vector<TelemetrySample>& samples) {
  std::vector<PowerPoint> points;
  for (const TelemetrySample& sample : samples) {
    if (sample.power_w) points.push_back({sample.time_s, *sample.power_w});
  }
  return points;
}

// The energy counter's mean power over spans of at least counter_span_s (a counter updated less
// often than it is sampled would be noise span by span), time-stamped at the span's end. A span
// over which the counter went back is left out. Call only where counter_everywhere(samples).
std::vector<PowerPoint> counter_points(const std::vector<TelemetrySample>& samples,
                                       const SustainedPowerPolicy& policy) {
  std::vector<PowerPoint> points;
  std::size_t from = 0;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const double span_s = samples[i].time_s - samples[from].time_s;
    if (span_s < policy.counter_span_s) continue;
    if (*samples[i].energy_mj >= *samples[from].energy_mj) {
      const double joules =
          static_cast<double>(*samples[i].energy_mj - *samples[from].energy_mj) / 1e3;
      points.push_back({samples[i].time_s, joules / span_s});
    }
    from = i;
  }
  return points;
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// Energy from the counter over the window, in monotone runs: a span over which the counter went
// back is dropped, and a run whose mean power is above the limit is discarded.
void measure_with_counter(const std::vector<TelemetrySample>& window,
                          std::optional<double> enforced_limit_w,
                          const SustainedPowerPolicy& policy, SustainedPower& result) {
  double joules = 0, covered_s = 0;
  std::size_t run_begin = 0;
  auto close_run = [&](std::size_t run_end) {
    if (run_end <= run_begin) return;
    const double span_s = window[run_end].time_s - window[run_begin].time_s;
    const double run_joules =
        static_cast<double>(*window[run_end].energy_mj - *window[run_begin].energy_mj) / 1e3;
    if (span_s <= 0) return;
    if (over_limit(run_joules / span_s, enforced_limit_w, policy)) {
      ++result.readings_over_limit;
      return;
    }
    joules += run_joules;
    covered_s += span_s;
    result.readings_used += run_end - run_begin + 1;
  };
  for (std::size_t i = 1; i < window.size(); ++i) {
    if (*window[i].energy_mj < *window[i - 1].energy_mj) {
      ++result.counter_resets;
      close_run(i - 1);
      run_begin = i;
    }
  }
  close_run(window.size() - 1);
  // Less than half the window left: the counter does not describe it.
  if (joules <= 0 || covered_s < result.window_s / 2) return;
  result.mean_power_w = joules / covered_s;
  result.energy_j = *result.mean_power_w * result.window_s;
  result.source = EnergySource::kEnergyCounter;
}

void measure_with_readings(const std::vector<TelemetrySample>& window,
                           std::optional<double> enforced_limit_w,
                           const SustainedPowerPolicy& policy, SustainedPower& result) {
  std::vector<double> kept;
  for (const TelemetrySample& sample : window) {
    if (!sample.power_w) continue;
    if (over_limit(*sample.power_w, enforced_limit_w, policy)) {
      ++result.readings_over_limit;
      continue;
    }
    kept.push_back(*sample.power_w);
  }
  if (kept.size() < 2) return;
  double sum = 0;
  for (const double watts : kept)
    sum += watts;
  result.readings_used = kept.size();
  result.mean_power_w = sum / static_cast<double>(kept.size());
  result.energy_j = *result.mean_power_w * result.window_s;
  result.source = EnergySource::kIntegratedPower;
}

// The first point, at least min_settle_s into the load, within settle_tolerance of the plateau
// (the median of the last half's points within the limit).
std::optional<double> settle_time(const std::vector<PowerPoint>& points, double load_begin_s,
                                  double load_end_s, std::optional<double> enforced_limit_w,
                                  const SustainedPowerPolicy& policy) {
  const double half_s = (load_begin_s + load_end_s) / 2;
  std::vector<double> late;
  for (const PowerPoint& point : points) {
    if (point.time_s >= half_s && !over_limit(point.watts, enforced_limit_w, policy)) {
      late.push_back(point.watts);
    }
  }
  if (late.empty()) return std::nullopt;
  const double plateau_w = median_of(late);
  for (const PowerPoint& point : points) {
    if (point.time_s < load_begin_s + policy.min_settle_s) continue;
    if (std::abs(point.watts - plateau_w) <= policy.settle_tolerance * plateau_w) {
      return point.time_s;
    }
  }
  return std::nullopt;
}

std::optional<double> settle_time_of_readings(const std::vector<TelemetrySample>& samples,
                                              double load_begin_s, double load_end_s,
                                              std::optional<double> enforced_limit_w,
                                              const SustainedPowerPolicy& policy) {
  return settle_time(reading_points(between(samples, load_begin_s, load_end_s)), load_begin_s,
                     load_end_s, enforced_limit_w, policy);
}

// Starts the figure's window at `settled`; false, with the problem said, when too little is left.
bool open_window(SustainedPower& result, std::optional<double> settled, double load_end_s,
                 const SustainedPowerPolicy& policy) {
  if (!settled) {
    result.problem = "the power reading did not settle under the sustained load";
    return false;
  }
  result.settled_at_s = *settled;
  result.window_s = load_end_s - *settled;
  if (result.window_s < policy.min_window_s) {
    result.problem = fmt::format("the settled window was {:.2f} s, shorter than the {} s needed",
                                 result.window_s, policy.min_window_s);
    return false;
  }
  return true;
}

}  // namespace

std::optional<double> power_settle_time(const std::vector<TelemetrySample>& samples,
                                        double load_begin_s, double load_end_s,
                                        std::optional<double> enforced_limit_w,
                                        const SustainedPowerPolicy& policy) {
  // The counter's power first: NVML's power reading is a ~1 s average and settles that much later.
  const std::vector<TelemetrySample> inside = between(samples, load_begin_s, load_end_s);
  if (counter_everywhere(inside)) {
    if (const auto settled = settle_time(counter_points(inside, policy), load_begin_s, load_end_s,
                                         enforced_limit_w, policy)) {
      return settled;
    }
  }
  return settle_time(reading_points(inside), load_begin_s, load_end_s, enforced_limit_w, policy);
}

SustainedPower measure_sustained_power(const std::vector<TelemetrySample>& samples,
                                       double load_begin_s, double load_end_s,
                                       std::optional<double> enforced_limit_w,
                                       const SustainedPowerPolicy& policy) {
  SustainedPower result;
  result.limit_checked = enforced_limit_w.has_value();
  const auto settled =
      power_settle_time(samples, load_begin_s, load_end_s, enforced_limit_w, policy);
  if (!open_window(result, settled, load_end_s, policy)) return result;
  const std::vector<TelemetrySample> window = between(samples, *settled, load_end_s);
  if (counter_everywhere(window)) measure_with_counter(window, enforced_limit_w, policy, result);
  if (!result.mean_power_w) {
    // The readings lag the counter: they count only from their own settling.
    result.readings_used = 0;
    const auto by_readings =
        settle_time_of_readings(samples, load_begin_s, load_end_s, enforced_limit_w, policy);
    if (!open_window(result, by_readings, load_end_s, policy)) return result;
    measure_with_readings(between(samples, *by_readings, load_end_s), enforced_limit_w, policy,
                          result);
  }
  if (!result.mean_power_w) {
    result.problem = result.readings_over_limit > 0
                         ? fmt::format(
                               "{} reading(s) above the enforced power limit were "
                               "discarded and too few remained",
                               result.readings_over_limit)
                         : "the board reported neither an energy counter nor power readings";
  }
  return result;
}

bool has_sustained_power(const std::map<std::string, double>& counters,
                         const SustainedPowerPolicy& policy) {
  const auto power = counters.find(std::string(counters::kPowerMeanW));
  const auto window = counters.find(std::string(counters::kPowerWindowS));
  return power != counters.end() && window != counters.end() && power->second > 0 &&
         window->second >= policy.min_window_s;
}

}  // namespace gpubench
