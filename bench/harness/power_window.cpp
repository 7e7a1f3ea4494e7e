#include "harness/power_window.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "gpubench/counters.hpp"
#include "harness/progress.hpp"
#include "kernels/common/cuda_check.hpp"

namespace gpubench {
namespace {

constexpr double kBatchSeconds = 0.02;

}  // namespace

SustainedPower run_sustained_window(SuiteContext& context, const Enqueue& enqueue,
                                    TelemetrySampler& sampler, double launch_seconds) {
  const TelemetrySource* source = context.telemetry();
  if (source == nullptr) {
    SustainedPower none;
    none.problem = "no NVML telemetry";
    return none;
  }
  const std::optional<double> limit_w = source->enforced_power_limit_w();
  const cudaStream_t stream = context.stream();
  const long long per_batch = std::max<long long>(
      1, static_cast<long long>(kBatchSeconds / std::max(launch_seconds, 1e-7)));
  const double begin_s = sampler.seconds_since_start();
  SustainedPower power;
  for (;;) {
    for (long long i = 0; i < per_batch; ++i)
      enqueue(stream);
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    const double now_s = sampler.seconds_since_start();
    power = measure_sustained_power(sampler.readings(), begin_s, now_s, limit_w);
    if (power.mean_power_w || interrupted() || now_s - begin_s >= kMaxSustainedWindowS) break;
  }
  return power;
}

void add_sustained_power_counters(benchmark::State& state, std::string_view name,
                                  const SustainedPower& power, double launch_seconds) {
  if (!power.mean_power_w) {
    fmt::print(stderr, "gpubench: {}: no power figure: {}.\n", name, power.problem);
    return;
  }
  state.counters[std::string(counters::kPowerMeanW)] = *power.mean_power_w;
  state.counters[std::string(counters::kEnergyJ)] = *power.mean_power_w * launch_seconds;
  state.counters[std::string(counters::kPowerWindowS)] = power.window_s;
  state.counters[std::string(counters::kPowerReadingsOverLimit)] =
      static_cast<double>(power.readings_over_limit);
  if (power.readings_over_limit > 0) {
    fmt::print(stderr,
               "gpubench: {}: {} power reading(s) above the enforced limit were discarded.\n", name,
               power.readings_over_limit);
  }
}

}  // namespace gpubench
