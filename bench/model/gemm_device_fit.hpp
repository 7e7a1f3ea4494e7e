#pragma once
// What a custom GEMM sweep (model/gemm_shapes.hpp) needs of the card it runs on, judged before
// anything runs so a sweep the card cannot take is refused in one sentence (exit 2) with nothing
// run and nothing written. Pure functions of the plan, the architecture and cudaMemGetInfo's
// free bytes, so the CPU tests check every refusal.

#include <cstdint>
#include <string>

#include "model/gemm_plan.hpp"
#include "model/gemm_shapes.hpp"

namespace gpubench {

// The sentence refusing `shape` in `precision` when its A, B and C need more than
// kGemmUsableFreeFraction of `free_bytes` (the sizes said), or "" when they fit.
std::string gemm_fit_problem(const GemmShape& shape, GemmPrecision precision,
                             std::int64_t free_bytes);

// Whether gpubench's own kernel for `precision` runs on architecture `sm` (89 for 8.9): the
// SGEMM everywhere, the tensor-core HGEMM from sm_80 (its pipeline needs cp.async).
bool own_gemm_kernel_runs(GemmPrecision precision, int sm);

// The plan as a card of architecture `sm` with `free_bytes` free runs it. Throws UserError for a
// precision the card lacks (with the reason), a shape cuBLAS's fast path cannot take, or a shape
// that does not fit; own rows whose kernel does not run here are left out and said in `skipped`
// (a UserError when nothing is left).
CustomGemmPlan fit_custom_gemms(CustomGemmPlan plan, int sm, std::int64_t free_bytes);

}  // namespace gpubench
