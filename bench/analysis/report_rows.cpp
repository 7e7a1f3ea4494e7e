// One benchmark's report row: which counter is its figure, what it is compared with, where its
// data lived, whether its power may be divided into it, and why it falls short of its peak.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/reasons.hpp"
#include "analysis/report_detail.hpp"
#include "gpubench/counter_descriptors.hpp"
#include "gpubench/headlines.hpp"
#include "model/gemm_plan.hpp"

namespace gpubench::report_detail {

bool is_rate_spec_key(std::string_view key) {
  return key.ends_with("_tflops") || key.ends_with("_tops");
}

namespace {

namespace c = counters;

struct Figure {
  std::string counter;
  FigureKind kind = FigureKind::kBandwidth;
  std::string unit;
  std::string spec_key;  // empty: no documented figure to compare with
};

// Name tokens spelt as spec keys spell them: "mma_f16_f32acc" -> tensor, fp16, fp32acc.
std::vector<std::string> spec_tokens_of(std::string_view component) {
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start <= component.size()) {
    const std::size_t end = std::min(component.find('_', start), component.size());
    std::string token(component.substr(start, end - start));
    if (token == "mma") token = "tensor";
    if (token == "f16") token = "fp16";
    if (token == "f16acc") token = "fp16acc";
    if (token == "f32acc") token = "fp32acc";
    if (token == "s8") token = "int8";
    if (token == "e4m3" || token == "e5m2") token = "fp8";
    tokens.push_back(token);
    start = end + 1;
  }
  return tokens;
}

// How well a rate spec key's words match the benchmark's: +1 per shared word, -1 per missing one.
int name_match(std::string_view key, const std::vector<std::string>& tokens) {
  int score = 0;
  for (const std::string& word : spec_tokens_of(key)) {
    if (word == "tflops" || word == "tops") continue;
    score += std::find(tokens.begin(), tokens.end(), word) != tokens.end() ? 1 : -1;
  }
  return score;
}

// The rate spec key a tflops/tops figure was compared with when the run recorded pct_of_spec:
// a GEMM row's precision names it; other rows are matched by the documented value the recorded
// percentage implies, ties broken by the name's words.
std::string recorded_rate_spec_key(const MeasuredBenchmark& benchmark, double measured,
                                   double recorded_pct, const SpecSheet& sheet) {
  const std::string precision = without_family(benchmark.name);
  for (const GemmPrecision candidate : all_gemm_precisions()) {
    const GemmPrecisionInfo& info = gemm_precision_info(candidate);
    if (benchmark.family == "gemm" &&
        precision.find(fmt::format("/{}/", info.name)) != std::string::npos) {
      return std::string(spec_key(info.peak));
    }
  }
  if (recorded_pct <= 0) return "";
  const double used = measured / recorded_pct * 100;
  const auto tokens = spec_tokens_of(last_component(benchmark.name));
  std::string best;
  int best_score = 0;
  for (const auto key : kSpecKeys) {
    const auto value = is_rate_spec_key(key) ? sheet.number(key) : std::nullopt;
    if (!value || std::fabs(*value - used) > 0.01 * used) continue;
    const int score = name_match(key, tokens);
    if (best.empty() || score > best_score) {
      best = std::string(key);
      best_score = score;
    }
  }
  return best;
}

std::optional<Figure> figure_of(const MeasuredBenchmark& benchmark, const SpecSheet& sheet) {
  const auto& counters = benchmark.median;
  // Counters named after a rate spec key (fp16_tensor_fp32acc_tflops): the spec key is the name.
  for (const auto key : kSpecKeys) {
    if (is_rate_spec_key(key) && counters.contains(std::string(key))) {
      const auto rate = key.ends_with("_tops") ? c::kTops : c::kTflops;
      return Figure{std::string(key), FigureKind::kCompute,
                    std::string(c::find_descriptor(rate)->unit), std::string(key)};
    }
  }
  const c::Descriptor* primary = c::primary_figure(counters);
  if (primary == nullptr) return std::nullopt;
  Figure figure{std::string(primary->name), *primary->figure_kind, std::string(primary->unit), ""};
  const auto pct = counter(benchmark, c::kPctOfSpec);
  if (figure.kind == FigureKind::kCompute && pct) {
    figure.spec_key = recorded_rate_spec_key(benchmark, counters.at(figure.counter), *pct, sheet);
  } else if (figure.kind == FigureKind::kBandwidth && pct) {
    // The run compared it with the documented DRAM bandwidth exactly when it recorded pct_of_spec.
    figure.spec_key = headlines::kDramTriad.spec_key;
  }
  return figure;
}

// Where the working set lived, as a note; false when the row must not be projected (partly
// cached on the counterpart, whose L2 is larger).
bool add_residency(ReportRow& row, const MeasuredBenchmark& benchmark, const RowContext& context,
                   std::vector<std::string>& notes) {
  const auto working_set = counter(benchmark, c::kWorkingSetBytes);
  const auto l2 = counter(benchmark, c::kL2Bytes);
  const auto sheet_l2_mb = context.report.sheet.number("l2_cache_mb");
  const std::optional<double> own_l2 =
      l2 ? l2 : (sheet_l2_mb ? std::optional<double>(*sheet_l2_mb * kMiB) : std::nullopt);
  if (!working_set || !own_l2) return true;
  const double larger_l2 = std::max(*own_l2, context.counterpart_l2_bytes.value_or(0));
  if (*working_set <= *own_l2) {
    row.residency = Residency::kL2;
    notes.push_back(fmt::format("{}: cache-resident (L2 {})", format_bytes_short(*working_set),
                                format_bytes_short(*own_l2)));
  } else if (*working_set < 4 * *own_l2) {
    row.residency = Residency::kL2AndDram;
    notes.push_back(fmt::format("{}: partly in L2", format_bytes_short(*working_set)));
  } else {
    row.residency = Residency::kDram;
    notes.push_back(fmt::format("{}: DRAM", format_bytes_short(*working_set)));
  }
  const bool projectable = *working_set >= 4 * larger_l2;
  if (row.residency == Residency::kDram && !projectable) {
    notes.push_back("partly cached on the counterpart (larger L2): not projected");
  }
  return projectable;
}

void add_documented(ReportRow& row, const MeasuredBenchmark& benchmark, RowContext& context,
                    bool projectable, std::vector<std::string>& notes,
                    std::vector<std::string>& warnings) {
  if (row.spec_key.empty()) return;
  const Report& report = context.report;
  const bool cached = row.residency == Residency::kL2 || row.residency == Residency::kL2AndDram;
  row.this_spec = report.sheet.number(row.spec_key);
  if (row.this_spec && !cached) {
    row.pct_of_spec = row.measured / *row.this_spec * 100;
    const auto recorded = counter(benchmark, c::kPctOfSpec);
    if (recorded && std::fabs(*recorded - *row.pct_of_spec) > 0.01 * *row.pct_of_spec &&
        !context.sheet_changed_warned) {
      context.sheet_changed_warned = true;
      warnings.push_back(fmt::format(
          "The documented {} of {} differs from the one the run used (it recorded {:.1f}% "
          "of spec for {}); percentages here use this gpubench's sheet.",
          row.spec_key, report.sheet.id, *recorded, benchmark.name));
    }
  }
  if (report.counterpart) {
    if (!cached) row.counterpart_spec = report.counterpart->number(row.spec_key);
    if (row.counterpart_spec) {
      row.vs_counterpart = row.measured / *row.counterpart_spec;
      if (row.this_spec && projectable) {
        row.projected_counterpart =
            project_to_counterpart(row.measured, *row.this_spec, *row.counterpart_spec);
      }
    }
  }
  if (cached) notes.push_back("not compared with DRAM specs");
}

// Per-watt figures only from a sustained window; per-repetition power is said and not used.
void add_power(ReportRow& row, const MeasuredBenchmark& benchmark, const Report& report) {
  const auto power = counter(benchmark, c::kPowerMeanW);
  if (!power || *power <= 0) return;
  if (row.kind != FigureKind::kBandwidth && row.kind != FigureKind::kCompute) return;
  const auto window = counter(benchmark, c::kPowerWindowS);
  if (!window || *window < kSustainedPowerWindowS) {
    row.per_watt_problem =
        window ? fmt::format("power over {:.2g} s, shorter than the {:g} s sustained window",
                             *window, kSustainedPowerWindowS)
               : "power from the repetitions' short windows, not a sustained one";
    return;
  }
  const auto recorded =
      counter(benchmark, row.kind == FigureKind::kBandwidth ? c::kGbsPerW : c::kTflopsPerW);
  row.per_watt = recorded ? *recorded : row.measured / *power;
  row.energy_pj_per_unit = energy_pj_per_unit(*power, row.measured, row.kind);
  const auto tdp = report.counterpart ? report.counterpart->number("tdp_w") : std::nullopt;
  if (row.counterpart_spec && tdp) row.counterpart_per_watt_tdp = *row.counterpart_spec / *tdp;
}

void add_conditions(const MeasuredBenchmark& benchmark, std::vector<std::string>& notes) {
  if (const auto clock = counter(benchmark, c::kSmClockMeanMhz)) {
    const auto minimum = counter(benchmark, c::kSmClockMinMhz);
    notes.push_back(minimum ? fmt::format("SM {:.0f} MHz (min {:.0f})", *clock, *minimum)
                            : fmt::format("SM {:.0f} MHz", *clock));
  }
  if (const auto temperature = counter(benchmark, c::kTemperatureMaxC)) {
    notes.push_back(fmt::format("max {:.0f} C", *temperature));
  }
  if (const auto throttled = counter(benchmark, c::kThrottledSamples);
      throttled && *throttled > 0) {
    const auto kept = counter(benchmark, c::kSamples);
    notes.push_back(
        kept && *throttled >= *kept
            ? "every sample below 75% of the reference SM clock: a throttled figure"
            : fmt::format("{:.3g} throttled sample(s) per repetition dropped", *throttled));
  }
  if (const auto contended = counter(benchmark, c::kContended); contended && *contended > 0) {
    notes.push_back("measured while the GPU was shared (contended)");
  }
  if (!benchmark.label.empty()) notes.push_back(benchmark.label);
}

void add_reasons(ReportRow& row, const MeasuredBenchmark& benchmark, const ReasonContext& context) {
  const auto shortfall =
      explain_shortfall(benchmark.name, benchmark.label, benchmark.median, context);
  if (!shortfall) return;
  row.pct_of_peak = shortfall->pct_of_peak;
  for (const ReasonEvidence& evidence : shortfall->reasons) {
    row.reasons.emplace_back(reason_name(evidence.reason));
    row.reason_evidence.push_back(evidence.evidence);
  }
}

}  // namespace

ReportRow make_row(const MeasuredBenchmark& benchmark, RowContext& context,
                   std::vector<std::string>& warnings) {
  ReportRow row;
  row.benchmark = without_family(benchmark.name);
  if (benchmark.failed) {
    row.failed = true;
    row.note = benchmark.error_message;
    return row;
  }
  const std::optional<Figure> figure = figure_of(benchmark, context.report.sheet);
  if (!figure) {
    std::vector<std::string> names;
    for (const auto& [key, value] : benchmark.median)
      names.push_back(key);
    row.note = names.empty() ? "no counters" : fmt::format("counters: {}", fmt::join(names, ", "));
    return row;
  }
  row.counter = figure->counter;
  row.kind = figure->kind;
  row.unit = figure->unit;
  row.spec_key = figure->spec_key;
  row.measured = benchmark.median.at(figure->counter);
  if (const auto it = benchmark.cv_pct.find(figure->counter); it != benchmark.cv_pct.end()) {
    row.spread_pct = it->second;
  }
  row.noise_pct = counter(benchmark, c::kNoisePct);
  // A latency in time also in cycles (the compute latency rows' figure is the cycles themselves).
  if (row.kind == FigureKind::kLatency && row.counter != c::kLatencyCycles) {
    if (const auto cycles = counter(benchmark, c::kLatencyCycles)) {
      row.secondary = fmt::format("{:.1f} cycles", *cycles);
    }
  }
  std::vector<std::string> notes;
  const bool projectable = add_residency(row, benchmark, context, notes);
  add_documented(row, benchmark, context, projectable, notes, warnings);
  add_power(row, benchmark, context.report);
  add_conditions(benchmark, notes);
  add_reasons(row, benchmark, context.reasons);
  row.note = fmt::format("{}", fmt::join(notes, "; "));
  return row;
}

}  // namespace gpubench::report_detail
