#pragma once
// Board power that is physically possible: measured only over a dedicated sustained window (one
// kernel launched back to back for at least a second after the reading has settled), never from
// the few milliseconds of one repetition. NVML's power reading is an average over a window far
// longer than a repetition (about 1 s on recent boards), so a short sample mostly reports the
// card's previous state; the cumulative energy counter does not lag, and is preferred where the
// board has one. Every reading is checked against the enforced power limit. Pure, so the CPU tests
// drive it with recorded timelines.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/telemetry.hpp"

namespace gpubench {

// Power must come from at least this long a settled window of back-to-back launches to be divided
// into a figure: NVML's board power is averaged over far longer than one 5-20 ms repetition. The
// harness measures to it and the report reads figures by it.
inline constexpr double kSustainedPowerWindowS = 1.0;

struct SustainedPowerPolicy {
  double min_window_s = kSustainedPowerWindowS;  // settled span that must remain for a figure
  double min_settle_s = 0.2;       // readings earlier than this after the load began never count
  double settle_tolerance = 0.05;  // settled: within 5% of the plateau (the last half's median)
  double limit_margin = 0.10;      // a reading above the enforced limit by more is discarded
  double counter_span_s = 0.1;     // energy-counter power is taken over spans at least this long
};

struct SustainedPower {
  std::optional<double> mean_power_w;  // empty: no trustworthy figure (see problem)
  std::optional<double> energy_j;      // over the settled window
  double settled_at_s = 0;             // when the reading settled, on the samples' time base
  double window_s = 0;                 // the settled span the figure covers
  EnergySource source = EnergySource::kNone;
  std::size_t readings_used = 0;
  std::size_t readings_over_limit = 0;  // discarded: above the enforced limit + margin
  std::size_t counter_resets = 0;       // spans where the energy counter went back (wrap, reload)
  bool limit_checked = false;           // false when the enforced limit was unknown
  std::string problem;                  // one sentence, when there is no figure
};

// The time at which power under a load that began at load_begin_s settled (the first reading,
// at least min_settle_s in, within settle_tolerance of the plateau), or nullopt while it has not.
// Uses the energy counter's power where every sample has the counter (it does not lag, so it
// settles about as much sooner as NVML's power reading averages over), the power reading where
// there is no counter or the counter's power gives no plateau within the limit.
std::optional<double> power_settle_time(const std::vector<TelemetrySample>& samples,
                                        double load_begin_s, double load_end_s,
                                        std::optional<double> enforced_limit_w,
                                        const SustainedPowerPolicy& policy = {});

// Mean board power and energy over the settled part of [load_begin_s, load_end_s]: from the energy
// counter where every sample in the window has one and it rose, from the power readings otherwise.
// Spans or readings above enforced_limit_w x (1 + limit_margin) are discarded and counted; a span
// over which the counter went backwards (a wrap or a driver reload) is dropped and counted. No
// figure when the settled window is shorter than min_window_s, or nothing trustworthy remains.
SustainedPower measure_sustained_power(const std::vector<TelemetrySample>& samples,
                                       double load_begin_s, double load_end_s,
                                       std::optional<double> enforced_limit_w,
                                       const SustainedPowerPolicy& policy = {});

// Whether a benchmark's counters hold power from a sustained window (power_window_s of at least
// min_window_s beside power_mean_w). Files written before the window existed hold per-repetition
// power, which no per-watt figure may use.
bool has_sustained_power(const std::map<std::string, double>& counters,
                         const SustainedPowerPolicy& policy = {});

}  // namespace gpubench
