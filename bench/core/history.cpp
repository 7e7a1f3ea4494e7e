#include "gpubench/history.hpp"

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
#include "gpubench/statistics.hpp"
#include "gpubench/text_table.hpp"

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

std::string format_value(double value) {
  return fmt::format("{:.5g}", value);
}

std::string format_change(double change) {
  if (!std::isfinite(change)) return "-";
  return fmt::format("{:+.1f}%", change * 100.0);
}

const HistoryStep* step_into(const HistorySeries& series, std::size_t column) {
  for (const auto& step : series.steps) {
    if (step.to == column) return &step;
  }
  return nullptr;
}

bool is_marked(const HistoryStep* step) {
  return step != nullptr && (step->judgement.verdict == Verdict::kFaster ||
                             step->judgement.verdict == Verdict::kSlower);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string csv_number(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : "";
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

std::string format_history_table(const History& history) {
  std::string out;
  for (const HistoryGroup& group : history.groups) {
    std::size_t runs = 0;
    for (const auto& driver : group.drivers)
      runs += driver.runs.size();
    out += fmt::format("{}: {} run{} on {} driver version{}\n", group.gpu_name, runs,
                       runs == 1 ? "" : "s", group.drivers.size(),
                       group.drivers.size() == 1 ? "" : "s");
    for (const auto& driver : group.drivers) {
      const std::string& first = driver.runs.front().date;
      const std::string& last = driver.runs.back().date;
      out += fmt::format("  driver {}: {} run{}{}\n", driver.driver_version, driver.runs.size(),
                         driver.runs.size() == 1 ? "" : "s",
                         first.empty()   ? ""
                         : first == last ? ", " + first
                                         : fmt::format(", {} .. {}", first, last));
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {"benchmark", "metric"};
    for (const auto& driver : group.drivers)
      header.push_back(driver.driver_version);
    for (const HistorySeries& series : group.series) {
      std::vector<std::string> row = {
          series.benchmark,
          series.unit.empty() ? series.metric : fmt::format("{} [{}]", series.metric, series.unit)};
      for (std::size_t column = 0; column < series.points.size(); ++column) {
        const auto& point = series.points[column];
        if (!point) {
          row.emplace_back("-");
          continue;
        }
        std::string cell = format_value(point->median);
        const HistoryStep* step = step_into(series, column);
        if (is_marked(step)) {
          cell += fmt::format(" {} {}", format_change(step->judgement.change),
                              to_string(step->judgement.verdict));
        }
        row.push_back(std::move(cell));
      }
      rows.push_back(std::move(row));
    }
    out += format_text_table(
        header, rows, [](std::size_t) { return false; }, "  ");
    out += "\n";
  }
  out += fmt::format(
      "{} file{} read, {} skipped. Each cell: the median over every repetition of the runs with "
      "that driver; a step is marked SLOWER/FASTER when it is significant (Mann-Whitney U, p < "
      "{}) and larger than {:.1f}%.\n",
      history.files_read, history.files_read == 1 ? "" : "s", history.skipped.size(),
      history.options.alpha, history.options.threshold * 100.0);
  return out;
}

std::string history_to_json(const History& history) {
  ordered_json out;
  out["options"] = {
      {"alpha", history.options.alpha},
      {"threshold", history.options.threshold},
      {"metric_regex", history.options.metric_regex ? ordered_json(*history.options.metric_regex)
                                                    : ordered_json(nullptr)}};
  out["files_read"] = history.files_read;
  ordered_json skipped = ordered_json::array();
  for (const auto& file : history.skipped) {
    skipped.push_back({{"path", file.path.string()}, {"reason", file.reason}});
  }
  out["skipped"] = std::move(skipped);
  ordered_json groups = ordered_json::array();
  for (const HistoryGroup& group : history.groups) {
    ordered_json drivers = ordered_json::array();
    for (const auto& driver : group.drivers) {
      ordered_json runs = ordered_json::array();
      for (const auto& run : driver.runs) {
        runs.push_back({{"path", run.path.string()}, {"date", run.date}});
      }
      drivers.push_back({{"driver_version", driver.driver_version}, {"runs", std::move(runs)}});
    }
    ordered_json series_list = ordered_json::array();
    for (const HistorySeries& series : group.series) {
      ordered_json points = ordered_json::array();
      for (std::size_t column = 0; column < series.points.size(); ++column) {
        const auto& point = series.points[column];
        if (!point) {
          points.push_back(nullptr);
          continue;
        }
        points.push_back(
            {{"driver_version", group.drivers[column].driver_version},
             {"runs", point->runs},
             {"n", point->n},
             {"median", point->median},
             {"relative_iqr",
              std::isfinite(point->spread) ? ordered_json(point->spread) : ordered_json(nullptr)}});
      }
      ordered_json steps = ordered_json::array();
      for (const auto& step : series.steps) {
        const Judgement& j = step.judgement;
        steps.push_back(
            {{"from", group.drivers[step.from].driver_version},
             {"to", group.drivers[step.to].driver_version},
             {"change", std::isfinite(j.change) ? ordered_json(j.change) : ordered_json(nullptr)},
             {"p_value", j.p_value ? ordered_json(*j.p_value) : ordered_json(nullptr)},
             {"verdict", to_string(j.verdict)},
             {"reason", j.reason}});
      }
      series_list.push_back({{"benchmark", series.benchmark},
                             {"metric", series.metric},
                             {"unit", series.unit},
                             {"direction", to_string(series.direction)},
                             {"points", std::move(points)},
                             {"steps", std::move(steps)}});
    }
    groups.push_back({{"gpu_name", group.gpu_name},
                      {"drivers", std::move(drivers)},
                      {"series", std::move(series_list)}});
  }
  out["groups"] = std::move(groups);
  return out.dump(2) + "\n";
}

std::string history_to_csv(const History& history) {
  std::string out =
      "gpu_name,benchmark,metric,unit,driver_version,runs,n,median,relative_iqr,step_change,"
      "step_p_value,step_verdict\n";
  for (const HistoryGroup& group : history.groups) {
    for (const HistorySeries& series : group.series) {
      for (std::size_t column = 0; column < series.points.size(); ++column) {
        const auto& point = series.points[column];
        if (!point) continue;
        const HistoryStep* step = step_into(series, column);
        out +=
            fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(group.gpu_name),
                        csv_field(series.benchmark), csv_field(series.metric),
                        csv_field(series.unit), csv_field(group.drivers[column].driver_version),
                        point->runs, point->n, csv_number(point->median), csv_number(point->spread),
                        step ? csv_number(step->judgement.change) : "",
                        step && step->judgement.p_value ? csv_number(*step->judgement.p_value) : "",
                        step ? std::string(to_string(step->judgement.verdict)) : "");
      }
    }
  }
  return out;
}

}  // namespace gpubench
