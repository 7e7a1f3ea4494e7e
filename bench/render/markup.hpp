#pragma once
// Text inside HTML reports and JUnit XML: one escaper valid for both; tables in Markdown and HTML.

#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// &, <, >, " and ' as entities (&#39; is valid in XML and HTML alike); control characters other
// than tab, newline and carriage return, which XML 1.0 forbids, as '?'.
std::string escape_markup(std::string_view text);

// A table in Markdown (| cells |, with '|' escaped and line breaks as spaces) and in HTML
// (<table> with <thead>, cells escaped), for the report and the fleet report alike.
std::string markdown_table(const std::vector<std::string>& header,
                           const std::vector<std::vector<std::string>>& rows);
std::string html_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows);

}  // namespace gpubench
