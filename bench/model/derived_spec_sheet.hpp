#pragma once
// The spec sheet of a card the database does not document (match_device's last resort).

#include "model/device_info.hpp"
#include "model/spec_database.hpp"

namespace gpubench {

// Counts and peaks from the device attributes and the rate table, every value marked derived.
SpecSheet derive_sheet_from_device(const DeviceInfo& device);

}  // namespace gpubench
