#include "analysis/check_learn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace gpubench {
namespace {

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The check id's floor: "gemm/fp16_f32acc" -> kGemm, "clocks" -> kBoostClock.
std::optional<FloorKey> floor_of(const std::string& id) {
  const std::string head = id.substr(0, id.find('/'));
  if (head == "clocks") return FloorKey::kBoostClock;
  for (const FloorKey key : kFloorKeys) {
    if (floor_key_name(key) == head) return key;
  }
  return std::nullopt;
}

bool excused(const CheckResult& result) {
  return std::find(kNotTheCardsFault.begin(), kNotTheCardsFault.end(), result.reason) !=
             kNotTheCardsFault.end() ||
         result.reason == kPowerCapAtDefaultLimit;
}

// One run's judged percentage per floor: the lowest of that floor's results.
std::map<FloorKey, double> lowest_per_floor(const CheckedRun& run) {
  std::map<FloorKey, double> lowest;
  for (const CheckResult& result : run.results) {
    const auto key = floor_of(result.id);
    if (!key || !result.value_pct || excused(result)) continue;
    const auto [it, inserted] = lowest.emplace(*key, *result.value_pct);
    if (!inserted) it->second = std::min(it->second, *result.value_pct);
  }
  return lowest;
}

}  // namespace

LearntThresholds learn_thresholds(const std::vector<CheckedRun>& runs,
                                  const ThresholdSet& defaults) {
  LearntThresholds learnt;
  learnt.set.defaults = defaults.defaults;
  std::map<std::string, std::vector<const CheckedRun*>> by_card;
  for (const CheckedRun& run : runs)
    by_card[run.identity.spec_id].push_back(&run);
  for (const auto& [card, card_runs] : by_card) {
    if (card_runs.size() < kLearntMinNodes) {
      learnt.notes.push_back(fmt::format("{}: {} run(s), fewer than {}: defaults kept", card,
                                         card_runs.size(), kLearntMinNodes));
      continue;
    }
    std::map<FloorKey, std::vector<double>> values;
    for (const CheckedRun* run : card_runs) {
      for (const auto& [key, value] : lowest_per_floor(*run))
        values[key].push_back(value);
    }
    CheckThresholds thresholds = defaults.for_card(card);
    for (const auto& [key, list] : values) {
      if (list.size() < kLearntMinNodes) continue;
      const double median = median_of(list);
      std::vector<double> deviations;
      for (const double value : list)
        deviations.push_back(std::fabs(value - median));
      const double spread =
          std::max(1.4826 * median_of(deviations), kLearntMinSpreadPct / 100 * median);
      thresholds.floors[key] = {std::max(0.0, median - kLearntWarnK * spread),
                                std::max(0.0, median - kLearntFailK * spread)};
    }
    learnt.set.per_card[card] = thresholds;
    learnt.notes.push_back(fmt::format("{}: learnt from {} run(s)", card, card_runs.size()));
  }
  return learnt;
}

}  // namespace gpubench
