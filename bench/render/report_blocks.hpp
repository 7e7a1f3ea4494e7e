#pragma once
// The report as a list of blocks (headings, paragraphs, tables, plots), so the Markdown and the
// HTML renderers always say the same things. Internal to bench/render.

#include <string>
#include <vector>

#include "analysis/report.hpp"

namespace gpubench::report_blocks {

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

// `html`: include the plot placeholders (the Markdown names the HTML report instead).
std::vector<Block> build_blocks(const Report& report, bool html);

// The headline as rows of cells: figure, measured, % of this card's spec, the counterpart's
// documented figure, its projected figure, reasons. Shared by the blocks and the terminal text.
Table headline_table(const Report& report);

// "4312 GB/s" / "" when absent.
std::string with_unit(const std::optional<double>& value, std::string_view unit);

}  // namespace gpubench::report_blocks
