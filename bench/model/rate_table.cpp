#include "model/rate_table.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace gpubench {
namespace {

constexpr std::array kAllThroughputs = {
    Throughput::kFp32,
    Throughput::kFp16,
    Throughput::kFp64,
    Throughput::kTf32Tensor,
    Throughput::kFp16TensorFp16Acc,
    Throughput::kFp16TensorFp32Acc,
    Throughput::kBf16Tensor,
    Throughput::kFp8TensorFp16Acc,
    Throughput::kFp8TensorFp32Acc,
    Throughput::kInt8Tensor,
    Throughput::kBf16,
    Throughput::kFp64Tensor,
    Throughput::kInt4Tensor,
    Throughput::kFp4Tensor,
    Throughput::kFp6Tensor,
};

// Dense FLOP (or OP) per clock per SM. 0 = the architecture lacks the unit; kUndocumented = it may
// have the unit, but no NVIDIA document gpubench cites gives the rate, so none is assumed. The
// GeForce column differs from the datacenter one only for tensor math with FP32 accumulate (half
// rate).
constexpr double kUndocumented = -1;
constexpr double U = kUndocumented;  // keeps the table rows readable

struct ArchRates {
  ComputeCapability cc;
  // In kAllThroughputs order.
  std::array<double, kAllThroughputs.size()> datacenter;
  std::array<double, kAllThroughputs.size()> geforce;
};

//                        fp32 fp16 fp64  tf32  h-h16  h-f32  bf16  f8-h16 f8-f32 int8  | bf16 f64-t
//                        int4 fp4 fp6
// (bf16: non-tensor; f64-t: FP64 tensor; int4: INT4 tensor, which Hopper dropped; fp4/fp6: the
// Blackwell e2m1 and e3m2/e2m3 tensor formats, absent before Blackwell.)
constexpr std::array kRates = {
    // Turing TU10x: FP16/INT8/INT4 tensor only; FP16 non-tensor at 2x FP32; FP64 at 1/32.
    ArchRates{{7, 5},
              {128, 256, 4, 0, 1024, 1024, 0, 0, 0, 2048, 0, 0, 4096, 0, 0},
              {128, 256, 4, 0, 1024, 512, 0, 0, 0, 2048, 0, 0, 4096, 0, 0}},
    // A100 (GA100): 4x the Turing tensor rate per SM, FP64 at 1/2 (DMMA at 2x that), FP16
    // non-tensor at 4x FP32 and BF16 non-tensor at half of FP16.
    ArchRates{{8, 0},
              {128, 512, 64, 1024, 2048, 2048, 2048, 0, 0, 4096, 256, 128, 8192, 0, 0},
              {128, 512, 64, 1024, 2048, 2048, 2048, 0, 0, 4096, 256, 128, 8192, 0, 0}},
    // GA10x: doubled FP32, FP16 and BF16 non-tensor 1:1, FP64 1/64.
    ArchRates{{8, 6},
              {256, 256, 4, 512, 1024, 1024, 1024, 0, 0, 2048, 256, 0, 4096, 0, 0},
              {256, 256, 4, 256, 1024, 512, 512, 0, 0, 2048, 256, 0, 4096, 0, 0}},
    // Ada AD10x: GA10x plus FP8.
    ArchRates{{8, 9},
              {256, 256, 4, 512, 1024, 1024, 1024, 2048, 2048, 2048, 256, 0, 4096, 0, 0},
              {256, 256, 4, 256, 1024, 512, 512, 2048, 1024, 2048, 256, 0, 4096, 0, 0}},
    // Hopper GH100 (wgmma rates); no INT4 tensor math.
    ArchRates{{9, 0},
              {256, 512, 128, 2048, 4096, 4096, 4096, 8192, 8192, 8192, 512, 256, 0, 0, 0},
              {256, 512, 128, 2048, 4096, 4096, 4096, 8192, 8192, 8192, 512, 256, 0, 0, 0}},
    // GeForce and RTX PRO Blackwell (GB20x, sm_120). GeForce column: NVIDIA RTX Blackwell GPU
    // Architecture whitepaper (RTXBW-WP) Appendix A, RTX 5090 table, dense figures / (170 SMs x
    // 2407 MHz boost): FP16 tensor 419 (FP16 acc) and 209.5 (FP32 acc) -> 1024 and 512, BF16 209.5
    // -> 512, FP8 838 (FP16 acc) and 419 (FP32 acc) -> 2048 and 1024. So GeForce Blackwell keeps
    // Ada's half-rate FP32 accumulate, documented the same way. FP32: 128 CUDA cores per SM
    // (21760 cores / 170 SMs) x 2. Datacenter column (RTX PRO Blackwell): the RTX PRO Blackwell
    // whitepaper prints the same FP16 tensor figure with FP16 and FP32 accumulate (RTX PRO 6000:
    // 503.8 and 503.8), so FP32 accumulate runs at the FP16-accumulate rate there. The rest
    // (TF32, INT8, FP16/BF16/FP64 non-tensor, FP8 and BF16 on RTX PRO) is not in the documents
    // read for this table: undocumented, not guessed. FP4: the RTX 5090's dense 1676 TFLOPS with
    // FP32 accumulate / (170 x 2407 MHz) = 4096, not halved on GeForce (the whitepaper prints no
    // FP16-accumulate FP4 figure, and 1676 is 4x the FP8-with-FP32-accumulate 419). RTX PRO: the
    // RTX PRO 6000 datasheet's 4000 sparse FP4 "AI TOPS" (2000 dense) is 3.97x its whitepaper FP16
    // tensor 503.8, so 4 x 1024 = 4096 within the headline's rounding (RTXPRO6000-DS). FP6: no
    // document read gives an sm_120 FP6 figure, so unknown.
    ArchRates{{12, 0},
              {256, U, U, U, 1024, 1024, U, U, U, U, U, U, U, 4096, U},
              {256, U, U, U, 1024, 512, 512, 2048, 1024, U, U, U, U, 4096, U}},
    // Datacenter Blackwell (B200, sm_100) is left out: its datasheet gives tensor peaks but neither
    // its SM count nor the clock they assume, so no per-SM rate follows from a document.
};

const ArchRates* find_arch(ComputeCapability cc) {
  for (const auto& rates : kRates) {
    if (rates.cc == cc) return &rates;
  }
  return nullptr;
}

std::size_t index_of(Throughput throughput) {
  return static_cast<std::size_t>(throughput);
}

}  // namespace

std::string ComputeCapability::str() const {
  return fmt::format("{}.{}", major, minor);
}

std::optional<ComputeCapability> ComputeCapability::parse(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  ComputeCapability cc;
  const auto major_text = text.substr(0, dot);
  const auto minor_text = text.substr(dot + 1);
  auto [p1, e1] =
      std::from_chars(major_text.data(), major_text.data() + major_text.size(), cc.major);
  auto [p2, e2] =
      std::from_chars(minor_text.data(), minor_text.data() + minor_text.size(), cc.minor);
  if (e1 != std::errc{} || e2 != std::errc{} || p1 != major_text.data() + major_text.size() ||
      p2 != minor_text.data() + minor_text.size() || major_text.empty() || minor_text.empty()) {
    return std::nullopt;
  }
  return cc;
}

std::optional<ProductClass> parse_product_class(std::string_view text) {
  if (text == "geforce") return ProductClass::kGeForce;
  if (text == "datacenter") return ProductClass::kDatacenter;
  return std::nullopt;
}

std::string_view to_string(ProductClass product_class) {
  return product_class == ProductClass::kGeForce ? "geforce" : "datacenter";
}

std::span<const Throughput> all_throughputs() {
  return kAllThroughputs;
}

std::string_view spec_key(Throughput throughput) {
  switch (throughput) {
    case Throughput::kFp32:
      return "fp32_tflops";
    case Throughput::kFp16:
      return "fp16_tflops";
    case Throughput::kFp64:
      return "fp64_tflops";
    case Throughput::kTf32Tensor:
      return "tf32_tensor_tflops";
    case Throughput::kFp16TensorFp16Acc:
      return "fp16_tensor_fp16acc_tflops";
    case Throughput::kFp16TensorFp32Acc:
      return "fp16_tensor_fp32acc_tflops";
    case Throughput::kBf16Tensor:
      return "bf16_tensor_tflops";
    case Throughput::kFp8TensorFp16Acc:
      return "fp8_tensor_fp16acc_tflops";
    case Throughput::kFp8TensorFp32Acc:
      return "fp8_tensor_fp32acc_tflops";
    case Throughput::kInt8Tensor:
      return "int8_tensor_tops";
    case Throughput::kBf16:
      return "bf16_tflops";
    case Throughput::kFp64Tensor:
      return "fp64_tensor_tflops";
    case Throughput::kInt4Tensor:
      return "int4_tensor_tops";
    case Throughput::kFp4Tensor:
      return "fp4_tensor_tflops";
    case Throughput::kFp6Tensor:
      return "fp6_tensor_tflops";
  }
  return "";
}

bool rate_table_knows(ComputeCapability cc) {
  return find_arch(cc) != nullptr;
}

std::optional<double> ops_per_clock_per_sm(ComputeCapability cc, ProductClass product_class,
                                           Throughput throughput) {
  const ArchRates* rates = find_arch(cc);
  if (rates == nullptr) return std::nullopt;
  const auto& column = product_class == ProductClass::kGeForce ? rates->geforce : rates->datacenter;
  const double rate = column[index_of(throughput)];
  if (rate == 0 || rate == kUndocumented) return std::nullopt;
  return rate;
}

bool rate_is_undocumented(ComputeCapability cc, ProductClass product_class, Throughput throughput) {
  const ArchRates* rates = find_arch(cc);
  if (rates == nullptr) return false;
  const auto& column = product_class == ProductClass::kGeForce ? rates->geforce : rates->datacenter;
  return column[index_of(throughput)] == kUndocumented;
}

std::optional<double> peak_tera_ops(ComputeCapability cc, ProductClass product_class,
                                    Throughput throughput, int sm_count, double clock_mhz) {
  const auto rate = ops_per_clock_per_sm(cc, product_class, throughput);
  if (!rate) return std::nullopt;
  return *rate * sm_count * clock_mhz * 1e6 / 1e12;
}

std::string_view legacy_mma_sync_label(int sm) {
  if (sm == 90)
    return "legacy path on Hopper: mma.sync; the wgmma rows measure the tensor-core peak";
  if (sm / 10 == 10) {
    return "legacy path on datacenter Blackwell: mma.sync; its tensor-core peak needs tcgen05, "
           "which gpubench does not time (cuBLAS's rows use it)";
  }
  return "";
}

}  // namespace gpubench
