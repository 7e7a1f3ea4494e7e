#pragma once
// Noise-based stopping: how many timed launches a benchmark takes. It samples until the median of
// the kept samples is known to within a target (its distribution-free confidence interval, see
// stats::relative_median_uncertainty) or its time is spent. A sample taken while the SM clock was
// throttled below a fraction of its maximum is dropped and counted, so a figure describes the card
// at speed, not a thermal or power excursion. Pure (no CUDA, no clock reads), so the CPU tests
// check every decision.
//
// Why the median's interval and not the samples' relative IQR (the rule before issue 27): the
// figure is the median, and how well it is known shrinks as 1 / sqrt(samples) whatever the spread
// of single launches. A row whose launches vary by a few percent (microsecond GEMMs, 1 MiB
// transfers) never reached an IQR of 0.5% and took its whole budget, though its median was known
// to 0.1% long before; a row that happened to draw 5 close samples from a two-state distribution
// stopped on them. With a run's SamplingBudget (sampling_budget.hpp) the time the first kind
// leaves goes to rows whose median is not yet known when their share is spent.

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "model/telemetry.hpp"

namespace gpubench {

struct StoppingRule {
  // The kept samples' median known to within this, relative: the larger side of its confidence
  // interval over the median (0.25%).
  double target_median_uncertainty = 0.0025;
  double confidence = 0.95;          // of that interval
  double budget_s = 0.1;             // the repetition's share of the run's sampling wall time
  std::size_t min_samples = 5;       // before the median's interval may stop it
  std::size_t max_samples = 10'000;  // memory and sort-time cap for microsecond launches
  double throttle_fraction = 0.75;   // of the maximum SM clock
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
  // The median's relative uncertainty (stats::relative_median_uncertainty at rule.confidence).
  double median_uncertainty = 0;
  std::size_t kept = 0;
  std::size_t throttled = 0;    // samples taken below the clock threshold
  bool kept_throttled = false;  // every sample was throttled: kept rather than report nothing
  StopReason reason = StopReason::kBudgetSpent;
  double sampling_s = 0;  // the loop's elapsed time at the last should_stop
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
  // max_clock_mhz: the SM clock's maximum; none disables the throttle check. allowance_s: the
  // most this series may sample for, its share (rule.budget_s) and what a run's SamplingBudget
  // lends beyond it; at most the share when smaller (the default).
  SampleSeries(StoppingRule rule, std::optional<double> max_clock_mhz, double allowance_s = 0);

  // Records a sample, judging its clock by the telemetry read so far.
  void add(const TimedSample& sample, std::span<const TelemetrySample> readings);

  // Why sampling should stop now, elapsed_s into the loop; empty to go on:
  //   - kConverged: at least rule.min_samples kept and the median known to the target;
  //   - kSampleCap: rule.max_samples taken;
  //   - kBudgetSpent: the allowance spent; or the share spent and the lent time not worth taking:
  //     fewer than min_samples kept (a launch this long is not extended), or the median's
  //     uncertainty, narrowing as 1 / sqrt(samples), would not come within sqrt(2) of the target
  //     in the allowance (elapsed x (uncertainty / target)^2 beyond twice it), so a row that
  //     cannot get there leaves the pool to rows that can.
  // The uncertainty is re-computed only as the kept count grows by about 1/16, so a long series
  // costs O(n log n) in total rather than per sample.
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
  bool out_of_time(double elapsed_s) const;

  StoppingRule rule_;
  std::optional<double> max_clock_mhz_;
  std::vector<TimedSample> samples_;
  std::vector<bool> throttled_;
  std::size_t kept_ = 0;
  double allowance_s_ = 0;
  std::size_t next_check_ = 0;
  std::optional<double> uncertainty_;  // at the last check
  double elapsed_s_ = 0;
  std::optional<StopReason> reason_;
};

}  // namespace gpubench
