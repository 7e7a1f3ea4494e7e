#pragma once
// The element types each GEMM precision reads and writes, shared by the GEMM suite and its tests.

#include <stdexcept>

#include "kernels/gemm/gemm_support.hpp"
#include "model/gemm_plan.hpp"

namespace gpubench {

// NVFP4's operands are packed E2M1 with tiled ue4m3 scales (kernels/gemm/nvfp4_layout.hpp), which
// no ElementType describes: the suite fills and checks them with the NVFP4 functions.
inline bool gemm_block_scaled(GemmPrecision precision) {
  return precision == GemmPrecision::kNvfp4;
}

inline gemm::ElementType gemm_input_type(GemmPrecision precision) {
  using gemm::ElementType;
  switch (precision) {
    case GemmPrecision::kFp32:
    case GemmPrecision::kTf32:
      return ElementType::kF32;
    case GemmPrecision::kBf16:
      return ElementType::kBf16;
    case GemmPrecision::kFp8E4m3:
      return ElementType::kE4m3;
    case GemmPrecision::kInt8:
      return ElementType::kS8;
    case GemmPrecision::kNvfp4:
      throw std::logic_error("NVFP4 operands have no ElementType (gemm_block_scaled)");
    default:
      return ElementType::kF16;
  }
}

inline gemm::ElementType gemm_output_type(GemmPrecision precision) {
  using gemm::ElementType;
  switch (precision) {
    case GemmPrecision::kFp32:
    case GemmPrecision::kTf32:
    case GemmPrecision::kNvfp4:
      return ElementType::kF32;
    case GemmPrecision::kBf16:
      return ElementType::kBf16;
    case GemmPrecision::kInt8:
      return ElementType::kS32;
    default:
      return ElementType::kF16;  // FP16 in/out, and FP8's FP16 output
  }
}

// cuBLASLt's FP8, INT8 and NVFP4 tensor-core GEMMs are TN: B is given as n x k.
inline bool gemm_b_transposed(GemmPrecision precision) {
  return precision == GemmPrecision::kFp8E4m3 || precision == GemmPrecision::kInt8 ||
         precision == GemmPrecision::kNvfp4;
}

}  // namespace gpubench
