#include "analysis/compare_samples.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "gpubench/counters.hpp"
#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A value no metric may take: extract_samples refuses the file when a selected metric has one.
bool refused_value(double value) {
  return !std::isfinite(value) || value < 0;
}

std::optional<double> counter(const BenchmarkRecord& record, std::string_view name) {
  const auto it = record.counters.find(name);
  if (it == record.counters.end() || !std::isfinite(it->second)) return std::nullopt;
  return it->second;
}

// The noise entry of MetricSamples::noise for one repetition.
double recorded_noise(const BenchmarkRecord& record) {
  if (!counter(record, counters::kSamples)) return kNaN;
  const auto noise_pct = counter(record, counters::kNoisePct);
  return noise_pct && *noise_pct >= 0 ? *noise_pct / 100.0 : 0.0;
}

class SampleReader {
 public:
  SampleReader(const ResultsFile& file, const MetricSelector& selector)
      : file_(file), selector_(selector) {}

  // Adds the record's selected metrics to the run; `repetition`: an iteration record (an
  // aggregate carries no per-repetition noise).
  void add(RunSamples& run, const BenchmarkRecord& record, bool repetition) const {
    if (!record.time_unit.empty() && std::isnan(time_unit_in_ns(record.time_unit))) {
      throw UserError(
          fmt::format("Cannot use {}: benchmark \"{}\" has the unknown time unit \"{}\".",
                      file_.path.string(), record.name, record.time_unit));
    }
    const auto clock = counter(record, counters::kSmClockMhz);
    const Context context{record, clock && *clock > 0 ? *clock : kNaN,
                          repetition ? recorded_noise(record) : kNaN};
    if (const auto contended = counter(record, counters::kContended); contended && *contended > 0) {
      run.contended = true;
    }
    add_value(run, context, std::string(counters::kRealTime), record.real_time, record.time_unit);
    add_value(run, context, std::string(counters::kCpuTime), record.cpu_time, record.time_unit);
    for (const auto& [name, value] : record.counters) {
      // keep_primary drops all but a candidate; any other value is only looked at to refuse it.
      if (selector_.primary_only() && !refused_value(value) && !may_be_primary_figure(name)) {
        continue;
      }
      add_value(run, context, name, value, "");
    }
  }

 private:
  struct Context {
    const BenchmarkRecord& record;
    double clock_mhz;
    double noise;
  };

  void add_value(RunSamples& run, const Context& context, const std::string& metric, double value,
                 const std::string& unit) const {
    if (!selector_.selects(metric)) return;
    if (refused_value(value)) {
      throw UserError(fmt::format(
          "Cannot use {}: benchmark \"{}\" has {} = {}, which is {}; rerun it or remove that "
          "entry.",
          file_.path.string(), context.record.name, metric, value,
          std::isfinite(value) ? "negative" : "not a finite number"));
    }
    MetricSamples& samples = run.metrics[metric];
    if (samples.values.empty()) samples.unit = unit;
    if (samples.unit != unit) value *= time_unit_factor(unit, samples.unit);
    samples.values.push_back(value);
    samples.sm_clock_mhz.push_back(context.clock_mhz);
    // The timed samples' noise is this metric's own only when it is computed from them; a figure
    // the kernel measures itself is judged by the spread of its repetitions alone (noise 0 here).
    samples.noise.push_back(
        std::isnan(context.noise) || noise_follows_timed_samples(metric) ? context.noise : 0.0);
  }

  const ResultsFile& file_;
  const MetricSelector& selector_;
};

// Keeps the benchmark's primary figure only.
void keep_primary(RunSamples& run) {
  std::vector<std::string> present;
  for (const auto& entry : run.metrics)
    present.push_back(entry.first);
  const std::string primary = primary_metric(present);
  std::erase_if(run.metrics, [&](const auto& entry) { return entry.first != primary; });
}

const BenchmarkRecord* aggregate_of(const std::vector<const BenchmarkRecord*>& aggregates) {
  for (const std::string_view wanted : {"median", "mean"}) {
    for (const BenchmarkRecord* record : aggregates) {
      if (record->aggregate_name == wanted) return record;
    }
  }
  return nullptr;
}

}  // namespace

bool read_for_primary_figure(std::string_view counter_name, double value) {
  if (refused_value(value)) return true;  // so that it is refused as from the whole file
  return may_be_primary_figure(counter_name) || counter_name == counters::kSmClockMhz ||
         counter_name == counters::kSamples || counter_name == counters::kNoisePct ||
         counter_name == counters::kContended;
}

Repetitions MetricSamples::repetitions() const {
  Repetitions result{values, std::nullopt};
  if (noise.empty() ||
      std::any_of(noise.begin(), noise.end(), [](double value) { return std::isnan(value); })) {
    return result;
  }
  result.within_noise = *std::max_element(noise.begin(), noise.end());
  return result;
}

std::vector<RunSamples> extract_samples(const ResultsFile& file, const MetricSelector& selector,
                                        const BenchmarkFilter& filter) {
  const SampleReader reader(file, selector);
  std::vector<RunSamples> runs;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<bool> has_samples;
  // Aggregates by run, kept until we know whether the run has repetitions.
  std::vector<std::vector<const BenchmarkRecord*>> aggregates;
  for (const auto& record : file.benchmarks) {
    if (!filter.selects(record.run_name)) continue;
    const auto [it, inserted] = index.emplace(record.run_name, runs.size());
    if (inserted) {
      runs.push_back(RunSamples{record.run_name, false, false, std::nullopt, {}});
      has_samples.push_back(false);
      aggregates.emplace_back();
    }
    const std::size_t i = it->second;
    if (record.error_occurred) {
      if (!runs[i].failure) {
        runs[i].failure =
            record.error_message.empty() ? "failed (no message)" : record.error_message;
      }
    } else if (record.run_type == "aggregate") {
      aggregates[i].push_back(&record);
    } else {
      has_samples[i] = true;
      reader.add(runs[i], record, true);
    }
  }
  std::vector<RunSamples> usable;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!has_samples[i] && !runs[i].failure) {
      const BenchmarkRecord* aggregate = aggregate_of(aggregates[i]);
      // Runs with nothing usable (only stddev/cv aggregates) are dropped.
      if (aggregate == nullptr) continue;
      runs[i].from_aggregate = true;
      reader.add(runs[i], *aggregate, false);
    }
    // Runs whose records hold no selected metric stay, with no metrics: they are still present.
    if (selector.primary_only()) keep_primary(runs[i]);
    usable.push_back(std::move(runs[i]));
  }
  return usable;
}

}  // namespace gpubench
