#pragma once
// The floors `gpubench check` judges a run against: built-in defaults per check (their reasoning is
// in docs/health-check.md), overridable for every card or for one card (its spec id) in a small
// TOML file a user edits, and learnt from a healthy fleet by `gpubench fleet --thresholds-out`.
//
//   version = 1
//   [default.dram_triad]          # every card
//   warn_below_pct = 80
//   fail_below_pct = 70
//   [card.h200-sxm.gemm]          # one card: what it does not set comes from [default]
//   fail_below_pct = 55
//
// Parsed with toml++ (Debian's libtomlplusplus-dev). Every figure is a percentage of the peak the
// check names (documented spec, rate x measured clock, PCIe link rate, documented boost clock).

#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace gpubench {

inline constexpr int kThresholdsFileVersion = 1;

// A figure below warn_below_pct is a WARN, below fail_below_pct a FAIL (unless the shortfall is not
// the card's doing: analysis/check.hpp).
struct Floor {
  double warn_below_pct = 0;
  double fail_below_pct = 0;
};

enum class FloorKey { kDramTriad, kFfma, kTensorPeak, kGemm, kPcieLink, kBoostClock };

// The file's spelling of each key: "dram_triad", "ffma", "tensor_peak", "gemm", "pcie_link",
// "boost_clock".
std::string_view floor_key_name(FloorKey key);
inline constexpr std::array<FloorKey, 6> kFloorKeys = {
    FloorKey::kDramTriad, FloorKey::kFfma,     FloorKey::kTensorPeak,
    FloorKey::kGemm,      FloorKey::kPcieLink, FloorKey::kBoostClock};

struct CheckThresholds {
  std::map<FloorKey, Floor> floors;
  const Floor& at(FloorKey key) const { return floors.at(key); }
};

// The built-in defaults (docs/health-check.md gives the reasoning for each).
CheckThresholds default_thresholds();

struct ThresholdSet {
  CheckThresholds defaults = default_thresholds();
  std::map<std::string, CheckThresholds> per_card;  // spec id -> floors
  std::filesystem::path source;                     // empty: the built-in defaults

  // The card's floors, else the defaults.
  const CheckThresholds& for_card(std::string_view spec_id) const;
};

// Throws UserError (exit 2) with one sentence naming the file, the line where toml++ reports one,
// and what is wrong: not TOML, an unknown table or key, a value that is not a number in [0, 200],
// or a fail floor above its warn floor.
ThresholdSet parse_thresholds(std::string_view toml_text, const std::filesystem::path& origin);
ThresholdSet load_thresholds(const std::filesystem::path& path);

// The set as a thresholds file (what `gpubench fleet --thresholds-out` writes), with a comment
// header; parse_thresholds reads it back to the same set.
std::string thresholds_to_toml(const ThresholdSet& set, std::string_view header_comment);

}  // namespace gpubench
