#pragma once
// The --json renderers' shared rules: every document opens with its schema name and version
// (gpubench/json_outputs.hpp), and what is absent is null, never a guessed 0 or an empty string.

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gpubench/json_outputs.hpp"

namespace gpubench {

// {"schema": ..., "schema_version": ...}: the start of every --json document.
inline nlohmann::ordered_json versioned_document(const JsonOutputSchema& schema) {
  return nlohmann::ordered_json{{"schema", std::string(schema.name)},
                                {"schema_version", schema.version}};
}

// A figure, or null where it is not finite: the analysis marks what was not measured with NaN.
inline nlohmann::ordered_json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json();
}

inline nlohmann::ordered_json number_or_null(const std::optional<double>& value) {
  return value ? number_or_null(*value) : nlohmann::ordered_json();
}

// Any other value that may be absent: text, a count, a flag.
template <typename T>
nlohmann::ordered_json value_or_null(const std::optional<T>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json();
}

inline nlohmann::ordered_json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
}

}  // namespace gpubench
