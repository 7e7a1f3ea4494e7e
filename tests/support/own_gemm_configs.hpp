#pragma once
// The tile configurations of the own GEMM kernels (kernels/gemm/gemm_tiling.hpp) as the CPU tests
// walk them, the mma shape the HGEMM kernel issues, and how a failure names a configuration.

#include <string>

#include "kernels/gemm/gemm_tiling.hpp"

namespace gpubench::gemm::testing {

inline constexpr HgemmConfig kHgemmConfigs[] = {HgemmConfig::k128x128x32Stages3,
                                                HgemmConfig::k128x256x32Stages4,
                                                HgemmConfig::kFallback128x128x32};
// mma.sync.m16n8k16 with FP16 inputs (two per register), in kernels/common/mma_layout.hpp's terms.
inline constexpr mma::MmaShape kM16N8K16{16, 16, 2};

inline std::string describe(HgemmConfig config) {
  const HgemmTile t = hgemm_tile(config);
  return "hgemm " + std::to_string(t.bm) + "x" + std::to_string(t.bn) + "x" + std::to_string(t.bk) +
         " warps " + std::to_string(t.warps()) + " stages " + std::to_string(t.stages);
}
inline std::string describe(SgemmConfig config) {
  const SgemmTile t = sgemm_tile(config);
  return "sgemm " + std::to_string(t.bm) + "x" + std::to_string(t.bn) + "x" + std::to_string(t.bk);
}

}  // namespace gpubench::gemm::testing
