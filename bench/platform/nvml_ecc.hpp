#pragma once
// NVML's total ECC error counts, the evidence of `gpubench check`'s ecc check (kEccCountKeys).
// nvmlDeviceGetTotalEccErrors is "only applicable to devices with ECC" and "requires ECC Mode to
// be enabled" (NVML API reference, Device Queries): elsewhere it answers NVML_ERROR_NOT_SUPPORTED
// and the count stays empty, never 0, so a GeForce card's check says NOT CHECKED, not PASS.

#include <nvml.h>

#include "model/device_info.hpp"

namespace gpubench {

using TotalEccErrorsCall = decltype(&nvmlDeviceGetTotalEccErrors);
using ErrorStringCall = decltype(&nvmlErrorString);

// Fills report.ecc_errors: uncorrected and corrected, volatile and aggregate. "not supported"
// leaves a count empty silently; any other refusal is appended to report.query_errors as
// "field: reason". A null call (a driver without the symbol) reads nothing.
void read_ecc_error_counts(TotalEccErrorsCall call, ErrorStringCall error_string,
                           nvmlDevice_t device, NvmlDeviceReport& report);

}  // namespace gpubench
