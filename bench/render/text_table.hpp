#pragma once
// Plain-text tables for the terminal (compare, history): columns padded to their widest cell.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// The header and rows, one line each: `indent`, then the cells joined by two spaces, each padded to
// its column's width (right-aligned where right_aligned(column) says so), trailing spaces trimmed.
std::string format_text_table(const std::vector<std::string>& header,
                              const std::vector<std::vector<std::string>>& rows,
                              const std::function<bool(std::size_t)>& right_aligned,
                              std::string_view indent = "");

// CSV (RFC 4180) for the --csv outputs: a field quoted when it holds a comma, quote or line break;
// a number as the shortest text that reads back the same, empty when not finite.
std::string csv_field(std::string_view text);
std::string csv_number(double value);

}  // namespace gpubench
