#pragma once
// Text inside HTML reports and JUnit XML: one escaper valid for both.

#include <string>
#include <string_view>

namespace gpubench {

// &, <, >, " and ' as entities (&#39; is valid in XML and HTML alike); control characters other
// than tab, newline and carriage return, which XML 1.0 forbids, as '?'.
std::string escape_markup(std::string_view text);

}  // namespace gpubench
