#pragma once
// `gpubench compare` output: a terminal table, JSON and JUnit XML, from a Comparison.

#include <string>

#include "analysis/compare.hpp"

namespace gpubench {

std::string format_comparison_table(const Comparison& comparison);
std::string comparison_to_json(const Comparison& comparison);
// JUnit XML: one <testcase> per benchmark (SLOWER and ERROR are <failure>s), benchmarks present
// on one side only are <skipped/>.
std::string comparison_to_junit(const Comparison& comparison);

}  // namespace gpubench
