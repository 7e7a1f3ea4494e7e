#pragma once
// The documented PCIe link's rate, which the report's headline and the check's pcie_link judge the
// pinned host-to-device copy against.

#include <optional>

#include "model/spec_database.hpp"

namespace gpubench {

// GB/s one direction of the card's documented PCIe link (pcie_generation x pcie_lanes); nullopt
// when the sheet lacks either or names a generation outside 1-5.
std::optional<double> pcie_link_gbs(const SpecSheet& sheet);

}  // namespace gpubench
