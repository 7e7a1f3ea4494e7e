#pragma once
// Each suite registers its google/benchmark rows for the device in `context`. Registration sizes
// everything and refuses bad input (UserError) before any benchmark runs or any file is written.

#include "harness/suite_context.hpp"

namespace gpubench {

void register_memory_suite(SuiteContext& context);
void register_compute_suite(SuiteContext& context);
void register_gemm_suite(SuiteContext& context);

}  // namespace gpubench
