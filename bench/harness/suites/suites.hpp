#pragma once
// The table of suites `gpubench run` knows. Each suite registers its google/benchmark rows for the
// device in `context` (through register_timed_benchmark); registration sizes everything and
// refuses bad input (UserError) before any benchmark runs or any file is written.
// Adding a suite: one file in this folder defining its registration function, and one row in
// suites.cpp.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/suite_context.hpp"

namespace gpubench {

struct Suite {
  std::string_view name;         // what --suite takes; the first part of every benchmark name
  std::string_view description;  // one line for --help and the README
  void (*register_benchmarks)(SuiteContext& context);
};

// In the order a default run visits them.
std::span<const Suite> all_suites();

// The suites named in a comma-separated list ("memory,gemm"), in the list's order; throws
// UserError naming the available ones for an unknown or empty list.
std::vector<const Suite*> parse_suite_list(const std::string& list);

// "memory,compute,gemm": every suite, as --suite takes them.
std::string all_suite_names();

}  // namespace gpubench
