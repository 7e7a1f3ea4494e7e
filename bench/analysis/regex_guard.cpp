#include "analysis/regex_guard.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstddef>

#include "gpubench/errors.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {

std::string regex_refusal(std::string_view pattern) {
  if (pattern.size() > 256) return "it is longer than 256 characters";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      if (pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
        return "it has a back-reference (\\1), which no metric name needs";
      }
      ++i;  // an escaped character is never a count
    } else if (pattern[i] == '{') {
      std::size_t digits = 0;
      for (std::size_t j = i + 1; j < pattern.size(); ++j) {
        if (std::isdigit(static_cast<unsigned char>(pattern[j]))) {
          if (++digits > 4) return "it has a repeat count above 9999";
        } else if (pattern[j] == ',') {
          digits = 0;
        } else {
          break;
        }
      }
    }
  }
  return "";
}

std::regex compile_user_regex(const std::string& pattern, std::string_view option) {
  if (const std::string refusal = regex_refusal(pattern); !refusal.empty()) {
    throw UserError(fmt::format("{} \"{}\" is refused: {}; simplify the expression.", option,
                                escaped_excerpt(pattern, 80), refusal));
  }
  auto flags = std::regex::ECMAScript | std::regex::nosubs;
#if defined(__GLIBCXX__)
  // libstdc++'s breadth-first executor: time linear in the name for a given pattern, where the
  // default depth-first one backtracks exponentially on patterns like "(|a|){24}".
  flags |= std::regex_constants::__polynomial;
#endif
  try {
    return std::regex(pattern, flags);
  } catch (const std::regex_error& error) {
    throw UserError(fmt::format("{} \"{}\" is not a valid regular expression ({}).", option,
                                escaped_excerpt(pattern, 80), error.what()));
  }
}

}  // namespace gpubench
