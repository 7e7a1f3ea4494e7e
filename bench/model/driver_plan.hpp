#pragma once
// The driver suite's rows and the rules its checks follow, kept apart from the CUDA code so the
// CPU tests check them: which rows exist (the same in the quick and the full profile; how long each
// samples is the profile's driver_stopping), and the byte patterns every copy is verified with.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

enum class DriverRowKind {
  kLaunchSync,        // one kernel, launch to completion (launch + stream synchronize)
  kLaunchRate,        // `kernels` back-to-back asynchronous launches, then one synchronize
  kGraphLaunch,       // a captured graph of `kernels` kernels, launched and synchronized
  kGraphOneByOne,     // the same kernels launched one by one, then synchronized
  kStreamSync,        // cudaStreamSynchronize on an idle stream
  kEventSync,         // cudaEventSynchronize on a completed event
  kDeviceSync,        // cudaDeviceSynchronize on an idle device
  kEventRecordQuery,  // cudaEventRecord + cudaEventQuery
  kCopy,              // cudaMemcpyAsync + stream synchronize, `bytes`, `direction`, `pinned`
  kMemset,            // cudaMemsetAsync + stream synchronize of `bytes`
  kMallocFree,        // cudaMalloc + cudaFree of `bytes`
  kPoolMallocFree,    // cudaMallocFromPoolAsync + cudaFreeAsync + synchronize, warmed pool
  kModuleCubin,       // cuModuleLoadData of the sentinel module's cubin
  kModulePtx,         // cuModuleLoadData of its PTX, with a nonce: a JIT compile every time
  kCublasCreate,      // cublasCreate
  kCublasFirstGemm,   // the first SGEMM on a new handle (+ synchronize)
  kCublasSteadyGemm,  // the same SGEMM on a handle that has run it (+ synchronize)
};

enum class CopyDirection { kHostToDevice, kDeviceToHost };

struct DriverRow {
  std::string name;  // "driver/copy/h2d_pinned/4KiB"
  DriverRowKind kind = DriverRowKind::kLaunchSync;
  std::int64_t bytes = 0;  // copies, memset, allocations
  CopyDirection direction = CopyDirection::kHostToDevice;
  bool pinned = false;
  int kernels = 0;    // launches per sample (rate and graph rows)
  int gemm_size = 0;  // m = n = k of the cuBLAS GEMM rows
  bool rate = false;  // ops_per_s (kernels per second) rather than latency_us
};

inline constexpr int kLaunchRateKernels = 256;
inline constexpr int kGraphKernels = 32;
inline constexpr int kCublasGemmSize = 256;

// Every row of the suite, in run order.
std::vector<DriverRow> driver_rows();

// The module-load rows' label: what their time covers, and the loading mode the driver reported
// ("lazy", "eager", or why unknown), which decides where a kernel's load happens.
std::string module_load_label(std::string_view loading_mode);

// Byte i of the pattern for `seed`: never zero (so a destination cleared to zero before a copy
// cannot pass for it), and different from one seed to the next and along the buffer.
std::uint8_t pattern_byte(std::uint32_t seed, std::size_t i);
void fill_pattern(std::span<std::uint8_t> bytes, std::uint32_t seed);
// The first byte that differs from the pattern, if any.
std::optional<std::size_t> first_pattern_mismatch(std::span<const std::uint8_t> bytes,
                                                  std::uint32_t seed);

// The column-major SGEMM reference of the cuBLAS rows: A and B hold small integers (exact in
// FP32, TF32 and FP16), so C = A * B must come back exactly.
float gemm_operand(int which, std::size_t i);  // which: 0 for A, 1 for B
std::vector<float> gemm_reference(int size);

}  // namespace gpubench
