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

class ModuleApi {
 public:
  ModuleApi();  // resolves every function now, so a missing one fails before anything is timed

  // cuModuleLoadData into the current context (the runtime's primary context; call cudaFree(0)
  // first on a fresh thread). `image` is a cubin or NUL-terminated PTX.
  CUmodule load(const void* image) const;
  void unload(CUmodule module) const;
  // Launches the module's gpubench_module_sentinel, one thread writing to *out, and waits for it.
  void run_sentinel(CUmodule module, unsigned* out, cudaStream_t stream) const;

 private:
  void check(CUresult result, const char* call) const;

  using LoadData = CUresult (*)(CUmodule*, const void*);
  using Unload = CUresult (*)(CUmodule);
  using GetFunction = CUresult (*)(CUfunction*, CUmodule, const char*);
  using LaunchKernel = CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                                    unsigned, unsigned, CUstream, void**, void**);
  using GetErrorName = CUresult (*)(CUresult, const char**);
  LoadData load_data_ = nullptr;
  Unload unload_ = nullptr;
  GetFunction get_function_ = nullptr;
  LaunchKernel launch_kernel_ = nullptr;
  GetErrorName get_error_name_ = nullptr;
};

}  // namespace gpubench::driver
