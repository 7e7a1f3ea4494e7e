#include "platform/nvml_library.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nvml.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <initializer_list>

#include "gpubench/errors.hpp"
#include "model/contention.hpp"
#include "platform/nvml_ecc.hpp"
#include "platform/nvml_process_call.hpp"
#include "platform/nvml_process_list.hpp"

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
  // Optional: older drivers or some boards lack them; their fields then stay empty.
  decltype(&nvmlDeviceGetPowerUsage) power_usage = nullptr;
  decltype(&nvmlDeviceGetTotalEnergyConsumption) total_energy = nullptr;
  // nvmlDeviceGetCurrentClocksEventReasons (NVML 12.2+) or, before it, the same call under its
  // old name nvmlDeviceGetCurrentClocksThrottleReasons.
  decltype(&nvmlDeviceGetCurrentClocksEventReasons) clock_event_reasons = nullptr;
  decltype(&nvmlDeviceGetDisplayActive) display_active = nullptr;
  TotalEccErrorsCall total_ecc_errors = nullptr;
  // _v3, or _v2 on older drivers: entries of 24 or 32 bytes (platform/nvml_process_list.hpp).
  ProcessListFunction compute_processes = nullptr;
  ProcessListFunction graphics_processes = nullptr;  // the display's processes (Xorg, a compositor)
  bool process_lists_v3 = false;  // the _v3 symbols, whose entry size changed within R535
  std::size_t process_entry_bytes = kProcessEntryV2Bytes;  // what the driver version documents
  decltype(&nvmlDeviceGetEnforcedPowerLimit) enforced_power_limit = nullptr;
  decltype(&nvmlDeviceGetUtilizationRates) utilization = nullptr;
  decltype(&nvmlDeviceGetProcessUtilization) process_utilization = nullptr;
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

// Leaves `function` null when the symbol is absent; tries each name in turn.
template <typename Function>
void resolve_optional(void* handle, std::initializer_list<const char*> symbols,
                      Function& function) {
  for (const char* symbol : symbols) {
    function = reinterpret_cast<Function>(::dlsym(handle, symbol));
    if (function != nullptr) return;
  }
}

// _v3 where the driver has it, else _v2 (older drivers), for the compute and the graphics list.
void resolve_process_lists(void* handle, NvmlLibrary::Api& api) {
  resolve_optional(handle, {"nvmlDeviceGetComputeRunningProcesses_v3"}, api.compute_processes);
  api.process_lists_v3 = api.compute_processes != nullptr;
  if (!api.process_lists_v3) {
    resolve_optional(handle, {"nvmlDeviceGetComputeRunningProcesses_v2"}, api.compute_processes);
  }
  resolve_optional(
      handle,
      {"nvmlDeviceGetGraphicsRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v2"},
      api.graphics_processes);
}

struct ReasonName {
  unsigned long long bit;
  const char* name;
};
// The bits nvml.h documents (clocksEventReasons), lowest first.
constexpr ReasonName kReasonNames[] = {
    {nvmlClocksEventReasonGpuIdle, "GPU idle"},
    {nvmlClocksEventReasonApplicationsClocksSetting, "applications clocks setting"},
    {nvmlClocksEventReasonSwPowerCap, "software power cap"},
    {nvmlClocksThrottleReasonHwSlowdown, "hardware slowdown"},
    {nvmlClocksEventReasonSyncBoost, "sync boost"},
    {nvmlClocksEventReasonSwThermalSlowdown, "software thermal slowdown"},
    {nvmlClocksThrottleReasonHwThermalSlowdown, "hardware thermal slowdown"},
    {nvmlClocksThrottleReasonHwPowerBrakeSlowdown, "hardware power brake slowdown"},
    {nvmlClocksEventReasonDisplayClockSetting, "display clock setting"},
};

// The PIDs of a process list; NVML's status.
nvmlReturn_t process_ids(const NvmlLibrary::Api& api, ProcessListFunction call, nvmlDevice_t device,
                         std::vector<std::uint32_t>& ids) {
  std::vector<ListedProcess> processes;
  const auto status = static_cast<nvmlReturn_t>(
      read_process_list(for_device(call, device), api.process_entry_bytes, processes));
  ids.clear();
  for (const ListedProcess& process : processes)
    ids.push_back(process.pid);
  return status;
}

// Fills one field of a device report from an NVML query: a feature the board lacks stays empty
// silently, any other refusal is recorded so the user can see why a field is missing.
struct FieldQuery {
  const NvmlLibrary::Api& api;
  NvmlDeviceReport& report;

  template <typename OnSuccess>
  void operator()(const char* field, nvmlReturn_t status, OnSuccess&& on_success) const {
    if (status == NVML_SUCCESS) {
      on_success();
    } else if (status != NVML_ERROR_NOT_SUPPORTED) {
      report.query_errors.push_back(fmt::format("{}: {}", field, api.error_string(status)));
    }
  }
  // The environment-check queries: a container or an unprivileged user may be refused them, which
  // the check reports as "not reported" rather than as a failed query.
  template <typename OnSuccess>
  void optional(const char* field, nvmlReturn_t status, OnSuccess&& on_success) const {
    if (status != NVML_ERROR_NO_PERMISSION) (*this)(field, status, on_success);
  }
};

void query_pci_and_clocks(const FieldQuery& query, nvmlDevice_t device) {
  const NvmlLibrary::Api& api = query.api;
  NvmlDeviceReport& report = query.report;
  nvmlPciInfo_t pci{};
  query("pci", api.pci_info(device, &pci), [&] {
    report.pci_device_id = pci.pciDeviceId >> 16;  // upper half is the device, lower the vendor
    report.pci_subsystem_id = pci.pciSubSystemId;
  });
  unsigned value = 0;
  query("sm clock", api.clock(device, NVML_CLOCK_SM, &value), [&] { report.sm_clock_mhz = value; });
  query("max sm clock", api.max_clock(device, NVML_CLOCK_SM, &value),
        [&] { report.sm_clock_max_mhz = value; });
  query("memory clock", api.clock(device, NVML_CLOCK_MEM, &value),
        [&] { report.memory_clock_mhz = value; });
  query("max memory clock", api.max_clock(device, NVML_CLOCK_MEM, &value),
        [&] { report.memory_clock_max_mhz = value; });
}

// Power limits, temperature, persistence, ECC, PCIe link and MIG mode.
void query_board_state(const FieldQuery& query, nvmlDevice_t device) {
  const NvmlLibrary::Api& api = query.api;
  NvmlDeviceReport& report = query.report;
  unsigned value = 0;
  query("power limit", api.power_limit(device, &value),
        [&] { report.power_limit_w = value / 1000.0; });
  query("default power limit", api.power_default_limit(device, &value),
        [&] { report.power_default_limit_w = value / 1000.0; });
  query("temperature", api.temperature(device, NVML_TEMPERATURE_GPU, &value),
        [&] { report.temperature_c = value; });
  nvmlEnableState_t mode{};
  nvmlEnableState_t pending{};
  query("persistence mode", api.persistence_mode(device, &mode),
        [&] { report.persistence_mode = mode == NVML_FEATURE_ENABLED; });
  query("ecc mode", api.ecc_mode(device, &mode, &pending),
        [&] { report.ecc_enabled = mode == NVML_FEATURE_ENABLED; });
  read_ecc_error_counts(api.total_ecc_errors, api.error_string, device, report);
  query("pcie generation", api.pcie_generation(device, &value),
        [&] { report.pcie_generation = value; });
  query("max pcie generation", api.pcie_generation_max(device, &value),
        [&] { report.pcie_generation_max = value; });
  query("pcie width", api.pcie_width(device, &value), [&] { report.pcie_width = value; });
  query("max pcie width", api.pcie_width_max(device, &value),
        [&] { report.pcie_width_max = value; });
  unsigned mig = 0;
  unsigned mig_pending = 0;
  query("mig mode", api.mig_mode(device, &mig, &mig_pending),
        [&] { report.mig_enabled = mig == NVML_DEVICE_MIG_ENABLE; });
}

// What the environment check looks at: a display, clock event reasons, other compute processes and
// the enforced power limit, each only where the driver has the call.
void query_environment(const FieldQuery& query, nvmlDevice_t device) {
  const NvmlLibrary::Api& api = query.api;
  NvmlDeviceReport& report = query.report;
  if (api.display_active) {
    nvmlEnableState_t mode{};
    query.optional("display active", api.display_active(device, &mode),
                   [&] { report.display_active = mode == NVML_FEATURE_ENABLED; });
  }
  if (api.clock_event_reasons) {
    unsigned long long reasons = 0;
    query.optional("clock event reasons", api.clock_event_reasons(device, &reasons),
                   [&] { report.clock_event_reasons = reasons; });
  }
  if (api.compute_processes) {
    std::vector<std::uint32_t> ids;
    query.optional("compute processes", process_ids(api, api.compute_processes, device, ids),
                   [&] { report.compute_process_ids = std::move(ids); });
  }
  if (api.graphics_processes) {
    std::vector<std::uint32_t> ids;
    query.optional("graphics processes", process_ids(api, api.graphics_processes, device, ids),
                   [&] { report.graphics_process_ids = std::move(ids); });
  }
  if (api.enforced_power_limit) {
    unsigned value = 0;
    query("enforced power limit", api.enforced_power_limit(device, &value),
          [&] { report.enforced_power_limit_w = value / 1000.0; });
  }
}

class NvmlTelemetrySource : public TelemetrySource {
 public:
  NvmlTelemetrySource(std::unique_ptr<NvmlLibrary> library, nvmlDevice_st* device)
      : library_(std::move(library)), device_(device) {}
  TelemetrySample sample() const override { return library_->sample(device_); }
  TelemetrySample sample_with_processes() const override {
    return library_->sample(device_, &last_utilization_us_);
  }
  std::optional<double> enforced_power_limit_w() const override {
    return library_->enforced_power_limit_w(device_);
  }
  std::optional<std::uint32_t> own_process_id() const override { return own_pid_; }
  bool mig_slice() const override { return mig_; }
  void set_own_process_id(std::optional<std::uint32_t> pid) { own_pid_ = pid; }
  void set_mig_slice(bool mig) { mig_ = mig; }

 private:
  std::unique_ptr<NvmlLibrary> library_;
  nvmlDevice_st* device_;
  mutable std::atomic<unsigned long long> last_utilization_us_{0};
  std::optional<std::uint32_t> own_pid_;
  bool mig_ = false;
};

}  // namespace

std::vector<std::string> clock_event_reason_names(std::uint64_t mask) {
  std::vector<std::string> names;
  std::uint64_t known = 0;
  for (const ReasonName& reason : kReasonNames) {
    known |= reason.bit;
    if (mask & reason.bit) names.emplace_back(reason.name);
  }
  for (int bit = 0; bit < 64; ++bit) {
    const std::uint64_t value = std::uint64_t{1} << bit;
    if ((mask & value) && !(known & value)) names.push_back(fmt::format("bit {:#x}", value));
  }
  return names;
}

std::uint64_t throttling_reasons(std::uint64_t mask) {
  return mask & ~static_cast<std::uint64_t>(nvmlClocksEventReasonGpuIdle);
}

std::string throttle_label(std::uint64_t mask) {
  const std::uint64_t throttling = throttling_reasons(mask);
  if (throttling == 0) return "";
  return fmt::format("throttle: {}", fmt::join(clock_event_reason_names(throttling), ", "));
}

std::unique_ptr<TelemetrySource> open_nvml_telemetry(
    std::string_view pci_bus_id, std::string& problem,
    const std::optional<std::vector<std::uint32_t>>& listed_before_context,
    std::string_view library_name) {
  problem.clear();
  try {
    auto library = NvmlLibrary::open(library_name);
    const auto device = library->device_handle(pci_bus_id);
    if (!device) {
      problem = fmt::format("NVML does not know the GPU at {}", pci_bus_id);
      return nullptr;
    }
    const bool mig = library->query_device(pci_bus_id).mig_enabled.value_or(false);
    auto source = std::make_unique<NvmlTelemetrySource>(std::move(library), *device);
    source->set_mig_slice(mig);
    // The first per-process query returns the driver's whole sample buffer, which may hold
    // processes that finished before gpubench started: take it now and discard it. Its compute
    // list, taken now that gpubench has its context, holds gpubench's PID as NVML sees it.
    const TelemetrySample first = source->sample_with_processes();
    if (first.compute_process_ids) {
      source->set_own_process_id(
          identify_own_pid(listed_before_context.value_or(std::vector<std::uint32_t>{}),
                           *first.compute_process_ids, static_cast<std::uint32_t>(::getpid())));
    }
    return source;
  } catch (const UserError& error) {
    problem = error.what();
    return nullptr;
  }
}

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
  resolve_optional(handle, {"nvmlDeviceGetPowerUsage"}, api->power_usage);
  resolve_optional(handle, {"nvmlDeviceGetTotalEnergyConsumption"}, api->total_energy);
  resolve_optional(
      handle,
      {"nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"},
      api->clock_event_reasons);
  resolve_optional(handle, {"nvmlDeviceGetDisplayActive"}, api->display_active);
  resolve_optional(handle, {"nvmlDeviceGetTotalEccErrors"}, api->total_ecc_errors);
  resolve_process_lists(handle, *api);
  resolve_optional(handle, {"nvmlDeviceGetEnforcedPowerLimit"}, api->enforced_power_limit);
  resolve_optional(handle, {"nvmlDeviceGetUtilizationRates"}, api->utilization);
  resolve_optional(handle, {"nvmlDeviceGetProcessUtilization"}, api->process_utilization);

  const nvmlReturn_t status = api->init();
  if (status != NVML_SUCCESS) {
    const std::string reason = api->error_string(status);
    ::dlclose(handle);
    throw UserError(
        fmt::format("NVML failed to initialise ({}): check that the NVIDIA driver is "
                    "loaded (nvidia-smi should work).",
                    reason));
  }
  char version[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
  if (api->driver_version(version, sizeof version) == NVML_SUCCESS) {
    api->process_entry_bytes = documented_process_entry_bytes(version, api->process_lists_v3);
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
  const FieldQuery query{*api_, report};
  query_pci_and_clocks(query, device);
  query_board_state(query, device);
  query_environment(query, device);
  return report;
}

std::optional<nvmlDevice_st*> NvmlLibrary::device_handle(std::string_view pci_bus_id) const {
  nvmlDevice_t device{};
  const std::string bus_id(pci_bus_id);
  if (api_->handle_by_bus_id(bus_id.c_str(), &device) != NVML_SUCCESS) return std::nullopt;
  return device;
}

TelemetrySample NvmlLibrary::sample(nvmlDevice_st* device,
                                    std::atomic<unsigned long long>* last_utilization_us) const {
  TelemetrySample sample;
  // Each query's status: a GPU that fell off the bus answers NVML_ERROR_GPU_IS_LOST to all.
  auto ok = [&sample](nvmlReturn_t status) {
    if (status == NVML_ERROR_GPU_IS_LOST) sample.gpu_lost = true;
    return status == NVML_SUCCESS;
  };
  unsigned value = 0;
  if (api_->power_usage && ok(api_->power_usage(device, &value))) {
    sample.power_w = value / 1000.0;  // milliwatts
  }
  unsigned long long energy = 0;
  if (api_->total_energy && ok(api_->total_energy(device, &energy))) sample.energy_mj = energy;
  if (ok(api_->clock(device, NVML_CLOCK_SM, &value))) sample.sm_clock_mhz = value;
  if (ok(api_->clock(device, NVML_CLOCK_MEM, &value))) sample.memory_clock_mhz = value;
  if (ok(api_->temperature(device, NVML_TEMPERATURE_GPU, &value))) sample.temperature_c = value;
  unsigned long long reasons = 0;
  if (api_->clock_event_reasons && ok(api_->clock_event_reasons(device, &reasons))) {
    sample.clock_event_reasons = reasons;
  }
  nvmlUtilization_t utilization{};
  if (api_->utilization && ok(api_->utilization(device, &utilization))) {
    sample.gpu_busy_pct = utilization.gpu;
  }
  if (last_utilization_us != nullptr && !sample.gpu_lost) {
    add_process_activity(device, *last_utilization_us, sample);
  }
  return sample;
}

void NvmlLibrary::add_process_activity(nvmlDevice_st* device,
                                       std::atomic<unsigned long long>& last_utilization_us,
                                       TelemetrySample& sample) const {
  std::vector<ListedProcess> processes;
  if (api_->compute_processes &&
      read_process_list(for_device(api_->compute_processes, device), api_->process_entry_bytes,
                        processes) == NVML_SUCCESS) {
    sample.compute_process_ids.emplace();
    for (const ListedProcess& process : processes) {
      sample.compute_process_ids->push_back(process.pid);
      if (process.gpu_instance_id != kNoGpuInstance)
        sample.process_gpu_instances.emplace_back(process.pid, process.gpu_instance_id);
    }
  }
  std::vector<std::uint32_t> graphics;
  if (api_->graphics_processes &&
      process_ids(*api_, api_->graphics_processes, device, graphics) == NVML_SUCCESS) {
    sample.graphics_process_ids = std::move(graphics);
  }
  if (!api_->process_utilization) return;
  // Samples since the previous query; NOT_FOUND means there were none (nobody used the SMs).
  std::vector<nvmlProcessUtilizationSample_t> uses(16);
  unsigned count = static_cast<unsigned>(uses.size());
  const unsigned long long since = last_utilization_us.load();
  nvmlReturn_t status = api_->process_utilization(device, uses.data(), &count, since);
  if (status == NVML_ERROR_INSUFFICIENT_SIZE) {
    uses.resize(count + 16);
    count = static_cast<unsigned>(uses.size());
    status = api_->process_utilization(device, uses.data(), &count, since);
  }
  if (status == NVML_ERROR_NOT_FOUND) {
    sample.process_sm_pct.emplace();
  } else if (status == NVML_ERROR_NOT_SUPPORTED) {
    sample.process_sm_unsupported = true;  // MIG, WSL 2: no reading will come
  } else if (status == NVML_SUCCESS) {
    std::vector<ProcessSmUtilization> shares;
    unsigned long long newest = since;
    for (unsigned i = 0; i < std::min<std::size_t>(count, uses.size()); ++i) {
      shares.push_back({uses[i].pid, static_cast<double>(uses[i].smUtil)});
      newest = std::max(newest, uses[i].timeStamp);
    }
    last_utilization_us.store(newest);
    sample.process_sm_pct = std::move(shares);
  }
}

std::optional<double> NvmlLibrary::enforced_power_limit_w(nvmlDevice_st* device) const {
  unsigned milliwatts = 0;
  if (api_->enforced_power_limit &&
      api_->enforced_power_limit(device, &milliwatts) == NVML_SUCCESS) {
    return milliwatts / 1000.0;
  }
  return std::nullopt;
}

}  // namespace gpubench
