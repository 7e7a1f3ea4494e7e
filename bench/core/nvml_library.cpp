#include "gpubench/nvml_library.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <nvml.h>

#include "gpubench/errors.hpp"

namespace gpubench {

// Types come from the official nvml.h, so a signature mismatch is a compile error, not a crash.
// nvmlDeviceGetTemperature is deprecated in NVML 13 but is the one every supported driver has.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
struct NvmlLibrary::Api {
  decltype(&nvmlInit_v2) init = nullptr;
  decltype(&nvmlShutdown) shutdown = nullptr;
  decltype(&nvmlErrorString) error_string = nullptr;
  decltype(&nvmlSystemGetDriverVersion) driver_version = nullptr;
  decltype(&nvmlDeviceGetHandleByPciBusId_v2) handle_by_bus_id = nullptr;
  decltype(&nvmlDeviceGetPciInfo_v3) pci_info = nullptr;
  decltype(&nvmlDeviceGetClockInfo) clock = nullptr;
  decltype(&nvmlDeviceGetMaxClockInfo) max_clock = nullptr;
  decltype(&nvmlDeviceGetPowerManagementLimit) power_limit = nullptr;
  decltype(&nvmlDeviceGetPowerManagementDefaultLimit) power_default_limit = nullptr;
  decltype(&nvmlDeviceGetTemperature) temperature = nullptr;
  decltype(&nvmlDeviceGetPersistenceMode) persistence_mode = nullptr;
  decltype(&nvmlDeviceGetEccMode) ecc_mode = nullptr;
  decltype(&nvmlDeviceGetCurrPcieLinkGeneration) pcie_generation = nullptr;
  decltype(&nvmlDeviceGetMaxPcieLinkGeneration) pcie_generation_max = nullptr;
  decltype(&nvmlDeviceGetCurrPcieLinkWidth) pcie_width = nullptr;
  decltype(&nvmlDeviceGetMaxPcieLinkWidth) pcie_width_max = nullptr;
  decltype(&nvmlDeviceGetMigMode) mig_mode = nullptr;
};
#pragma GCC diagnostic pop

namespace {

template <typename Function>
void resolve(void* handle, const char* symbol, Function& function, std::string_view library) {
  function = reinterpret_cast<Function>(::dlsym(handle, symbol));
  if (function == nullptr) {
    ::dlclose(handle);
    throw UserError(
        fmt::format("{} lacks {}: the NVIDIA driver is too old or damaged; install a "
                    "current driver.",
                    library, symbol));
  }
}

}  // namespace

std::unique_ptr<NvmlLibrary> NvmlLibrary::open(std::string_view library) {
  const std::string name(library);
  void* handle = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = ::dlerror();
    throw UserError(
        fmt::format("NVML ({}) could not be loaded ({}): install the NVIDIA driver, "
                    "which provides it.",
                    name, reason ? reason : "not found"));
  }
  auto api = std::make_unique<Api>();
  resolve(handle, "nvmlInit_v2", api->init, library);
  resolve(handle, "nvmlShutdown", api->shutdown, library);
  resolve(handle, "nvmlErrorString", api->error_string, library);
  resolve(handle, "nvmlSystemGetDriverVersion", api->driver_version, library);
  resolve(handle, "nvmlDeviceGetHandleByPciBusId_v2", api->handle_by_bus_id, library);
  resolve(handle, "nvmlDeviceGetPciInfo_v3", api->pci_info, library);
  resolve(handle, "nvmlDeviceGetClockInfo", api->clock, library);
  resolve(handle, "nvmlDeviceGetMaxClockInfo", api->max_clock, library);
  resolve(handle, "nvmlDeviceGetPowerManagementLimit", api->power_limit, library);
  resolve(handle, "nvmlDeviceGetPowerManagementDefaultLimit", api->power_default_limit, library);
  resolve(handle, "nvmlDeviceGetTemperature", api->temperature, library);
  resolve(handle, "nvmlDeviceGetPersistenceMode", api->persistence_mode, library);
  resolve(handle, "nvmlDeviceGetEccMode", api->ecc_mode, library);
  resolve(handle, "nvmlDeviceGetCurrPcieLinkGeneration", api->pcie_generation, library);
  resolve(handle, "nvmlDeviceGetMaxPcieLinkGeneration", api->pcie_generation_max, library);
  resolve(handle, "nvmlDeviceGetCurrPcieLinkWidth", api->pcie_width, library);
  resolve(handle, "nvmlDeviceGetMaxPcieLinkWidth", api->pcie_width_max, library);
  resolve(handle, "nvmlDeviceGetMigMode", api->mig_mode, library);

  const nvmlReturn_t status = api->init();
  if (status != NVML_SUCCESS) {
    const std::string reason = api->error_string(status);
    ::dlclose(handle);
    throw UserError(
        fmt::format("NVML failed to initialise ({}): check that the NVIDIA driver is "
                    "loaded (nvidia-smi should work).",
                    reason));
  }
  return std::unique_ptr<NvmlLibrary>(new NvmlLibrary(handle, std::move(api)));
}

NvmlLibrary::NvmlLibrary(void* handle, std::unique_ptr<Api> api)
    : handle_(handle), api_(std::move(api)) {}

NvmlLibrary::~NvmlLibrary() {
  api_->shutdown();
  ::dlclose(handle_);
}

std::string NvmlLibrary::driver_version() const {
  char version[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
  const nvmlReturn_t status = api_->driver_version(version, sizeof version);
  if (status != NVML_SUCCESS) {
    throw UserError(
        fmt::format("NVML could not read the driver version ({}).", api_->error_string(status)));
  }
  return version;
}

NvmlDeviceReport NvmlLibrary::query_device(std::string_view pci_bus_id) const {
  NvmlDeviceReport report;
  nvmlDevice_t device{};
  const std::string bus_id(pci_bus_id);
  const nvmlReturn_t found = api_->handle_by_bus_id(bus_id.c_str(), &device);
  if (found != NVML_SUCCESS) {
    report.query_errors.push_back(fmt::format("device {}: {}", bus_id, api_->error_string(found)));
    return report;
  }

  // Fills `field` when the query succeeds; a feature the board lacks stays empty silently, any
  // other refusal is recorded so the user can see why a field is missing.
  auto query = [&](const char* field, nvmlReturn_t status, auto&& on_success) {
    if (status == NVML_SUCCESS) {
      on_success();
    } else if (status != NVML_ERROR_NOT_SUPPORTED) {
      report.query_errors.push_back(fmt::format("{}: {}", field, api_->error_string(status)));
    }
  };

  nvmlPciInfo_t pci{};
  query("pci", api_->pci_info(device, &pci), [&] {
    report.pci_device_id = pci.pciDeviceId >> 16;  // upper half is the device, lower the vendor
    report.pci_subsystem_id = pci.pciSubSystemId;
  });
  unsigned value = 0;
  query("sm clock", api_->clock(device, NVML_CLOCK_SM, &value),
        [&] { report.sm_clock_mhz = value; });
  query("max sm clock", api_->max_clock(device, NVML_CLOCK_SM, &value),
        [&] { report.sm_clock_max_mhz = value; });
  query("memory clock", api_->clock(device, NVML_CLOCK_MEM, &value),
        [&] { report.memory_clock_mhz = value; });
  query("max memory clock", api_->max_clock(device, NVML_CLOCK_MEM, &value),
        [&] { report.memory_clock_max_mhz = value; });
  query("power limit", api_->power_limit(device, &value),
        [&] { report.power_limit_w = value / 1000.0; });
  query("default power limit", api_->power_default_limit(device, &value),
        [&] { report.power_default_limit_w = value / 1000.0; });
  query("temperature", api_->temperature(device, NVML_TEMPERATURE_GPU, &value),
        [&] { report.temperature_c = value; });
  nvmlEnableState_t mode{};
  nvmlEnableState_t pending{};
  query("persistence mode", api_->persistence_mode(device, &mode),
        [&] { report.persistence_mode = mode == NVML_FEATURE_ENABLED; });
  query("ecc mode", api_->ecc_mode(device, &mode, &pending),
        [&] { report.ecc_enabled = mode == NVML_FEATURE_ENABLED; });
  query("pcie generation", api_->pcie_generation(device, &value),
        [&] { report.pcie_generation = value; });
  query("max pcie generation", api_->pcie_generation_max(device, &value),
        [&] { report.pcie_generation_max = value; });
  query("pcie width", api_->pcie_width(device, &value), [&] { report.pcie_width = value; });
  query("max pcie width", api_->pcie_width_max(device, &value),
        [&] { report.pcie_width_max = value; });
  unsigned mig = 0;
  unsigned mig_pending = 0;
  query("mig mode", api_->mig_mode(device, &mig, &mig_pending),
        [&] { report.mig_enabled = mig == NVML_DEVICE_MIG_ENABLE; });
  return report;
}

}  // namespace gpubench
