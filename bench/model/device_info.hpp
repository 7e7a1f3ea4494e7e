#pragma once
// What gpubench knows about one GPU: the CUDA runtime's view (always) and NVML's (when the driver's
// library loads). Plain data, no CUDA headers; bench/device/ fills it, everything else reads it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/rate_table.hpp"

namespace gpubench {

// NVML's total ECC error counts (nvmlDeviceGetTotalEccErrors). Volatile: since the driver last
// loaded; aggregate: over the card's life. Each empty where the board has no ECC or has it off
// (NVML then answers "not supported"): an absent count is not a zero.
struct EccErrorCounts {
  std::optional<std::uint64_t> uncorrected_volatile;
  std::optional<std::uint64_t> uncorrected_aggregate;
  std::optional<std::uint64_t> corrected_volatile;
  std::optional<std::uint64_t> corrected_aggregate;
};

// From NVML. Each field is empty when this driver or board does not report it.
struct NvmlDeviceReport {
  std::optional<std::uint32_t> pci_device_id;  // product id (0x2786), not the bus slot
  std::optional<std::uint32_t> pci_subsystem_id;
  std::optional<unsigned> sm_clock_mhz;
  std::optional<unsigned> sm_clock_max_mhz;
  std::optional<unsigned> memory_clock_mhz;
  std::optional<unsigned> memory_clock_max_mhz;
  std::optional<double> power_limit_w;
  std::optional<double> power_default_limit_w;
  std::optional<double> enforced_power_limit_w;  // what the board holds to now
  std::optional<unsigned> temperature_c;
  std::optional<bool> persistence_mode;
  std::optional<bool> ecc_enabled;
  EccErrorCounts ecc_errors;
  std::optional<unsigned> pcie_generation;
  std::optional<unsigned> pcie_generation_max;
  std::optional<unsigned> pcie_width;
  std::optional<unsigned> pcie_width_max;
  std::optional<bool> mig_enabled;
  std::optional<bool> display_active;
  std::optional<std::vector<std::uint32_t>> compute_process_ids;   // every process with a context
  std::optional<std::vector<std::uint32_t>> graphics_process_ids;  // the display's (Xorg, ...)
  std::optional<std::uint64_t> clock_event_reasons;  // NVML bitmask, at the time of the query
  // "field: reason" for each query the driver refused with something other than "not supported".
  std::vector<std::string> query_errors;
};

struct DeviceInfo {
  int ordinal = 0;
  std::string name;
  ComputeCapability compute_capability;
  int sm_count = 0;
  std::int64_t l2_cache_bytes = 0;
  std::int64_t memory_bytes = 0;
  int memory_bus_bits = 0;
  int memory_clock_mhz = 0;                   // peak, as the runtime reports it (data rate / 2)
  int sm_clock_mhz = 0;                       // peak (boost) clock, as the runtime reports it
  std::string pci_bus_id;                     // "0000:01:00.0"
  std::string uuid;                           // "GPU-8b4a...", as nvidia-smi names the GPU
  int cuda_driver_version = 0;                // 13000 for 13.0
  int cuda_runtime_version = 0;               // 13000 for 13.0
  std::string cublas_version;                 // "13.0.0"
  std::optional<std::string> driver_version;  // "580.95.05", from NVML
  std::optional<NvmlDeviceReport> nvml;

  // 2 x memory clock x bus width: what the attributes imply for DRAM bandwidth, decimal GB/s.
  double memory_bandwidth_gbs_from_attributes() const;
  // The name without leading or trailing blanks, as the spec database lists it.
  std::string trimmed_name() const;
};

// "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (nvidia-smi's form) from the 16 bytes of a UUID.
std::string format_gpu_uuid(std::string_view bytes);

// "13.0" from 13000.
std::string format_cuda_version(int version);

}  // namespace gpubench
