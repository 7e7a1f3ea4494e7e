// A stand-in for libnvidia-ml.so.1, loaded by NvmlLibrary::open in the tests so the queries, their
// error handling and everything downstream (sampler, contention judgement, run summary) run
// without a driver. One device, at bus id kFakeBusId. Without GPUBENCH_FAKE_NVML_SCENARIO it gives
// fixed answers (tests/platform/nvml_library_test.cpp): some queries succeed, some say "not
// supported" (to stay silent), some refuse with other errors (to be recorded), and the process
// list needs a second, larger call. With it, the named scenario file (tests/support/fake_nvml/
// scenarios/*.scenario, one `key value...` line each, grammar in scenario.hpp) models a box as
// its driver answers; each scenario file cites the NVML documentation it follows.
// gpubench_fake_nvml_control(line) applies one more line while the library is loaded ("context":
// gpubench's own process now has its CUDA context; "lost": the GPU falls off the bus).
// Built as its own shared module (tests/CMakeLists.txt), not into gpubench_tests.

#include <nvml.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "scenario.hpp"

namespace {

using gpubench::fake_nvml::FakeProcess;
using gpubench::fake_nvml::Scenario;

const char* const kFakeBusId = "0000:01:00.0";
nvmlDevice_t fake_device() {
  static int device_storage = 0;
  return reinterpret_cast<nvmlDevice_t>(&device_storage);
}

std::mutex scenario_mutex;
Scenario& scenario() {
  static Scenario state = Scenario::fixed();
  return state;
}
int open_count = 0;  // nvmlInit_v2 minus nvmlShutdown: a scenario is (re)read at the first init

// Every query starts here: NVML_ERROR_GPU_IS_LOST once the GPU is lost, NOT_SUPPORTED for the
// scenario's unsupported queries, INVALID_ARGUMENT for a handle that is not the device.
nvmlReturn_t gate(nvmlDevice_t device, const char* query) {
  const Scenario& state = scenario();
  if (state.lost) return NVML_ERROR_GPU_IS_LOST;
  if (device != fake_device()) return NVML_ERROR_INVALID_ARGUMENT;
  if (state.unsupported.contains(query)) return NVML_ERROR_NOT_SUPPORTED;
  return NVML_SUCCESS;
}

// Writes `processes` as NVML does: entries of the scenario's size (24 bytes, or 32 with
// usedGpuCcProtectedMemory on R535.43-R535.86's _v3), or INSUFFICIENT_SIZE with the count needed.
nvmlReturn_t write_processes(const std::vector<FakeProcess>& processes, unsigned* count,
                             void* entries) {
  const unsigned needed = static_cast<unsigned>(processes.size());
  if (*count < needed || (needed > 0 && entries == nullptr)) {
    *count = needed;
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  const std::size_t entry_bytes = scenario().process_entry_bytes;
  auto* bytes = static_cast<unsigned char*>(entries);
  for (unsigned i = 0; i < needed; ++i) {
    unsigned char* entry = bytes + i * entry_bytes;
    std::memset(entry, 0, entry_bytes);
    const FakeProcess& process = processes[i];
    std::memcpy(entry + offsetof(nvmlProcessInfo_v2_t, pid), &process.pid, sizeof process.pid);
    std::memcpy(entry + offsetof(nvmlProcessInfo_v2_t, usedGpuMemory), &process.used_bytes,
                sizeof process.used_bytes);
    std::memcpy(entry + offsetof(nvmlProcessInfo_v2_t, gpuInstanceId), &process.gpu_instance,
                sizeof process.gpu_instance);
  }
  *count = needed;
  return NVML_SUCCESS;
}

template <typename T>
nvmlReturn_t answer(nvmlDevice_t device, const char* query, T* out, T value) {
  const std::lock_guard lock(scenario_mutex);
  const nvmlReturn_t status = gate(device, query);
  if (status == NVML_SUCCESS) *out = value;
  return status;
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
extern "C" {

void gpubench_fake_nvml_control(const char* line) {
  const std::lock_guard lock(scenario_mutex);
  scenario().apply(line);
}

nvmlReturn_t nvmlInit_v2() {
  const std::lock_guard lock(scenario_mutex);
  if (open_count++ == 0) scenario() = Scenario::from_environment();
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlShutdown() {
  const std::lock_guard lock(scenario_mutex);
  --open_count;
  return NVML_SUCCESS;
}
const char* nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS:
      return "Success";
    case NVML_ERROR_NOT_SUPPORTED:
      return "Not Supported";
    case NVML_ERROR_NO_PERMISSION:
      return "Insufficient Permissions";
    case NVML_ERROR_NOT_FOUND:
      return "Not Found";
    case NVML_ERROR_GPU_IS_LOST:
      return "GPU is lost";
    default:
      return "Unknown Error";
  }
}
nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
  const std::lock_guard lock(scenario_mutex);
  const std::string& driver = scenario().driver;
  if (length < driver.size() + 1) return NVML_ERROR_INSUFFICIENT_SIZE;
  std::strcpy(version, driver.c_str());
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* bus_id, nvmlDevice_t* device) {
  const std::lock_guard lock(scenario_mutex);
  if (scenario().lost) return NVML_ERROR_GPU_IS_LOST;
  if (std::strcmp(bus_id, kFakeBusId) != 0) return NVML_ERROR_NOT_FOUND;
  *device = fake_device();
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  const std::lock_guard lock(scenario_mutex);
  pci->pciDeviceId = scenario().pci_device_id;
  pci->pciSubSystemId = 0x51111462u;
  return gate(device, "pci");
}
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int* mhz) {
  return answer(device, "clocks", mhz, type == NVML_CLOCK_SM ? 2475u : 10501u);
}
nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, nvmlClockType_t type,
                                       unsigned int* mhz) {
  if (type == NVML_CLOCK_MEM) return NVML_ERROR_NOT_SUPPORTED;  // silent
  return answer(device, "clocks", mhz, 3105u);
}
nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int* milliwatts) {
  return answer(device, "power", milliwatts, 200000u);
}
nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t, unsigned int*) {
  return NVML_ERROR_UNKNOWN;  // recorded
}
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t,
                                      unsigned int* celsius) {
  return answer(device, "temperature", celsius, 54u);
}
nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, nvmlEnableState_t* mode) {
  return answer(device, "persistence", mode, NVML_FEATURE_ENABLED);
}
nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t device, nvmlEnableState_t* mode,
                                  nvmlEnableState_t* pending) {
  const std::lock_guard lock(scenario_mutex);
  const Scenario& state = scenario();
  if (!state.ecc) return NVML_ERROR_NOT_SUPPORTED;  // a GeForce board: silent
  *mode = *pending = *state.ecc ? NVML_FEATURE_ENABLED : NVML_FEATURE_DISABLED;
  return gate(device, "ecc");
}
// "Only applicable to devices with ECC. Requires ECC Mode to be enabled." (NVML API reference)
nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, nvmlMemoryErrorType_t type,
                                         nvmlEccCounterType_t counter, unsigned long long* count) {
  const std::lock_guard lock(scenario_mutex);
  const Scenario& state = scenario();
  if (const nvmlReturn_t status = gate(device, "ecc"); status != NVML_SUCCESS) return status;
  if (state.ecc != true) return NVML_ERROR_NOT_SUPPORTED;
  const std::size_t index = (type == NVML_MEMORY_ERROR_TYPE_UNCORRECTED ? 0 : 2) +
                            (counter == NVML_AGGREGATE_ECC ? 1 : 0);
  *count = state.ecc_errors[index];
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int* generation) {
  return answer(device, "pcie", generation, 1u);  // an idle link trains down
}
nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_t device, unsigned int* generation) {
  return answer(device, "pcie", generation, 4u);
}
nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int* width) {
  return answer(device, "pcie", width, 8u);
}
nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_t device, unsigned int* width) {
  return answer(device, "pcie", width, 16u);
}
nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int* mode, unsigned int* pending) {
  const std::lock_guard lock(scenario_mutex);
  const Scenario& state = scenario();
  if (state.mig_answer != NVML_SUCCESS) return static_cast<nvmlReturn_t>(state.mig_answer);
  *mode = *pending = state.mig ? NVML_DEVICE_MIG_ENABLE : NVML_DEVICE_MIG_DISABLE;
  return gate(device, "mig");
}
nvmlReturn_t nvmlDeviceGetDisplayActive(nvmlDevice_t device, nvmlEnableState_t* mode) {
  const std::lock_guard lock(scenario_mutex);
  const Scenario& state = scenario();
  if (state.display_answer != NVML_SUCCESS) return static_cast<nvmlReturn_t>(state.display_answer);
  *mode = state.display_active ? NVML_FEATURE_ENABLED : NVML_FEATURE_DISABLED;
  return gate(device, "display");
}
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device,
                                                    unsigned long long* reasons) {
  return answer(device, "clocks", reasons,
                static_cast<unsigned long long>(nvmlClocksEventReasonSwPowerCap));
}
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int* count,
                                                     nvmlProcessInfo_t* processes) {
  const std::lock_guard lock(scenario_mutex);
  if (const nvmlReturn_t status = gate(device, "processes"); status != NVML_SUCCESS) return status;
  return write_processes(scenario().compute_list(), count, processes);
}
nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int* count,
                                                      nvmlProcessInfo_t* processes) {
  const std::lock_guard lock(scenario_mutex);
  if (const nvmlReturn_t status = gate(device, "processes"); status != NVML_SUCCESS) return status;
  return write_processes(scenario().graphics, count, processes);
}
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t, unsigned int*) {
  return NVML_ERROR_NO_PERMISSION;  // not an environment-check field: recorded
}
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int* milliwatts) {
  const std::lock_guard lock(scenario_mutex);
  *milliwatts = scenario().power_mw;
  return gate(device, "power");
}
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device,
                                                 unsigned long long* millijoules) {
  const std::lock_guard lock(scenario_mutex);
  Scenario& state = scenario();
  state.energy_mj += state.power_mw / 100;  // advances like a counter read every 10 ms
  *millijoules = state.energy_mj;
  return gate(device, "energy");
}
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t* utilization) {
  const std::lock_guard lock(scenario_mutex);
  utilization->gpu = scenario().gpu_busy_pct;
  utilization->memory = 0;
  return gate(device, "utilization");
}
nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device,
                                             nvmlProcessUtilizationSample_t* samples,
                                             unsigned int* count, unsigned long long since_us) {
  const std::lock_guard lock(scenario_mutex);
  if (const nvmlReturn_t status = gate(device, "process_utilization"); status != NVML_SUCCESS)
    return status;
  Scenario& state = scenario();
  state.clock_us += 100000;  // one driver sample period per query
  const std::vector<FakeProcess> active = state.active_processes();
  if (active.empty() || state.clock_us <= since_us) return NVML_ERROR_NOT_FOUND;
  if (samples == nullptr || *count < active.size()) {
    *count = static_cast<unsigned>(active.size());
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  for (std::size_t i = 0; i < active.size(); ++i) {
    samples[i] = nvmlProcessUtilizationSample_t{};
    samples[i].pid = active[i].pid;
    samples[i].timeStamp = state.clock_us;
    samples[i].smUtil = active[i].sm_pct;
  }
  *count = static_cast<unsigned>(active.size());
  return NVML_SUCCESS;
}

}  // extern "C"
#pragma GCC diagnostic pop
