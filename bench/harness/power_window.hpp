#pragma once
// The dedicated sustained window that gives a headline benchmark its power and energy: the
// benchmark's own launch, back to back, until the board's power reading has settled and at least
// a second more has passed (model/sustained_power.hpp judges the timeline). Run once per
// benchmark, after its timed repetition, so it never disturbs the timing.

#include <benchmark/benchmark.h>

#include "harness/suite_context.hpp"
#include "harness/telemetry.hpp"
#include "harness/timing.hpp"
#include "model/sustained_power.hpp"

namespace gpubench {

// Longest a window may run before giving up on the reading settling.
inline constexpr double kMaxSustainedWindowS = 5.0;

// Launches `enqueue` back to back in batches of about 20 ms (synchronised, so the queue stays
// short and Ctrl-C is honoured) while `sampler` records, until the timeline gives a figure or
// kMaxSustainedWindowS pass. launch_seconds: one launch's median time.
SustainedPower run_sustained_window(SuiteContext& context, const Enqueue& enqueue,
                                    TelemetrySampler& sampler, double launch_seconds);

// power_mean_w, energy_j (per launch: mean power x launch_seconds), power_window_s and
// power_readings_over_limit when the window gave a figure; otherwise nothing, and the problem
// said once on stderr.
void add_sustained_power_counters(benchmark::State& state, std::string_view name,
                                  const SustainedPower& power, double launch_seconds);

}  // namespace gpubench
