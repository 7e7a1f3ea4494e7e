#include "analysis/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "gpubench/errors.hpp"
#include "model/statistics.hpp"

namespace gpubench {
namespace {

using ordered_json = nlohmann::ordered_json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The one table of metric directions. Exact names first, then name parts carrying the unit.
struct NameRule {
  std::string_view text;
  Direction direction;
};
constexpr std::array<NameRule, 7> kExactNames = {{
    {"real_time", Direction::kLowerIsBetter},
    {"cpu_time", Direction::kLowerIsBetter},
    {"pct_of_spec", Direction::kHigherIsBetter},     // percent of the documented peak
    {"vs_counterpart", Direction::kHigherIsBetter},  // ratio to the counterpart card's peak
    {"items_per_second", Direction::kHigherIsBetter},
    {"bytes_per_second", Direction::kHigherIsBetter},
    {"sm_clock_mhz", Direction::kNone},  // a condition of the run, used for normalisation
}};
constexpr std::array<NameRule, 13> kUnitSuffixes = {{
    // rates: higher is better (checked before the time suffixes: "_per_s" ends in "_s")
    {"_gbs", Direction::kHigherIsBetter},
    {"_gbps", Direction::kHigherIsBetter},
    {"_tflops", Direction::kHigherIsBetter},
    {"_gflops", Direction::kHigherIsBetter},
    {"_tops", Direction::kHigherIsBetter},
    {"_gops", Direction::kHigherIsBetter},
    {"_per_s", Direction::kHigherIsBetter},
    {"_per_second", Direction::kHigherIsBetter},
    // times: lower is better
    {"_ns", Direction::kLowerIsBetter},
    {"_us", Direction::kLowerIsBetter},
    {"_ms", Direction::kLowerIsBetter},
    {"_s", Direction::kLowerIsBetter},
    {"_cycles", Direction::kLowerIsBetter},
}};

double time_unit_in_ns(std::string_view unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return kNaN;
}

bool is_time_metric(std::string_view metric) {
  return metric == "real_time" || metric == "cpu_time";
}

std::optional<double> median_of_finite(const std::vector<double>& values) {
  std::vector<double> finite;
  for (const double value : values) {
    if (std::isfinite(value)) finite.push_back(value);
  }
  if (finite.empty()) return std::nullopt;
  return stats::median(finite);
}

RunIdentity identity_of(const ResultsFile& file) {
  RunIdentity identity;
  identity.path = file.path;
  identity.has_manifest = file.is_gpubench_run();
  identity.gpu_name = file.context_value("gpu_name");
  identity.driver_version = file.context_value("driver_version");
  identity.date = file.context_value("date");
  identity.host_name = file.context_value("host_name");
  return identity;
}

// Median SM clock over every successful repetition in the file, as text for the manifest header.
std::optional<std::string> run_clock(const ResultsFile& file) {
  std::vector<double> clocks;
  for (const auto& record : file.benchmarks) {
    if (record.run_type != "iteration" || record.error_occurred) continue;
    const auto it = record.counters.find(std::string(kSmClockCounter));
    if (it != record.counters.end() && std::isfinite(it->second) && it->second > 0) {
      clocks.push_back(it->second);
    }
  }
  if (clocks.empty()) return std::nullopt;
  return fmt::format("{:.0f}", stats::median(clocks));
}

std::vector<ManifestDifference> manifest_differences(const ResultsFile& base,
                                                     const ResultsFile& candidate) {
  std::vector<std::string> keys;
  for (const auto key : kManifestKeys)
    keys.emplace_back(key);
  keys.insert(keys.end(), {"gpubench_profile", "gpubench_suites"});
  // Clock, power and similar device conditions, when a run records them in its context.
  std::set<std::string> conditions;
  for (const auto* file : {&base, &candidate}) {
    for (const auto& [key, value] : file->context) {
      for (const std::string_view word : {"clock", "power", "persistence", "ecc", "mig"}) {
        if (key.find(word) != std::string::npos) conditions.insert(key);
      }
    }
  }
  keys.insert(keys.end(), conditions.begin(), conditions.end());

  std::vector<ManifestDifference> differences;
  for (const auto& key : keys) {
    const auto a = base.context_value(key);
    const auto b = candidate.context_value(key);
    if (a != b) differences.push_back({key, a, b});
  }
  const auto clock_a = run_clock(base);
  const auto clock_b = run_clock(candidate);
  if (clock_a != clock_b) {
    differences.push_back({"median sm_clock_mhz", clock_a, clock_b});
  }
  return differences;
}

void validate_options(const CompareOptions& options) {
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    throw UserError(fmt::format("--alpha must lie between 0 and 1 (got {}).", options.alpha));
  }
  if (!(options.threshold >= 0.0 && std::isfinite(options.threshold))) {
    throw UserError(
        fmt::format("--threshold must be a percentage >= 0 (got {}).", options.threshold * 100));
  }
}

std::vector<double> converted(const MetricSamples& samples, std::string_view to_unit) {
  std::vector<double> values = samples.values;
  if (!samples.unit.empty() && samples.unit != to_unit) {
    const double factor = time_unit_factor(samples.unit, to_unit);
    for (double& value : values)
      value *= factor;
  }
  return values;
}

// Per-repetition values normalised by the SM clock recorded with them: rates per MHz, times
// multiplied by MHz (cycles-like). Empty when any repetition lacks a clock.
std::vector<double> clock_normalised(const std::vector<double>& values,
                                     const std::vector<double>& clocks, Direction direction) {
  std::vector<double> normalised;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i >= clocks.size() || !std::isfinite(clocks[i])) return {};
    normalised.push_back(direction == Direction::kHigherIsBetter ? values[i] / clocks[i]
                                                                 : values[i] * clocks[i]);
  }
  return normalised;
}

MetricComparison compare_metric(const std::string& metric, const MetricSamples& base,
                                const MetricSamples& candidate, bool base_aggregate,
                                bool candidate_aggregate, const CompareOptions& options) {
  MetricComparison result;
  result.metric = metric;
  result.unit = base.unit;
  result.direction = metric_direction(metric);
  result.base_n = base.values.size();
  result.candidate_n = candidate.values.size();
  result.base_from_aggregate = base_aggregate;
  result.candidate_from_aggregate = candidate_aggregate;
  const std::vector<double> candidate_values = converted(candidate, base.unit);
  result.judgement = judge(base.values, candidate_values, result.direction, options);
  result.base_clock_mhz = median_of_finite(base.sm_clock_mhz);
  result.candidate_clock_mhz = median_of_finite(candidate.sm_clock_mhz);
  const auto base_normalised = clock_normalised(base.values, base.sm_clock_mhz, result.direction);
  const auto candidate_normalised =
      clock_normalised(candidate_values, candidate.sm_clock_mhz, result.direction);
  if (!base_normalised.empty() && !candidate_normalised.empty()) {
    const double a = stats::median(base_normalised);
    const double b = stats::median(candidate_normalised);
    if (a != 0.0) result.clock_normalised_change = (b - a) / a;
  }
  return result;
}

Verdict benchmark_verdict(const std::vector<MetricComparison>& metrics) {
  auto any = [&](Verdict verdict) {
    return std::any_of(metrics.begin(), metrics.end(),
                       [&](const MetricComparison& m) { return m.judgement.verdict == verdict; });
  };
  if (any(Verdict::kSlower)) return Verdict::kSlower;
  if (any(Verdict::kFaster)) return Verdict::kFaster;
  if (any(Verdict::kUnsure)) return Verdict::kUnsure;
  return Verdict::kSame;
}

}  // namespace

Direction metric_direction(std::string_view metric) {
  for (const auto& rule : kExactNames) {
    if (metric == rule.text) return rule.direction;
  }
  if (metric.starts_with("latency_")) return Direction::kLowerIsBetter;
  for (const auto& rule : kUnitSuffixes) {
    if (ends_with(metric, rule.text)) return rule.direction;
  }
  return Direction::kNone;
}

std::string_view to_string(Direction direction) {
  switch (direction) {
    case Direction::kLowerIsBetter:
      return "lower_is_better";
    case Direction::kHigherIsBetter:
      return "higher_is_better";
    case Direction::kNone:
      break;
  }
  return "none";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFaster:
      return "FASTER";
    case Verdict::kSlower:
      return "SLOWER";
    case Verdict::kSame:
      return "SAME";
    case Verdict::kUnsure:
      return "UNSURE";
    case Verdict::kError:
      return "ERROR";
  }
  return "?";
}

MetricSelector::MetricSelector(const std::optional<std::string>& regex) {
  if (!regex) return;
  try {
    regex_.emplace(*regex, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    throw UserError(fmt::format("--metric \"{}\" is not a valid regular expression ({}).", *regex,
                                error.what()));
  }
}

bool MetricSelector::selects(const std::string& metric) const {
  const auto cached = decided_.find(metric);
  if (cached != decided_.end()) return cached->second;
  const Direction direction = metric_direction(metric);
  bool selected = false;
  if (direction != Direction::kNone) {
    selected = regex_ ? std::regex_search(metric, *regex_)
                      : metric == "real_time" || direction == Direction::kHigherIsBetter;
  }
  decided_.emplace(metric, selected);
  return selected;
}

double time_unit_factor(std::string_view from, std::string_view to) {
  const double a = time_unit_in_ns(from);
  const double b = time_unit_in_ns(to);
  if (std::isnan(a) || std::isnan(b)) {
    throw UserError(
        fmt::format("Unknown time unit \"{}\" (google/benchmark writes ns, us, ms or s).",
                    std::isnan(a) ? from : to));
  }
  return a / b;
}

std::vector<RunSamples> extract_samples(const ResultsFile& file, const MetricSelector& selector) {
  std::vector<RunSamples> runs;
  std::unordered_map<std::string, std::size_t> index;
  // Aggregates by run_name, kept until we know whether the run has repetitions.
  std::unordered_map<std::string, const BenchmarkRecord*> median_aggregate;
  std::unordered_map<std::string, const BenchmarkRecord*> mean_aggregate;
  std::vector<bool> has_samples;

  auto run_for = [&](const std::string& run_name) -> std::size_t {
    const auto [it, inserted] = index.emplace(run_name, runs.size());
    if (inserted) {
      runs.push_back(RunSamples{run_name, false, std::nullopt, {}});
      has_samples.push_back(false);
    }
    return it->second;
  };

  auto add_record = [&](RunSamples& run, const BenchmarkRecord& record) {
    const auto clock_it = record.counters.find(std::string(kSmClockCounter));
    const double clock =
        clock_it != record.counters.end() && std::isfinite(clock_it->second) && clock_it->second > 0
            ? clock_it->second
            : kNaN;
    auto add = [&](const std::string& metric, double value, const std::string& unit) {
      if (!selector.selects(metric)) return;
      if (!std::isfinite(value) || value < 0) {
        throw UserError(fmt::format(
            "Cannot use {}: benchmark \"{}\" has {} = {}, which is {}; rerun it or remove that "
            "entry.",
            file.path.string(), record.name, metric, value,
            std::isfinite(value) ? "negative" : "not a finite number"));
      }
      MetricSamples& samples = run.metrics[metric];
      if (samples.values.empty()) samples.unit = unit;
      if (samples.unit != unit) value *= time_unit_factor(unit, samples.unit);
      samples.values.push_back(value);
      samples.sm_clock_mhz.push_back(clock);
    };
    if (record.time_unit.empty() || !std::isnan(time_unit_in_ns(record.time_unit))) {
      add("real_time", record.real_time, record.time_unit);
      add("cpu_time", record.cpu_time, record.time_unit);
    } else {
      throw UserError(
          fmt::format("Cannot use {}: benchmark \"{}\" has the unknown time unit \"{}\".",
                      file.path.string(), record.name, record.time_unit));
    }
    for (const auto& [name, value] : record.counters)
      add(name, value, "");
  };

  for (const auto& record : file.benchmarks) {
    const std::size_t i = run_for(record.run_name);
    RunSamples& run = runs[i];
    if (record.error_occurred) {
      if (!run.failure) {
        run.failure = record.error_message.empty() ? "failed (no message)" : record.error_message;
      }
      continue;
    }
    if (record.run_type == "aggregate") {
      if (record.aggregate_name == "median") median_aggregate.emplace(record.run_name, &record);
      if (record.aggregate_name == "mean") mean_aggregate.emplace(record.run_name, &record);
      continue;
    }
    has_samples[i] = true;
    add_record(run, record);
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (has_samples[i] || runs[i].failure) continue;
    const auto median_it = median_aggregate.find(runs[i].run_name);
    const auto mean_it = mean_aggregate.find(runs[i].run_name);
    const BenchmarkRecord* aggregate = median_it != median_aggregate.end() ? median_it->second
                                       : mean_it != mean_aggregate.end()   ? mean_it->second
                                                                           : nullptr;
    if (aggregate == nullptr) continue;
    runs[i].from_aggregate = true;
    has_samples[i] = true;  // usable, through its aggregate
    add_record(runs[i], *aggregate);
  }
  // Runs with nothing usable (only stddev/cv aggregates) are dropped; runs whose records hold no
  // selected metric stay, with no metrics, so they still count as present.
  std::vector<RunSamples> usable;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (has_samples[i] || runs[i].failure) usable.push_back(std::move(runs[i]));
  }
  return usable;
}

Judgement judge(std::span<const double> base, std::span<const double> candidate,
                Direction direction, const CompareOptions& options) {
  Judgement result;
  if (base.empty() || candidate.empty()) {
    result.base_median = base.empty() ? kNaN : stats::median(base);
    result.candidate_median = candidate.empty() ? kNaN : stats::median(candidate);
    result.change = kNaN;
    result.reason = "no samples on one side";
    return result;
  }
  result.base_median = stats::median(base);
  result.candidate_median = stats::median(candidate);
  result.base_spread = stats::relative_iqr(base);
  result.candidate_spread = stats::relative_iqr(candidate);
  result.change = result.base_median != 0.0
                      ? (result.candidate_median - result.base_median) / result.base_median
                  : result.candidate_median == 0.0 ? 0.0
                                                   : kNaN;
  const auto test = stats::mann_whitney_u(base, candidate);
  result.p_value = test.p_value;
  result.exact_test = test.exact;

  const std::size_t fewest = std::min(base.size(), candidate.size());
  if (fewest < 3 || stats::min_attainable_p(base.size(), candidate.size()) >= options.alpha) {
    result.reason = fmt::format("too few repetitions ({} and {}) to reach p < {}", base.size(),
                                candidate.size(), options.alpha);
    return result;
  }
  if (std::isnan(result.change)) {
    result.reason = "the base median is 0";
    return result;
  }
  // Noise: the two sides' relative IQRs added (not the larger of them), so identical runs with
  // noise near the threshold are rarely called changed (Compare.IdenticalRunsAreAlmostNever...
  // measures it). A change must be larger than the noise; SAME needs the noise within the
  // threshold.
  const double magnitude = std::fabs(result.change);
  const double noise = result.base_spread + result.candidate_spread;
  if (noise > std::max(magnitude, options.threshold)) {
    result.reason = fmt::format("noise (relative IQRs {} + {}) larger than the {}",
                                format_percent(result.base_spread, false),
                                format_percent(result.candidate_spread, false),
                                magnitude > options.threshold ? "change" : "threshold");
    return result;
  }
  if (magnitude <= options.threshold) {
    result.verdict = Verdict::kSame;
    result.reason =
        fmt::format("within the {} threshold", format_percent(options.threshold, false));
    return result;
  }
  if (test.p_value >= options.alpha) {
    result.reason = fmt::format("not significant (p >= {})", options.alpha);
    return result;
  }
  const bool improved =
      direction == Direction::kHigherIsBetter ? result.change > 0 : result.change < 0;
  result.verdict = improved ? Verdict::kFaster : Verdict::kSlower;
  result.reason.clear();
  return result;
}

std::size_t Comparison::count(Verdict verdict) const {
  return static_cast<std::size_t>(
      std::count_if(benchmarks.begin(), benchmarks.end(),
                    [&](const BenchmarkComparison& b) { return b.verdict == verdict; }));
}

bool Comparison::has_regression() const {
  return count(Verdict::kSlower) > 0 || count(Verdict::kError) > 0;
}

Comparison compare_runs(const ResultsFile& base, const ResultsFile& candidate,
                        const CompareOptions& options) {
  validate_options(options);
  Comparison comparison;
  comparison.base = identity_of(base);
  comparison.candidate = identity_of(candidate);
  comparison.options = options;
  if (comparison.base.gpu_name && comparison.candidate.gpu_name &&
      *comparison.base.gpu_name != *comparison.candidate.gpu_name && !options.allow_different_gpu) {
    throw UserError(
        fmt::format("Refusing to compare runs on different GPUs: {} is from {}, {} from {}; pass "
                    "--allow-different-gpu to compare them anyway.",
                    base.path.string(), *comparison.base.gpu_name, candidate.path.string(),
                    *comparison.candidate.gpu_name));
  }
  comparison.manifest_differences = manifest_differences(base, candidate);

  const MetricSelector selector(options.metric_regex);
  const std::vector<RunSamples> base_runs = extract_samples(base, selector);
  const std::vector<RunSamples> candidate_runs = extract_samples(candidate, selector);
  std::unordered_map<std::string, const RunSamples*> candidate_by_name;
  for (const auto& run : candidate_runs)
    candidate_by_name.emplace(run.run_name, &run);
  std::set<std::string> base_names;

  bool any_metric = false;
  for (const auto& base_run : base_runs) {
    base_names.insert(base_run.run_name);
    const auto found = candidate_by_name.find(base_run.run_name);
    if (found == candidate_by_name.end()) {
      comparison.only_in_base.push_back(base_run.run_name);
      continue;
    }
    const RunSamples& candidate_run = *found->second;
    if (candidate_run.failure) {
      BenchmarkComparison failed;
      failed.name = base_run.run_name;
      failed.verdict = Verdict::kError;
      failed.failure = *candidate_run.failure;
      comparison.benchmarks.push_back(std::move(failed));
      continue;
    }
    if (base_run.failure) {
      comparison.not_compared.emplace_back(base_run.run_name,
                                           "failed in the base run: " + *base_run.failure);
      continue;
    }
    BenchmarkComparison benchmark;
    benchmark.name = base_run.run_name;
    for (const auto& [metric, base_samples] : base_run.metrics) {
      const auto candidate_samples = candidate_run.metrics.find(metric);
      if (candidate_samples == candidate_run.metrics.end()) continue;
      benchmark.metrics.push_back(compare_metric(metric, base_samples, candidate_samples->second,
                                                 base_run.from_aggregate,
                                                 candidate_run.from_aggregate, options));
    }
    // real_time first, then the counters alphabetically.
    std::stable_sort(benchmark.metrics.begin(), benchmark.metrics.end(),
                     [](const MetricComparison& a, const MetricComparison& b) {
                       return is_time_metric(a.metric) && !is_time_metric(b.metric);
                     });
    if (benchmark.metrics.empty()) {
      comparison.not_compared.emplace_back(base_run.run_name, "no selected metric on both sides");
      continue;
    }
    any_metric = true;
    benchmark.verdict = benchmark_verdict(benchmark.metrics);
    comparison.benchmarks.push_back(std::move(benchmark));
  }
  for (const auto& run : candidate_runs) {
    if (!base_names.contains(run.run_name)) comparison.only_in_candidate.push_back(run.run_name);
  }
  const bool any_common = !comparison.benchmarks.empty() || !comparison.not_compared.empty();
  if (!any_common) {
    throw UserError(fmt::format(
        "{} and {} have no benchmark in common ({} and {} benchmarks); compare runs of the same "
        "suite.",
        base.path.string(), candidate.path.string(), base_runs.size(), candidate_runs.size()));
  }
  if (!any_metric && options.metric_regex && comparison.count(Verdict::kError) == 0) {
    throw UserError(fmt::format(
        "--metric \"{}\" selects no metric present in both files; metrics are real_time, cpu_time "
        "and the counters whose name carries a unit (e.g. bandwidth_gbs, latency_ns).",
        *options.metric_regex));
  }
  return comparison;
}

// Shared with the renderers (render/compare_render.cpp) and history's.
std::string format_value(double value) {
  if (std::isnan(value)) return "-";
  return fmt::format("{:.5g}", value);
}

std::string format_percent(std::optional<double> fraction, bool sign) {
  if (!fraction || std::isnan(*fraction)) return "-";
  if (std::isinf(*fraction)) return *fraction > 0 ? "inf" : "-inf";
  return sign ? fmt::format("{:+.1f}%", *fraction * 100.0)
              : fmt::format("{:.1f}%", *fraction * 100.0);
}

std::string format_p(std::optional<double> p) {
  if (!p) return "-";
  return fmt::format("{:.2g}", *p);
}

std::string side_label(const RunIdentity& identity) {
  if (!identity.has_manifest) return "no gpubench manifest (plain google/benchmark file)";
  return fmt::format("{}, driver {}{}{}", identity.gpu_name.value_or("?"),
                     identity.driver_version.value_or("?"),
                     identity.date ? ", " + *identity.date : "",
                     identity.host_name ? ", host " + *identity.host_name : "");
}

std::string metric_line(const MetricComparison& m) {
  return fmt::format("{}{}: {} -> {} {} ({}, p={}, clock-normalised {}){}", m.metric,
                     m.unit.empty() ? "" : " [" + m.unit + "]",
                     format_value(m.judgement.base_median),
                     format_value(m.judgement.candidate_median), format_percent(m.judgement.change),
                     to_string(m.judgement.verdict), format_p(m.judgement.p_value),
                     format_percent(m.clock_normalised_change),
                     m.judgement.reason.empty() ? "" : ": " + m.judgement.reason);
}

}  // namespace gpubench
