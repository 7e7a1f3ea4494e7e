#include "model/size_ranges.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>

#include "gpubench/errors.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t bytes;
};
constexpr std::array<Unit, 3> kUnits = {Unit{"kib", std::int64_t{1} << 10},
                                        Unit{"mib", std::int64_t{1} << 20},
                                        Unit{"gib", std::int64_t{1} << 30}};

bool ends_with_lower(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  const std::string_view tail = text.substr(text.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) != suffix[i]) return false;
  }
  return true;
}

// A whole number with an optional unit (when the syntax takes them); nullopt when it is neither,
// or when number x unit overflows.
std::optional<std::int64_t> whole_number(std::string_view text, bool byte_units) {
  std::int64_t scale = 1;
  if (byte_units) {
    for (const Unit& unit : kUnits) {
      if (ends_with_lower(text, unit.suffix)) {
        scale = unit.bytes;
        text = trim_spaces(text.substr(0, text.size() - unit.suffix.size()));
        break;
      }
    }
  }
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value > std::numeric_limits<std::int64_t>::max() / scale ||
      value < std::numeric_limits<std::int64_t>::min() / scale)
    return std::nullopt;
  return value * scale;
}

}  // namespace

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_trimmed(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(trim_spaces(text.substr(start, end - start)));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::int64_t parse_size_value(std::string_view text, const std::string& what,
                              const SizeSyntax& syntax) {
  const std::optional<std::int64_t> value = whole_number(text, syntax.byte_units);
  if (!value) {
    throw UserError(fmt::format("{} \"{}\" is not a whole number{}.", what,
                                escaped_excerpt(text, 40),
                                syntax.byte_units ? " of bytes (KiB, MiB or GiB may follow)" : ""));
  }
  if (*value <= 0) {
    throw UserError(fmt::format("{} is {}; {} must be positive.", what, *value, syntax.noun));
  }
  if (*value > syntax.max_value) {
    throw UserError(
        fmt::format("{} is {}, above {} {}.", what, *value, syntax.max_reason, syntax.max_value));
  }
  return *value;
}

std::vector<std::int64_t> parse_size_range(std::string_view spec, const std::string& what,
                                           const SizeSyntax& syntax, std::size_t max_values) {
  const std::vector<std::string_view> parts = split_trimmed(spec, ':');
  if (parts.size() == 1) return {parse_size_value(parts[0], what, syntax)};
  if (parts.size() != 3) {
    throw UserError(fmt::format("{}={} is not a range; write start:end:step, e.g. {}.", what,
                                escaped_excerpt(spec, 40), syntax.range_example));
  }
  const std::int64_t start = parse_size_value(parts[0], what + " start", syntax);
  const std::int64_t end = parse_size_value(parts[1], what + " end", syntax);
  const bool multiply = parts[2].starts_with('x') || parts[2].starts_with('*');
  std::string_view step_text = parts[2];
  if (multiply || step_text.starts_with('+')) step_text.remove_prefix(1);
  // A factor has no unit; an increment may (+1MiB).
  const std::optional<std::int64_t> parsed =
      whole_number(step_text, syntax.byte_units && !multiply);
  if (!parsed) {
    throw UserError(
        fmt::format("{} step \"{}\" is not +N, N or xN.", what, escaped_excerpt(parts[2], 40)));
  }
  const std::int64_t step = *parsed;
  if (multiply ? step < 2 : step < 1) {
    throw UserError(fmt::format("{} step {} does not advance; use +1 or more, or x2 or more.", what,
                                escaped_excerpt(parts[2], 40)));
  }
  if (end < start) {
    throw UserError(fmt::format("{} range {}:{} ends below its start.", what, start, end));
  }
  std::vector<std::int64_t> values;
  for (std::int64_t value = start; value <= end && values.size() <= max_values;) {
    values.push_back(value);
    if (multiply ? value > end / step : value > end - step) break;  // the next would pass end
    value = multiply ? value * step : value + step;
  }
  return values;
}

}  // namespace gpubench
