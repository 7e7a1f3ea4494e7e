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
      get_error_name_(reinterpret_cast<GetErrorName>(driver_entry_point("cuGetErrorName"))) {}

void ModuleApi::check(CUresult result, const char* call) const {
  if (result == CUDA_SUCCESS) return;
  const char* name = nullptr;
  if (get_error_name_(result, &name) != CUDA_SUCCESS || name == nullptr) name = "unknown error";
  throw DriverError(std::string(call) + " failed: " + name + " (" +
                    std::to_string(static_cast<int>(result)) + ")");
}

CUmodule ModuleApi::load(const void* image) const {
  CUmodule module = nullptr;
  check(load_data_(&module, image), "cuModuleLoadData");
  return module;
}

void ModuleApi::unload(CUmodule module) const {
  check(unload_(module), "cuModuleUnload");
}

void ModuleApi::run_sentinel(CUmodule module, unsigned* out, cudaStream_t stream) const {
  CUfunction function = nullptr;
  check(get_function_(&function, module, kSentinelKernelName), "cuModuleGetFunction");
  void* arguments[] = {&out};
  check(launch_kernel_(function, 1, 1, 1, 1, 1, 1, 0, stream, arguments, nullptr),
        "cuLaunchKernel");
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
}

}  // namespace gpubench::driver
