#include "harness/cublas_gemm.hpp"

#include <cuda.h>  // CUDA_VERSION: which CUDA types these headers have
#include <cuda_fp16.h>
#include <fmt/format.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace gpubench {

void check_cublas(cublasStatus_t status, const char* call) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw std::runtime_error(fmt::format("{} failed: {} ({})", call, cublasGetStatusName(status),
                                         cublasGetStatusString(status)));
  }
}

void set_lt_attribute(cublasLtMatmulDesc_t operation, cublasLtMatmulDescAttributes_t attribute,
                      const void* value, std::size_t bytes, const char* name) {
  check_cublas(cublasLtMatmulDescSetAttribute(operation, attribute, value, bytes),
               fmt::format("cublasLtMatmulDescSetAttribute({})", name).c_str());
}

namespace {

constexpr std::size_t kWorkspaceBytes = std::size_t{32} << 20;
// NVFP4's scale placeholder: one 128 x 4 tile of ue4m3 scales, cuBLAS's smallest scale tensor,
// at cudaMalloc's alignment.
constexpr std::size_t kScalePlaceholderBytes = 512;

// CUDA 12.8 added CUDA_R_4F_E2M1 (library_types.h) and cuBLASLt 12.8 its block-scale modes;
// older headers lack the names. cublas_api.h defines CUBLAS_VERSION (major * 10000 + minor * 100 +
// patch) in every CUDA 12.x and 13.x; both are asked, as the two names come from different headers.
#if CUDA_VERSION >= 12080 && defined(CUBLAS_VERSION) && CUBLAS_VERSION >= 120800
#define GPUBENCH_CUBLASLT_NVFP4 1
#else
#define GPUBENCH_CUBLASLT_NVFP4 0
#endif

// The types of a cuBLASLt row: FP8 accumulates in FP32 and writes FP16; INT8 accumulates and
// writes INT32 with INT32 scales; NVFP4 accumulates in FP32 and writes FP32.
struct LtTypes {
  cudaDataType input;
  cudaDataType output;
  cublasComputeType_t compute;
  cudaDataType scale;
  const char* label;  // in "not run" sentences
};

LtTypes lt_types(GemmPrecision precision) {
  switch (precision) {
    case GemmPrecision::kFp8E4m3:
      return {CUDA_R_8F_E4M3, CUDA_R_16F, CUBLAS_COMPUTE_32F, CUDA_R_32F, "FP8"};
#if GPUBENCH_CUBLASLT_NVFP4
    case GemmPrecision::kNvfp4:
      return {CUDA_R_4F_E2M1, CUDA_R_32F, CUBLAS_COMPUTE_32F, CUDA_R_32F, "NVFP4"};
#endif
    default:
      return {CUDA_R_8I, CUDA_R_32I, CUBLAS_COMPUTE_32I, CUDA_R_32I, "INT8"};
  }
}

bool runs_on_lt(GemmPrecision precision) {
  return precision == GemmPrecision::kFp8E4m3 || precision == GemmPrecision::kInt8 ||
         precision == GemmPrecision::kNvfp4;
}

// Sets one attribute of a matmul descriptor; a failure names it.
#define GPUBENCH_LT_SET(operation, attribute, value) \
  set_lt_attribute((operation), (attribute), &(value), sizeof(value), #attribute)

// What the precision sets beyond the types: FP8's fast accumulate, NVFP4's block-scale modes and
// (until gemm() sets the real ones) `scale_placeholder` as both scale pointers.
void set_precision_attributes(GemmPrecision precision, cublasLtMatmulDesc_t operation,
                              const void* scale_placeholder) {
  if (precision == GemmPrecision::kFp8E4m3) {
    // FP8's figure is read against the FP8 tensor peak: time the fast-accumulate path, which does
    // not stop to promote partial sums to FP32 (as PyTorch's use_fast_accum and inference do).
    const std::int8_t fast_accumulate = 1;
    GPUBENCH_LT_SET(operation, CUBLASLT_MATMUL_DESC_FAST_ACCUM, fast_accumulate);
  }
#if GPUBENCH_CUBLASLT_NVFP4
  if (precision == GemmPrecision::kNvfp4) {
    // One ue4m3 scale per 16 elements along K for both operands. The heuristic refuses these
    // modes without scale pointers (INVALID_VALUE, NVIDIA/CUDALibrarySamples#274), so the lookup
    // sees a placeholder; gemm() sets the buffers' for each call.
    const std::int32_t vec16 = CUBLASLT_MATMUL_MATRIX_SCALE_VEC16_UE4M3;
    GPUBENCH_LT_SET(operation, CUBLASLT_MATMUL_DESC_A_SCALE_MODE, vec16);
    GPUBENCH_LT_SET(operation, CUBLASLT_MATMUL_DESC_B_SCALE_MODE, vec16);
    GPUBENCH_LT_SET(operation, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, scale_placeholder);
    GPUBENCH_LT_SET(operation, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, scale_placeholder);
  }
#else
  (void)scale_placeholder;
#endif
}

// Why this build or the loaded cuBLASLt cannot run `precision`, or "".
std::string library_problem(GemmPrecision precision) {
  if (std::string problem = gemm_build_problem(precision, CUDA_VERSION); !problem.empty()) {
    return problem;
  }
  if (precision == GemmPrecision::kNvfp4 && !GPUBENCH_CUBLASLT_NVFP4) {
    return "this gpubench was built with cuBLAS headers older than 12.8, which have no NVFP4; "
           "rebuild with CUDA 12.8 or newer";
  }
  return gemm_library_problem(precision, cublasLtGetVersion());
}

}  // namespace

struct CublasGemm::LtPlan {
  cublasLtMatmulDesc_t operation = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  LtChoice choice;
  ~LtPlan() {
    if (c) cublasLtMatrixLayoutDestroy(c);
    if (b) cublasLtMatrixLayoutDestroy(b);
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (operation) cublasLtMatmulDescDestroy(operation);
  }
};

CublasGemm::CublasGemm(cudaStream_t stream) : stream_(stream), workspace_(kWorkspaceBytes) {
  GPUBENCH_CUBLAS_CHECK(cublasCreate(&handle_));
  GPUBENCH_CUBLAS_CHECK(cublasSetStream(handle_, stream_));
  GPUBENCH_CUBLAS_CHECK(cublasSetWorkspace(handle_, workspace_.get(), workspace_.bytes()));
  GPUBENCH_CUBLAS_CHECK(cublasLtCreate(&lt_));
}

CublasGemm::~CublasGemm() {
  lt_plans_.clear();
  if (lt_) cublasLtDestroy(lt_);
  if (handle_) cublasDestroy(handle_);
}

std::string CublasGemm::precision_problem(GemmPrecision precision, int sm) {
  if (std::string problem = gemm_precision_problem(precision, sm); !problem.empty()) return problem;
  return library_problem(precision);
}

std::string CublasGemm::fast_path_problem(GemmPrecision precision, int sm, const GemmShape& shape) {
  if (std::string problem = precision_problem(precision, sm); !problem.empty()) return problem;
  return cublas_fast_path_problem(precision, sm, shape);
}

bool CublasGemm::supports(GemmPrecision precision, int sm, const GemmShape& shape) {
  return fast_path_problem(precision, sm, shape).empty();
}

std::shared_ptr<CublasGemm::LtPlan> CublasGemm::describe(GemmPrecision precision, int m, int n,
                                                         int k) const {
  // Column-major view of row-major data: C^T (n x m) = B^T (n x k) * A^T (k x m). The first Lt
  // operand is our B stored n x k row-major, i.e. k x n column-major, used transposed ("T"); the
  // second is A, k x m column-major ("N"). Both are K-major, as FP8 and NVFP4 require.
  const LtTypes types = lt_types(precision);
  auto plan = std::make_shared<LtPlan>();
  GPUBENCH_CUBLAS_CHECK(cublasLtMatmulDescCreate(&plan->operation, types.compute, types.scale));
  const cublasOperation_t transpose = CUBLAS_OP_T, keep = CUBLAS_OP_N;
  GPUBENCH_LT_SET(plan->operation, CUBLASLT_MATMUL_DESC_TRANSA, transpose);
  GPUBENCH_LT_SET(plan->operation, CUBLASLT_MATMUL_DESC_TRANSB, keep);
  set_precision_attributes(precision, plan->operation, scale_placeholder_.get());
  GPUBENCH_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&plan->a, types.input, k, n, k));
  GPUBENCH_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&plan->b, types.input, k, m, k));
  GPUBENCH_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&plan->c, types.output, n, m, n));
  return plan;
}

void CublasGemm::prepare(GemmPrecision precision, int m, int n, int k) {
  if (!runs_on_lt(precision) || lt_plans_.contains({precision, m, n, k})) return;
  if (const std::string problem = library_problem(precision); !problem.empty()) {
    throw FastPathUnsupported(fmt::format("not run: {}", problem));
  }
  const bool nvfp4 = precision == GemmPrecision::kNvfp4;
  if (nvfp4 && scale_placeholder_.get() == nullptr) {
    scale_placeholder_ = DeviceBuffer<unsigned char>(kScalePlaceholderBytes);
  }
  const std::string version = cublaslt_version_name(cublasLtGetVersion());
  std::shared_ptr<LtPlan> plan;
  try {
    plan = describe(precision, m, n, k);
  } catch (const std::runtime_error& error) {
    // The other rows' descriptors are years old, so a failure is a fault; a cuBLASLt that cannot
    // describe block-scaled FP4 merely lacks the fast path.
    if (!nvfp4) throw;
    throw FastPathUnsupported(fmt::format("not run: cuBLASLt {} cannot describe an NVFP4 GEMM ({})",
                                          version, error.what()));
  }
  const auto query = [&](std::size_t workspace) {
    cublasLtMatmulPreference_t preference = nullptr;
    GPUBENCH_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&preference));
    LtHeuristicAnswer answer;
    answer.status = cublasLtMatmulPreferenceSetAttribute(
        preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace, sizeof workspace);
    if (answer.status == CUBLAS_STATUS_SUCCESS) {
      answer.status =
          cublasLtMatmulAlgoGetHeuristic(lt_, plan->operation, plan->a, plan->b, plan->c, plan->c,
                                         preference, 1, &answer.result, &answer.found);
    }
    cublasLtMatmulPreferenceDestroy(preference);
    return answer;
  };
  // No algorithm is an answer about the fast path, not a fault: said as such, never replaced by
  // a slower call under the same name.
  const LtLookup lookup = choose_lt_algorithm(query, workspace_.bytes(), precision);
  if (!lookup.choice) {
    const std::string answered =
        lookup.refusal == CUBLAS_STATUS_SUCCESS
            ? ""
            : fmt::format("; it answered {}", cublasGetStatusName(lookup.refusal));
    throw FastPathUnsupported(fmt::format(
        "not run: no cuBLASLt algorithm for {} TN {}x{}x{} on this GPU (cuBLASLt {}; asked with "
        "{} MiB of workspace and with none{})",
        lt_types(precision).label, m, n, k, version, workspace_.bytes() >> 20, answered));
  }
  plan->choice = *lookup.choice;
  lt_plans_[{precision, m, n, k}] = plan;
}

bool lt_status_means_unsupported(GemmPrecision precision, cublasStatus_t status) {
  if (status == CUBLAS_STATUS_SUCCESS) return false;
  return status == CUBLAS_STATUS_NOT_SUPPORTED || precision == GemmPrecision::kNvfp4;
}

LtLookup choose_lt_algorithm(const LtHeuristicQuery& query, std::size_t workspace_bytes,
                             GemmPrecision precision) {
  LtLookup lookup;
  for (const std::size_t workspace : {workspace_bytes, std::size_t{0}}) {
    const LtHeuristicAnswer answer = query(workspace);
    if (answer.status == CUBLAS_STATUS_SUCCESS && answer.found > 0) {
      lookup.choice = LtChoice{answer.result.algo, workspace};
      return lookup;
    }
    if (answer.status != CUBLAS_STATUS_SUCCESS) {
      if (!lt_status_means_unsupported(precision, answer.status)) {
        check_cublas(answer.status, "cublasLtMatmulAlgoGetHeuristic");
      }
      lookup.refusal = answer.status;
    }
    if (workspace == 0) break;
  }
  return lookup;
}

void CublasGemm::gemm(GemmPrecision precision, int m, int n, int k, const void* a, const void* b,
                      void* c, const BlockScales& scales) {
  // Row-major C = A * B is column-major C^T = B^T * A^T: pass B first, dimensions (n, m, k).
  const float one = 1.0f, zero = 0.0f;
  switch (precision) {
    case GemmPrecision::kFp32:
    case GemmPrecision::kTf32:
      GPUBENCH_CUBLAS_CHECK(cublasGemmEx(
          handle_, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &one, b, CUDA_R_32F, n, a, CUDA_R_32F, k,
          &zero, c, CUDA_R_32F, n,
          precision == GemmPrecision::kTf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F,
          CUBLAS_GEMM_DEFAULT));
      return;
    case GemmPrecision::kFp16Fp16Acc: {
      const __half one_h = __float2half(1.0f), zero_h = __float2half(0.0f);
      GPUBENCH_CUBLAS_CHECK(cublasGemmEx(handle_, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &one_h, b,
                                         CUDA_R_16F, n, a, CUDA_R_16F, k, &zero_h, c, CUDA_R_16F, n,
                                         CUBLAS_COMPUTE_16F, CUBLAS_GEMM_DEFAULT));
      return;
    }
    case GemmPrecision::kFp16Fp32Acc:
    case GemmPrecision::kBf16: {
      const cudaDataType type = precision == GemmPrecision::kBf16 ? CUDA_R_16BF : CUDA_R_16F;
      GPUBENCH_CUBLAS_CHECK(cublasGemmEx(handle_, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &one, b, type,
                                         n, a, type, k, &zero, c, type, n, CUBLAS_COMPUTE_32F,
                                         CUBLAS_GEMM_DEFAULT));
      return;
    }
    case GemmPrecision::kInt8:
    case GemmPrecision::kFp8E4m3:
    case GemmPrecision::kNvfp4: {
      const auto plan = lt_plans_.find({precision, m, n, k});
      if (plan == lt_plans_.end()) throw std::logic_error("cuBLASLt GEMM called before prepare()");
      const LtPlan& p = *plan->second;
#if GPUBENCH_CUBLASLT_NVFP4
      if (precision == GemmPrecision::kNvfp4) {
        if (scales.a == nullptr || scales.b == nullptr) {
          throw std::logic_error("an NVFP4 GEMM needs the scales of A and B");
        }
        // Lt's A is our B (see prepare), so its scales are B's.
        GPUBENCH_LT_SET(p.operation, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, scales.b);
        GPUBENCH_LT_SET(p.operation, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, scales.a);
      }
#else
      (void)scales;  // prepare() refused NVFP4: no plan reaches here
#endif
      const std::int32_t one_i = 1, zero_i = 0;  // INT8's scales are INT32
      const bool int8 = precision == GemmPrecision::kInt8;
      const void* alpha = int8 ? static_cast<const void*>(&one_i) : &one;
      const void* beta = int8 ? static_cast<const void*>(&zero_i) : &zero;
      GPUBENCH_CUBLAS_CHECK(cublasLtMatmul(lt_, p.operation, alpha, b, p.a, a, p.b, beta, c, p.c, c,
                                           p.c, &p.choice.algo,
                                           p.choice.workspace_bytes ? workspace_.get() : nullptr,
                                           p.choice.workspace_bytes, stream_));
      return;
    }
  }
}

}  // namespace gpubench
