#include "render/compare_render.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "render/json_values.hpp"
#include "render/markup.hpp"
#include "render/text_table.hpp"

namespace gpubench {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string manifest_header(const Comparison& comparison) {
  std::string out;
  out +=
      fmt::format("base: {}  ({})\n", comparison.base.path.string(), side_label(comparison.base));
  out += fmt::format("new:  {}  ({})\n", comparison.candidate.path.string(),
                     side_label(comparison.candidate));
  if (comparison.manifest_differences.empty()) {
    out += "What differs: nothing in the manifests or the median SM clock.\n";
  } else {
    out += "What differs:\n";
    std::size_t width = 0;
    for (const auto& d : comparison.manifest_differences)
      width = std::max(width, d.key.size());
    for (const auto& d : comparison.manifest_differences) {
      out += fmt::format("  {:<{}}  {} -> {}\n", d.key, width, d.base.value_or("(absent)"),
                         d.candidate.value_or("(absent)"));
    }
  }
  return out + "\n";
}

std::string sample_cell(double median, std::size_t n, bool aggregate) {
  return fmt::format("{}{}", format_value(median),
                     aggregate ? " (agg)" : fmt::format(" (n={})", n));
}

// Why a row has its verdict, for the rows where a reader needs it.
std::string why(const BenchmarkComparison& benchmark, const Judgement& j) {
  std::string text = j.verdict == Verdict::kUnsure ? j.reason : "";
  if (j.verdict != Verdict::kUnsure && j.method == VerdictMethod::kRankRule && j.p_value) {
    text = "p=" + format_p(j.p_value);
  }
  if (benchmark.contended != Contention::kNone) {
    text = fmt::format("contended ({}){}", to_string(benchmark.contended),
                       text.empty() ? "" : "; " + text);
  }
  return text;
}

std::vector<std::vector<std::string>> table_rows(const Comparison& comparison, bool clock_column) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& benchmark : comparison.benchmarks) {
    if (benchmark.verdict == Verdict::kError && benchmark.failure) {
      std::vector<std::string> row = {benchmark.name,    "-", "", "", "", "", "ERROR",
                                      *benchmark.failure};
      if (clock_column) row.insert(row.begin() + 5, "");
      rows.push_back(std::move(row));
      continue;
    }
    for (const auto& m : benchmark.metrics) {
      const Judgement& j = m.judgement;
      std::vector<std::string> row = {
          benchmark.name,
          m.unit.empty() ? m.metric : m.metric + " [" + m.unit + "]",
          sample_cell(j.base_median, m.base_n, m.base_from_aggregate),
          sample_cell(j.candidate_median, m.candidate_n, m.candidate_from_aggregate),
          format_percent(j.change),
          format_percent(j.base_noise, false) + "/" + format_percent(j.candidate_noise, false),
          std::string(to_string(j.verdict)),
          why(benchmark, j)};
      if (clock_column) row.insert(row.begin() + 5, format_percent(m.clock_normalised_change));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// The verdict counts, and what share of the rows could resolve a change of the threshold.
ordered_json summary_json(const Comparison& comparison) {
  ordered_json summary;
  for (const Verdict v :
       {Verdict::kSlower, Verdict::kFaster, Verdict::kSame, Verdict::kUnsure, Verdict::kError}) {
    summary[std::string(to_string(v))] = comparison.count(v);
  }
  const Resolution resolution = comparison.resolution();
  summary["resolution"] = {
      {"change", resolution.change},
      {"rows", resolution.rows},
      {"resolving", resolution.resolving},
      {"share", resolution.share()},
      {"median_detectable_change", number_or_null(resolution.median_detectable_change)}};
  return summary;
}

}  // namespace

std::string format_comparison_table(const Comparison& comparison) {
  std::string out = manifest_header(comparison);
  // The clock-normalised change restates the change too: with --all-metrics only.
  const bool clock_column = comparison.options.all_metrics;
  std::vector<std::string> header = {"benchmark", "metric",    "base",    "new",
                                     "change",    "noise b/n", "verdict", "why"};
  if (clock_column) header.insert(header.begin() + 5, "clock-norm");
  const std::size_t last_figure = clock_column ? 7 : 6;
  // Benchmark, metric and the verdict's columns read left to right; the figures line up right.
  out += format_text_table(header, table_rows(comparison, clock_column),
                           [&](std::size_t c) { return c >= 2 && c < last_figure; });
  for (const auto& name : comparison.only_in_base)
    out += fmt::format("only in base: {}\n", name);
  for (const auto& name : comparison.only_in_candidate)
    out += fmt::format("only in new:  {}\n", name);
  for (const auto& [name, reason] : comparison.not_compared) {
    out += fmt::format("not compared: {} ({})\n", name, reason);
  }
  out += fmt::format(
      "\n{} benchmarks compared: {} SLOWER, {} FASTER, {} SAME, {} UNSURE, {} ERROR; {} only in "
      "base, {} only in new. A change counts when it exceeds {} and {:g}x the noise (noise: the "
      "metric's own, the larger of the timed samples' relative IQR for figures computed from them "
      "and the repetitions' spread, the two runs combined); files without per-repetition samples "
      "need p < {} (Mann-Whitney U) instead.\n",
      comparison.benchmarks.size(), comparison.count(Verdict::kSlower),
      comparison.count(Verdict::kFaster), comparison.count(Verdict::kSame),
      comparison.count(Verdict::kUnsure), comparison.count(Verdict::kError),
      comparison.only_in_base.size(), comparison.only_in_candidate.size(),
      format_percent(comparison.options.threshold, false), kNoiseMultiple,
      comparison.options.alpha);
  out +=
      fmt::format("Resolution: {}.\n", describe_resolution(comparison.resolution(), "benchmarks"));
  return out;
}

std::string comparison_to_json(const Comparison& comparison) {
  auto identity = [](const RunIdentity& id) {
    return ordered_json{{"path", id.path.string()},
                        {"has_manifest", id.has_manifest},
                        {"gpu_name", value_or_null(id.gpu_name)},
                        {"driver_version", value_or_null(id.driver_version)},
                        {"date", value_or_null(id.date)},
                        {"host_name", value_or_null(id.host_name)}};
  };
  ordered_json out = versioned_document(kCompareJsonSchema);
  out["base"] = identity(comparison.base);
  out["candidate"] = identity(comparison.candidate);
  out["options"] = {{"alpha", comparison.options.alpha},
                    {"threshold", comparison.options.threshold},
                    {"noise_multiple", kNoiseMultiple},
                    {"metric_regex", value_or_null(comparison.options.metric_regex)},
                    {"all_metrics", comparison.options.all_metrics},
                    {"benchmark_regex", value_or_null(comparison.options.benchmark_regex)},
                    {"allow_contended", comparison.options.allow_contended}};
  ordered_json differences = ordered_json::array();
  for (const auto& d : comparison.manifest_differences) {
    differences.push_back({{"key", d.key},
                           {"base", value_or_null(d.base)},
                           {"candidate", value_or_null(d.candidate)}});
  }
  out["manifest_differences"] = std::move(differences);
  ordered_json benchmarks = ordered_json::array();
  for (const auto& benchmark : comparison.benchmarks) {
    ordered_json metrics = ordered_json::array();
    for (const auto& m : benchmark.metrics) {
      const Judgement& j = m.judgement;
      metrics.push_back({
          {"metric", m.metric},
          {"unit", m.unit},
          {"direction", to_string(m.direction)},
          {"base",
           {{"n", m.base_n},
            {"from_aggregate", m.base_from_aggregate},
            {"median", number_or_null(j.base_median)},
            {"noise", number_or_null(j.base_noise)},
            {"sm_clock_mhz", number_or_null(m.base_clock_mhz)}}},
          {"candidate",
           {{"n", m.candidate_n},
            {"from_aggregate", m.candidate_from_aggregate},
            {"median", number_or_null(j.candidate_median)},
            {"noise", number_or_null(j.candidate_noise)},
            {"sm_clock_mhz", number_or_null(m.candidate_clock_mhz)}}},
          {"change", number_or_null(j.change)},
          {"clock_normalised_change", number_or_null(m.clock_normalised_change)},
          {"method", to_string(j.method)},
          {"detectable_change", number_or_null(j.detectable_change)},
          {"p_value", number_or_null(j.p_value)},
          {"exact_test", j.exact_test},
          {"verdict", to_string(j.verdict)},
          {"reason", j.reason},
      });
    }
    benchmarks.push_back({{"name", benchmark.name},
                          {"verdict", to_string(benchmark.verdict)},
                          {"contended", to_string(benchmark.contended)},
                          {"failure", value_or_null(benchmark.failure)},
                          {"metrics", std::move(metrics)}});
  }
  out["benchmarks"] = std::move(benchmarks);
  out["only_in_base"] = comparison.only_in_base;
  out["only_in_candidate"] = comparison.only_in_candidate;
  ordered_json not_compared = ordered_json::array();
  for (const auto& [name, reason] : comparison.not_compared) {
    not_compared.push_back({{"name", name}, {"reason", reason}});
  }
  out["not_compared"] = std::move(not_compared);
  out["summary"] = summary_json(comparison);
  out["regression"] = comparison.has_regression();
  return out.dump(2) + "\n";
}

std::string comparison_to_junit(const Comparison& comparison) {
  const std::size_t skipped = comparison.only_in_base.size() + comparison.only_in_candidate.size();
  const std::size_t tests = comparison.benchmarks.size() + skipped;
  const std::size_t failures = comparison.count(Verdict::kSlower);
  const std::size_t errors = comparison.count(Verdict::kError);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"gpubench compare\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\">\n",
      tests, failures + errors, 0, skipped);
  out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
      escape_markup(fmt::format("gpubench compare {} {}", comparison.base.path.string(),
                                comparison.candidate.path.string())),
      tests, failures + errors, skipped);
  for (const auto& benchmark : comparison.benchmarks) {
    out += fmt::format("    <testcase classname=\"gpubench.compare\" name=\"{}\" time=\"0\">\n",
                       escape_markup(benchmark.name));
    if (benchmark.verdict == Verdict::kError) {
      out += fmt::format("      <failure message=\"{}\" type=\"ERROR\"/>\n",
                         escape_markup(benchmark.failure.value_or("failed")));
    } else if (benchmark.verdict == Verdict::kSlower) {
      std::string message;
      for (const auto& m : benchmark.metrics) {
        if (m.judgement.verdict != Verdict::kSlower) continue;
        if (!message.empty()) message += "; ";
        message += metric_line(m);
      }
      out +=
          fmt::format("      <failure message=\"{}\" type=\"SLOWER\"/>\n", escape_markup(message));
    }
    std::string details;
    for (const auto& m : benchmark.metrics)
      details += metric_line(m) + "\n";
    if (!details.empty()) {
      out += fmt::format("      <system-out>{}</system-out>\n", escape_markup(details));
    }
    out += "    </testcase>\n";
  }
  for (const auto* names : {&comparison.only_in_base, &comparison.only_in_candidate}) {
    const bool in_base = names == &comparison.only_in_base;
    for (const auto& name : *names) {
      out += fmt::format(
          "    <testcase classname=\"gpubench.compare\" name=\"{}\" time=\"0\">\n      <skipped "
          "message=\"{}\"/>\n    </testcase>\n",
          escape_markup(name), in_base ? "only in the base run" : "only in the new run");
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace gpubench
