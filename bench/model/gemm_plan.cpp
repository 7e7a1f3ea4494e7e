#include "model/gemm_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "model/gemm_shapes.hpp"

namespace gpubench {
namespace {

const std::vector<GemmPrecisionInfo> kPrecisions = {
    {GemmPrecision::kFp32, "fp32", 4, 4, Throughput::kFp32, false},
    {GemmPrecision::kTf32, "tf32", 4, 4, Throughput::kTf32Tensor, false},
    {GemmPrecision::kFp16Fp16Acc, "fp16_f16acc", 2, 2, Throughput::kFp16TensorFp16Acc, false},
    {GemmPrecision::kFp16Fp32Acc, "fp16_f32acc", 2, 2, Throughput::kFp16TensorFp32Acc, false},
    {GemmPrecision::kBf16, "bf16_f32acc", 2, 2, Throughput::kBf16Tensor, false},
    {GemmPrecision::kFp8E4m3, "fp8_e4m3_f32acc", 1, 2, Throughput::kFp8TensorFp32Acc, false},
    {GemmPrecision::kInt8, "int8_s32acc", 1, 4, Throughput::kInt8Tensor, true},
    // Half a byte per E2M1 element, and one ue4m3 scale byte per 16 of them.
    {GemmPrecision::kNvfp4, "nvfp4_f32acc", 0.5 + 1.0 / 16, 4, Throughput::kFp4Tensor, false},
};

bool listed(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

const GemmPrecisionInfo& gemm_precision_info(GemmPrecision precision) {
  return *std::find_if(kPrecisions.begin(), kPrecisions.end(),
                       [precision](const auto& info) { return info.precision == precision; });
}

const std::vector<GemmPrecision>& all_gemm_precisions() {
  static const std::vector<GemmPrecision> all = [] {
    std::vector<GemmPrecision> list;
    for (const auto& info : kPrecisions)
      list.push_back(info.precision);
    return list;
  }();
  return all;
}

double gemm_tolerance(GemmPrecision precision, std::int64_t k) {
  switch (precision) {
    case GemmPrecision::kFp32:
      return 1e-5;
    case GemmPrecision::kTf32:
      return 1e-3;
    case GemmPrecision::kFp16Fp16Acc:
      return 1e-2 * std::max(1.0, std::sqrt(static_cast<double>(k) / 1024.0));
    case GemmPrecision::kFp16Fp32Acc:
    case GemmPrecision::kBf16:
      return 1e-2;
    case GemmPrecision::kFp8E4m3:
      // cuBLASLt's fast accumulate keeps partial sums in the tensor core's narrower accumulator:
      // the rounding error of a sum of k terms grows like sqrt(k). Reasoned, not yet measured.
      return 1e-2 * std::max(1.0, std::sqrt(static_cast<double>(k) / 4096.0));
    case GemmPrecision::kInt8:
      return 0.0;
    case GemmPrecision::kNvfp4:
      // The FP64 reference is exact (kernels/gemm/nvfp4_layout.hpp) and C is FP32, but how wide
      // the block-scaled tensor cores accumulate is documented nowhere, so the bound is FP8's
      // for the same unknown. Wrong layouts err far above it: scales read row-major by about 0.7
      // (tests/kernels/gemm/nvfp4_layout_test.cpp holds them to 10x the bound).
      return 1e-2;
  }
  return 0.0;
}

double gemm_min_bytes(const GemmShape& shape, double input_bytes, double output_bytes) {
  const double m = static_cast<double>(shape.m), n = static_cast<double>(shape.n),
               k = static_cast<double>(shape.k);
  return (m * k + k * n) * input_bytes + m * n * output_bytes;
}

std::vector<GemmShape> gemm_shapes(const Profile& profile, std::int64_t free_bytes,
                                   double input_bytes, double output_bytes) {
  std::vector<GemmShape> shapes;
  for (const std::int64_t size : profile.gemm_square_sizes) {
    shapes.push_back({size, size, size, "square", gemm_shape_name(size, size, size)});
  }
  // LLM linear layers (Llama-style, hidden 4096): C (tokens x out) = X (tokens x in) * W.
  struct Layer {
    std::string_view name;
    std::int64_t out, in;
  };
  constexpr Layer kLayers[] = {{"attn_proj", 4096, 4096},
                               {"mlp_up_11008", 11008, 4096},
                               {"mlp_down_11008", 4096, 11008},
                               {"mlp_up_14336", 14336, 4096},
                               {"mlp_down_14336", 4096, 14336}};
  for (const Layer& layer : kLayers) {
    if (!listed(profile.gemm_llm_layers, layer.name)) continue;
    for (const std::int64_t t : profile.gemm_llm_tokens) {
      shapes.push_back({t, layer.out, layer.in, "llm", fmt::format("llm_{}_t{}", layer.name, t)});
    }
  }
  // ResNet-50 convolutions as im2col GEMMs, batch 32: M = 32 x H x W, N = out channels,
  // K = kernel x kernel x in channels.
  const GemmShape resnet[] = {
      {32 * 56 * 56, 64, 3 * 3 * 64, "resnet", "resnet_conv2_3x3"},
      {32 * 14 * 14, 256, 3 * 3 * 256, "resnet", "resnet_conv4_3x3"},
      {32 * 7 * 7, 512, 3 * 3 * 512, "resnet", "resnet_conv5_3x3"},
  };
  for (const GemmShape& shape : resnet) {
    if (listed(profile.gemm_resnet_layers, shape.name)) shapes.push_back(shape);
  }
  // Keep what fits, with room for the reference sample and the L2 flush buffer.
  std::erase_if(shapes, [&](const GemmShape& shape) {
    return gemm_min_bytes(shape, input_bytes, output_bytes) >
           static_cast<double>(free_bytes) * kGemmUsableFreeFraction;
  });
  return shapes;
}

std::string gemm_precision_problem(GemmPrecision precision, int sm) {
  switch (precision) {
    case GemmPrecision::kTf32:
    case GemmPrecision::kBf16:
      return sm >= 80 ? "" : "no TF32/BF16 tensor cores before sm_80";
    case GemmPrecision::kFp8E4m3:
      return sm >= 89 ? "" : "no FP8 tensor cores before sm_89";
    case GemmPrecision::kInt8:
      return sm >= 75 ? "" : "no INT8 tensor cores before sm_75";
    case GemmPrecision::kNvfp4:
      // Block-scaled FP4 is Blackwell's: compute capability 10.x (B200), 11.0 (Thor) and 12.x
      // (RTX 50, RTX PRO).
      return sm >= 100 ? "" : "no FP4 tensor cores before sm_100 (Blackwell)";
    default:
      return "";
  }
}

std::string cublas_fast_path_problem(GemmPrecision precision, int sm, const GemmShape& shape) {
  if (std::string problem = gemm_precision_problem(precision, sm); !problem.empty()) {
    return problem;
  }
  if (precision == GemmPrecision::kFp8E4m3 &&
      (shape.m % 16 != 0 || shape.n % 16 != 0 || shape.k % 16 != 0)) {
    return "cuBLASLt's FP8 GEMM needs m, n and k to be multiples of 16";
  }
  // cuBLASLt's IMMA kernels in the regular ordering: TN, its m (our n) and k multiples of 4,
  // leading dimensions (k, k, our n) multiples of 4.
  if (precision == GemmPrecision::kInt8 && (shape.n % 4 != 0 || shape.k % 4 != 0)) {
    return "cuBLASLt's INT8 tensor-core (IMMA) GEMM needs n and k to be multiples of 4";
  }
  // NVFP4: k a multiple of 32 puts every row of A and B on a 16-byte boundary and fills whole
  // 16-element scale blocks; m and n multiples of 16 as FP8. Reasoned from the layout, not from a
  // documented list: a shape cuBLASLt still has no algorithm for is said so at registration.
  if (precision == GemmPrecision::kNvfp4 &&
      (shape.m % 16 != 0 || shape.n % 16 != 0 || shape.k % 32 != 0)) {
    return "cuBLASLt's NVFP4 GEMM here takes m and n multiples of 16 and k a multiple of 32";
  }
  return "";
}

std::string gemm_build_problem(GemmPrecision precision, int cuda_version) {
  if (precision != GemmPrecision::kNvfp4 || cuda_version >= kNvfp4CudaVersion) return "";
  return fmt::format(
      "this gpubench was built with CUDA {}.{}, whose cuBLASLt has no NVFP4; rebuild with CUDA "
      "12.8 or newer",
      cuda_version / 1000, cuda_version % 1000 / 10);
}

std::string cublaslt_version_name(std::size_t version) {
  return fmt::format("{}.{}.{}", version / 10000, version / 100 % 100, version % 100);
}

std::string gemm_library_problem(GemmPrecision precision, std::size_t cublaslt_version) {
  if (precision != GemmPrecision::kNvfp4 || cublaslt_version >= kNvfp4CublasLtVersion) return "";
  return fmt::format("this cuBLASLt is {}; NVFP4 needs 12.8+",
                     cublaslt_version_name(cublaslt_version));
}

Boundedness classify_gemm(const GemmShape& shape, double input_bytes, double output_bytes,
                          double peak_tflops, double bandwidth_gbs) {
  Boundedness result;
  result.arithmetic_intensity = shape.flops() / gemm_min_bytes(shape, input_bytes, output_bytes);
  result.ridge_point = peak_tflops * 1e12 / (bandwidth_gbs * 1e9);
  result.compute_bound = result.arithmetic_intensity >= result.ridge_point;
  return result;
}

}  // namespace gpubench
