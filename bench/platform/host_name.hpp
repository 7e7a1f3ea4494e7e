#pragma once
// The host name a results file records and is named after: GPUBENCH_HOST_NAME when set (a
// Kubernetes pod's own host name is the pod's, so the Job passes the node's name from the downward
// API; the Slurm task passes the name its status file uses), else the system's host name.

#include <optional>
#include <string>
#include <string_view>

namespace gpubench {

inline constexpr const char* kHostNameVariable = "GPUBENCH_HOST_NAME";

// `from_environment` (GPUBENCH_HOST_NAME's value, nullopt or empty when unset) when given, else
// `system_name`, else "host". A given name must be 1 to 253 letters, digits, '.', '-' or '_' (a
// node or host name, safe in a file name); anything else throws UserError (exit 2).
std::string choose_host_name(std::optional<std::string_view> from_environment,
                             std::string_view system_name);

// choose_host_name over this process's GPUBENCH_HOST_NAME and gethostname().
std::string host_name();

}  // namespace gpubench
