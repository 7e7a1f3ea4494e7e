#include "model/kernel_classes.hpp"

#include <cxxabi.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <memory>
#include <regex>

namespace gpubench {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

struct SubstringRule {
  std::string_view marker;  // lower case
  KernelClass kernel_class;
  std::string_view meaning;
};

// The rules, first match wins. The order matters: an instruction named in the name outranks the
// library family it belongs to, because cuBLAS's xmma family holds both tensor-core kernels
// ("sm80_xmma_gemm_..._tensor16x8x16") and CUDA-core ones ("sm80_xmma_gemm_f32f32_..._ffma_..."),
// and "hgemm"/"sgemm" appear inside tensor-core names only as part of an MMA shape ("h1688gemm").

// gpubench's own kernels (kernels/gemm/): known exactly, so checked before any library rule.
constexpr std::array<SubstringRule, 3> kOwnKernels = {{
    {"own_hgemm_kernel", KernelClass::kTensorCore, "gpubench's own HGEMM (mma.sync m16n8k16)"},
    {"wgmma_hgemm_kernel", KernelClass::kTensorCore,
     "gpubench's own HGEMM for Hopper (wgmma + TMA)"},
    {"own_sgemm_kernel", KernelClass::kSimt, "gpubench's own SGEMM (FFMA)"},
}};

// Kernels that run beside a GEMM without doing its multiply-adds; they neither prove nor disprove
// tensor-core use.
constexpr std::array<SubstringRule, 3> kAuxiliary = {{
    {"splitkreduce", KernelClass::kAuxiliary, "cuBLAS split-K reduction"},
    {"reduce_1block", KernelClass::kAuxiliary, "cuBLAS reduction"},
    {"reducesplitk", KernelClass::kAuxiliary, "CUTLASS split-K reduction"},
}};

// The instruction, when the name spells it out.
constexpr std::array<SubstringRule, 2> kSimtInstructions = {{
    {"ffma", KernelClass::kSimt, "FFMA kernel"},
    {"simt", KernelClass::kSimt, "SIMT kernel"},
}};
constexpr std::array<SubstringRule, 12> kTensorInstructions = {{
    {"hgmma", KernelClass::kTensorCore, "Hopper warp-group MMA (HGMMA)"},
    {"igmma", KernelClass::kTensorCore, "Hopper warp-group MMA (IGMMA)"},
    {"qgmma", KernelClass::kTensorCore, "Hopper warp-group MMA (QGMMA)"},
    {"wgmma", KernelClass::kTensorCore, "Hopper warp-group MMA (wgmma)"},
    {"warpgroupsize", KernelClass::kTensorCore, "warp-group kernel (wgmma exists only as MMA)"},
    {"tensorop", KernelClass::kTensorCore, "CUTLASS tensor-op kernel"},
    {"hmma", KernelClass::kTensorCore, "HMMA kernel"},
    {"imma", KernelClass::kTensorCore, "IMMA kernel"},
    {"qmma", KernelClass::kTensorCore, "QMMA (FP8) kernel"},
    {"dmma", KernelClass::kTensorCore, "DMMA kernel"},
    {"wmma", KernelClass::kTensorCore, "WMMA kernel"},
    {"mma_sync", KernelClass::kTensorCore, "mma.sync kernel"},
}};

// Library families whose members all share one kind.
constexpr std::array<SubstringRule, 2> kTensorFamilies = {{
    // cuBLAS 12.x's Hopper/Blackwell GEMMs; warp-group (wgmma) or tcgen05 kernels.
    {"nvjet", KernelClass::kTensorCore, "cuBLAS nvjet kernel"},
    // After the FFMA check above: the xmma kernels that remain are tensor-core ones.
    {"xmma", KernelClass::kTensorCore, "xmma kernel without an FFMA marker"},
}};
constexpr std::array<SubstringRule, 11> kSimtFamilies = {{
    {"sgemm", KernelClass::kSimt, "FP32 GEMM without a tensor-core shape (sgemm)"},
    {"dgemm", KernelClass::kSimt, "FP64 GEMM without a tensor-core shape (dgemm)"},
    {"hgemm", KernelClass::kSimt, "FP16 GEMM without a tensor-core shape (hgemm, HFMA2)"},
    {"igemm", KernelClass::kSimt, "INT8 GEMM without a tensor-core shape (igemm, IDP4A)"},
    {"cgemm", KernelClass::kSimt, "complex GEMM without a tensor-core shape (cgemm)"},
    {"zgemm", KernelClass::kSimt, "complex GEMM without a tensor-core shape (zgemm)"},
    {"gemv", KernelClass::kSimt, "cuBLAS GEMV"},
    {"gemmsn_", KernelClass::kSimt, "cuBLAS small-n GEMM (gemmSN)"},
    {"gemmk1", KernelClass::kSimt, "cuBLAS k=1 GEMM (gemmk1)"},
    {"dot_kernel", KernelClass::kSimt, "cuBLAS dot-product GEMM"},
    {"scudnn", KernelClass::kSimt, "cuDNN FP32 kernel (scudnn)"},
}};

template <std::size_t N>
std::optional<KernelClassification> first_match(std::string_view lower,
                                                const std::array<SubstringRule, N>& rules) {
  for (const SubstringRule& rule : rules) {
    if (contains(lower, rule.marker)) {
      return KernelClassification{rule.kernel_class,
                                  fmt::format("{} (\"{}\")", rule.meaning, rule.marker)};
    }
  }
  return std::nullopt;
}

// The mma shapes cuBLAS, cuDNN and CUTLASS put in tensor-core kernel names, led by the accumulator
// or operand letter: h884 (Volta), s1688/h1688/i8816 (Turing), s16816/h16816/i16832/s1684tf32/
// d884/c1688 (Ampere+), i16864 (INT4), i168256 (binary); "tensor16x8x16" in xmma names; and PTX
// spellings such as "mma_m16n8k16".
std::optional<KernelClassification> mma_shape(std::string_view lower) {
  static const std::regex letter_shape(
      "[hsidcbz](884|1684|1688|8816|16816|16832|16864|168256)[a-z]");
  static const std::regex xmma_shape("tensor[0-9]+x[0-9]+x[0-9]+");
  static const std::regex ptx_shape("mma_?m[0-9]+n[0-9]+k[0-9]+");
  const std::string text(lower);
  std::smatch match;
  if (std::regex_search(text, match, letter_shape)) {
    return KernelClassification{KernelClass::kTensorCore,
                                fmt::format("tensor-core MMA shape (\"{}\")", match.str(0))};
  }
  if (std::regex_search(text, match, xmma_shape)) {
    return KernelClassification{KernelClass::kTensorCore,
                                fmt::format("xmma tensor-core instruction (\"{}\")", match.str(0))};
  }
  if (std::regex_search(text, match, ptx_shape)) {
    return KernelClassification{KernelClass::kTensorCore,
                                fmt::format("mma instruction shape (\"{}\")", match.str(0))};
  }
  return std::nullopt;
}

// Index just past the bracket that closes the one at `open` ('<' or '('), or npos.
std::size_t skip_brackets(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == '<' || text[i] == '(') ++depth;
    if (text[i] == '>' || text[i] == ')') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

std::string truncate(std::string text, std::size_t max_chars) {
  if (text.size() <= max_chars || max_chars < 4) return text;
  text.resize(max_chars - 3);
  return text + "...";
}

}  // namespace

KernelClassification classify_kernel(std::string_view name) {
  const std::string lower = lowercase(demangle_kernel_name(name));
  // In order of precedence (see the rule tables above); the first that matches decides.
  const std::function<std::optional<KernelClassification>()> rules[] = {
      [&] { return first_match(lower, kOwnKernels); },
      [&] { return first_match(lower, kAuxiliary); },
      [&] { return first_match(lower, kSimtInstructions); },
      [&] { return first_match(lower, kTensorInstructions); },
      [&] { return mma_shape(lower); },
      [&] { return first_match(lower, kTensorFamilies); },
      [&] { return first_match(lower, kSimtFamilies); },
  };
  for (const auto& rule : rules) {
    if (auto found = rule()) return *std::move(found);
  }
  return {KernelClass::kUnknown, "no tensor-core or SIMT marker in the name"};
}

std::string_view kernel_class_name(KernelClass kernel_class) {
  switch (kernel_class) {
    case KernelClass::kTensorCore:
      return "tensor core";
    case KernelClass::kSimt:
      return "SIMT";
    case KernelClass::kAuxiliary:
      return "auxiliary";
    case KernelClass::kUnknown:
      break;
  }
  return "unclassified";
}

std::string demangle_kernel_name(std::string_view name) {
  if (!name.starts_with("_Z")) return std::string(name);
  const std::string mangled(name);
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status), &std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : mangled;
}

std::string short_kernel_name(std::string_view name, std::size_t max_chars) {
  std::string text = demangle_kernel_name(name);
  for (std::size_t at; (at = text.find("(anonymous namespace)::")) != std::string::npos;) {
    text.erase(at, std::string_view("(anonymous namespace)::").size());
  }
  std::string_view view = text;
  if (view.starts_with("void ")) view.remove_prefix(5);
  // The qualified name ends at the parameter list; template arguments may hold parentheses.
  std::size_t end = 0;
  while (end < view.size() && view[end] != '(') {
    end = view[end] == '<' ? std::min(skip_brackets(view, end), view.size()) : end + 1;
  }
  std::string_view qualified = view.substr(0, end);
  const std::size_t template_open = qualified.find('<');
  std::string_view base = qualified.substr(0, template_open);
  if (const std::size_t scope = base.rfind("::"); scope != std::string_view::npos) {
    base.remove_prefix(scope + 2);
  }
  std::string result(base);
  // CUTLASS wraps its kernels in generic launchers; the first template argument names the kernel.
  const bool generic = base == "Kernel" || base == "Kernel2" || base == "device_kernel";
  if (generic && template_open != std::string_view::npos) {
    std::string_view arguments = qualified.substr(template_open + 1);
    std::size_t argument_end = 0;
    while (argument_end < arguments.size() && arguments[argument_end] != ',' &&
           arguments[argument_end] != '>') {
      argument_end = arguments[argument_end] == '<' || arguments[argument_end] == '('
                         ? std::min(skip_brackets(arguments, argument_end), arguments.size())
                         : argument_end + 1;
    }
    result += fmt::format("<{}>", arguments.substr(0, argument_end));
  }
  if (result.empty()) result = std::string(view.substr(0, end));
  return truncate(std::move(result), max_chars);
}

std::string describe_kernels(const std::vector<std::string>& names, std::size_t max_listed,
                             std::size_t max_name_chars) {
  std::vector<std::string> distinct;
  for (const std::string& name : names) {
    if (std::find(distinct.begin(), distinct.end(), name) == distinct.end()) {
      distinct.push_back(name);
    }
  }
  if (distinct.empty()) return "";
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < distinct.size() && i < max_listed; ++i) {
    parts.push_back(fmt::format("{} [{}]", short_kernel_name(distinct[i], max_name_chars),
                                kernel_class_name(classify_kernel(distinct[i]).kernel_class)));
  }
  if (distinct.size() > max_listed)
    parts.push_back(fmt::format("+{} more", distinct.size() - max_listed));
  return fmt::format("kernels: {}", fmt::join(parts, ", "));
}

std::optional<bool> all_tensor_core(const std::vector<std::string>& names) {
  bool any_tensor_core = false;
  bool any_unknown = false;
  for (const std::string& name : names) {
    switch (classify_kernel(name).kernel_class) {
      case KernelClass::kSimt:
        return false;
      case KernelClass::kTensorCore:
        any_tensor_core = true;
        break;
      case KernelClass::kUnknown:
        any_unknown = true;
        break;
      case KernelClass::kAuxiliary:
        break;
    }
  }
  if (any_unknown || !any_tensor_core) return std::nullopt;
  return true;
}

}  // namespace gpubench
