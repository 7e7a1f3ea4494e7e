#include "model/telemetry.hpp"

#include <algorithm>

namespace gpubench {

TelemetrySummary summarize_telemetry(const std::vector<TelemetrySample>& samples) {
  TelemetrySummary summary;
  summary.samples = samples.size();
  if (samples.empty()) return summary;
  summary.duration_s = samples.back().time_s - samples.front().time_s;

  double clock_sum = 0;
  std::size_t clock_count = 0;
  double memory_sum = 0;
  std::size_t memory_count = 0;
  for (const TelemetrySample& sample : samples) {
    if (sample.sm_clock_mhz) {
      clock_sum += *sample.sm_clock_mhz;
      ++clock_count;
      summary.sm_clock_min_mhz =
          std::min(summary.sm_clock_min_mhz.value_or(*sample.sm_clock_mhz), *sample.sm_clock_mhz);
    }
    if (sample.memory_clock_mhz) {
      memory_sum += *sample.memory_clock_mhz;
      ++memory_count;
    }
    if (sample.temperature_c) {
      summary.temperature_max_c = std::max(
          summary.temperature_max_c.value_or(*sample.temperature_c), *sample.temperature_c);
    }
    summary.clock_event_reasons |= sample.clock_event_reasons.value_or(0);
  }
  if (clock_count > 0) summary.sm_clock_mean_mhz = clock_sum / static_cast<double>(clock_count);
  if (memory_count > 0) summary.memory_clock_mhz = memory_sum / static_cast<double>(memory_count);

  const bool counter_everywhere =
      std::all_of(samples.begin(), samples.end(), [](const auto& s) { return s.energy_mj; });
  if (summary.duration_s > 0 && counter_everywhere &&
      *samples.back().energy_mj > *samples.front().energy_mj) {
    summary.energy_j =
        static_cast<double>(*samples.back().energy_mj - *samples.front().energy_mj) / 1e3;
    summary.energy_source = EnergySource::kEnergyCounter;
  } else if (summary.duration_s > 0) {
    // Trapezoids between consecutive readings that both have power; a gap without readings is
    // taken at the mean of the covered time.
    double joules = 0;
    double covered_s = 0;
    for (std::size_t i = 1; i < samples.size(); ++i) {
      const auto& a = samples[i - 1];
      const auto& b = samples[i];
      if (!a.power_w || !b.power_w) continue;
      joules += (*a.power_w + *b.power_w) / 2 * (b.time_s - a.time_s);
      covered_s += b.time_s - a.time_s;
    }
    if (covered_s > 0) {
      summary.energy_j = joules / covered_s * summary.duration_s;
      summary.energy_source = EnergySource::kIntegratedPower;
    }
  }
  if (summary.energy_j) {
    summary.power_mean_w = *summary.energy_j / summary.duration_s;
  } else {
    for (const TelemetrySample& sample : samples) {
      if (sample.power_w) {
        summary.power_mean_w = *sample.power_w;  // one reading, no duration to integrate over
        break;
      }
    }
  }
  return summary;
}

}  // namespace gpubench
