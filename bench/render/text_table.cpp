#include "render/text_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace gpubench {

std::string format_text_table(const std::vector<std::string>& header,
                              const std::vector<std::vector<std::string>>& rows,
                              const std::function<bool(std::size_t)>& right_aligned,
                              std::string_view indent) {
  std::vector<std::size_t> widths(header.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  };
  widen(header);
  for (const auto& row : rows)
    widen(row);
  std::string out;
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line(indent);
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += right_aligned(c) ? fmt::format("{:>{}}", row[c], widths[c])
                               : fmt::format("{:<{}}", row[c], widths[c]);
      if (c + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  };
  print_row(header);
  for (const auto& row : rows)
    print_row(row);
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string csv_number(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : "";
}

}  // namespace gpubench
