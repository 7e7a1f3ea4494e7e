#pragma once
// Every CUDA runtime call in gpubench goes through GPUBENCH_CUDA_CHECK; a failure becomes a
// CudaError naming the call and the place, which the harness turns into a failed benchmark.

#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace gpubench {

class CudaError : public std::runtime_error {
 public:
  CudaError(cudaError_t status, const char* call, const char* file, int line)
      : std::runtime_error(std::string(call) + " failed: " + cudaGetErrorName(status) + " (" +
                           cudaGetErrorString(status) + ") at " + file + ":" +
                           std::to_string(line)),
        status_(status) {}
  cudaError_t status() const noexcept { return status_; }

 private:
  cudaError_t status_;
};

}  // namespace gpubench

#define GPUBENCH_CUDA_CHECK(call)                                               \
  do {                                                                          \
    const cudaError_t gpubench_status_ = (call);                                \
    if (gpubench_status_ != cudaSuccess) {                                      \
      throw ::gpubench::CudaError(gpubench_status_, #call, __FILE__, __LINE__); \
    }                                                                           \
  } while (0)

// After a kernel launch: configuration errors surface here, not at the next unrelated call.
#define GPUBENCH_CHECK_LAUNCH() GPUBENCH_CUDA_CHECK(cudaGetLastError())
