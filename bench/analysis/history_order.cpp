// Orders driver versions and run dates for `gpubench history`.
#include <chrono>
#include <optional>

#include "analysis/history.hpp"

namespace gpubench {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Splits at every non-alphanumeric character and at digit/letter boundaries.
std::vector<std::string_view> version_tokens(std::string_view version) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < version.size()) {
    if (!is_alnum(version[i])) {
      ++i;
      continue;
    }
    const bool digits = is_digit(version[i]);
    std::size_t end = i;
    while (end < version.size() && is_alnum(version[end]) && is_digit(version[end]) == digits) {
      ++end;
    }
    tokens.push_back(version.substr(i, end - i));
    i = end;
  }
  return tokens;
}

int compare_numbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0')
    a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0')
    b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int order = a.compare(b);
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}

// Seconds since the epoch for "YYYY-MM-DDTHH:MM:SS" with an optional "+HH:MM"/"-HH:MM"/"Z".
std::optional<long long> parse_date(std::string_view text) {
  auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
    if (at + length > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) {
      if (!is_digit(text[i])) return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto year = number(0, 4);
  const auto month = number(5, 2);
  const auto day = number(8, 2);
  const auto hour = number(11, 2);
  const auto minute = number(14, 2);
  const auto second = number(17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  long long seconds = std::chrono::sys_days{date}.time_since_epoch().count() * 86400LL +
                      *hour * 3600LL + *minute * 60LL + *second;
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {  // fractional seconds
    ++at;
    while (at < text.size() && is_digit(text[at]))
      ++at;
  }
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const auto offset_hours = number(at + 1, 2);
    const auto offset_minutes = number(at + 4, 2);
    if (!offset_hours || !offset_minutes) return std::nullopt;
    const long long offset = *offset_hours * 3600LL + *offset_minutes * 60LL;
    seconds += text[at] == '+' ? -offset : offset;
  }
  return seconds;
}

}  // namespace

int compare_driver_versions(std::string_view a, std::string_view b) {
  const auto ta = version_tokens(a);
  const auto tb = version_tokens(b);
  for (std::size_t i = 0; i < std::min(ta.size(), tb.size()); ++i) {
    const bool na = is_digit(ta[i].front());
    const bool nb = is_digit(tb[i].front());
    if (na != nb) return na ? -1 : 1;  // a number sorts before text
    const int order = na ? compare_numbers(ta[i], tb[i]) : ta[i].compare(tb[i]);
    if (order != 0) return order < 0 ? -1 : 1;
  }
  if (ta.size() != tb.size()) return ta.size() < tb.size() ? -1 : 1;
  const int order = a.compare(b);
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}

bool date_before(std::string_view a, std::string_view b) {
  const auto da = parse_date(a);
  const auto db = parse_date(b);
  if (da && db && *da != *db) return *da < *db;
  if (da.has_value() != db.has_value()) return da.has_value();
  return a < b;
}

}  // namespace gpubench
