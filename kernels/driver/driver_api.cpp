#include "kernels/driver/driver_api.hpp"

#include "kernels/common/cuda_check.hpp"
#include "kernels/driver/module_images.hpp"

namespace gpubench::driver {

void* driver_entry_point(const char* symbol) {
  void* function = nullptr;
  cudaDriverEntryPointQueryResult found{};
  // The 12.0 ABI of each function: what this code was written against.
#if CUDART_VERSION >= 12050
  GPUBENCH_CUDA_CHECK(
      cudaGetDriverEntryPointByVersion(symbol, &function, 12000, cudaEnableDefault, &found));
#else
  GPUBENCH_CUDA_CHECK(cudaGetDriverEntryPoint(symbol, &function, cudaEnableDefault, &found));
#endif
  if (found != cudaDriverEntryPointSuccess || function == nullptr) {
    throw DriverError(std::string("the installed NVIDIA driver has no ") + symbol +
                      "; update the driver.");
  }
  return function;
}

ModuleApi::ModuleApi()
    : load_data_(reinterpret_cast<LoadData>(driver_entry_point("cuModuleLoadData"))),
      unload_(reinterpret_cast<Unload>(driver_entry_point("cuModuleUnload"))),
      get_function_(reinterpret_cast<GetFunction>(driver_entry_point("cuModuleGetFunction"))),
      launch_kernel_(reinterpret_cast<LaunchKernel>(driver_entry_point("cuLaunchKernel"))),
      get_error_name_(reinterpret_cast<GetErrorName>(driver_entry_point("cuGetErrorName"))) {
  try {
    get_loading_mode_ =
        reinterpret_cast<GetLoadingMode>(driver_entry_point("cuModuleGetLoadingMode"));
  } catch (const DriverError&) {
    get_loading_mode_ = nullptr;  // a driver before 11.7: the label says the mode is unknown
  }
}

void ModuleApi::check(CUresult result, const char* call) const {
  if (result == CUDA_SUCCESS) return;
  const char* name = nullptr;
  if (get_error_name_(result, &name) != CUDA_SUCCESS || name == nullptr) name = "unknown error";
  throw DriverError(std::string(call) + " failed: " + name + " (" +
                    std::to_string(static_cast<int>(result)) + ")");
}

LoadedModule ModuleApi::load(const void* image) const {
  LoadedModule loaded;
  check(load_data_(&loaded.module, image), "cuModuleLoadData");
  const CUresult found = get_function_(&loaded.sentinel, loaded.module, kSentinelKernelName);
  if (found != CUDA_SUCCESS) {
    unload_(loaded.module);  // the lookup's error is the one to report
    check(found, "cuModuleGetFunction");
  }
  return loaded;
}

void ModuleApi::unload(CUmodule module) const {
  check(unload_(module), "cuModuleUnload");
}

void ModuleApi::run_sentinel(CUfunction sentinel, unsigned* out, cudaStream_t stream) const {
  void* arguments[] = {&out};
  check(launch_kernel_(sentinel, 1, 1, 1, 1, 1, 1, 0, stream, arguments, nullptr),
        "cuLaunchKernel");
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
}

std::string loading_mode_name(CUresult result, CUmoduleLoadingMode mode) {
  if (result != CUDA_SUCCESS) {
    return "unknown (cuModuleGetLoadingMode failed: " + std::to_string(static_cast<int>(result)) +
           ")";
  }
  switch (mode) {
    case CU_MODULE_LAZY_LOADING:
      return "lazy";
    case CU_MODULE_EAGER_LOADING:
      return "eager";
  }
  return "unknown (" + std::to_string(static_cast<int>(mode)) + ")";
}

std::string ModuleApi::loading_mode() const {
  if (get_loading_mode_ == nullptr) return "unknown (the driver has no cuModuleGetLoadingMode)";
  CUmoduleLoadingMode mode{};
  const CUresult result = get_loading_mode_(&mode);
  return loading_mode_name(result, mode);
}

}  // namespace gpubench::driver
