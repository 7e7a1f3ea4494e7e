#pragma once
// The parsing half of the one results loader (model/results_file.hpp): a google/benchmark JSON
// document, parsed by simdjson's DOM (which validates the whole text first, so no shape check ever
// hides a syntax error), turned into a ResultsFile with the loader's checks, in its order.

#include <cstddef>
#include <filesystem>
#include <string>

#include "model/results_file.hpp"

namespace gpubench::detail {

// Bytes that must be readable (any value) after the text handed to read_results: simdjson reads
// ahead in 64-byte blocks.
inline constexpr std::size_t kJsonPadding = 64;

// simdjson refused the text; results_file.cpp words the message (with nlohmann/json's position).
struct JsonRefused {
  int code;             // simdjson::error_code
  std::string message;  // simdjson's text for it
};

// Throws JsonRefused, or UserError for a document of the wrong shape.
ResultsFile read_results(const char* text, std::size_t size, const std::filesystem::path& origin,
                         RecordsKept kept, CounterFilter keep_counter);

// "Cannot read results file PATH: REASON." as UserError (exit 2).
[[noreturn]] void reject(const std::filesystem::path& origin, std::string_view reason);

}  // namespace gpubench::detail
