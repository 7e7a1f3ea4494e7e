#pragma once
// The --json renderers' one rule for what is absent: null, never a guessed 0 or an empty string.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace gpubench {

inline nlohmann::ordered_json number_or_null(const std::optional<double>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json();
}

inline nlohmann::ordered_json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
}

}  // namespace gpubench
