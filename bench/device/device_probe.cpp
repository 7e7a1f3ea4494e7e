#include "device/device_probe.hpp"

#include <cublas_api.h>
#include <cuda_runtime_api.h>
#include <fmt/format.h>

#include <cstdlib>

#include "gpubench/errors.hpp"
#include "platform/nvml_library.hpp"

namespace gpubench {
namespace {

void check(cudaError_t status, std::string_view what) {
  if (status != cudaSuccess) {
    throw UserError(fmt::format("CUDA call {} failed ({}: {}); check the driver with nvidia-smi.",
                                what, cudaGetErrorName(status), cudaGetErrorString(status)));
  }
}

int attribute(cudaDeviceAttr attr, int ordinal, std::string_view what) {
  int value = 0;
  check(cudaDeviceGetAttribute(&value, attr, ordinal), what);
  return value;
}

}  // namespace

int cuda_runtime_version() {
  int version = 0;
  cudaRuntimeGetVersion(&version);
  return version;
}

std::string cublas_version() {
  int major = 0, minor = 0, patch = 0;
  if (cublasGetProperty(MAJOR_VERSION, &major) != CUBLAS_STATUS_SUCCESS ||
      cublasGetProperty(MINOR_VERSION, &minor) != CUBLAS_STATUS_SUCCESS ||
      cublasGetProperty(PATCH_LEVEL, &patch) != CUBLAS_STATUS_SUCCESS) {
    return "unknown";
  }
  return fmt::format("{}.{}.{}", major, minor, patch);
}

int visible_device_count() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status == cudaSuccess && count > 0) return count;

  int driver_version = 0;
  cudaDriverGetVersion(&driver_version);
  const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
  if (driver_version == 0) {
    throw UserError(
        "No CUDA device: no NVIDIA driver is installed on this machine (libcuda.so.1 not found); "
        "install the NVIDIA driver to measure a GPU.");
  }
  if (status == cudaErrorInsufficientDriver) {
    throw UserError(fmt::format(
        "No usable CUDA device: the NVIDIA driver supports CUDA {} but gpubench was built with "
        "CUDA {}; upgrade the driver.",
        format_cuda_version(driver_version), format_cuda_version(cuda_runtime_version())));
  }
  if (status == cudaSuccess || status == cudaErrorNoDevice) {
    throw UserError(fmt::format(
        "No CUDA device is visible{}; check nvidia-smi and CUDA_VISIBLE_DEVICES.",
        visible ? fmt::format(" (CUDA_VISIBLE_DEVICES=\"{}\")", visible) : std::string()));
  }
  throw UserError(fmt::format("No usable CUDA device ({}: {}); check the driver with nvidia-smi.",
                              cudaGetErrorName(status), cudaGetErrorString(status)));
}

DeviceInfo query_device(int ordinal, const NvmlLibrary* nvml) {
  const int count = visible_device_count();
  if (ordinal < 0 || ordinal >= count) {
    throw UserError(fmt::format("Device {} does not exist: {} CUDA device{} visible (0..{}).",
                                ordinal, count, count == 1 ? " is" : "s are", count - 1));
  }
  cudaDeviceProp properties{};
  check(cudaGetDeviceProperties(&properties, ordinal), "cudaGetDeviceProperties");

  DeviceInfo info;
  info.ordinal = ordinal;
  info.name = properties.name;
  info.compute_capability = {
      attribute(cudaDevAttrComputeCapabilityMajor, ordinal, "compute capability"),
      attribute(cudaDevAttrComputeCapabilityMinor, ordinal, "compute capability")};
  info.sm_count = attribute(cudaDevAttrMultiProcessorCount, ordinal, "SM count");
  info.l2_cache_bytes = attribute(cudaDevAttrL2CacheSize, ordinal, "L2 size");
  info.memory_bytes = static_cast<std::int64_t>(properties.totalGlobalMem);
  info.memory_bus_bits = attribute(cudaDevAttrGlobalMemoryBusWidth, ordinal, "bus width");
  info.memory_clock_mhz = attribute(cudaDevAttrMemoryClockRate, ordinal, "memory clock") / 1000;
  info.sm_clock_mhz = attribute(cudaDevAttrClockRate, ordinal, "SM clock") / 1000;
  char bus_id[32] = {};
  check(cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, ordinal), "cudaDeviceGetPCIBusId");
  info.pci_bus_id = bus_id;
  info.uuid =
      format_gpu_uuid(std::string_view(reinterpret_cast<const char*>(properties.uuid.bytes), 16));
  cudaDriverGetVersion(&info.cuda_driver_version);
  info.cuda_runtime_version = cuda_runtime_version();
  info.cublas_version = cublas_version();
  if (nvml != nullptr) {
    info.driver_version = nvml->driver_version();
    info.nvml = nvml->query_device(info.pci_bus_id);
  }
  return info;
}

}  // namespace gpubench
