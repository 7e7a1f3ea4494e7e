#pragma once
// The current CUDA device's architecture as one number (89 for sm_89): what launchers use to pick
// a kernel configuration and tests use to skip what a device lacks.

#include <cuda_runtime_api.h>

#include "kernels/common/cuda_check.hpp"

namespace gpubench {

inline int current_device_sm(int* device_out = nullptr) {
  int device = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  int major = 0;
  int minor = 0;
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
  if (device_out != nullptr) *device_out = device;
  return major * 10 + minor;
}

}  // namespace gpubench
