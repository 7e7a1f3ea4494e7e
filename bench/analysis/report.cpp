// `gpubench report` as data: the run's rows grouped by family and section, the headline, the DRAM
// figure the ML estimates use, and the plot data. Rows: report_rows.cpp; "what this means":
// report_meaning.cpp; headline: report_headline.cpp.

#include "analysis/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <regex>

#include "analysis/regex_guard.hpp"
#include "analysis/report_detail.hpp"
#include "gpubench/counter_descriptors.hpp"
#include "gpubench/errors.hpp"
#include "gpubench/headlines.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace report_detail {

std::optional<double> counter(const MeasuredBenchmark& benchmark, std::string_view name) {
  const auto it = benchmark.median.find(std::string(name));
  if (it == benchmark.median.end()) return std::nullopt;
  return it->second;
}

std::string last_component(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

std::string without_family(std::string_view name) {
  const std::size_t slash = name.find('/');
  return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

std::string text_value(const SpecSheet& sheet, std::string_view key) {
  const SpecValue* value = sheet.find(key);
  if (value == nullptr || value->is_null()) return "";
  if (const auto* text = std::get_if<std::string>(&value->value)) return *text;
  return value->display();
}

std::string format_bytes_short(double bytes) {
  if (bytes >= 1024 * kMiB) return fmt::format("{:g} GiB", bytes / (1024 * kMiB));
  if (bytes >= kMiB) return fmt::format("{:g} MiB", bytes / kMiB);
  return fmt::format("{:g} KiB", bytes / 1024);
}

namespace {

namespace c = counters;

using Series = std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>;

void add_point(Series& series, const std::string& name, double x, double y) {
  auto found = std::find_if(series.begin(), series.end(),
                            [&](const auto& entry) { return entry.first == name; });
  if (found == series.end()) {
    series.push_back({name, {}});
    found = std::prev(series.end());
  }
  found->second.emplace_back(x, y);
}

// "8192x64x28672" -> {8192, 64, 28672}; nullopt for names that are not MxNxK (LLM and ResNet
// layers, named custom shapes).
std::optional<std::array<double, 3>> shape_dimensions(std::string_view shape) {
  std::vector<double> dims;
  std::size_t start = 0;
  while (start <= shape.size()) {
    const std::size_t end = std::min(shape.find('x', start), shape.size());
    const std::string part(shape.substr(start, end - start));
    if (part.empty() || part.size() > 15 ||
        part.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    dims.push_back(std::stod(part));
    start = end + 1;
  }
  if (dims.size() != 3) return std::nullopt;
  return std::array<double, 3>{dims[0], dims[1], dims[2]};
}

// "4096x4096x4096" -> 4096; nullopt for shapes that are not cubes.
std::optional<double> cube_edge(std::string_view shape) {
  const auto dims = shape_dimensions(shape);
  if (!dims || (*dims)[0] != (*dims)[1] || (*dims)[1] != (*dims)[2]) return std::nullopt;
  return (*dims)[0];
}

// 2 m n k of a GEMM row: from the dimensions it recorded, else from an MxNxK name (older files).
std::optional<double> launch_flop(const MeasuredBenchmark& benchmark) {
  const auto m = counter(benchmark, c::kGemmM), n = counter(benchmark, c::kGemmN),
             k = counter(benchmark, c::kGemmK);
  if (m && n && k) return 2 * *m * *n * *k;
  if (const auto dims = shape_dimensions(last_component(benchmark.name)))
    return 2 * (*dims)[0] * (*dims)[1] * (*dims)[2];
  return std::nullopt;
}

}  // namespace

void add_plot_points(Report& report, const MeasuredBenchmark& benchmark, const ReportRow& row) {
  const std::string series_name =
      without_family(benchmark.name.substr(0, benchmark.name.rfind('/')));
  if (row.kind == FigureKind::kBandwidth) {
    if (const auto working_set = counter(benchmark, c::kWorkingSetBytes)) {
      add_point(report.working_set_series, benchmark.family + "/" + benchmark.section, *working_set,
                row.measured);
    }
    if (const auto transfer = counter(benchmark, c::kTransferBytes)) {
      add_point(report.transfer_series, series_name, *transfer, row.measured);
    }
  }
  if (row.kind != FigureKind::kCompute) return;
  report.compute_points.push_back(
      {benchmark.name, row.measured, counter(benchmark, c::kArithmeticIntensity)});
  if (benchmark.family != "gemm") return;
  report.has_gemm = true;
  if (const auto edge = cube_edge(last_component(benchmark.name))) {
    add_point(report.gemm_series, series_name, *edge, row.measured);
  } else if (const auto flop = launch_flop(benchmark)) {
    add_point(report.gemm_shape_series, series_name, *flop, row.measured);
  }
}

}  // namespace report_detail

namespace {

using namespace report_detail;

void set_cards(Report& report, const ResultsFile& run, const SpecDatabase& database,
               std::string_view against) {
  const std::string spec_id = run.context_value(context_keys::kGpuSpecId).value_or("");
  const std::string gpu_name = run.context_value(context_keys::kGpuName).value_or("unknown GPU");
  if (const SpecSheet* sheet = database.find(spec_id)) {
    report.sheet = *sheet;
  } else {
    report.sheet.id = spec_id;
    report.sheet.name = gpu_name;
    report.warnings.push_back(fmt::format(
        "The run's card ({}) has no documented sheet in this gpubench, so no figure is compared "
        "with a documented spec.",
        spec_id));
  }
  std::string counterpart_id(against);
  if (counterpart_id.empty()) {
    const std::string recorded = run.context_value(context_keys::kCounterpartSpecId).value_or("");
    counterpart_id = database.find(recorded) ? recorded : report.sheet.counterpart;
  }
  if (!counterpart_id.empty()) report.counterpart = database.at(counterpart_id);
  report.title = report.counterpart ? fmt::format("{}: measured, documented, and against the {}",
                                                  gpu_name, report.counterpart->name)
                                    : fmt::format("{}: measured and documented", gpu_name);
}

void set_manifest(Report& report, const ResultsFile& run) {
  const std::string spec_id = run.context_value(context_keys::kGpuSpecId).value_or("");
  const std::string gpu_name = run.context_value(context_keys::kGpuName).value_or("unknown GPU");
  auto context = [&](std::string_view key) { return run.context_value(key).value_or("unknown"); };
  report.manifest = {
      {"GPU",
       fmt::format("{} (PCI device {}, compute capability {}, {} SMs)", gpu_name,
                   context(context_keys::kGpuPciDeviceId),
                   context(context_keys::kComputeCapability), context(context_keys::kSmCount))},
      {"Spec sheet",
       fmt::format("{} (matched by {})", spec_id, context(context_keys::kGpuSpecMatchedBy))},
      {"Counterpart", report.counterpart ? report.counterpart->id : "none"},
      {"Driver", context(context_keys::kDriverVersion)},
      {"CUDA", fmt::format("driver API {}, runtime {}", context(context_keys::kCudaDriverVersion),
                           context(context_keys::kCudaRuntimeVersion))},
      {"cuBLAS", context(context_keys::kCublasVersion)},
      {"gpubench", context(context_keys::kGpubenchVersion)},
      {"Profile",
       fmt::format("{} (suites: {}){}", context(context_keys::kProfile),
                   context(context_keys::kSuites),
                   run.context_value(context_keys::kRunWallS)
                       ? fmt::format(", ran in {} s", *run.context_value(context_keys::kRunWallS))
                       : "")},
      {"Date", context(context_keys::kDate)},
      {"Host", context(context_keys::kHostName)},
      {"Results file", run.path.filename().string()},
  };
  for (const auto& [key, value] : run.context) {
    if (key.starts_with(context_keys::kEnvironmentWarningPrefix)) {
      report.warnings.push_back(value);
    } else if (key.starts_with(context_keys::kEnvironmentPrefix)) {
      report.environment.emplace_back(key.substr(context_keys::kEnvironmentPrefix.size()), value);
    }
  }
}

// The family's and the section's row list, one table per family and section even when the file
// interleaves them.
ReportSection& section_for(Report& report, const MeasuredBenchmark& benchmark) {
  auto family = std::find_if(report.families.begin(), report.families.end(),
                             [&](const ReportFamily& f) { return f.name == benchmark.family; });
  if (family == report.families.end()) {
    report.families.push_back(ReportFamily{benchmark.family, {}, ""});
    family = std::prev(report.families.end());
  }
  auto section = std::find_if(family->sections.begin(), family->sections.end(),
                              [&](const ReportSection& s) { return s.name == benchmark.section; });
  if (section == family->sections.end()) {
    family->sections.push_back(ReportSection{benchmark.section, {}});
    section = std::prev(family->sections.end());
  }
  return *section;
}

std::vector<MeasuredBenchmark> selected_benchmarks(const ResultsFile& run,
                                                   const std::string& filter) {
  std::vector<MeasuredBenchmark> all = summarize_benchmarks(run);
  if (filter.empty()) return all;
  // The guarded compile: a pattern that would backtrack for minutes is refused, as in compare.
  const std::regex pattern = compile_user_regex(filter, "--benchmark");
  std::vector<MeasuredBenchmark> kept;
  for (auto& benchmark : all) {
    if (std::regex_search(benchmark.name, pattern)) kept.push_back(std::move(benchmark));
  }
  if (kept.empty()) {
    throw UserError(fmt::format(
        "--benchmark \"{}\" selects none of the {} benchmarks in {}; check the names with "
        "gpubench report {} | grep '^|'.",
        escaped_excerpt(filter, 80), all.size(), printable_path(run.path.filename().string()),
        printable_path(run.path.string())));
  }
  return kept;
}

void add_projection_notes(Report& report) {
  for (ReportFamily& family : report.families) {
    bool has_bandwidth = false;
    bool has_compute = false;
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (row.failed || !row.counterpart_spec) continue;
        has_bandwidth = has_bandwidth || row.kind == FigureKind::kBandwidth;
        has_compute = has_compute || row.kind == FigureKind::kCompute;
      }
    }
    family.projection_note =
        projection_note(report.sheet, report.counterpart, has_bandwidth, has_compute);
  }
}

// The DRAM-bound bandwidth for "what this means": a read if there is one, else the best.
void choose_dram_bandwidth(Report& report) {
  const ReportRow* chosen = nullptr;
  std::string chosen_family;
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (row.failed || row.kind != FigureKind::kBandwidth ||
            row.spec_key != headlines::kDramTriad.spec_key ||
            (row.residency != Residency::kDram && row.residency != Residency::kUnknown)) {
          continue;
        }
        const bool is_read = last_component(row.benchmark) == "read";
        const bool chosen_read = chosen && last_component(chosen->benchmark) == "read";
        if (chosen == nullptr || (is_read && !chosen_read) ||
            (is_read == chosen_read && row.measured > chosen->measured)) {
          chosen = &row;
          chosen_family = family.name;
        }
      }
    }
  }
  if (chosen == nullptr) return;
  report.dram_bandwidth_gbs = chosen->measured;
  report.dram_bandwidth_source = fmt::format("{}/{}", chosen_family, chosen->benchmark);
  if (chosen->this_spec && chosen->counterpart_spec) {
    report.projected_counterpart_bandwidth_gbs =
        project_to_counterpart(chosen->measured, *chosen->this_spec, *chosen->counterpart_spec);
  }
}

// Power recorded, never over a sustained window (files written before gpubench measured one): say
// once why no per-watt figure is given, with the highest reading against the documented TDP.
void explain_missing_power(Report& report, const std::vector<MeasuredBenchmark>& benchmarks) {
  double highest_w = 0;
  bool sustained = false;
  for (const MeasuredBenchmark& benchmark : benchmarks) {
    const auto power = counter(benchmark, c::kPowerMeanW);
    if (!power || *power <= 0) continue;
    report.has_telemetry = true;
    highest_w = std::max(highest_w, *power);
    const auto window = counter(benchmark, c::kPowerWindowS);
    sustained = sustained || (window && *window >= kSustainedPowerWindowS);
  }
  if (!report.has_telemetry || sustained) return;
  const auto tdp = report.sheet.number("tdp_w");
  report.power_problem = fmt::format(
      "this run recorded board power per repetition only (windows of a few milliseconds{}), "
      "which NVML's averaged power reading cannot resolve, so no per-watt figure ({}, {}, pJ per "
      "byte) is given; they need a sustained window of at least {:g} s of the same kernel, which "
      "gpubench records for its headline benchmarks.",
      tdp ? fmt::format("; repetition medians up to {:.0f} W on a card documented at {:g} W",
                        highest_w, *tdp)
          : "",
      c::per_watt_unit(FigureKind::kBandwidth), c::per_watt_unit(FigureKind::kCompute),
      kSustainedPowerWindowS);
}

}  // namespace

// --- Public pure functions.

std::string format_figure(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1000) return fmt::format("{:.0f}", value);
  if (magnitude >= 100) return fmt::format("{:.1f}", value);
  if (magnitude >= 10) return fmt::format("{:.2f}", value);
  if (magnitude >= 1) return fmt::format("{:.3f}", value);
  return fmt::format("{:.3g}", value);
}

double project_to_counterpart(double measured, double this_spec, double counterpart_spec) {
  return measured / this_spec * counterpart_spec;
}

double energy_pj_per_unit(double power_w, double rate, FigureKind kind) {
  // GB/s -> bytes/s is 1e9; TFLOPS -> FLOP/s is 1e12; J -> pJ is 1e12.
  const double per_second = rate * (kind == FigureKind::kBandwidth ? 1e9 : 1e12);
  return power_w / per_second * 1e12;
}

Report build_report(const ResultsFile& run, const SpecDatabase& database,
                    const ReportOptions& options) {
  if (!run.is_gpubench_run()) {
    throw UserError(fmt::format(
        "{} is not a gpubench run (its context has no device manifest); make one with gpubench "
        "run.",
        run.path.string()));
  }
  Report report;
  report.run_path = run.path;
  report.benchmark_filter = options.benchmark_filter;
  set_cards(report, run, database, options.against);
  set_manifest(report, run);
  const std::vector<MeasuredBenchmark> benchmarks =
      selected_benchmarks(run, options.benchmark_filter);
  RowContext context{report, std::nullopt, false, reason_context(run, database)};
  if (report.counterpart) {
    if (const auto l2_mb = report.counterpart->number("l2_cache_mb")) {
      context.counterpart_l2_bytes = *l2_mb * kMiB;
    }
  }
  for (const MeasuredBenchmark& benchmark : benchmarks) {
    ReportRow row = make_row(benchmark, context, report.warnings);
    if (const auto l2 = counter(benchmark, c::kL2Bytes); l2 && !report.l2_bytes) {
      report.l2_bytes = l2;
    }
    if (!row.failed && !row.counter.empty()) add_plot_points(report, benchmark, row);
    section_for(report, benchmark).rows.push_back(std::move(row));
  }
  explain_missing_power(report, benchmarks);
  add_projection_notes(report);
  choose_dram_bandwidth(report);
  add_headline(report);
  add_decode(report);
  add_meaning(report, false);
  if (report.counterpart) report.documented = compare_sheets(report.sheet, *report.counterpart);
  report.unprojected = unprojected_rates(report);
  return report;
}

Report build_specs_only_report(const SpecSheet& a, const SpecSheet& b) {
  Report report;
  report.specs_only = true;
  report.sheet = a;
  report.counterpart = b;
  report.title = fmt::format("Documented specs: {} against the {}", a.name, b.name);
  report.manifest = {{"Cards", fmt::format("{} ({}) and {} ({})", a.name, a.id, b.name, b.id)},
                     {"Measured", "nothing: documented values only"}};
  report.documented = compare_sheets(a, b);
  report.dram_bandwidth_gbs = a.number(headlines::kDramTriad.spec_key);
  report.dram_bandwidth_source = "documented";
  report.projected_counterpart_bandwidth_gbs = b.number(headlines::kDramTriad.spec_key);
  add_decode(report);
  add_meaning(report, true);
  const std::string note = projection_note(a, b, true, true, true);
  if (!note.empty()) report.meaning.push_back(note);
  return report;
}

}  // namespace gpubench
