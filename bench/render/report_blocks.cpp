// What the report says, in order: the headline, the run and its environment, one table per family
// and section (driver-path rows in their own), the plots, what it means, the documented specs.

#include "render/report_blocks.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gpubench::report_blocks {
namespace {

Block heading(int level, std::string text) {
  return Block{Block::Kind::kHeading, level, std::move(text), {}, {}};
}
Block paragraph(std::string text) {
  return Block{Block::Kind::kParagraph, 0, std::move(text), {}, {}};
}
Block bullets(std::vector<std::string> items) {
  return Block{Block::Kind::kBullets, 0, "", std::move(items), {}};
}
Block table_block(Table table) {
  return Block{Block::Kind::kTable, 0, "", {}, std::move(table)};
}
Block plot(std::string name) {
  return Block{Block::Kind::kPlot, 0, std::move(name), {}, {}};
}

// Drops the columns (after the first two) that are empty in every row.
Table drop_empty_columns(const Table& table) {
  std::vector<std::size_t> keep;
  for (std::size_t column = 0; column < table.header.size(); ++column) {
    const bool used =
        column < 2 || std::any_of(table.rows.begin(), table.rows.end(),
                                  [&](const auto& row) { return !row[column].empty(); });
    if (used) keep.push_back(column);
  }
  Table out;
  for (const std::size_t column : keep)
    out.header.push_back(table.header[column]);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const std::size_t column : keep)
      cells.push_back(row[column]);
    out.rows.push_back(std::move(cells));
  }
  return out;
}

// The CV across repetitions, then the within-repetition noise when the run recorded it.
std::string spread_cell(const ReportRow& row) {
  const std::string cv = row.spread_pct ? fmt::format("{:.2f}%", *row.spread_pct) : "";
  if (!row.noise_pct) return cv;
  return fmt::format("{} / {:.2f}%", cv.empty() ? "-" : cv, *row.noise_pct);
}

// "library_kernel_underuses_tensor_cores (tensor pipe 13% busy ...)"; several joined by "; ".
std::string reasons_cell(const ReportRow& row) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < row.reasons.size(); ++i) {
    const std::string& evidence = i < row.reason_evidence.size() ? row.reason_evidence[i] : "";
    parts.push_back(evidence.empty() ? row.reasons[i]
                                     : fmt::format("{} ({})", row.reasons[i], evidence));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string measured_cell(const ReportRow& row) {
  std::string measured = fmt::format("{} {}", format_figure(row.measured), row.unit);
  if (!row.secondary.empty()) measured += fmt::format(" ({})", row.secondary);
  return measured;
}

Table section_table(const Report& report, const ReportSection& section) {
  const std::string other_id = report.counterpart ? report.counterpart->id : "counterpart";
  Table table;
  table.header = {"benchmark",
                  "measured (median)",
                  "spread (CV / noise)",
                  fmt::format("% of {} spec", report.sheet.id),
                  fmt::format("{} spec", other_id),
                  fmt::format("measured / {}", other_id),
                  fmt::format("projected {}", other_id),
                  "measured per W",
                  fmt::format("{} spec per TDP W", other_id),
                  "energy",
                  "below 85% of peak because",
                  "note"};
  for (const ReportRow& row : section.rows) {
    if (row.failed || row.counter.empty()) {
      std::vector<std::string> cells(table.header.size());
      cells[0] = row.benchmark;
      cells[1] = row.failed ? "FAILED" : "n/a";
      cells.back() = row.note;
      table.rows.push_back(std::move(cells));
      continue;
    }
    table.rows.push_back({
        row.benchmark,
        measured_cell(row),
        spread_cell(row),
        row.pct_of_spec && row.this_spec
            ? fmt::format("{:.1f}% of {}", *row.pct_of_spec, with_unit(row.this_spec, row.unit))
            : "",
        with_unit(row.counterpart_spec, row.unit),
        row.vs_counterpart ? fmt::format("{:.2f}x", *row.vs_counterpart) : "",
        with_unit(row.projected_counterpart, row.unit),
        with_unit(row.per_watt, counters::per_watt_unit(row.kind)),
        with_unit(row.counterpart_per_watt_tdp, counters::per_watt_unit(row.kind)),
        with_unit(row.energy_pj_per_unit, row.kind == FigureKind::kBandwidth ? "pJ/B" : "pJ/FLOP"),
        reasons_cell(row),
        row.note,
    });
  }
  return drop_empty_columns(table);
}

// Driver-path rows: a latency or a rate and its spread; no documented figure exists for them.
Table driver_table(const ReportFamily& family) {
  Table table{{"benchmark", "measured (median)", "spread (CV / noise)", "note"}, {}};
  for (const ReportSection& section : family.sections) {
    for (const ReportRow& row : section.rows) {
      const bool figure = !row.failed && !row.counter.empty();
      table.rows.push_back({row.benchmark,
                            row.failed ? "FAILED"
                            : figure   ? measured_cell(row)
                                       : "n/a",
                            figure ? spread_cell(row) : "", row.note});
    }
  }
  return table;
}

void add_run_blocks(const Report& report, std::vector<Block>& blocks) {
  Table manifest{{"item", "value"}, {}};
  for (const auto& [what, value] : report.manifest)
    manifest.rows.push_back({what, value});
  blocks.push_back(heading(2, report.specs_only ? "What is compared" : "Run"));
  blocks.push_back(table_block(manifest));
  if (!report.specs_only) {
    blocks.push_back(heading(2, "Environment"));
    if (report.environment.empty()) {
      blocks.push_back(paragraph("The run recorded no environment check."));
    } else {
      Table environment{{"check", "state"}, {}};
      for (const auto& [key, value] : report.environment)
        environment.rows.push_back({key, value});
      blocks.push_back(table_block(environment));
    }
  }
  if (!report.warnings.empty()) {
    blocks.push_back(heading(3, "Warnings"));
    blocks.push_back(bullets(report.warnings));
  } else if (!report.specs_only) {
    blocks.push_back(paragraph("No environment warnings."));
  }
}

void add_headline_blocks(const Report& report, bool html, std::vector<Block>& blocks) {
  if (report.specs_only) return;
  blocks.push_back(heading(2, "Headline"));
  if (report.headline.empty()) {
    blocks.push_back(paragraph(
        "This run has none of the headline figures (DRAM triad, the compute peaks, the GEMMs, "
        "host-to-device copies); the details follow."));
  } else {
    blocks.push_back(table_block(headline_table(report)));
    if (report.counterpart) {
      blocks.push_back(paragraph(fmt::format(
          "Projected {0}: this card's fraction of its documented figure applied to the {0}'s "
          "documented figure (see each family's projection note for how far that holds).",
          report.counterpart->id)));
    }
    if (html) blocks.push_back(plot("headline"));
  }
  if (!report.unprojected.empty()) {
    blocks.push_back(paragraph(fmt::format(
        "Not projected to the {}, for want of a measured row on the same documented rate:",
        report.counterpart->id)));
    std::vector<std::string> items;
    for (const UnprojectedRate& rate : report.unprojected)
      items.push_back(fmt::format("{}: {}", rate.spec_key, rate.reason));
    blocks.push_back(bullets(std::move(items)));
  }
  if (!report.power_problem.empty()) {
    blocks.push_back(paragraph(fmt::format("No per-watt figures: {}", report.power_problem)));
  }
  if (!report.benchmark_filter.empty()) {
    blocks.push_back(paragraph(
        fmt::format("Only the benchmarks matching --benchmark \"{}\".", report.benchmark_filter)));
  }
}

void add_family_blocks(const Report& report, std::vector<Block>& blocks) {
  for (const ReportFamily& family : report.families) {
    if (family.name == "driver") {
      blocks.push_back(heading(2, "driver path results"));
      blocks.push_back(paragraph(
          "What a driver upgrade changes: launch, synchronization, small-copy, allocation, "
          "module-load and library first-call costs (lower latency and higher rates are "
          "better). No spec sheet documents these; compare them across drivers with gpubench "
          "history."));
      blocks.push_back(table_block(driver_table(family)));
      continue;
    }
    blocks.push_back(heading(2, fmt::format("{} results", family.name)));
    if (!family.projection_note.empty()) blocks.push_back(paragraph(family.projection_note));
    for (const ReportSection& section : family.sections) {
      if (!section.name.empty()) blocks.push_back(heading(3, section.name));
      const bool undocumented =
          std::all_of(section.rows.begin(), section.rows.end(), [](const ReportRow& row) {
            return row.failed || (row.spec_key.empty() && row.kind == FigureKind::kBandwidth);
          });
      if (undocumented) {
        blocks.push_back(paragraph(
            "The spec sheets document no figure for these rows, so they are not compared."));
      }
      blocks.push_back(table_block(section_table(report, section)));
    }
  }
}

void add_decode_blocks(const Report& report, std::vector<Block>& blocks) {
  if (report.decode.empty()) return;
  const std::string this_id = report.sheet.id;
  const std::string other_id = report.counterpart ? report.counterpart->id : "counterpart";
  const auto memory = report.sheet.number("memory_gb");
  const auto other_memory =
      report.counterpart ? report.counterpart->number("memory_gb") : std::nullopt;
  const char* basis = report.specs_only ? "documented" : "measured";
  const char* other_basis = report.specs_only ? "documented" : "projected";
  Table decode;
  decode.header = {"model",
                   "precision",
                   "weights",
                   fmt::format("fits {} ({:g} GB)", this_id, memory.value_or(0)),
                   fmt::format("fits {} ({:g} GB)", other_id, other_memory.value_or(0)),
                   fmt::format("tokens/s bound, {} ({})", this_id, basis),
                   fmt::format("tokens/s bound, {} ({})", other_id, other_basis)};
  for (const DecodeEstimate& estimate : report.decode) {
    decode.rows.push_back({
        estimate.model,
        estimate.precision,
        fmt::format("{:g} GB", estimate.weight_gb),
        estimate.fits_this ? "yes" : "no",
        report.counterpart ? (estimate.fits_counterpart ? "yes" : "no") : "",
        estimate.tokens_per_s_this ? fmt::format("{:.0f}", *estimate.tokens_per_s_this)
                                   : "does not fit",
        estimate.tokens_per_s_counterpart
            ? fmt::format("{:.0f}", *estimate.tokens_per_s_counterpart)
            : (report.counterpart ? "does not fit" : ""),
    });
  }
  blocks.push_back(heading(3, "LLM decode upper bound (batch 1, weights only)"));
  blocks.push_back(paragraph(
      "Nominal parameter counts; weights = parameters x bytes per parameter (FP16 2, 8-bit 1, "
      "4-bit 0.5; quantisation scales, the KV cache and activations are not counted)."));
  blocks.push_back(table_block(drop_empty_columns(decode)));
}

std::string cell_of(const SpecValue* value) {
  if (value == nullptr) return "";
  return value->display() + (value->derived && !value->is_null() ? " [d]" : "");
}

void add_documented_blocks(const Report& report, std::vector<Block>& blocks) {
  if (report.documented.empty() || !report.counterpart) return;
  blocks.push_back(
      heading(2, report.specs_only ? "Documented specs" : "Documented specs (appendix)"));
  blocks.push_back(paragraph(fmt::format(
      "Dense peaks; [d] marks values NVIDIA does not print (derived, with the formula in the "
      "sheet). Every value's source: gpubench specs show {} / gpubench specs show {}.",
      report.sheet.id, report.counterpart->id)));
  Table documented{{"spec", report.sheet.id, report.counterpart->id,
                    fmt::format("{} / {}", report.sheet.id, report.counterpart->id)},
                   {}};
  for (const SpecComparisonRow& row : report.documented) {
    documented.rows.push_back({row.key, cell_of(row.a), cell_of(row.b),
                               row.ratio_a_to_b ? fmt::format("{:.2f}", *row.ratio_a_to_b) : ""});
  }
  blocks.push_back(table_block(documented));
}

}  // namespace

std::string with_unit(const std::optional<double>& value, std::string_view unit) {
  return value ? fmt::format("{} {}", format_figure(*value), unit) : "";
}

Table headline_table(const Report& report) {
  const std::string other_id = report.counterpart ? report.counterpart->id : "counterpart";
  Table table{{"figure", "measured", fmt::format("% of {} spec", report.sheet.id),
               fmt::format("{} documented", other_id), fmt::format("{} projected", other_id),
               "below 85% because"},
              {}};
  for (const HeadlineFigure& figure : report.headline) {
    std::string pct;
    if (figure.pct_of_spec && figure.this_spec) {
      pct = fmt::format("{:.1f}% of {}{}", *figure.pct_of_spec,
                        with_unit(figure.this_spec, figure.unit),
                        figure.spec_basis.empty() ? "" : fmt::format(" ({})", figure.spec_basis));
    }
    table.rows.push_back({fmt::format("{} ({})", figure.what, figure.benchmark),
                          fmt::format("{} {}", format_figure(figure.measured), figure.unit), pct,
                          with_unit(figure.counterpart_spec, figure.unit),
                          with_unit(figure.projected_counterpart, figure.unit),
                          fmt::format("{}", fmt::join(figure.reasons, ", "))});
  }
  return table;
}

std::vector<Block> build_blocks(const Report& report, bool html) {
  std::vector<Block> blocks;
  blocks.push_back(heading(1, fmt::format("gpubench report: {}", report.title)));
  add_headline_blocks(report, html, blocks);
  add_run_blocks(report, blocks);
  add_family_blocks(report, blocks);
  if (html) {
    blocks.push_back(heading(2, "Plots"));
    for (const char* name : {"working_set", "roofline", "gemm", "gemm_shapes", "transfers"})
      blocks.push_back(plot(name));
  }
  blocks.push_back(heading(2, "What this means"));
  for (const std::string& text : report.meaning)
    blocks.push_back(paragraph(text));
  add_decode_blocks(report, blocks);
  add_documented_blocks(report, blocks);
  return blocks;
}

}  // namespace gpubench::report_blocks
