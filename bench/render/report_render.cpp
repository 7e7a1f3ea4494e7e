// Markdown and HTML from one list of blocks, so both formats always say the same things.

#include "render/report_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "render/markup.hpp"
#include "render/report_blocks.hpp"
#include "render/text_table.hpp"

namespace gpubench {
namespace {

using report_blocks::Block;
using report_blocks::build_blocks;
using report_blocks::Table;

// --- Markdown.

// --- HTML.

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
        out += markdown_table(block.table.header, block.table.rows) + "\n";
        break;
      case Block::Kind::kPlot:
        break;
    }
  }
  if (!report.specs_only) {
    out +=
        "Plots (headline against the documented specs, bandwidth against working set, roofline, "
        "GEMM against size, host-device transfers) are in the HTML report: "
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
        out += html_table(block.table.header, block.table.rows);
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

std::string render_headline_text(const Report& report) {
  if (report.headline.empty()) return "No headline figures in this run.\n";
  const Table table = report_blocks::headline_table(report);
  std::string out =
      format_text_table(table.header, table.rows, [](std::size_t column) { return column == 1; });
  if (!report.power_problem.empty())
    out += fmt::format("No per-watt figures: {}\n", report.power_problem);
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
