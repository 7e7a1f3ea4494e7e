// Reducing a results file's records to one figure set per benchmark.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/report.hpp"

namespace gpubench {
namespace {

// google/benchmark appends these to a name; results stay comparable without them.
bool is_run_suffix(std::string_view part) {
  return part == "manual_time" || part == "real_time" || part == "process_time" ||
         part.starts_with("repeats:") || part.starts_with("threads:") ||
         part.starts_with("min_time:") || part.starts_with("iterations:");
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string display_name(std::string_view run_name) {
  std::vector<std::string> parts = split(run_name, '/');
  while (parts.size() > 1 && is_run_suffix(parts.back()))
    parts.pop_back();
  return fmt::format("{}", fmt::join(parts, "/"));
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::optional<double> cv_percent_of(const std::vector<double>& values) {
  if (values.size() < 2) return std::nullopt;
  double mean = 0;
  for (const double value : values)
    mean += value;
  mean /= static_cast<double>(values.size());
  if (mean == 0) return std::nullopt;
  double squares = 0;
  for (const double value : values)
    squares += (value - mean) * (value - mean);
  const double stddev = std::sqrt(squares / static_cast<double>(values.size() - 1));
  return stddev / std::fabs(mean) * 100;
}

// The repetitions' counters and labels folded into `benchmark` (medians where the file has no
// median aggregate, CVs where it has no cv aggregate).
void fold_repetitions(MeasuredBenchmark& benchmark,
                      const std::vector<const BenchmarkRecord*>& iterations, bool has_cv) {
  std::map<std::string, std::vector<double>> samples;
  std::vector<std::string> labels;  // distinct, in order: a throttle seen in any repetition shows
  if (!benchmark.label.empty()) labels.push_back(benchmark.label);
  for (const BenchmarkRecord* record : iterations) {
    for (const auto& [key, value] : record->counters)
      samples[key].push_back(value);
    if (!record->label.empty() &&
        std::find(labels.begin(), labels.end(), record->label) == labels.end()) {
      labels.push_back(record->label);
    }
  }
  benchmark.label = fmt::format("{}", fmt::join(labels, "; "));
  for (const auto& [key, values] : samples) {
    if (!benchmark.median.contains(key)) benchmark.median[key] = median_of(values);
    if (!has_cv) {
      if (const auto spread = cv_percent_of(values)) benchmark.cv_pct[key] = *spread;
    }
  }
}

MeasuredBenchmark summarize_one(const std::string& run_name,
                                const std::vector<const BenchmarkRecord*>& records) {
  MeasuredBenchmark benchmark;
  benchmark.name = display_name(run_name);
  const std::vector<std::string> parts = split(benchmark.name, '/');
  benchmark.family = parts.front();
  benchmark.section = parts.size() > 2 ? parts[1] : "";
  const BenchmarkRecord* median = nullptr;
  const BenchmarkRecord* cv = nullptr;
  std::vector<const BenchmarkRecord*> iterations;
  for (const BenchmarkRecord* record : records) {
    if (record->error_occurred) {
      benchmark.failed = true;
      if (benchmark.error_message.empty()) benchmark.error_message = record->error_message;
    }
    if (record->run_type == "aggregate") {
      if (record->aggregate_name == "median") median = record;
      if (record->aggregate_name == "cv") cv = record;
    } else {
      iterations.push_back(record);
    }
  }
  if (benchmark.failed) {
    if (benchmark.error_message.empty()) benchmark.error_message = "failed without a message";
    return benchmark;
  }
  benchmark.repetitions = static_cast<std::int64_t>(iterations.size());
  if (median != nullptr) {
    benchmark.median = median->counters;
    benchmark.label = median->label;
    benchmark.repetitions = std::max(benchmark.repetitions, median->repetitions);
  }
  fold_repetitions(benchmark, iterations, cv != nullptr);
  if (cv != nullptr) {
    // google/benchmark writes the coefficient of variation as a fraction.
    for (const auto& [key, value] : cv->counters)
      benchmark.cv_pct[key] = value * 100;
  }
  return benchmark;
}

}  // namespace

std::vector<MeasuredBenchmark> summarize_benchmarks(const ResultsFile& run) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const BenchmarkRecord*>> by_run;
  for (const BenchmarkRecord& record : run.benchmarks) {
    if (!by_run.contains(record.run_name)) order.push_back(record.run_name);
    by_run[record.run_name].push_back(&record);
  }
  std::vector<MeasuredBenchmark> out;
  for (const std::string& run_name : order)
    out.push_back(summarize_one(run_name, by_run[run_name]));
  return out;
}

}  // namespace gpubench
