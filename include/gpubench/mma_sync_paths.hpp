#pragma once
// Which warp-level mma.sync input types an architecture runs on its tensor cores, and which ptxas
// lowers to other instructions. One rule, read by the compute suite (which does not time an
// emulated form: ptxas may hoist its loop-invariant arithmetic) and by the report's shortfall
// reasons (which name it for a row of an older results file). The evidence is nvcc 13.0's SASS:
// - sm_90 (Hopper): FP8 and INT4 mma.sync are emulated; FP8 runs natively only through wgmma,
//   INT4 not at all;
// - sm_10x (datacenter Blackwell): the same, with no QMMA or IMMA.16864 in the SASS; B200's tensor
//   path is tcgen05;
// - sm_12x (GeForce and RTX PRO Blackwell): INT4 only (a CALL per mma); FP8 stays QMMA.
// The SASS audits (tests/kernels/sass_audit_*_test.cpp) hold the native forms to their opcodes.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace gpubench {

enum class MmaSyncInput { kF16, kBf16, kTf32, kS8, kS4, kE4m3, kE5m2 };

// The input type's name as the compute suite's rows spell it ("mma_e4m3_f32acc").
constexpr std::string_view mma_sync_input_name(MmaSyncInput input) {
  switch (input) {
    case MmaSyncInput::kF16:
      return "f16";
    case MmaSyncInput::kBf16:
      return "bf16";
    case MmaSyncInput::kTf32:
      return "tf32";
    case MmaSyncInput::kS8:
      return "s8";
    case MmaSyncInput::kS4:
      return "s4";
    case MmaSyncInput::kE4m3:
      return "e4m3";
    case MmaSyncInput::kE5m2:
      return "e5m2";
  }
  return "";
}

inline constexpr std::array kMmaSyncInputs{
    MmaSyncInput::kF16, MmaSyncInput::kBf16, MmaSyncInput::kTf32, MmaSyncInput::kS8,
    MmaSyncInput::kS4,  MmaSyncInput::kE4m3, MmaSyncInput::kE5m2};

// Whether ptxas emulates mma.sync of `input` on sm_`sm` (sm = 10 x major + minor).
constexpr bool mma_sync_emulated(MmaSyncInput input, int sm) {
  const bool fp8 = input == MmaSyncInput::kE4m3 || input == MmaSyncInput::kE5m2;
  const bool int4 = input == MmaSyncInput::kS4;
  if (sm == 90 || sm / 10 == 10) return fp8 || int4;
  if (sm / 10 == 12) return int4;
  return false;
}

// The input type of a compute-suite mma.sync row ("compute/peak/mma_e4m3_f32acc"): the last part
// of the name, when it starts with "mma_", up to the next "_". A wgmma row ("wgmma_e4m3_f32acc")
// is not an mma.sync row, and neither is an sm_120 kind row ("mma_f8f6f4_e4m3_f32acc").
constexpr std::optional<MmaSyncInput> mma_sync_input_of_row(std::string_view name) {
  constexpr std::string_view kPrefix = "mma_";
  const std::size_t slash = name.rfind('/');
  std::string_view row = slash == std::string_view::npos ? name : name.substr(slash + 1);
  if (row.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  row.remove_prefix(kPrefix.size());
  row = row.substr(0, row.find('_'));
  for (const MmaSyncInput candidate : kMmaSyncInputs) {
    if (mma_sync_input_name(candidate) == row) return candidate;
  }
  return std::nullopt;
}

}  // namespace gpubench
