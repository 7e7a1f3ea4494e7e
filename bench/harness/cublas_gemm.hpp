#pragma once
// The library references of the GEMM suite: cuBLAS (cublasGemmEx) for FP32, TF32, FP16, BF16 and
// INT8, and cuBLASLt (cublasLtMatmul, TN, FP16 output) for FP8 e4m3. Handles, the workspace and
// each shape's FP8 plan are made before timing; gemm() only enqueues.

#include <cublasLt.h>
#include <cublas_v2.h>

#include <map>
#include <memory>
#include <tuple>

#include "harness/device_buffer.hpp"
#include "model/gemm_plan.hpp"

namespace gpubench {

class CublasGemm {
 public:
  explicit CublasGemm(cudaStream_t stream);
  ~CublasGemm();
  CublasGemm(const CublasGemm&) = delete;
  CublasGemm& operator=(const CublasGemm&) = delete;

  // Whether cuBLAS can run `precision` on this shape and architecture (sm as 89): FP8 needs
  // sm_89+ and dimensions that are multiples of 16; INT8 multiples of 4.
  static bool supports(GemmPrecision precision, int sm, const GemmShape& shape);

  // Prepares what gemm() needs for this shape (the FP8 plan); call before timing.
  void prepare(GemmPrecision precision, int m, int n, int k);

  // Enqueues row-major C (m x n) = A (m x k) * B on the stream. B is k x n, except for FP8, where
  // it is given transposed (n x k, the "TN" layout cuBLASLt requires).
  void gemm(GemmPrecision precision, int m, int n, int k, const void* a, const void* b, void* c);

 private:
  struct LtPlan;
  cudaStream_t stream_;
  cublasHandle_t handle_ = nullptr;
  cublasLtHandle_t lt_ = nullptr;
  DeviceBuffer<unsigned char> workspace_;
  std::map<std::tuple<int, int, int>, std::shared_ptr<LtPlan>> fp8_plans_;
};

}  // namespace gpubench
