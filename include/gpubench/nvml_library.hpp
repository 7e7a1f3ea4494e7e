#pragma once
// The one place that talks to NVML. The library is loaded at run time (dlopen) rather than linked,
// so gpubench starts on machines without an NVIDIA driver and says what is missing instead.

#include <memory>
#include <string>
#include <string_view>

#include "gpubench/device_info.hpp"

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

  struct Api;  // resolved function pointers (defined in the .cpp, where nvml.h is included)

 private:
  NvmlLibrary(void* handle, std::unique_ptr<Api> api);
  void* handle_;
  std::unique_ptr<Api> api_;
};

}  // namespace gpubench
