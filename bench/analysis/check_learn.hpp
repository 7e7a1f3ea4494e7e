#pragma once
// `gpubench fleet --thresholds-out FILE`: floors learnt from a healthy fleet. For each card (spec
// id) and check, each node's judged percentage (the lowest of that check's results in the run:
// every GEMM precision counts for "gemm"), then
//   fail_below_pct = median - kLearntFailK x spread,  warn_below_pct = median - kLearntWarnK x
//   spread,
// where spread = max(1.4826 x the median absolute deviation, kLearntMinSpreadPct % of the median):
// a robust standard deviation that ignores a few odd nodes, floored at run-to-run noise so that
// identical nodes do not produce floors at their own figure. Results excused as not the card's
// fault (analysis/check.hpp) are left out: they measure a library, not the box.

#include <string>
#include <vector>

#include "analysis/check.hpp"
#include "analysis/check_thresholds.hpp"

namespace gpubench {

inline constexpr double kLearntFailK = 4;
inline constexpr double kLearntWarnK = 2;
inline constexpr double kLearntMinSpreadPct = 1;
// Fewer nodes than this of a card: its floors stay the defaults (a median of two is no fleet).
inline constexpr std::size_t kLearntMinNodes = 3;

struct LearntThresholds {
  ThresholdSet set;                // defaults as given, one table per card learnt
  std::vector<std::string> notes;  // per card: nodes used, or why it was not learnt
};

LearntThresholds learn_thresholds(const std::vector<CheckedRun>& runs,
                                  const ThresholdSet& defaults = {});

}  // namespace gpubench
