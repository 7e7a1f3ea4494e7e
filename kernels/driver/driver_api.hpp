#pragma once
// The few driver-API calls the module-load rows make (cuModuleLoadData and what checks a loaded
// module), resolved at run time through the CUDA runtime's cudaGetDriverEntryPoint*: the runtime
// is linked statically and libcuda never at link time, so gpubench still starts, and says why it
// cannot measure, on a machine without an NVIDIA driver.

#include <cuda.h>
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace gpubench::driver {

// A driver-API call that failed, named with the driver's name for the error.
class DriverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The address of a driver-API function, looked up through the runtime (which loads libcuda at run
// time). Throws CudaError when the runtime cannot reach a driver, DriverError when the driver lacks
// the function.
void* driver_entry_point(const char* symbol);

// A module loaded with its sentinel kernel's handle.
struct LoadedModule {
  CUmodule module = nullptr;
  CUfunction sentinel = nullptr;
};

// The words for a cuModuleGetLoadingMode answer: "lazy", "eager", or why it is not known.
std::string loading_mode_name(CUresult result, CUmoduleLoadingMode mode);

class ModuleApi {
 public:
  ModuleApi();  // resolves every function now, so a missing one fails before anything is timed

  // cuModuleLoadData into the current context (the runtime's primary context; call cudaFree(0)
  // first on a fresh thread), then cuModuleGetFunction of the sentinel. Both, because under lazy
  // loading (the default on Linux since CUDA 12.2) cuModuleLoadData only registers the module and
  // the kernel is loaded when its function is first asked for. `image` is a cubin or
  // NUL-terminated PTX. On a failed cuModuleGetFunction the module is unloaded before the throw.
  LoadedModule load(const void* image) const;
  void unload(CUmodule module) const;
  // Launches the module's gpubench_module_sentinel, one thread writing to *out, and waits for it.
  void run_sentinel(CUfunction sentinel, unsigned* out, cudaStream_t stream) const;
  // cuModuleGetLoadingMode (CUDA_MODULE_LOADING, driver API 11.7+): "lazy" or "eager", or why it
  // is unknown where the driver lacks the call (resolved on its own, so its absence costs nothing
  // else).
  std::string loading_mode() const;

 private:
  void check(CUresult result, const char* call) const;

  using LoadData = CUresult (*)(CUmodule*, const void*);
  using Unload = CUresult (*)(CUmodule);
  using GetFunction = CUresult (*)(CUfunction*, CUmodule, const char*);
  using LaunchKernel = CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                                    unsigned, unsigned, CUstream, void**, void**);
  using GetErrorName = CUresult (*)(CUresult, const char**);
  using GetLoadingMode = CUresult (*)(CUmoduleLoadingMode*);
  LoadData load_data_ = nullptr;
  Unload unload_ = nullptr;
  GetFunction get_function_ = nullptr;
  LaunchKernel launch_kernel_ = nullptr;
  GetErrorName get_error_name_ = nullptr;
  GetLoadingMode get_loading_mode_ = nullptr;  // null where the driver lacks it
};

}  // namespace gpubench::driver
