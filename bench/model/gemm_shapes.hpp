#pragma once
// GEMM shapes a person gives on the command line (issue 24), parsed apart from the device so the
// CPU tests check every syntax and every refusal: `--gemm` (a list of MxNxK, or ranges such as
// m=1:64:x2,n=28672,k=8192), `--gemm-file` (a CSV of m,n,k with optional name and precision),
// `--precision` and `--impl`. Bad input is a UserError (exit 2) of one sentence.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/gemm_plan.hpp"

namespace gpubench {

// Who computes the product: cuBLAS (or cuBLASLt), or gpubench's own kernels.
enum class GemmImplementation { kCublas, kOwn };
std::string_view gemm_implementation_name(GemmImplementation implementation);  // "cublas", "own"

// Whether the default (profile) GEMM run times `precision` on shapes of `family` ("square", "llm",
// "resnet"): squares for every row; FP16 with FP32 accumulate (the common training case, library
// and own) the LLM and ResNet shapes too; FP8, INT8 and NVFP4 the LLM shapes, where inference uses
// them; cuBLAS FP32 the ResNet ones.
bool gemm_profile_runs(GemmImplementation implementation, GemmPrecision precision,
                       std::string_view family);

// "MxNxK", the name of a shape that has no other: the profile's squares and unnamed custom shapes,
// so a custom 4096x4096x4096 is the profile's row of that name in compare and history.
std::string gemm_shape_name(std::int64_t m, std::int64_t n, std::int64_t k);

// "gemm/cublas/fp16_f32acc/4096x4096x4096": every GEMM row's benchmark name.
std::string gemm_benchmark_name(GemmImplementation implementation, GemmPrecision precision,
                                std::string_view shape_name);

// The largest m, n or k accepted: cuBLAS takes its dimensions as 32-bit ints.
inline constexpr std::int64_t kMaxGemmDimension = 2'147'483'647;
// More shapes than this need --yes: a sweep that long is more likely a typo than a plan.
inline constexpr std::size_t kMaxGemmShapesUnconfirmed = 1'000;
// Never more than this, --yes or not: the list itself must fit in memory.
inline constexpr std::size_t kMaxGemmShapes = 100'000;

// One shape a person asked for; `precision` set when the file's row names one (it then runs in
// that precision only).
struct CustomGemmShape {
  GemmShape shape;  // family "custom"; name MxNxK unless the file names it
  std::optional<GemmPrecision> precision;
};

// `--gemm SHAPES`: "MxNxK[,MxNxK...]", or "m=SPEC,n=SPEC,k=SPEC" where SPEC is a value or
// start:end:step (end included; step +N, N or xN; model/size_ranges.hpp), the cross product in
// m, n, k order.
// `allow_many`: --yes, which lifts the 1,000-shape limit.
std::vector<CustomGemmShape> parse_gemm_shapes(std::string_view text, bool allow_many);

// `--gemm-file`: one shape a line as m,n,k[,name[,precision]], or in the order a header line
// (naming m, n, k and optionally name and precision) gives; blank lines and # comments skipped.
// `origin` names the file in the sentences.
std::vector<CustomGemmShape> parse_gemm_file(std::istream& in, std::string_view origin,
                                             bool allow_many);

// `--precision LIST`: comma-separated precision names (gemm_plan.hpp's "fp16_f32acc", ...) or
// "all"; `--impl LIST`: "cublas", "own" or both. Order kept, repeats dropped.
std::vector<GemmPrecision> parse_gemm_precisions(std::string_view list);
std::vector<GemmImplementation> parse_gemm_implementations(std::string_view list);

// One row a custom sweep would register.
struct CustomGemmRow {
  std::string name;  // gemm_benchmark_name's
  GemmImplementation implementation;
  GemmPrecision precision;
  GemmShape shape;
  double operand_bytes = 0;  // A, B and C (gemm_min_bytes)
};

struct CustomGemmPlan {
  std::vector<CustomGemmRow> rows;
  // The implementation/precision pairs left out because gpubench has no such kernel ("own has
  // no bf16_f32acc kernel"), each once.
  std::vector<std::string> skipped;
};

// Every shape in every precision (its own when the file named one) through every implementation
// that has a kernel for it, cuBLAS before the own kernel whatever the list's order (the own row
// reports its ratio to the library's figure). Throws UserError when a name would repeat, or when
// nothing is left.
CustomGemmPlan plan_custom_gemms(const std::vector<CustomGemmShape>& shapes,
                                 const std::vector<GemmPrecision>& precisions,
                                 const std::vector<GemmImplementation>& implementations);

// The precisions gpubench's own kernels compute (FP32; FP16 needs sm_80's cp.async on the card).
bool own_gemm_kernel_exists(GemmPrecision precision);

}  // namespace gpubench
