// "What this means" for ML work, and how far projected counterpart figures hold.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/report_detail.hpp"

namespace gpubench {
namespace report_detail {
namespace {

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

void add_memory_meaning(Report& report) {
  const std::string this_name = report.sheet.name;
  const std::string other_name = report.counterpart ? report.counterpart->name : "";
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
    if (!only_other.empty()) text += fmt::format(" Only the {} holds {}.", other_name, only_other);
    if (!only_this.empty()) text += fmt::format(" Only the {} holds {}.", this_name, only_this);
    if (only_other.empty() && only_this.empty()) {
      text += " The same models fit on both.";
    }
    report.meaning.push_back(text);
  }
}

void add_decode_meaning(Report& report, bool documented_only) {
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
    add_memory_meaning(report);
  } else if (!documented_only) {
    report.meaning.push_back(
        "No DRAM-bound bandwidth figure in this run (run the memory suite), so no LLM decode "
        "bound is given.");
  }
}

// Training: compute-bound GEMMs.
void add_training_meaning(Report& report) {
  const std::string other_name = report.counterpart ? report.counterpart->name : "";
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
}

// Per-watt figures exist only for rows whose power came from a sustained window (report_rows).
void add_power_meaning(Report& report) {
  const std::string other_name = report.counterpart ? report.counterpart->name : "";
  if (!report.has_telemetry) {
    report.meaning.push_back(
        "Power: no NVML power telemetry in this run, so no energy per operation is given.");
    return;
  }
  if (!report.power_problem.empty()) {
    report.meaning.push_back(fmt::format("Power: {}", report.power_problem));
    return;
  }
  std::vector<std::string> lines;
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (row.failed || !row.energy_pj_per_unit || !row.per_watt) continue;
        std::string line =
            fmt::format("{} ({}): {} {}, i.e. {} pJ per {}", row.benchmark, family.name,
                        format_figure(*row.per_watt), counters::per_watt_unit(row.kind),
                        format_figure(*row.energy_pj_per_unit),
                        row.kind == FigureKind::kBandwidth ? "byte" : "FLOP");
        if (row.counterpart_per_watt_tdp) {
          line += fmt::format(" (the {}'s documented figure / TDP: {} {})", other_name,
                              format_figure(*row.counterpart_per_watt_tdp),
                              counters::per_watt_unit(row.kind));
        }
        lines.push_back(line);
      }
    }
  }
  if (lines.empty()) return;
  report.meaning.push_back(fmt::format(
      "Power (mean board power over a sustained window of at least {:g} s of the same kernel): "
      "{}.",
      kSustainedPowerWindowS, fmt::join(lines, "; ")));
}

}  // namespace

// How far "this card's efficiency applied to the counterpart's documented figure" holds. For a
// specs-only report the same facts are said about carrying a future measurement across.
std::string projection_note(const SpecSheet& sheet, const std::optional<SpecSheet>& counterpart,
                            bool has_bandwidth, bool has_compute, bool specs_only) {
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

void add_meaning(Report& report, bool documented_only) {
  add_decode_meaning(report, documented_only);
  if (documented_only) return;
  add_training_meaning(report);
  add_power_meaning(report);
}

void add_decode(Report& report) {
  const auto memory = report.sheet.number("memory_gb");
  if (!report.dram_bandwidth_gbs || !memory) return;
  report.decode = llm_decode_estimates(
      *report.dram_bandwidth_gbs, *memory, report.projected_counterpart_bandwidth_gbs,
      report.counterpart ? report.counterpart->number("memory_gb") : std::nullopt);
}
}  // namespace report_detail

std::vector<DecodeEstimate> llm_decode_estimates(double bandwidth_gbs, double memory_gb,
                                                 std::optional<double> counterpart_bandwidth_gbs,
                                                 std::optional<double> counterpart_memory_gb) {
  std::vector<DecodeEstimate> estimates;
  for (const report_detail::ModelSize& model : report_detail::kModels) {
    for (const report_detail::Precision& precision : report_detail::kPrecisions) {
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

}  // namespace gpubench
