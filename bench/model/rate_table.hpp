#pragma once
// The one table of per-SM-per-clock throughput, by architecture, product class and precision.
// Peaks everywhere in gpubench are SMs x this rate x a clock: the spec database's consistency test,
// sheets derived for unknown cards, and (later) percent-of-peak at the measured clock.
//
// Rates are dense (no 2:4 sparsity), in FLOP (or integer OP) per clock per SM, an FMA counting 2.
// Sources: NVIDIA Turing, GA102, A100, Ada Lovelace, H100 and RTX Blackwell (GeForce and RTX PRO)
// architecture whitepapers (the per-SM tables and the appendix peak tables divided by SMs x boost
// clock).

#include <compare>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gpubench {

struct ComputeCapability {
  int major = 0;
  int minor = 0;
  auto operator<=>(const ComputeCapability&) const = default;
  std::string str() const;  // "8.9"
  static std::optional<ComputeCapability> parse(std::string_view text);
};

// GeForce Ampere/Ada run FP16/BF16/TF32/FP8 tensor math with FP32 accumulate at half the rate of
// the datacenter parts built from the same chips (RTX 4070 vs L4).
enum class ProductClass { kGeForce, kDatacenter };
std::optional<ProductClass> parse_product_class(std::string_view text);
std::string_view to_string(ProductClass product_class);

enum class Throughput {
  kFp32,
  kFp16,  // non-tensor (HFMA2)
  kFp64,
  kTf32Tensor,
  kFp16TensorFp16Acc,
  kFp16TensorFp32Acc,
  kBf16Tensor,
  kFp8TensorFp16Acc,
  kFp8TensorFp32Acc,
  kInt8Tensor,
  kBf16,        // non-tensor (BF16 HFMA2)
  kFp64Tensor,  // DMMA (A100, H100)
  kInt4Tensor,
  // Blackwell block-scaled narrow formats (e2m1; e3m2/e2m3), dense, FP32 accumulate.
  kFp4Tensor,
  kFp6Tensor,
};

std::span<const Throughput> all_throughputs();

// The spec-database key holding this peak ("fp32_tflops", "int8_tensor_tops", ...).
std::string_view spec_key(Throughput throughput);

// nullopt when the architecture lacks the unit (FP8 before Ada, BF16 on Turing), when no cited
// document gives the rate (see rate_is_undocumented), or the architecture is not in the table.
std::optional<double> ops_per_clock_per_sm(ComputeCapability cc, ProductClass product_class,
                                           Throughput throughput);

// True when the table knows the architecture but no document it cites gives this rate (most
// non-tensor and integer rates of sm_120): a peak is then unknown, not absent.
bool rate_is_undocumented(ComputeCapability cc, ProductClass product_class, Throughput throughput);

// True when the table knows the architecture at all (sm_75, sm_80, sm_86, sm_89, sm_90, sm_120).
// Datacenter Blackwell (sm_100, B200) is not in it: see rate_table.cpp.
bool rate_table_knows(ComputeCapability cc);

// The label of a warp-level mma.sync tensor row where it is not the card's tensor path: on Hopper
// (sm_90) the peak needs wgmma, on datacenter Blackwell (sm_100) tcgen05 (PTX ISA: ptxas rejects
// wgmma there). Empty where mma.sync is the fast path (sm_75-sm_89, sm_120).
std::string_view legacy_mma_sync_label(int sm);

// SMs x rate x clock, in TFLOPS (or TOPS).
std::optional<double> peak_tera_ops(ComputeCapability cc, ProductClass product_class,
                                    Throughput throughput, int sm_count, double clock_mhz);

}  // namespace gpubench
