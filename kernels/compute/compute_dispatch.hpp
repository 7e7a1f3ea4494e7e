#pragma once
// How a launcher turns a runtime ComputeOp into the kernel template instance of that op: calls
// f(std::integral_constant<ComputeOp, op>{}). Host code of the compute family's .cu files.

#include <type_traits>

#include "kernels/compute/compute_math.hpp"

namespace gpubench::compute {

template <typename F>
void dispatch_compute_op(ComputeOp op, F&& f) {
  switch (op) {
#define GPUBENCH_OP(name)                                    \
  case ComputeOp::name:                                      \
    f(std::integral_constant<ComputeOp, ComputeOp::name>{}); \
    break;
    GPUBENCH_OP(kFfma)
    GPUBENCH_OP(kHfma2)
    GPUBENCH_OP(kBf16Fma2)
    GPUBENCH_OP(kDfma)
    GPUBENCH_OP(kImad)
    GPUBENCH_OP(kMmaF16F16)
    GPUBENCH_OP(kMmaF16F32)
    GPUBENCH_OP(kMmaBf16F32)
    GPUBENCH_OP(kMmaTf32F32)
    GPUBENCH_OP(kMmaS8S32)
    GPUBENCH_OP(kMmaS4S32)
    GPUBENCH_OP(kMmaE4m3F32)
    GPUBENCH_OP(kMmaE5m2F32)
    GPUBENCH_OP(kMmaE4m3F16)
    GPUBENCH_OP(kMmaE5m2F16)
#undef GPUBENCH_OP
  }
}

}  // namespace gpubench::compute
