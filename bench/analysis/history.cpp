#include "analysis/history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "analysis/history_files.hpp"
#include "gpubench/errors.hpp"
#include "model/statistics.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

// Pooled repetitions of one series in one driver column.
struct Pool {
  MetricSamples samples;
  std::size_t runs = 0;
  std::size_t contended_runs = 0;
};

struct SeriesBuilder {
  std::string benchmark;
  std::string metric;
  std::string unit;
  std::vector<Pool> pools;  // per driver column
};

// Files by driver version, then date; one column per driver version.
std::vector<std::size_t> order_into_columns(std::vector<const FileSummary*>& files,
                                            HistoryGroup& group) {
  std::sort(files.begin(), files.end(), [](const FileSummary* a, const FileSummary* b) {
    const int order = compare_driver_versions(a->driver_version, b->driver_version);
    if (order != 0) return order < 0;
    if (a->date != b->date) return date_before(a->date, b->date);
    return a->path < b->path;
  });
  std::vector<std::size_t> column_of_file;
  for (const FileSummary* file : files) {
    if (group.drivers.empty() || group.drivers.back().driver_version != file->driver_version) {
      group.drivers.push_back({file->driver_version, {}});
    }
    group.drivers.back().runs.push_back({file->path, file->date});
    column_of_file.push_back(group.drivers.size() - 1);
  }
  return column_of_file;
}

class SeriesPools {
 public:
  explicit SeriesPools(std::size_t columns) : columns_(columns) {}

  void add(const RunSamples& run, std::size_t column) {
    // Times (real_time, cpu_time) first, then the counters alphabetically, as compare lists them.
    std::vector<const std::pair<const std::string, MetricSamples>*> ordered;
    for (const auto& entry : run.metrics)
      ordered.push_back(&entry);
    std::stable_partition(ordered.begin(), ordered.end(),
                          [](const auto* entry) { return !entry->second.unit.empty(); });
    for (const auto* entry : ordered) {
      const MetricSamples& samples = entry->second;
      const auto [it, inserted] =
          index_.emplace(std::pair{run.run_name, entry->first}, builders_.size());
      if (inserted) {
        builders_.push_back({run.run_name, entry->first, samples.unit, {}});
        builders_.back().pools.resize(columns_);
      }
      SeriesBuilder& builder = builders_[it->second];
      Pool& pool = builder.pools[column];
      const double factor =
          samples.unit == builder.unit ? 1.0 : time_unit_factor(samples.unit, builder.unit);
      for (std::size_t i = 0; i < samples.values.size(); ++i) {
        pool.samples.values.push_back(samples.values[i] * factor);
        pool.samples.noise.push_back(samples.noise[i]);
      }
      ++pool.runs;
      if (run.contended) ++pool.contended_runs;
    }
  }

  std::vector<SeriesBuilder>& builders() { return builders_; }

 private:
  std::size_t columns_;
  std::vector<SeriesBuilder> builders_;
  std::map<std::pair<std::string, std::string>, std::size_t> index_;
};

HistorySeries series_of(SeriesBuilder& builder, const HistoryOptions& options) {
  HistorySeries series;
  series.benchmark = std::move(builder.benchmark);
  series.metric = std::move(builder.metric);
  series.unit = std::move(builder.unit);
  series.direction = metric_direction(series.metric);
  std::optional<std::size_t> previous;
  for (std::size_t column = 0; column < builder.pools.size(); ++column) {
    const Pool& pool = builder.pools[column];
    const std::vector<double>& values = pool.samples.values;
    if (values.empty()) {
      series.points.emplace_back();
      continue;
    }
    const Repetitions repetitions = pool.samples.repetitions();
    series.points.push_back(HistoryPoint{
        pool.runs, values.size(), stats::median(values), stats::relative_iqr(values),
        repetitions.within_noise ? std::max(*repetitions.within_noise, repetition_spread(values))
                                 : std::numeric_limits<double>::quiet_NaN(),
        pool.contended_runs});
    if (previous) {
      series.steps.push_back({*previous, column,
                              judge(builder.pools[*previous].samples.repetitions(), repetitions,
                                    series.direction, options.rule())});
    }
    previous = column;
  }
  return series;
}

// Per driver step (each pair of columns some series steps between), the resolution of its steps.
std::vector<StepResolution> step_resolutions(const std::vector<HistorySeries>& series,
                                             double threshold) {
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::optional<double>>> by_step;
  for (const HistorySeries& one : series) {
    for (const HistoryStep& step : one.steps) {
      by_step[{step.from, step.to}].push_back(step.judgement.detectable_change);
    }
  }
  std::vector<StepResolution> result;
  for (const auto& [columns, detectable] : by_step) {
    result.push_back({columns.first, columns.second, resolution_of(detectable, threshold)});
  }
  return result;
}

HistoryGroup build_group(const std::string& gpu_name, std::vector<const FileSummary*> files,
                         const HistoryOptions& options, History& history) {
  HistoryGroup group;
  group.gpu_name = gpu_name;
  const std::vector<std::size_t> column_of_file = order_into_columns(files, group);
  SeriesPools pools(group.drivers.size());
  for (std::size_t f = 0; f < files.size(); ++f) {
    for (const RunSamples& run : files[f]->runs) {
      if (run.failure) continue;
      if (run.contended) {
        history.contended.push_back({files[f]->path, run.run_name, options.allow_contended});
        if (!options.allow_contended) continue;
      }
      pools.add(run, column_of_file[f]);
    }
  }
  for (SeriesBuilder& builder : pools.builders())
    group.series.push_back(series_of(builder, options));
  group.step_resolutions = step_resolutions(group.series, options.threshold);
  return group;
}

}  // namespace

History build_history(const std::vector<std::filesystem::path>& files,
                      const HistoryOptions& options) {
  validate_rule(options.rule());
  // A bad regex fails before any reading.
  const MetricSelector check_metric(options.metric_regex, options.all_metrics);
  const BenchmarkFilter check_benchmark(options.benchmark_regex);

  History history;
  history.options = options;
  const std::vector<FileSummary> summaries = summarise_files(files, options);
  std::map<std::string, std::vector<const FileSummary*>> by_gpu;
  bool any_benchmark = false;
  for (const FileSummary& summary : summaries) {
    if (summary.error) {
      history.skipped.push_back({summary.path, *summary.error});
      continue;
    }
    ++history.files_read;
    any_benchmark = any_benchmark || !summary.runs.empty();
    by_gpu[summary.gpu_name].push_back(&summary);
  }
  if (check_benchmark.active() && history.files_read > 0 && !any_benchmark) {
    throw UserError(fmt::format("--benchmark \"{}\" matches no benchmark in the {} file{} read.",
                                escaped_excerpt(check_benchmark.text(), 80), history.files_read,
                                history.files_read == 1 ? "" : "s"));
  }
  for (auto& [gpu_name, group_files] : by_gpu) {
    history.groups.push_back(build_group(gpu_name, std::move(group_files), options, history));
  }
  return history;
}

}  // namespace gpubench
