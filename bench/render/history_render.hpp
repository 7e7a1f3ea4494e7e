#pragma once
// `gpubench history` output: a terminal table, JSON and CSV, from a History.

#include <string>

#include "analysis/history.hpp"

namespace gpubench {

std::string format_history_table(const History& history);
std::string history_to_json(const History& history);
// One row per GPU, benchmark, metric and driver version, with the step from the previous one.
std::string history_to_csv(const History& history);

}  // namespace gpubench
