// A stand-in for libnvidia-ml.so.1 with fixed answers, loaded by NvmlLibrary::open in
// tests/platform/nvml_library_test.cpp so the queries and their error handling are tested without
// a driver. One device, at bus id kFakeBusId: some queries succeed, some say "not supported" (to
// stay silent), some refuse with other errors (to be recorded), and the process list needs a
// second, larger call. Built as its own shared module (CMakeLists.txt), not into gpubench_tests.

#include <nvml.h>

#include <cstring>

namespace {

const char* const kFakeBusId = "0000:01:00.0";
nvmlDevice_t fake_device() {
  static int device_storage = 0;
  return reinterpret_cast<nvmlDevice_t>(&device_storage);
}
nvmlReturn_t on_fake_device(nvmlDevice_t device) {
  return device == fake_device() ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
}
constexpr unsigned kProcesses = 10;  // more than NvmlLibrary's first guess of 8

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
extern "C" {

nvmlReturn_t nvmlInit_v2() {
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlShutdown() {
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
  if (length < 10) return NVML_ERROR_INSUFFICIENT_SIZE;
  std::strcpy(version, "580.95.05");
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* bus_id, nvmlDevice_t* device) {
  if (std::strcmp(bus_id, kFakeBusId) != 0) return NVML_ERROR_NOT_FOUND;
  *device = fake_device();
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  pci->pciDeviceId = 0x278610deu;  // device 0x2786, vendor 0x10de
  pci->pciSubSystemId = 0x51111462u;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int* mhz) {
  *mhz = type == NVML_CLOCK_SM ? 2475 : 10501;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, nvmlClockType_t type,
                                       unsigned int* mhz) {
  if (type == NVML_CLOCK_MEM) return NVML_ERROR_NOT_SUPPORTED;  // silent
  *mhz = 3105;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int* milliwatts) {
  *milliwatts = 200000;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t, unsigned int*) {
  return NVML_ERROR_UNKNOWN;  // recorded
}
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t,
                                      unsigned int* celsius) {
  *celsius = 54;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, nvmlEnableState_t* mode) {
  *mode = NVML_FEATURE_ENABLED;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t, nvmlEnableState_t*, nvmlEnableState_t*) {
  return NVML_ERROR_NOT_SUPPORTED;  // a GeForce board: silent
}
nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int* generation) {
  *generation = 1;  // an idle link trains down
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_t device, unsigned int* generation) {
  *generation = 4;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int* width) {
  *width = 8;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_t device, unsigned int* width) {
  *width = 16;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t, unsigned int*, unsigned int*) {
  return NVML_ERROR_GPU_IS_LOST;  // recorded
}
nvmlReturn_t nvmlDeviceGetDisplayActive(nvmlDevice_t, nvmlEnableState_t*) {
  return NVML_ERROR_NO_PERMISSION;  // an environment-check field: silent
}
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device,
                                                    unsigned long long* reasons) {
  *reasons = nvmlClocksEventReasonSwPowerCap;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int* count,
                                                     nvmlProcessInfo_t* processes) {
  if (*count < kProcesses) {
    *count = kProcesses;
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  *count = kProcesses;
  for (unsigned i = 0; i < kProcesses; ++i)
    processes[i].pid = 1000 + i;
  return on_fake_device(device);
}
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t, unsigned int*) {
  return NVML_ERROR_NO_PERMISSION;  // not an environment-check field: recorded
}

}  // extern "C"
#pragma GCC diagnostic pop
