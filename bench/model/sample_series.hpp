#pragma once
// Noise-based stopping: how many timed launches a benchmark takes. It samples until the kept
// samples agree to within a target relative spread or its time budget is spent. A sample taken
// while the SM clock was throttled below a fraction of its maximum is dropped and counted, so a
// figure describes the card at speed, not a thermal or power excursion. Pure (no CUDA, no clock
// reads), so the CPU tests check every decision.

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "model/telemetry.hpp"

namespace gpubench {

struct StoppingRule {
  double target_relative_spread = 0.005;  // relative IQR of the kept samples (0.5%)
  double budget_s = 0.1;                  // wall time for the sampling loop
  std::size_t min_samples = 5;            // before the spread may stop it
  std::size_t max_samples = 10'000;       // memory and sort-time cap for microsecond launches
  double throttle_fraction = 0.75;        // of the maximum SM clock
};

// One timed launch: its device time and the host window it ran in (seconds since the telemetry
// series started, the same time base as TelemetrySample::time_s).
struct TimedSample {
  double seconds = 0;
  double begin_s = 0;
  double end_s = 0;
};

enum class StopReason { kConverged, kBudgetSpent, kSampleCap };
std::string_view to_string(StopReason reason);

struct SampleSummary {
  double median_seconds = 0;
  double relative_spread = 0;  // relative IQR of the samples the median was taken over
  std::size_t kept = 0;
  std::size_t throttled = 0;    // samples taken below the clock threshold
  bool kept_throttled = false;  // every sample was throttled: kept rather than report nothing
  StopReason reason = StopReason::kBudgetSpent;
  // The SM clock while the kept samples ran (clock_while_running); empty without NVML clocks.
  std::optional<double> sm_clock_mhz;
};

// The clock the throttle threshold is a fraction of: the card's documented boost clock (a GeForce
// card's NVML "maximum" can be a VBIOS limit well above its rated boost, against which healthy
// samples would be dropped), else NVML's maximum, else the runtime's peak. Values <= 0 count as
// absent.
struct ReferenceClock {
  double mhz = 0;
  std::string_view source;  // "documented boost", "NVML maximum", "runtime peak"
};
std::optional<ReferenceClock> throttle_reference_clock(std::optional<double> documented_boost_mhz,
                                                       std::optional<double> nvml_max_mhz,
                                                       std::optional<double> runtime_peak_mhz);

// Whether the SM clock was below threshold_mhz while [begin_s, end_s] ran: judged by the readings
// inside the window, or by the last one before it when none falls inside (NVML is read every few
// milliseconds, launches can be microseconds). Empty when no reading up to end_s has a clock.
std::optional<bool> clock_throttled(std::span<const TelemetrySample> readings, double begin_s,
                                    double end_s, double threshold_mhz);

// The SM clock the samples ran at: the median of the readings taken while one ran, each reading
// once; for a sample no reading falls inside (NVML is read every few milliseconds, launches can be
// microseconds), the last reading before it. Empty when no such reading has a clock. This, not a
// probe launched after the loop, is the clock of the figure: on a power-capped load a light probe
// afterwards reads near boost.
std::optional<double> clock_while_running(std::span<const TelemetrySample> readings,
                                          std::span<const TimedSample> samples);

class SampleSeries {
 public:
  // max_clock_mhz: the SM clock's maximum; none disables the throttle check.
  SampleSeries(StoppingRule rule, std::optional<double> max_clock_mhz);

  // Records a sample, judging its clock by the telemetry read so far.
  void add(const TimedSample& sample, std::span<const TelemetrySample> readings);

  // Why sampling should stop now, elapsed_s into the loop; empty to go on. The spread is
  // re-computed only as the kept count grows by about 1/16, so a long series costs O(n log n)
  // in total rather than per sample.
  std::optional<StopReason> should_stop(double elapsed_s);

  // The figures, with every sample's clock judged again against the complete series. Throws
  // std::logic_error when no sample was added.
  SampleSummary summarize(std::span<const TelemetrySample> readings) const;

  std::size_t size() const { return samples_.size(); }
  // Every sample in the order taken, and (parallel) whether summarize drops it as throttled.
  const std::vector<TimedSample>& samples() const { return samples_; }
  std::vector<bool> throttled(std::span<const TelemetrySample> readings) const;

 private:
  double threshold_mhz() const;

  StoppingRule rule_;
  std::optional<double> max_clock_mhz_;
  std::vector<TimedSample> samples_;
  std::vector<bool> throttled_;
  std::size_t kept_ = 0;
  std::size_t next_spread_check_ = 0;
  std::optional<StopReason> reason_;
};

}  // namespace gpubench
