#include "analysis/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

// --- Reducing the file's records to one figure set per benchmark.

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

// --- Which counter is a row's figure.

struct Figure {
  std::string counter;
  FigureKind kind = FigureKind::kBandwidth;
  std::string unit;
  std::string spec_key;  // empty: no documented figure to compare with
};

bool is_rate_spec_key(std::string_view key) {
  return key.ends_with("_tflops") || key.ends_with("_tops");
}

std::optional<Figure> figure_of(const MeasuredBenchmark& benchmark) {
  const auto& counters = benchmark.median;
  for (const auto key : kSpecKeys) {
    if (is_rate_spec_key(key) && counters.contains(std::string(key))) {
      return Figure{std::string(key), FigureKind::kCompute,
                    key.ends_with("_tops") ? "TOPS" : "TFLOPS", std::string(key)};
    }
  }
  if (counters.contains("tflops")) return Figure{"tflops", FigureKind::kCompute, "TFLOPS", ""};
  if (counters.contains("bandwidth_gbs")) {
    // The run compared it with the documented DRAM bandwidth exactly when it recorded pct_of_spec.
    return Figure{"bandwidth_gbs", FigureKind::kBandwidth, "GB/s",
                  counters.contains("pct_of_spec") ? "memory_bandwidth_gbs" : ""};
  }
  if (counters.contains("latency_ns")) return Figure{"latency_ns", FigureKind::kLatency, "ns", ""};
  return std::nullopt;
}

std::optional<double> counter(const MeasuredBenchmark& benchmark, const std::string& name) {
  const auto it = benchmark.median.find(name);
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

constexpr double kMiB = 1024.0 * 1024.0;

std::string format_bytes_short(double bytes) {
  if (bytes >= 1024 * kMiB) return fmt::format("{:g} GiB", bytes / (1024 * kMiB));
  if (bytes >= kMiB) return fmt::format("{:g} MiB", bytes / kMiB);
  return fmt::format("{:g} KiB", bytes / 1024);
}

std::string per_watt_unit(FigureKind kind) {
  return kind == FigureKind::kBandwidth ? "GB/s per W" : "TFLOPS per W";
}

// How far "this card's efficiency applied to the counterpart's documented figure" holds. For a
// specs-only report the same facts are said about carrying a future measurement across.
std::string projection_note(const SpecSheet& sheet, const std::optional<SpecSheet>& counterpart,
                            bool has_bandwidth, bool has_compute, bool specs_only = false) {
  if (!counterpart || (!has_bandwidth && !has_compute)) return "";
  const std::string chip = text_value(sheet, "chip");
  const std::string other_chip = text_value(*counterpart, "chip");
  const std::string& other = counterpart->name;
  std::vector<std::string> sentences;
  if (!chip.empty() && chip == other_chip) {
    const std::string memory = text_value(sheet, "memory_type");
    const std::string other_memory = text_value(*counterpart, "memory_type");
    const bool memory_differs = !memory.empty() && !other_memory.empty() && memory != other_memory;
    const std::string caveat =
        memory_differs ? fmt::format(
                             ", as far as the {}'s {} reaches the same fraction of its "
                             "documented bandwidth as the {}'s {} (measure it to be sure)",
                             other, other_memory, sheet.name, memory)
                       : "";
    if (has_bandwidth && specs_only) {
      sentences.push_back(fmt::format(
          "Both cards are {}: the fraction of documented bandwidth one of them measures carries "
          "over to the other for DRAM-bound work{}.",
          chip, caveat));
    } else if (has_bandwidth) {
      sentences.push_back(fmt::format(
          "Both cards are {}, so the projected {} figures (this card's fraction of its documented "
          "figure applied to the {}'s) hold for DRAM-bound work{}; cache-resident rows are not "
          "projected.",
          chip, other, other, caveat));
    }
  } else {
    sentences.push_back(fmt::format(
        "The {} ({}) and the {} ({}) are different chips: carrying one card's efficiency over to "
        "the other assumes the same fraction of the documented figure, which depends on each "
        "chip's memory system, caches and clocks, so treat projected figures as rough estimates.",
        sheet.name, chip.empty() ? "chip unknown" : chip, other,
        other_chip.empty() ? "chip unknown" : other_chip));
  }
  if (has_compute) {
    const auto tdp = sheet.number("tdp_w");
    const auto other_tdp = counterpart->number("tdp_w");
    if (tdp && other_tdp && std::fabs(*tdp - *other_tdp) > 0.2 * std::max(*tdp, *other_tdp)) {
      const bool other_lower = *other_tdp < *tdp;
      const std::string& low = other_lower ? other : sheet.name;
      const std::string& high = other_lower ? sheet.name : other;
      std::string consequence;
      if (specs_only) {
        consequence = "its documented compute peaks are the harder to reach";
      } else if (other_lower) {
        consequence = fmt::format("the projected {} compute figures are upper bounds", other);
      } else {
        consequence = fmt::format(
            "this card's measured efficiency includes that, and the projected {} compute figures "
            "are likely lower bounds",
            other);
      }
      sentences.push_back(fmt::format(
          "Compute {} only as far as both cards sustain their clocks: the {} is documented at "
          "{:g} W against {:g} W for the {}, so under sustained load it is expected to drop below "
          "its boost clock; {}.",
          specs_only ? "figures compare" : "projections hold", low, std::min(*tdp, *other_tdp),
          std::max(*tdp, *other_tdp), high, consequence));
    } else if (!specs_only) {
      sentences.push_back(
          "Compute projections assume both cards hold the same fraction of their boost clocks "
          "under load.");
    }
  }
  return fmt::format("{}", fmt::join(sentences, " "));
}

struct ModelSize {
  const char* name;
  double parameters;
};
constexpr ModelSize kModels[] = {
    {"7B", 7e9}, {"8B", 8e9}, {"13B", 13e9}, {"34B", 34e9}, {"70B", 70e9},
};
struct Precision {
  const char* name;
  double bytes_per_parameter;
};
constexpr Precision kPrecisions[] = {{"FP16", 2.0}, {"8-bit", 1.0}, {"4-bit", 0.5}};

std::string join_models(const std::vector<DecodeEstimate>& decode, bool fits_this,
                        bool fits_counterpart) {
  std::vector<std::string> names;
  for (const auto& estimate : decode) {
    if (estimate.fits_this == fits_this && estimate.fits_counterpart == fits_counterpart) {
      names.push_back(fmt::format("{} {}", estimate.model, estimate.precision));
    }
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

void add_meaning(Report& report, bool documented_only) {
  const std::string this_name = report.sheet.name;
  const std::string other_name = report.counterpart ? report.counterpart->name : "";
  if (report.dram_bandwidth_gbs) {
    if (documented_only) {
      report.meaning.push_back(fmt::format(
          "LLM inference (decode) is bandwidth-bound: each generated token reads every weight "
          "once, so a batch-1 decode cannot exceed bandwidth / weight bytes tokens per second. "
          "Here with the documented peak bandwidths ({} GB/s for the {}{}), which no card "
          "reaches; measure with gpubench run and gpubench report for real bounds.",
          format_figure(*report.dram_bandwidth_gbs), this_name,
          report.projected_counterpart_bandwidth_gbs
              ? fmt::format(", {} GB/s for the {}",
                            format_figure(*report.projected_counterpart_bandwidth_gbs), other_name)
              : ""));
    } else {
      report.meaning.push_back(fmt::format(
          "LLM inference (decode) is bandwidth-bound: each generated token reads every weight "
          "once, so the measured {} GB/s ({}) caps a batch-1 decode at bandwidth / weight bytes "
          "tokens per second. This is an upper bound: the KV cache, activations and kernel "
          "overheads only lower it.{}",
          format_figure(*report.dram_bandwidth_gbs), report.dram_bandwidth_source,
          report.projected_counterpart_bandwidth_gbs
              ? fmt::format(" The {} column uses the projected {} GB/s.", other_name,
                            format_figure(*report.projected_counterpart_bandwidth_gbs))
              : ""));
    }
    const auto memory = report.sheet.number("memory_gb");
    const auto other_memory =
        report.counterpart ? report.counterpart->number("memory_gb") : std::nullopt;
    if (memory && other_memory && !report.decode.empty()) {
      const std::string only_other = join_models(report.decode, false, true);
      const std::string only_this = join_models(report.decode, true, false);
      std::string text = fmt::format(
          "Memory: the {} has {:g} GB, the {} {:g} GB (weights must fit in {:.0f}% of it, leaving "
          "room for the KV cache and the CUDA context).",
          this_name, *memory, other_name, *other_memory, kMemoryUsableFraction * 100);
      if (!only_other.empty())
        text += fmt::format(" Only the {} holds {}.", other_name, only_other);
      if (!only_this.empty()) text += fmt::format(" Only the {} holds {}.", this_name, only_this);
      if (only_other.empty() && only_this.empty()) {
        text += " The same models fit on both.";
      }
      report.meaning.push_back(text);
    }
  } else if (!documented_only) {
    report.meaning.push_back(
        "No DRAM-bound bandwidth figure in this run (run the memory suite), so no LLM decode "
        "bound is given.");
  }
  if (documented_only) return;

  // Training: compute-bound GEMMs.
  const ReportRow* best_gemm = nullptr;
  for (const auto& family : report.families) {
    if (family.name != "gemm") continue;
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (!row.failed && row.kind == FigureKind::kCompute &&
            (best_gemm == nullptr || row.measured > best_gemm->measured)) {
          best_gemm = &row;
        }
      }
    }
  }
  if (best_gemm == nullptr) {
    report.meaning.push_back(
        "Training: no GEMM results in this run, so nothing here speaks to training throughput "
        "(compute-bound matrix multiplies).");
  } else {
    std::string text = fmt::format(
        "Training is dominated by compute-bound GEMMs: the best measured GEMM is {} {} ({})",
        format_figure(best_gemm->measured), best_gemm->unit, best_gemm->benchmark);
    if (best_gemm->pct_of_spec) {
      text += fmt::format(", {:.1f}% of the documented {}", *best_gemm->pct_of_spec,
                          best_gemm->spec_key);
    }
    text += ".";
    if (best_gemm->projected_counterpart) {
      text += fmt::format(
          " On the {} the same efficiency would give {} {}; see the projection "
          "note of the gemm table for how far that holds.",
          other_name, format_figure(*best_gemm->projected_counterpart), best_gemm->unit);
    }
    report.meaning.push_back(text);
  }

  // Power.
  if (!report.has_telemetry) {
    report.meaning.push_back(
        "Power: no NVML power telemetry in this run, so no energy per operation is given.");
    return;
  }
  std::vector<std::string> lines;
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (row.failed || !row.energy_pj_per_unit || !row.per_watt) continue;
        const bool chosen =
            row.kind == FigureKind::kBandwidth
                ? fmt::format("{}/{}", family.name, row.benchmark) == report.dram_bandwidth_source
                : &row == best_gemm;
        if (!chosen) continue;
        std::string line =
            fmt::format("{} ({}): {} {}, i.e. {} pJ per {}", row.benchmark, family.name,
                        format_figure(*row.per_watt), per_watt_unit(row.kind),
                        format_figure(*row.energy_pj_per_unit),
                        row.kind == FigureKind::kBandwidth ? "byte" : "FLOP");
        if (row.counterpart_per_watt_tdp) {
          line +=
              fmt::format(" (the {}'s documented figure / TDP: {} {})", other_name,
                          format_figure(*row.counterpart_per_watt_tdp), per_watt_unit(row.kind));
        }
        lines.push_back(line);
      }
    }
  }
  report.meaning.push_back(
      lines.empty() ? "Power: telemetry was recorded, but not for the DRAM or GEMM figures above."
                    : fmt::format("Power (mean board power during the timed loops): {}.",
                                  fmt::join(lines, "; ")));
}

void add_decode(Report& report) {
  const auto memory = report.sheet.number("memory_gb");
  if (!report.dram_bandwidth_gbs || !memory) return;
  report.decode = llm_decode_estimates(
      *report.dram_bandwidth_gbs, *memory, report.projected_counterpart_bandwidth_gbs,
      report.counterpart ? report.counterpart->number("memory_gb") : std::nullopt);
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

std::vector<DecodeEstimate> llm_decode_estimates(double bandwidth_gbs, double memory_gb,
                                                 std::optional<double> counterpart_bandwidth_gbs,
                                                 std::optional<double> counterpart_memory_gb) {
  std::vector<DecodeEstimate> estimates;
  for (const ModelSize& model : kModels) {
    for (const Precision& precision : kPrecisions) {
      DecodeEstimate estimate;
      estimate.model = model.name;
      estimate.parameters = model.parameters;
      estimate.precision = precision.name;
      estimate.bytes_per_parameter = precision.bytes_per_parameter;
      estimate.weight_gb = model.parameters * precision.bytes_per_parameter / 1e9;
      estimate.fits_this = estimate.weight_gb <= kMemoryUsableFraction * memory_gb;
      estimate.fits_counterpart =
          counterpart_memory_gb &&
          estimate.weight_gb <= kMemoryUsableFraction * *counterpart_memory_gb;
      if (estimate.fits_this) estimate.tokens_per_s_this = bandwidth_gbs / estimate.weight_gb;
      if (estimate.fits_counterpart && counterpart_bandwidth_gbs) {
        estimate.tokens_per_s_counterpart = *counterpart_bandwidth_gbs / estimate.weight_gb;
      }
      estimates.push_back(estimate);
    }
  }
  return estimates;
}

std::vector<MeasuredBenchmark> summarize_benchmarks(const ResultsFile& run) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const BenchmarkRecord*>> by_run;
  for (const BenchmarkRecord& record : run.benchmarks) {
    if (!by_run.contains(record.run_name)) order.push_back(record.run_name);
    by_run[record.run_name].push_back(&record);
  }
  std::vector<MeasuredBenchmark> out;
  for (const std::string& run_name : order) {
    const auto& records = by_run[run_name];
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
      out.push_back(std::move(benchmark));
      continue;
    }
    benchmark.repetitions = static_cast<std::int64_t>(iterations.size());
    if (median != nullptr) {
      benchmark.median = median->counters;
      benchmark.label = median->label;
      benchmark.repetitions = std::max(benchmark.repetitions, median->repetitions);
    }
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
      if (cv == nullptr) {
        if (const auto spread = cv_percent_of(values)) benchmark.cv_pct[key] = *spread;
      }
    }
    if (cv != nullptr) {
      // google/benchmark writes the coefficient of variation as a fraction.
      for (const auto& [key, value] : cv->counters)
        benchmark.cv_pct[key] = value * 100;
    }
    out.push_back(std::move(benchmark));
  }
  return out;
}

Report build_report(const ResultsFile& run, const SpecDatabase& database,
                    std::string_view against) {
  if (!run.is_gpubench_run()) {
    throw UserError(fmt::format(
        "{} is not a gpubench run (its context has no device manifest); make one with gpubench "
        "run.",
        run.path.string()));
  }
  Report report;
  report.run_path = run.path;
  const std::string spec_id = run.context_value("gpu_spec_id").value_or("");
  const std::string gpu_name = run.context_value("gpu_name").value_or("unknown GPU");
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
    const std::string recorded = run.context_value("counterpart_spec_id").value_or("");
    counterpart_id = database.find(recorded) ? recorded : report.sheet.counterpart;
  }
  if (!counterpart_id.empty()) report.counterpart = database.at(counterpart_id);
  report.title = report.counterpart ? fmt::format("{}: measured, documented, and against the {}",
                                                  gpu_name, report.counterpart->name)
                                    : fmt::format("{}: measured and documented", gpu_name);

  auto context = [&](std::string_view key) { return run.context_value(key).value_or("unknown"); };
  report.manifest = {
      {"GPU", fmt::format("{} (PCI device {}, compute capability {}, {} SMs)", gpu_name,
                          context("gpu_pci_device_id"), context("compute_capability"),
                          context("sm_count"))},
      {"Spec sheet", fmt::format("{} (matched by {})", spec_id, context("gpu_spec_matched_by"))},
      {"Counterpart", report.counterpart ? report.counterpart->id : "none"},
      {"Driver", context("driver_version")},
      {"CUDA", fmt::format("driver API {}, runtime {}", context("cuda_driver_version"),
                           context("cuda_runtime_version"))},
      {"cuBLAS", context("cublas_version")},
      {"gpubench", context("gpubench_version")},
      {"Profile",
       fmt::format("{} (suites: {}){}", context("gpubench_profile"), context("gpubench_suites"),
                   run.context_value("gpubench_run_wall_s")
                       ? fmt::format(", ran in {} s", *run.context_value("gpubench_run_wall_s"))
                       : "")},
      {"Date", context("date")},
      {"Host", context("host_name")},
      {"Results file", run.path.filename().string()},
  };
  for (const auto& [key, value] : run.context) {
    if (key.starts_with("env_warning")) {
      report.warnings.push_back(value);
    } else if (key.starts_with("env_")) {
      report.environment.emplace_back(key.substr(4), value);
    }
  }

  const auto counterpart_l2_mb =
      report.counterpart ? report.counterpart->number("l2_cache_mb") : std::nullopt;
  bool sheet_changed_warned = false;

  for (const MeasuredBenchmark& benchmark : summarize_benchmarks(run)) {
    if (report.families.empty() || report.families.back().name != benchmark.family) {
      const auto existing =
          std::find_if(report.families.begin(), report.families.end(),
                       [&](const ReportFamily& family) { return family.name == benchmark.family; });
      if (existing != report.families.end()) {
        // Families interleaved in the file: keep one table per family.
        std::rotate(existing, existing + 1, report.families.end());
      } else {
        report.families.push_back(ReportFamily{benchmark.family, {}, ""});
      }
    }
    ReportFamily& family = report.families.back();
    if (family.sections.empty() || family.sections.back().name != benchmark.section) {
      const auto existing = std::find_if(
          family.sections.begin(), family.sections.end(),
          [&](const ReportSection& section) { return section.name == benchmark.section; });
      if (existing != family.sections.end()) {
        std::rotate(existing, existing + 1, family.sections.end());
      } else {
        family.sections.push_back(ReportSection{benchmark.section, {}});
      }
    }
    ReportSection& section = family.sections.back();

    ReportRow row;
    row.benchmark = without_family(benchmark.name);
    if (benchmark.failed) {
      row.failed = true;
      row.note = benchmark.error_message;
      section.rows.push_back(std::move(row));
      continue;
    }
    const std::optional<Figure> figure = figure_of(benchmark);
    if (!figure) {
      std::vector<std::string> names;
      for (const auto& [key, value] : benchmark.median)
        names.push_back(key);
      row.note =
          names.empty() ? "no counters" : fmt::format("counters: {}", fmt::join(names, ", "));
      section.rows.push_back(std::move(row));
      continue;
    }
    row.counter = figure->counter;
    row.kind = figure->kind;
    row.unit = figure->unit;
    row.spec_key = figure->spec_key;
    row.measured = benchmark.median.at(figure->counter);
    if (const auto it = benchmark.cv_pct.find(figure->counter); it != benchmark.cv_pct.end()) {
      row.spread_pct = it->second;
    }
    row.noise_pct = counter(benchmark, "noise_pct");
    if (row.kind == FigureKind::kLatency) {
      if (const auto cycles = counter(benchmark, "latency_cycles")) {
        row.secondary = fmt::format("{:.1f} cycles", *cycles);
      }
    }

    std::vector<std::string> notes;
    bool projectable = true;
    const auto working_set = counter(benchmark, "working_set_bytes");
    const auto l2 = counter(benchmark, "l2_bytes");
    if (l2 && !report.l2_bytes) report.l2_bytes = l2;
    const std::optional<double> own_l2 =
        l2 ? l2
           : (report.sheet.number("l2_cache_mb")
                  ? std::optional<double>(*report.sheet.number("l2_cache_mb") * kMiB)
                  : std::nullopt);
    if (working_set && own_l2) {
      const double larger_l2 = std::max(*own_l2, counterpart_l2_mb.value_or(0) * kMiB);
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
      projectable = *working_set >= 4 * larger_l2;
      if (row.residency == Residency::kDram && !projectable) {
        notes.push_back("partly cached on the counterpart (larger L2): not projected");
      }
    }
    if (!row.spec_key.empty()) {
      const bool cached = row.residency == Residency::kL2 || row.residency == Residency::kL2AndDram;
      row.this_spec = report.sheet.number(row.spec_key);
      if (row.this_spec && !cached) {
        row.pct_of_spec = row.measured / *row.this_spec * 100;
        const auto recorded = counter(benchmark, "pct_of_spec");
        if (recorded && row.kind == FigureKind::kBandwidth &&
            std::fabs(*recorded - *row.pct_of_spec) > 0.01 * *row.pct_of_spec &&
            !sheet_changed_warned) {
          sheet_changed_warned = true;
          report.warnings.push_back(fmt::format(
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

    if (const auto power = counter(benchmark, "power_mean_w"); power && *power > 0) {
      report.has_telemetry = true;
      if (row.kind != FigureKind::kLatency) {
        const auto recorded =
            counter(benchmark, row.kind == FigureKind::kBandwidth ? "gbs_per_w" : "tflops_per_w");
        row.per_watt = recorded ? *recorded : row.measured / *power;
        row.energy_pj_per_unit = energy_pj_per_unit(*power, row.measured, row.kind);
        const auto tdp = report.counterpart ? report.counterpart->number("tdp_w") : std::nullopt;
        if (row.counterpart_spec && tdp)
          row.counterpart_per_watt_tdp = *row.counterpart_spec / *tdp;
      }
    }
    if (const auto clock = counter(benchmark, "sm_clock_mean_mhz")) {
      const auto minimum = counter(benchmark, "sm_clock_min_mhz");
      notes.push_back(minimum ? fmt::format("SM {:.0f} MHz (min {:.0f})", *clock, *minimum)
                              : fmt::format("SM {:.0f} MHz", *clock));
    }
    if (const auto temperature = counter(benchmark, "temperature_max_c")) {
      notes.push_back(fmt::format("max {:.0f} C", *temperature));
    }
    if (const auto throttled = counter(benchmark, "throttled_samples");
        throttled && *throttled > 0) {
      const auto kept = counter(benchmark, "samples");
      notes.push_back(
          kept && *throttled >= *kept
              ? "every sample below 75% of the reference SM clock: a throttled figure"
              : fmt::format("{:.3g} throttled sample(s) per repetition dropped", *throttled));
    }
    if (!benchmark.label.empty()) notes.push_back(benchmark.label);
    row.note = fmt::format("{}", fmt::join(notes, "; "));

    // Plot data.
    if (row.kind == FigureKind::kBandwidth && working_set) {
      auto series = std::find_if(
          report.working_set_series.begin(), report.working_set_series.end(),
          [&](const auto& entry) { return entry.first == family.name + "/" + section.name; });
      if (series == report.working_set_series.end()) {
        report.working_set_series.push_back({family.name + "/" + section.name, {}});
        series = std::prev(report.working_set_series.end());
      }
      series->second.emplace_back(*working_set, row.measured);
    }
    if (row.kind == FigureKind::kCompute) {
      report.compute_points.push_back(
          {benchmark.name, row.measured, counter(benchmark, "flop_per_byte")});
      std::optional<double> size = counter(benchmark, "m");
      if (!size) size = counter(benchmark, "n");
      if (!size) size = counter(benchmark, "size");
      if (family.name == "gemm" && size) {
        const std::size_t slash = benchmark.name.rfind('/');
        const std::string series_name = without_family(benchmark.name.substr(0, slash));
        auto series = std::find_if(report.gemm_series.begin(), report.gemm_series.end(),
                                   [&](const auto& entry) { return entry.first == series_name; });
        if (series == report.gemm_series.end()) {
          report.gemm_series.push_back({series_name, {}});
          series = std::prev(report.gemm_series.end());
        }
        series->second.emplace_back(*size, row.measured);
      }
      if (family.name == "gemm") report.has_gemm = true;
    }
    section.rows.push_back(std::move(row));
  }
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

  // The DRAM-bound bandwidth for "what this means": a read if there is one, else the best.
  const ReportRow* chosen = nullptr;
  std::string chosen_family;
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (row.failed || row.kind != FigureKind::kBandwidth ||
            row.spec_key != "memory_bandwidth_gbs" ||
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
  if (chosen != nullptr) {
    report.dram_bandwidth_gbs = chosen->measured;
    report.dram_bandwidth_source = fmt::format("{}/{}", chosen_family, chosen->benchmark);
    if (chosen->this_spec && chosen->counterpart_spec) {
      report.projected_counterpart_bandwidth_gbs =
          project_to_counterpart(chosen->measured, *chosen->this_spec, *chosen->counterpart_spec);
    }
  }
  add_decode(report);
  add_meaning(report, false);
  if (report.counterpart) report.documented = compare_sheets(report.sheet, *report.counterpart);
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
  report.dram_bandwidth_gbs = a.number("memory_bandwidth_gbs");
  report.dram_bandwidth_source = "documented";
  report.projected_counterpart_bandwidth_gbs = b.number("memory_bandwidth_gbs");
  add_decode(report);
  add_meaning(report, true);
  const std::string note = projection_note(a, b, true, true, true);
  if (!note.empty()) report.meaning.push_back(note);
  return report;
}

}  // namespace gpubench
