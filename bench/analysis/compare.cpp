#include "analysis/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "gpubench/counters.hpp"
#include "gpubench/errors.hpp"
#include "model/statistics.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

bool is_time_metric(std::string_view metric) {
  return metric == counters::kRealTime || metric == counters::kCpuTime;
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
  identity.gpu_name = file.context_value(context_keys::kGpuName);
  identity.driver_version = file.context_value(context_keys::kDriverVersion);
  identity.date = file.context_value(context_keys::kDate);
  identity.host_name = file.context_value(context_keys::kHostName);
  return identity;
}

// Median SM clock over every successful repetition in the file, as text for the manifest header.
std::optional<std::string> run_clock(const ResultsFile& file) {
  std::vector<double> clocks;
  for (const auto& record : file.benchmarks) {
    if (record.run_type != "iteration" || record.error_occurred) continue;
    const auto it = record.counters.find(std::string(counters::kSmClockMhz));
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
  // gpubench_timing: a diagnostic run (no L2 flush, batched launches) is no figure of record;
  // gpubench_timing_method: a run with the stream held and one without differ on short rows.
  keys.insert(keys.end(),
              {"gpubench_profile", "gpubench_suites", "gpubench_timing", "gpubench_timing_method"});
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
  if (clock_a != clock_b) differences.push_back({"median sm_clock_mhz", clock_a, clock_b});
  return differences;
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
                                const MetricSamples& candidate, const CompareOptions& options) {
  MetricComparison result;
  result.metric = metric;
  result.unit = base.unit;
  result.direction = metric_direction(metric);
  result.base_n = base.values.size();
  result.candidate_n = candidate.values.size();
  MetricSamples candidate_in_base_unit = candidate;
  candidate_in_base_unit.values = converted(candidate, base.unit);
  result.judgement = judge(base.repetitions(), candidate_in_base_unit.repetitions(),
                           result.direction, options.rule());
  result.base_clock_mhz = median_of_finite(base.sm_clock_mhz);
  result.candidate_clock_mhz = median_of_finite(candidate.sm_clock_mhz);
  const auto base_normalised = clock_normalised(base.values, base.sm_clock_mhz, result.direction);
  const auto candidate_normalised =
      clock_normalised(candidate_in_base_unit.values, candidate.sm_clock_mhz, result.direction);
  if (!base_normalised.empty() && !candidate_normalised.empty()) {
    const double a = stats::median(base_normalised);
    const double b = stats::median(candidate_normalised);
    if (a != 0.0) result.clock_normalised_change = (b - a) / a;
  }
  return result;
}

Contention contention_of(const RunSamples& base, const RunSamples& candidate) {
  if (base.contended && candidate.contended) return Contention::kBoth;
  if (base.contended) return Contention::kBase;
  return candidate.contended ? Contention::kCandidate : Contention::kNone;
}

std::string contention_error(Contention contended) {
  return fmt::format(
      "measured while the GPU was shared ({}); rerun on an idle GPU, or pass --allow-contended to "
      "judge it anyway",
      contended == Contention::kBoth   ? "both runs"
      : contended == Contention::kBase ? "base run"
                                       : "new run");
}

// The comparison of one benchmark present in both files (the candidate has not failed).
BenchmarkComparison compare_benchmark(const RunSamples& base, const RunSamples& candidate,
                                      const CompareOptions& options) {
  BenchmarkComparison benchmark;
  benchmark.name = base.run_name;
  benchmark.contended = contention_of(base, candidate);
  for (const auto& [metric, base_samples] : base.metrics) {
    const auto candidate_samples = candidate.metrics.find(metric);
    if (candidate_samples == candidate.metrics.end()) continue;
    MetricComparison compared =
        compare_metric(metric, base_samples, candidate_samples->second, options);
    compared.base_from_aggregate = base.from_aggregate;
    compared.candidate_from_aggregate = candidate.from_aggregate;
    benchmark.metrics.push_back(std::move(compared));
  }
  // real_time first, then the counters alphabetically.
  std::stable_sort(benchmark.metrics.begin(), benchmark.metrics.end(),
                   [](const MetricComparison& a, const MetricComparison& b) {
                     return is_time_metric(a.metric) && !is_time_metric(b.metric);
                   });
  std::vector<Verdict> verdicts;
  for (const auto& m : benchmark.metrics)
    verdicts.push_back(m.judgement.verdict);
  benchmark.verdict = combined_verdict(verdicts);
  if (benchmark.contended != Contention::kNone && !options.allow_contended) {
    benchmark.verdict = Verdict::kError;
    benchmark.failure = contention_error(benchmark.contended);
  }
  return benchmark;
}

BenchmarkComparison failed_in_candidate(const RunSamples& candidate) {
  BenchmarkComparison failed;
  failed.name = candidate.run_name;
  failed.verdict = Verdict::kError;
  failed.failure = "failed in the new run: " + *candidate.failure;
  return failed;
}

void check_inputs(const Comparison& comparison, std::size_t base_runs, std::size_t candidate_runs,
                  bool any_metric) {
  const CompareOptions& options = comparison.options;
  const auto& base = comparison.base.path;
  const auto& candidate = comparison.candidate.path;
  if (options.benchmark_regex && base_runs == 0 && candidate_runs == 0) {
    throw UserError(fmt::format("--benchmark \"{}\" matches no benchmark in {} or {}.",
                                escaped_excerpt(*options.benchmark_regex, 80),
                                printable_path(base.string()), printable_path(candidate.string())));
  }
  if (comparison.benchmarks.empty() && comparison.not_compared.empty()) {
    throw UserError(fmt::format(
        "{} and {} have no benchmark in common ({} and {} benchmarks); compare runs of the same "
        "suite.",
        printable_path(base.string()), printable_path(candidate.string()), base_runs,
        candidate_runs));
  }
  if (!any_metric && options.metric_regex && comparison.count(Verdict::kError) == 0) {
    throw UserError(fmt::format(
        "--metric \"{}\" selects no metric present in both files; metrics are real_time, cpu_time "
        "and the counters whose name carries a unit (e.g. bandwidth_gbs, latency_ns).",
        escaped_excerpt(*options.metric_regex, 80)));
  }
}

}  // namespace

std::string_view to_string(Contention contention) {
  switch (contention) {
    case Contention::kNone:
      return "none";
    case Contention::kBase:
      return "base";
    case Contention::kCandidate:
      return "new";
    case Contention::kBoth:
      break;
  }
  return "both";
}

void validate_rule(const VerdictRule& rule) {
  if (!(rule.alpha > 0.0 && rule.alpha < 1.0)) {
    throw UserError(fmt::format("--alpha must lie between 0 and 1 (got {}).", rule.alpha));
  }
  if (!(rule.threshold >= 0.0 && std::isfinite(rule.threshold))) {
    throw UserError(
        fmt::format("--threshold must be a percentage >= 0 (got {}).", rule.threshold * 100));
  }
}

std::size_t Comparison::count(Verdict verdict) const {
  return static_cast<std::size_t>(
      std::count_if(benchmarks.begin(), benchmarks.end(),
                    [&](const BenchmarkComparison& b) { return b.verdict == verdict; }));
}

std::vector<const BenchmarkComparison*> Comparison::contended() const {
  std::vector<const BenchmarkComparison*> found;
  for (const auto& benchmark : benchmarks) {
    if (benchmark.contended != Contention::kNone) found.push_back(&benchmark);
  }
  return found;
}

bool Comparison::has_regression() const {
  return count(Verdict::kSlower) > 0 || count(Verdict::kError) > 0;
}

Resolution Comparison::resolution() const {
  std::vector<std::optional<double>> rows;
  for (const auto& benchmark : benchmarks) {
    if (benchmark.metrics.empty()) continue;
    std::vector<const Judgement*> judgements;
    for (const auto& metric : benchmark.metrics)
      judgements.push_back(&metric.judgement);
    rows.push_back(row_detectable_change(judgements));
  }
  return resolution_of(rows, options.threshold);
}

Comparison compare_runs(const ResultsFile& base, const ResultsFile& candidate,
                        const CompareOptions& options) {
  validate_rule(options.rule());
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

  const MetricSelector selector(options.metric_regex, options.all_metrics);
  const BenchmarkFilter filter(options.benchmark_regex);
  const std::vector<RunSamples> base_runs = extract_samples(base, selector, filter);
  const std::vector<RunSamples> candidate_runs = extract_samples(candidate, selector, filter);
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
    } else if (found->second->failure) {
      comparison.benchmarks.push_back(failed_in_candidate(*found->second));
    } else if (base_run.failure) {
      comparison.not_compared.emplace_back(base_run.run_name,
                                           "failed in the base run: " + *base_run.failure);
    } else if (auto compared = compare_benchmark(base_run, *found->second, options);
               compared.metrics.empty()) {
      comparison.not_compared.emplace_back(base_run.run_name, "no selected metric on both sides");
    } else {
      any_metric = true;
      comparison.benchmarks.push_back(std::move(compared));
    }
  }
  for (const auto& run : candidate_runs) {
    if (!base_names.contains(run.run_name)) comparison.only_in_candidate.push_back(run.run_name);
  }
  check_inputs(comparison, base_runs.size(), candidate_runs.size(), any_metric);
  return comparison;
}

}  // namespace gpubench
