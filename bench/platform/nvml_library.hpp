#pragma once
// The one place that talks to NVML. The library is loaded at run time (dlopen) rather than linked,
// so gpubench starts on machines without an NVIDIA driver and says what is missing instead.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/device_info.hpp"
#include "model/telemetry.hpp"

struct nvmlDevice_st;  // NVML's opaque device (nvmlDevice_t), declared as nvml.h does

namespace gpubench {

inline constexpr std::string_view kNvmlLibraryName = "libnvidia-ml.so.1";

class NvmlLibrary {
 public:
  // Loads the library and initialises NVML. Throws UserError (exit 2) with one sentence when the
  // library is absent, lacks a needed symbol, or nvmlInit fails.
  static std::unique_ptr<NvmlLibrary> open(std::string_view library = kNvmlLibraryName);

  ~NvmlLibrary();
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;

  std::string driver_version() const;
  // The report for the GPU at this PCI bus id ("0000:01:00.0", as cudaDeviceGetPCIBusId gives it).
  NvmlDeviceReport query_device(std::string_view pci_bus_id) const;

  // A handle for repeated telemetry reads; empty when NVML does not know the bus id.
  std::optional<nvmlDevice_st*> device_handle(std::string_view pci_bus_id) const;
  // Power, energy counter, SM and memory clocks, temperature, clock-event reasons and GPU
  // utilization now; each field empty when this driver or board does not report it. With
  // last_utilization_us also the compute processes and their SM use since that NVML timestamp
  // (advanced to the newest seen). Thread-safe (NVML is).
  TelemetrySample sample(nvmlDevice_st* device,
                         std::atomic<unsigned long long>* last_utilization_us = nullptr) const;
  // The power limit the board enforces now; empty when not reported.
  std::optional<double> enforced_power_limit_w(nvmlDevice_st* device) const;

  struct Api;  // resolved function pointers (defined in the .cpp, where nvml.h is included)

 private:
  NvmlLibrary(void* handle, std::unique_ptr<Api> api);
  void add_process_activity(nvmlDevice_st* device,
                            std::atomic<unsigned long long>& last_utilization_us,
                            TelemetrySample& sample) const;
  void* handle_;
  std::unique_ptr<Api> api_;
};

// NVML's clock-event ("throttle") reasons as names, lowest bit first: "GPU idle",
// "software power cap", "hardware thermal slowdown", ...; unknown bits as "bit 0x...".
std::vector<std::string> clock_event_reason_names(std::uint64_t mask);
// The reasons that mean clocks were held down (every reason but "GPU idle").
std::uint64_t throttling_reasons(std::uint64_t mask);
// "throttle: software power cap, ..." for the throttling reasons in mask; empty when none.
std::string throttle_label(std::uint64_t mask);

// The telemetry source for one GPU, or nullptr with `problem` set (one sentence) when NVML or the
// device is unavailable. Called after gpubench created its CUDA context: the compute list then
// holds gpubench as NVML sees it (its host PID inside a container), found by comparison with
// listed_before_context, the list taken before the context existed (TelemetrySource::
// own_process_id; empty when it cannot be told apart).
std::unique_ptr<TelemetrySource> open_nvml_telemetry(
    std::string_view pci_bus_id, std::string& problem,
    const std::optional<std::vector<std::uint32_t>>& listed_before_context = std::nullopt,
    std::string_view library = kNvmlLibraryName);

}  // namespace gpubench
