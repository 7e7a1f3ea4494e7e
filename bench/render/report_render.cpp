// Markdown and HTML from one list of blocks, so both formats always say the same things.

#include "render/report_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "render/markup.hpp"

namespace gpubench {
namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct Block {
  enum class Kind { kHeading, kParagraph, kBullets, kTable, kPlot };
  Kind kind = Kind::kParagraph;
  int level = 2;
  std::string text;  // heading or paragraph text; plot name
  std::vector<std::string> items;
  Table table;
};

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

std::string with_unit(const std::optional<double>& value, std::string_view unit) {
  return value ? fmt::format("{} {}", format_figure(*value), unit) : "";
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

std::string per_watt_unit(FigureKind kind) {
  return kind == FigureKind::kBandwidth ? "GB/s/W" : "TFLOPS/W";
}

// The CV across repetitions, then the within-repetition noise when the run recorded it.
std::string spread_cell(const ReportRow& row) {
  const std::string cv = row.spread_pct ? fmt::format("{:.2f}%", *row.spread_pct) : "";
  if (!row.noise_pct) return cv;
  return fmt::format("{} / {:.2f}%", cv.empty() ? "-" : cv, *row.noise_pct);
}

Table section_table(const Report& report, const ReportSection& section) {
  const std::string this_id = report.sheet.id;
  const std::string other_id = report.counterpart ? report.counterpart->id : "counterpart";
  Table table;
  table.header = {"benchmark",
                  "measured (median)",
                  "spread (CV / noise)",
                  fmt::format("% of {} spec", this_id),
                  fmt::format("{} spec", other_id),
                  fmt::format("measured / {}", other_id),
                  fmt::format("projected {}", other_id),
                  "measured per W",
                  fmt::format("{} spec per TDP W", other_id),
                  "energy",
                  "note"};
  for (const ReportRow& row : section.rows) {
    if (row.failed) {
      table.rows.push_back({row.benchmark, "FAILED", "", "", "", "", "", "", "", "", row.note});
      continue;
    }
    if (row.counter.empty()) {
      table.rows.push_back({row.benchmark, "n/a", "", "", "", "", "", "", "", "", row.note});
      continue;
    }
    std::string measured = fmt::format("{} {}", format_figure(row.measured), row.unit);
    if (!row.secondary.empty()) measured += fmt::format(" ({})", row.secondary);
    table.rows.push_back({
        row.benchmark,
        measured,
        spread_cell(row),
        row.pct_of_spec && row.this_spec
            ? fmt::format("{:.1f}% of {}", *row.pct_of_spec, with_unit(row.this_spec, row.unit))
            : "",
        with_unit(row.counterpart_spec, row.unit),
        row.vs_counterpart ? fmt::format("{:.2f}x", *row.vs_counterpart) : "",
        with_unit(row.projected_counterpart, row.unit),
        with_unit(row.per_watt, per_watt_unit(row.kind)),
        with_unit(row.counterpart_per_watt_tdp, per_watt_unit(row.kind)),
        with_unit(row.energy_pj_per_unit, row.kind == FigureKind::kBandwidth ? "pJ/B" : "pJ/FLOP"),
        row.note,
    });
  }
  return drop_empty_columns(table);
}

std::string cell_of(const SpecValue* value) {
  if (value == nullptr) return "";
  return value->display() + (value->derived && !value->is_null() ? " [d]" : "");
}

std::vector<Block> build_blocks(const Report& report, bool html) {
  std::vector<Block> blocks;
  blocks.push_back(heading(1, fmt::format("gpubench report: {}", report.title)));

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

  for (const ReportFamily& family : report.families) {
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

  if (html) {
    blocks.push_back(heading(2, "Plots"));
    blocks.push_back(plot("working_set"));
    blocks.push_back(plot("roofline"));
    blocks.push_back(plot("gemm"));
  }

  blocks.push_back(heading(2, "What this means"));
  for (const std::string& text : report.meaning)
    blocks.push_back(paragraph(text));
  if (!report.decode.empty()) {
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

  if (!report.documented.empty() && report.counterpart) {
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
  return blocks;
}

// --- Markdown.

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string markdown_table(const Table& table) {
  std::string out = "|";
  for (const auto& cell : table.header)
    out += fmt::format(" {} |", markdown_cell(cell));
  out += "\n|";
  for (std::size_t i = 0; i < table.header.size(); ++i)
    out += " --- |";
  out += "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (const auto& cell : row)
      out += fmt::format(" {} |", markdown_cell(cell));
    out += "\n";
  }
  return out;
}

// --- HTML.

std::string html_table(const Table& table) {
  std::string out = "<table>\n<thead><tr>";
  for (const auto& cell : table.header)
    out += fmt::format("<th>{}</th>", escape_markup(cell));
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (const auto& cell : row)
      out += fmt::format("<td>{}</td>", escape_markup(cell));
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

constexpr std::string_view kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 78em; padding: 0 1em; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f3f4f6; } tbody tr:nth-child(even) { background: #fafafa; }
td:nth-child(2) { white-space: nowrap; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #555; }
.warnings li { color: #8a4b00; }
)css";

}  // namespace

std::string render_markdown(const Report& report) {
  std::string out;
  for (const Block& block : build_blocks(report, false)) {
    switch (block.kind) {
      case Block::Kind::kHeading:
        out += fmt::format("{} {}\n\n", std::string(static_cast<std::size_t>(block.level), '#'),
                           block.text);
        break;
      case Block::Kind::kParagraph:
        out += block.text + "\n\n";
        break;
      case Block::Kind::kBullets:
        for (const auto& item : block.items)
          out += fmt::format("- {}\n", item);
        out += "\n";
        break;
      case Block::Kind::kTable:
        out += markdown_table(block.table) + "\n";
        break;
      case Block::Kind::kPlot:
        break;
    }
  }
  if (!report.specs_only) {
    out +=
        "Plots (bandwidth against working set, roofline, GEMM) are in the HTML report: "
        "gpubench report RUN.json -o report.html\n";
  }
  return out;
}

std::string render_html(const Report& report, const std::vector<EmbeddedPlot>& plots,
                        std::string_view plot_problem) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"gpubench {}\">\n<title>gpubench report: {}</title>\n"
      "<style>{}</style>\n</head>\n<body>\n",
      escape_markup(gpubench_version()), escape_markup(report.title), kStyle);
  bool plot_problem_said = false;
  for (const Block& block : build_blocks(report, true)) {
    switch (block.kind) {
      case Block::Kind::kHeading:
        out += fmt::format("<h{0}>{1}</h{0}>\n", block.level, escape_markup(block.text));
        break;
      case Block::Kind::kParagraph:
        out += fmt::format("<p>{}</p>\n", escape_markup(block.text));
        break;
      case Block::Kind::kBullets:
        out += "<ul class=\"warnings\">\n";
        for (const auto& item : block.items)
          out += fmt::format("<li>{}</li>\n", escape_markup(item));
        out += "</ul>\n";
        break;
      case Block::Kind::kTable:
        out += html_table(block.table);
        break;
      case Block::Kind::kPlot: {
        const auto found = std::find_if(plots.begin(), plots.end(), [&](const EmbeddedPlot& p) {
          return p.name == block.text;
        });
        if (found != plots.end()) {
          out += fmt::format(
              "<figure id=\"plot-{0}\">\n<img alt=\"{1}\" src=\"data:image/png;base64,{2}\">\n"
              "<figcaption>{1}</figcaption>\n</figure>\n",
              escape_markup(found->name), escape_markup(found->caption), base64_encode(found->png));
        } else if (!plot_problem.empty() && !plot_problem_said) {
          plot_problem_said = true;
          out += fmt::format("<p>Plots unavailable: {}</p>\n", escape_markup(plot_problem));
        }
        break;
      }
    }
  }
  out += "</body>\n</html>\n";
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace gpubench
