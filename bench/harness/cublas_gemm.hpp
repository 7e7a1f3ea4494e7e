#pragma once
// The library references of the GEMM suite: cuBLAS (cublasGemmEx) for FP32, TF32, FP16 and BF16,
// and cuBLASLt (cublasLtMatmul, TN) for FP8 e4m3 (FP16 out, fast accumulate), INT8 (INT32 out) and
// NVFP4 (e2m1 with ue4m3 block scales, FP32 out; built with CUDA 12.8+ headers only),
// the layout their tensor-core kernels take (cublasGemmEx's NN INT8 ran a WMMA kernel at 6% of an
// H200's INT8 peak). Handles, the workspace and each cuBLASLt shape's plan (its algorithm chosen by
// cuBLASLt's heuristic) are made before timing; gemm() only enqueues.

#include <cublasLt.h>
#include <cublas_v2.h>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>

#include "harness/device_buffer.hpp"
#include "model/gemm_plan.hpp"

namespace gpubench {

// Every cuBLAS / cuBLASLt call is checked: a failure throws, naming the call and the status.
void check_cublas(cublasStatus_t status, const char* call);
#define GPUBENCH_CUBLAS_CHECK(call) ::gpubench::check_cublas((call), #call)

// Sets one attribute of a cuBLASLt matmul descriptor, checked; a failure names the attribute
// (`name`, as cublasLt.h spells it).
void set_lt_attribute(cublasLtMatmulDesc_t operation, cublasLtMatmulDescAttributes_t attribute,
                      const void* value, std::size_t bytes, const char* name);

// Device pointers to the block scales of A and B (NVFP4), in the layout cuBLASLt documents.
struct BlockScales {
  const void* a = nullptr;
  const void* b = nullptr;
};

class CublasGemm {
 public:
  explicit CublasGemm(cudaStream_t stream);
  ~CublasGemm();
  CublasGemm(const CublasGemm&) = delete;
  CublasGemm& operator=(const CublasGemm&) = delete;

  // Why this build cannot run `precision` on architecture `sm` (89 for 8.9) at all, or "": the
  // card's tensor cores (gemm_precision_problem), then this build's CUDA and cuBLAS headers, then
  // the cuBLASLt this process loaded (NVFP4 needs 12.8+ of each: gemm_build_problem,
  // gemm_library_problem).
  static std::string precision_problem(GemmPrecision precision, int sm);

  // Why the fast path cannot take `precision` on this shape and architecture (sm as 89), or ""
  // when it can: precision_problem, then FP8's m, n, k multiples of 16, INT8's n, k multiples
  // of 4 and NVFP4's (cublas_fast_path_problem). Such shapes are reported, never run on a slower
  // path under the same name.
  static std::string fast_path_problem(GemmPrecision precision, int sm, const GemmShape& shape);
  static bool supports(GemmPrecision precision, int sm, const GemmShape& shape);

  // Prepares what gemm() needs for this shape (the cuBLASLt plan, its algorithm chosen by
  // heuristic, choose_lt_algorithm); call before timing, or at registration, where the GEMM suite
  // leaves the shape out. Throws FastPathUnsupported ("not run: no cuBLASLt algorithm ...") when
  // cuBLASLt has no algorithm with or without workspace, and for NVFP4 when this cuBLASLt cannot
  // describe the GEMM at all.
  void prepare(GemmPrecision precision, int m, int n, int k);

  // Enqueues row-major C (m x n) = A (m x k) * B on the stream. B is k x n, except for FP8, INT8
  // and NVFP4, where it is given transposed (n x k: the "TN" layout cuBLASLt's kernels take).
  // NVFP4 also takes the operands' ue4m3 scales in cuBLAS's tiled layout
  // (kernels/gemm/nvfp4_layout.hpp); the other precisions take none.
  void gemm(GemmPrecision precision, int m, int n, int k, const void* a, const void* b, void* c,
            const BlockScales& scales = {});

 private:
  struct LtPlan;
  // The plan's descriptors for this shape, before its algorithm is chosen.
  std::shared_ptr<LtPlan> describe(GemmPrecision precision, int m, int n, int k) const;
  cudaStream_t stream_;
  cublasHandle_t handle_ = nullptr;
  cublasLtHandle_t lt_ = nullptr;
  DeviceBuffer<unsigned char> workspace_;
  std::map<std::tuple<GemmPrecision, int, int, int>, std::shared_ptr<LtPlan>> lt_plans_;
  // Stands in for NVFP4's scales while prepare() asks the heuristic, which refuses a block-scaled
  // plan without scale pointers; gemm() sets the real ones.
  DeviceBuffer<unsigned char> scale_placeholder_;
};

// In the label of the FP8 rows: cuBLASLt runs them with CUBLASLT_MATMUL_DESC_FAST_ACCUM.
inline constexpr const char* kFp8FastAccumulateNote = "fp8 fast accumulate";

// The library has no fast-path kernel for a shape: a reason, not a failed check.
class FastPathUnsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One cublasLtMatmulAlgoGetHeuristic call for a plan, allowed `workspace_bytes` of workspace.
struct LtHeuristicAnswer {
  cublasStatus_t status = CUBLAS_STATUS_SUCCESS;
  int found = 0;
  cublasLtMatmulHeuristicResult_t result{};
};
using LtHeuristicQuery = std::function<LtHeuristicAnswer(std::size_t workspace_bytes)>;

// The algorithm a plan runs and the workspace it is given.
struct LtChoice {
  cublasLtMatmulAlgo_t algo{};
  std::size_t workspace_bytes = 0;
};

// Whether a failed heuristic status means "no fast path for this shape" (said, not run) rather
// than a fault: NOT_SUPPORTED always; for NVFP4 every failure, since cuBLASLt versions answer
// block-scaled plans they cannot take with other statuses too (INVALID_VALUE for missing scale
// pointers, NVIDIA/CUDALibrarySamples#274).
bool lt_status_means_unsupported(GemmPrecision precision, cublasStatus_t status);

// The heuristic's answer for a plan: the algorithm, or none, with the last failed status taken
// as "unsupported" (SUCCESS when the heuristic merely found nothing).
struct LtLookup {
  std::optional<LtChoice> choice;
  cublasStatus_t refusal = CUBLAS_STATUS_SUCCESS;
};

// Asks with the whole workspace, then with none: cuBLASLt offers some shapes (INT8 with m <= 16,
// where PyTorch's _int_mm passes no workspace) only without. No choice when neither answer has an
// algorithm (none found, or a status lt_status_means_unsupported); any other status throws.
LtLookup choose_lt_algorithm(const LtHeuristicQuery& query, std::size_t workspace_bytes,
                             GemmPrecision precision);

}  // namespace gpubench
