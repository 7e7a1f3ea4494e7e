#include "analysis/history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_map>

#include "gpubench/errors.hpp"
#include "model/statistics.hpp"

namespace gpubench {
namespace {

using ordered_json = nlohmann::ordered_json;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Splits at every non-alphanumeric character and at digit/letter boundaries.
std::vector<std::string_view> version_tokens(std::string_view version) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < version.size()) {
    if (!is_alnum(version[i])) {
      ++i;
      continue;
    }
    const bool digits = is_digit(version[i]);
    std::size_t end = i;
    while (end < version.size() && is_alnum(version[end]) && is_digit(version[end]) == digits) {
      ++end;
    }
    tokens.push_back(version.substr(i, end - i));
    i = end;
  }
  return tokens;
}

int compare_numbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0')
    a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0')
    b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int order = a.compare(b);
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}

// Seconds since the epoch for "YYYY-MM-DDTHH:MM:SS" with an optional "+HH:MM"/"-HH:MM"/"Z".
std::optional<long long> parse_date(std::string_view text) {
  auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
    if (at + length > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) {
      if (!is_digit(text[i])) return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto year = number(0, 4);
  const auto month = number(5, 2);
  const auto day = number(8, 2);
  const auto hour = number(11, 2);
  const auto minute = number(14, 2);
  const auto second = number(17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  long long seconds = std::chrono::sys_days{date}.time_since_epoch().count() * 86400LL +
                      *hour * 3600LL + *minute * 60LL + *second;
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {  // fractional seconds
    ++at;
    while (at < text.size() && is_digit(text[at]))
      ++at;
  }
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const auto offset_hours = number(at + 1, 2);
    const auto offset_minutes = number(at + 4, 2);
    if (!offset_hours || !offset_minutes) return std::nullopt;
    const long long offset = *offset_hours * 3600LL + *offset_minutes * 60LL;
    seconds += text[at] == '+' ? -offset : offset;
  }
  return seconds;
}

// What one file contributes, extracted by a reader thread.
struct FileSummary {
  std::filesystem::path path;
  std::optional<std::string> error;
  std::string gpu_name;
  std::string driver_version;
  std::string date;
  std::vector<RunSamples> runs;
};

FileSummary summarise_file(const std::filesystem::path& path, const MetricSelector& selector) {
  FileSummary summary;
  summary.path = path;
  try {
    const ResultsFile file = load_results_file(path);
    summary.gpu_name = file.context_value("gpu_name").value_or(std::string(kUnknownGpu));
    summary.driver_version =
        file.context_value("driver_version").value_or(std::string(kUnknownDriver));
    summary.date = file.context_value("date").value_or("");
    summary.runs = extract_samples(file, selector);
  } catch (const UserError& error) {
    summary.error = error.what();
  } catch (const std::exception& error) {
    summary.error = fmt::format("Cannot read {}: {}.", path.string(), error.what());
  }
  return summary;
}

std::vector<FileSummary> summarise_files(const std::vector<std::filesystem::path>& files,
                                         const HistoryOptions& options) {
  std::vector<FileSummary> summaries(files.size());
  unsigned jobs =
      options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(files.size(), 1)));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    const MetricSelector selector(options.metric_regex);  // one per thread: it caches decisions
    for (std::size_t i = next++; i < files.size(); i = next++) {
      summaries[i] = summarise_file(files[i], selector);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t)
    threads.emplace_back(work);
  work();
  for (auto& thread : threads)
    thread.join();
  return summaries;
}

// Pooled samples of one series in one driver column.
struct Pool {
  std::vector<double> values;
  std::size_t runs = 0;
};

struct SeriesBuilder {
  std::string benchmark;
  std::string metric;
  std::string unit;
  std::vector<Pool> pools;  // per driver column
};

HistoryGroup build_group(const std::string& gpu_name, std::vector<const FileSummary*> files,
                         const HistoryOptions& options) {
  std::sort(files.begin(), files.end(), [](const FileSummary* a, const FileSummary* b) {
    const int order = compare_driver_versions(a->driver_version, b->driver_version);
    if (order != 0) return order < 0;
    if (a->date != b->date) return date_before(a->date, b->date);
    return a->path < b->path;
  });
  HistoryGroup group;
  group.gpu_name = gpu_name;
  std::vector<std::size_t> column_of_file;
  for (const FileSummary* file : files) {
    if (group.drivers.empty() || group.drivers.back().driver_version != file->driver_version) {
      group.drivers.push_back({file->driver_version, {}});
    }
    group.drivers.back().runs.push_back({file->path, file->date});
    column_of_file.push_back(group.drivers.size() - 1);
  }

  std::vector<SeriesBuilder> builders;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (std::size_t f = 0; f < files.size(); ++f) {
    const std::size_t column = column_of_file[f];
    for (const RunSamples& run : files[f]->runs) {
      if (run.failure) continue;
      // Times (real_time, cpu_time) first, then the counters alphabetically, as compare lists them.
      std::vector<const std::pair<const std::string, MetricSamples>*> ordered;
      for (const auto& entry : run.metrics)
        ordered.push_back(&entry);
      std::stable_partition(ordered.begin(), ordered.end(),
                            [](const auto* entry) { return !entry->second.unit.empty(); });
      for (const auto* entry : ordered) {
        const std::string& metric = entry->first;
        const MetricSamples& samples = entry->second;
        const auto [it, inserted] = index.emplace(std::pair{run.run_name, metric}, builders.size());
        if (inserted) {
          builders.push_back({run.run_name, metric, samples.unit, {}});
          builders.back().pools.resize(group.drivers.size());
        }
        SeriesBuilder& builder = builders[it->second];
        Pool& pool = builder.pools[column];
        const double factor =
            samples.unit == builder.unit ? 1.0 : time_unit_factor(samples.unit, builder.unit);
        for (const double value : samples.values)
          pool.values.push_back(value * factor);
        ++pool.runs;
      }
    }
  }

  const CompareOptions judge_options{options.metric_regex, options.alpha, options.threshold, true};
  for (SeriesBuilder& builder : builders) {
    HistorySeries series;
    series.benchmark = std::move(builder.benchmark);
    series.metric = std::move(builder.metric);
    series.unit = std::move(builder.unit);
    series.direction = metric_direction(series.metric);
    std::optional<std::size_t> previous;
    for (std::size_t column = 0; column < builder.pools.size(); ++column) {
      const Pool& pool = builder.pools[column];
      if (pool.values.empty()) {
        series.points.emplace_back();
        continue;
      }
      series.points.push_back(HistoryPoint{pool.runs, pool.values.size(),
                                           stats::median(pool.values),
                                           stats::relative_iqr(pool.values)});
      if (previous) {
        series.steps.push_back(
            {*previous, column,
             judge(builder.pools[*previous].values, pool.values, series.direction, judge_options)});
      }
      previous = column;
    }
    group.series.push_back(std::move(series));
  }
  return group;
}

}  // namespace

int compare_driver_versions(std::string_view a, std::string_view b) {
  const auto ta = version_tokens(a);
  const auto tb = version_tokens(b);
  for (std::size_t i = 0; i < std::min(ta.size(), tb.size()); ++i) {
    const bool na = is_digit(ta[i].front());
    const bool nb = is_digit(tb[i].front());
    if (na != nb) return na ? -1 : 1;  // a number sorts before text
    const int order = na ? compare_numbers(ta[i], tb[i]) : ta[i].compare(tb[i]);
    if (order != 0) return order < 0 ? -1 : 1;
  }
  if (ta.size() != tb.size()) return ta.size() < tb.size() ? -1 : 1;
  const int order = a.compare(b);
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}

bool date_before(std::string_view a, std::string_view b) {
  const auto da = parse_date(a);
  const auto db = parse_date(b);
  if (da && db && *da != *db) return *da < *db;
  if (da.has_value() != db.has_value()) return da.has_value();
  return a < b;
}

std::vector<std::filesystem::path> collect_result_files(
    const std::vector<std::filesystem::path>& inputs, std::vector<SkippedFile>& skipped) {
  namespace fs = std::filesystem;
  std::set<fs::path> files;
  for (const auto& input : inputs) {
    std::error_code error;
    const fs::file_status status = fs::status(input, error);
    if (error || !fs::exists(status)) {
      throw UserError(fmt::format("{} does not exist; name results files or directories of them.",
                                  input.string()));
    }
    if (!fs::is_directory(status)) {
      files.insert(input.lexically_normal());
      continue;
    }
    fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied,
                                        error);
    if (error) {
      skipped.push_back(
          {input, fmt::format("Cannot list {}: {}.", input.string(), error.message())});
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (error) {
        skipped.push_back(
            {input, fmt::format("Cannot list part of {}: {}.", input.string(), error.message())});
        break;
      }
      const fs::path& path = it->path();
      const std::string name = path.filename().string();
      if (path.extension() != ".json" || name.find(".json.tmp") != std::string::npos) continue;
      std::error_code kind_error;
      if (!it->is_regular_file(kind_error)) continue;
      files.insert(path.lexically_normal());
    }
  }
  return {files.begin(), files.end()};
}

History build_history(const std::vector<std::filesystem::path>& files,
                      const HistoryOptions& options) {
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    throw UserError(fmt::format("--alpha must lie between 0 and 1 (got {}).", options.alpha));
  }
  if (!(options.threshold >= 0.0 && std::isfinite(options.threshold))) {
    throw UserError(
        fmt::format("--threshold must be a percentage >= 0 (got {}).", options.threshold * 100));
  }
  const MetricSelector check_regex(options.metric_regex);  // a bad regex fails before any reading

  History history;
  history.options = options;
  const std::vector<FileSummary> summaries = summarise_files(files, options);
  std::map<std::string, std::vector<const FileSummary*>> by_gpu;
  for (const FileSummary& summary : summaries) {
    if (summary.error) {
      history.skipped.push_back({summary.path, *summary.error});
      continue;
    }
    ++history.files_read;
    by_gpu[summary.gpu_name].push_back(&summary);
  }
  for (auto& [gpu_name, group_files] : by_gpu) {
    history.groups.push_back(build_group(gpu_name, std::move(group_files), options));
  }
  return history;
}

}  // namespace gpubench
