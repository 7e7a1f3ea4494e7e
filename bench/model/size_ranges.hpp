#pragma once
// The size syntax `gpubench run` shares between --gemm (m, n, k) and the memory suite's
// --transfer-sizes and --sweep-sizes (bytes): a value, or a range start:end:step in the CUTLASS
// profiler's spirit (end included; step +N, N or xN). Bad input is a UserError (exit 2) of one
// sentence naming the option.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// What one option's values are: the words its sentences use and the bounds they take.
struct SizeSyntax {
  std::string_view noun;           // "GEMM sizes" in "... GEMM sizes must be positive."
  std::int64_t max_value = 0;      // the largest accepted
  std::string_view max_reason;     // "cuBLAS's largest dimension" in "... above {reason} {max}."
  std::string_view range_example;  // "1:64:x2" in "write start:end:step, e.g. 1:64:x2."
  bool byte_units = false;         // values may end in KiB, MiB or GiB (powers of 1024)
};

// Surrounding whitespace removed.
std::string_view trim_spaces(std::string_view text);
// `text` split at every `separator`, each part trimmed (an empty text is one empty part).
std::vector<std::string_view> split_trimmed(std::string_view text, char separator);

// One positive value; `what` names it in the sentence ("--gemm 0x64x64 m").
std::int64_t parse_size_value(std::string_view text, const std::string& what,
                              const SizeSyntax& syntax);

// "64" (one value) or "start:end:step", expanded in order; stops after `max_values` + 1 values so
// a runaway range is refused by the caller's count check rather than filling memory.
std::vector<std::int64_t> parse_size_range(std::string_view spec, const std::string& what,
                                           const SizeSyntax& syntax, std::size_t max_values);

}  // namespace gpubench
