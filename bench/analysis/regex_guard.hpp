#pragma once
// The one place a regular expression typed by a person (--metric, --benchmark) is compiled.
// std::regex matches by backtracking: short patterns such as "x+++++*" or "(|ab|){24}" took minutes
// on a metric name, and libstdc++ overflows a long reading a huge repeat count or back-reference
// number (all found by fuzz/fuzz_cli_text). So the pattern is checked first and, on libstdc++,
// matched by its polynomial-time (breadth-first) executor.

#include <regex>
#include <string>
#include <string_view>

namespace gpubench {

// Why `pattern` is refused, or "" when it is fine: longer than 256 bytes, a repeat count of more
// than four digits ("a{99999}"), or a back-reference ("\1"), which no name needs.
std::string regex_refusal(std::string_view pattern);

// Compiles `pattern` (ECMAScript, no captures) or throws UserError (exit 2) naming `option` and
// quoting the pattern escaped.
std::regex compile_user_regex(const std::string& pattern, std::string_view option);

}  // namespace gpubench
