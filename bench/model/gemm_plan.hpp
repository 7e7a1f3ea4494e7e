#pragma once
// What the GEMM suite runs and how it judges results, kept apart from the device code so the CPU
// tests check it: precisions and their tolerances, the shapes (square sweep, LLM linear layers,
// ResNet im2col), and whether a shape is memory- or compute-bound on a card.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/profile.hpp"
#include "model/rate_table.hpp"

namespace gpubench {

enum class GemmPrecision {
  kFp32,         // SGEMM
  kTf32,         // FP32 data, TF32 tensor math
  kFp16Fp16Acc,  // FP16 in/out, FP16 accumulate
  kFp16Fp32Acc,  // FP16 in/out, FP32 accumulate
  kBf16,         // BF16 in/out, FP32 accumulate
  kFp8E4m3,      // FP8 e4m3 in (TN), FP16 out, FP32 accumulate
  kInt8,         // INT8 in, INT32 out and accumulate
  kNvfp4,        // NVFP4 in (TN: e2m1, a ue4m3 scale per 16 along K), FP32 out and accumulate
};

struct GemmPrecisionInfo {
  GemmPrecision precision;
  std::string_view name;  // benchmark-name fragment: "fp16_f32acc"
  double input_bytes;     // per element of A and B (NVFP4: half a byte plus 1/16 of a scale)
  double output_bytes;    // per element of C
  Throughput peak;        // the spec/rate-table entry it is measured against
  bool integer;           // TOPS rather than TFLOPS; exact check
};
const GemmPrecisionInfo& gemm_precision_info(GemmPrecision precision);
const std::vector<GemmPrecision>& all_gemm_precisions();

// Largest relative Frobenius error ||C - ref|| / ||ref|| accepted for inputs uniform in [-1, 1]:
// FP32 1e-5, TF32 1e-3, FP16/BF16/FP8 1e-2, INT8 exact (0), NVFP4 1e-2 (its own inputs, below).
// FP16 accumulation grows its error with sqrt(k), so its bound scales by sqrt(k / 1024) past
// k = 1024.
double gemm_tolerance(GemmPrecision precision, std::int64_t k);

struct GemmShape {
  std::int64_t m = 0, n = 0, k = 0;
  std::string family;  // "square", "llm", "resnet"
  std::string name;    // "4096x4096x4096", "llm_mlp_up_t16"
  double flops() const {
    return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  }
};

// The profile's shapes that fit in `free_bytes` for these element sizes: squares, LLM linear
// layers (hidden 4096: "attn_proj" 4096x4096, "mlp_up_11008", "mlp_down_11008", "mlp_up_14336",
// "mlp_down_14336", each at the profile's token counts) and ResNet-50 im2col GEMMs at batch 32
// ("resnet_conv2_3x3", "resnet_conv4_3x3", "resnet_conv5_3x3").
std::vector<GemmShape> gemm_shapes(const Profile& profile, std::int64_t free_bytes,
                                   double input_bytes, double output_bytes);

// Bytes a GEMM must move at least once (A, B read, C written).
double gemm_min_bytes(const GemmShape& shape, double input_bytes, double output_bytes);

// The share of the free memory a shape's A, B and C may take: the rest leaves room for the
// reference sample, the L2 flush buffer and the library's workspace.
inline constexpr double kGemmUsableFreeFraction = 0.7;

// Why a card of architecture `sm` (89 for compute capability 8.9) has no tensor-core path for
// `precision` ("no FP8 tensor cores before sm_89"), or "" when it has one (FP32 and FP16 always).
std::string gemm_precision_problem(GemmPrecision precision, int sm);

// Why cuBLAS's fast path cannot take `precision` on this shape and architecture, or "" when it
// can: gemm_precision_problem, then FP8's m, n, k multiples of 16, INT8's n, k multiples of 4 and
// NVFP4's m, n multiples of 16 and k of 32.
std::string cublas_fast_path_problem(GemmPrecision precision, int sm, const GemmShape& shape);

// The first CUDA whose cuBLASLt has NVFP4 (CUDA_R_4F_E2M1,
// CUBLASLT_MATMUL_MATRIX_SCALE_VEC16_UE4M3), as CUDA_VERSION spells it.
inline constexpr int kNvfp4CudaVersion = 12080;

// Why a build whose CUDA headers are `cuda_version` (CUDA_VERSION: 12040 for 12.4) cannot run
// `precision`, or "" when it can: NVFP4 needs headers of 12.8 or newer.
std::string gemm_build_problem(GemmPrecision precision, int cuda_version);

// The first cuBLASLt with NVFP4, as cublasLtGetVersion() and CUBLAS_VERSION spell it
// (major * 10000 + minor * 100 + patch).
inline constexpr std::size_t kNvfp4CublasLtVersion = 120800;

// A cuBLASLt version number as people write it: 120803 -> "12.8.3".
std::string cublaslt_version_name(std::size_t version);

// Why the cuBLASLt this process loaded (`cublaslt_version`, cublasLtGetVersion()) cannot run
// `precision`, or "": a build with 12.8+ headers may load an older libcublasLt.so.12, which lacks
// NVFP4's scale modes.
std::string gemm_library_problem(GemmPrecision precision, std::size_t cublaslt_version);

// FLOPs per byte of the shape against the card's ridge point (peak / bandwidth): "compute-bound"
// when the intensity reaches it.
struct Boundedness {
  double arithmetic_intensity = 0;  // FLOP per byte
  double ridge_point = 0;           // FLOP per byte at which the card's roofs meet
  bool compute_bound = false;
};
Boundedness classify_gemm(const GemmShape& shape, double input_bytes, double output_bytes,
                          double peak_tflops, double bandwidth_gbs);

}  // namespace gpubench
