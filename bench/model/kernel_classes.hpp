#pragma once
// Which kind of GPU kernel a name belongs to: tensor-core (mma/wgmma), SIMT (FFMA on CUDA cores),
// an auxiliary kernel around a GEMM (split-K reduction), or unknown. Library kernels can only be
// judged by name: cuBLAS, cuBLASLt, cuDNN and CUTLASS encode the instruction family in their kernel
// names (xmma ..._tensor16x8x16 vs ..._ffma, turing_h1688gemm vs volta_sgemm, nvjet, tensorop vs
// simt). The rules and the real names they are tested against are in kernel_classes.cpp and
// tests/kernel_classes_test.cpp. Host-only; no CUDA headers.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

enum class KernelClass {
  kTensorCore,  // its math runs on the tensor cores
  kSimt,        // its math runs on the CUDA cores (FFMA, HFMA2, IDP4A, DFMA)
  kAuxiliary,   // not the GEMM's math: split-K reductions and the like
  kUnknown,     // the name says neither
};

struct KernelClassification {
  KernelClass kernel_class = KernelClass::kUnknown;
  std::string reason;  // which part of the name decided, e.g. "xmma FFMA kernel ("ffma")"
};

// Classifies a kernel name as CUPTI, nsys or ncu print it: mangled ("_Z...") or demangled, with or
// without a "void " prefix and parameter list. Case-insensitive.
KernelClassification classify_kernel(std::string_view name);

// "tensor core", "SIMT", "auxiliary", "unclassified".
std::string_view kernel_class_name(KernelClass kernel_class);

// The demangled name for an Itanium-mangled one ("_Z..."), else the name unchanged.
std::string demangle_kernel_name(std::string_view name);

// A label-sized name: the kernel's own identifier without return type, namespaces, template
// arguments and parameters ("void gpubench::gemm::(anonymous namespace)::own_hgemm_kernel<...>
// (int, ...)" -> "own_hgemm_kernel"), except that a generic CUTLASS wrapper keeps its first
// template argument ("cutlass::Kernel2<cutlass_80_simt_sgemm_128x256_8x4_nt_align1>(...)" ->
// "Kernel2<cutlass_80_simt_sgemm_128x256_8x4_nt_align1>"); names longer than max_chars end in
// "...". Mangled names are demangled first.
std::string short_kernel_name(std::string_view name, std::size_t max_chars = 48);

// "kernels: a [tensor core], b [auxiliary]": each distinct kernel once, in the order given, at most
// max_listed of them and then "+N more". Empty when names is.
std::string describe_kernels(const std::vector<std::string>& names, std::size_t max_listed = 2,
                             std::size_t max_name_chars = 48);

// Whether the GEMM math of one launch ran on tensor cores: false when any kernel is SIMT, true when
// at least one is tensor-core and every other one is tensor-core or auxiliary, nullopt otherwise
// (an unclassified kernel, or no GEMM kernel at all).
std::optional<bool> all_tensor_core(const std::vector<std::string>& names);

}  // namespace gpubench
