// The kernel-name classifier against real kernel names as profilers printed them in public GitHub
// issues (each row says where it was seen), against gpubench's own kernels as they are in this
// binary, and its rules one by one.
#include "model/kernel_classes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "gpubench/errors.hpp"
#include "support/sass_audit.hpp"

#ifndef GPUBENCH_CUOBJDUMP_PATH
#error "GPUBENCH_CUOBJDUMP_PATH must be defined (the cuobjdump path, or \"\") for this test"
#endif

namespace gpubench {
namespace {

struct SeenName {
  const char* name;
  KernelClass expected;
  const char* source;  // where the name was printed
};

// Names exactly as nsys, nvprof, ncu, the PyTorch profiler or TensorRT printed them. Some are cut
// short where the tool cut them ("..."). Tensor-core kernels here, the rest in seen_other_names().
const std::vector<SeenName>& seen_tensor_core_names() {
  static const std::vector<SeenName> names = {
      // Hopper cuBLAS (wgmma): "warpgroupsize".
      {"sm90_xmma_gemm_f16f16_f16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_"
       "segment_k_off_kernel__5x_cublas",
       KernelClass::kTensorCore, "https://github.com/NVIDIA/TensorRT-LLM/issues/1541"},
      {"sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_"
       "segment_k_off_kernel__5x_cublas",
       KernelClass::kTensorCore, "https://github.com/NVIDIA/TransformerEngine/issues/1391"},
      {"sm90_xmma_gemm_e4m3bf16_e4m3f32_f32_tn_n_tilesize128x128x128_warpgroupsize1x1x1_execute_"
       "segment_k_off_kernel__5x_cublas",
       KernelClass::kTensorCore, "https://github.com/NVIDIA/TransformerEngine/issues/1391"},
      {"sm90_xmma_fprop_implicit_gemm_bf16bf16_bf16f32_f32_nhwckrsc_nhwc_tilesize128x128x64_"
       "warpgroupsize1x1x1_g1_execute_segment_k_off_kernel__5x_cudnn",
       KernelClass::kTensorCore, "https://github.com/pytorch/kineto/issues/1041"},
      // cuBLAS 12.x+ Hopper/Blackwell GEMMs.
      {"nvjet_tst_128x24_64x11_2x1_v_bz_TNT", KernelClass::kTensorCore,
       "https://github.com/sgl-project/sglang/pull/22353"},
      {"nvjet_tst_64x24_64x16_4x1_v_bz_splitK_TNT", KernelClass::kTensorCore,
       "https://github.com/sgl-project/sglang/pull/22353"},
      {"nvjet_sm90_hss_320x128", KernelClass::kTensorCore,
       "https://github.com/GindaChen/nsys-ai/pull/582"},
      // Ampere cuBLAS SASS kernels and CUTLASS.
      {"ampere_bf16_s1688gemm_bf16_128x128_ldg8_f2f_stages_32x1_nn", KernelClass::kTensorCore,
       "https://github.com/karpathy/nanochat/pull/105"},
      {"ampere_bf16_s16816gemm_bf16_256x128_ldg8_f2f_stages_32x3_nn", KernelClass::kTensorCore,
       "https://github.com/karpathy/nanochat/pull/105"},
      {"ampere_fp16_s16816gemm_fp16_64x64_sliced1x2_ldg8_relu_f2f_stages_64x6_tn",
       KernelClass::kTensorCore, "https://github.com/NVIDIA/cutlass/issues/1025"},
      {"cutlass_80_tensorop_f16_s16816gemm_relu_f16_128x128_32x4_tn_align8",
       KernelClass::kTensorCore, "https://github.com/NVIDIA/cutlass/issues/1025"},
      {"cutlass_tensorop_f16_s16816gemm_f16_256x128_32x3_nn_align8", KernelClass::kTensorCore,
       "https://github.com/NVIDIA/cutlass/issues/981"},
      {"cutlass_tensorop_h16816gemm_128x128_32x5_nn_align8", KernelClass::kTensorCore,
       "https://github.com/NVIDIA/cutlass/pull/896"},
      // Turing.
      {"turing_h1688gemm_256x64_sliced1x2_ldg8_tn", KernelClass::kTensorCore,
       "https://github.com/NVIDIA/cutlass/issues/211"},
      {"cutlass_tensorop_h1688gemm_64x128_64x2_1x2x2_tn_align8", KernelClass::kTensorCore,
       "https://github.com/NVIDIA/cutlass/issues/211"},
      {"cutlass_75_tensorop_bf16_s1688gemm_bf16_256x128_nn_align1", KernelClass::kTensorCore,
       "https://github.com/NVIDIA/cutlass/issues/2286"},
      {"turing_fp16_s1688cudnn_fp16_256x128_ldg8_relu_filter1x1_stg8_interior_nchw_nn_v1",
       KernelClass::kTensorCore, "https://github.com/NVIDIA/apex/issues/530"},
      // Volta.
      {"volta_fp16_s884cudnn_fp16_256x128_ldg8_relu_f2f_exp_small_nhwc2nchw_tn_v1",
       KernelClass::kTensorCore, "https://github.com/NVIDIA/apex/issues/666"},
      // Blackwell GeForce CUTLASS 3.
      {"cutlass3x_sm120_bstensorop_s16x8x32gemm_ue8m0xe4m3_ue8m0xe4m3_f32_void_e5m2_128x128x128_"
       "1x1x1_0_tnt_align128_pingpong_q",
       KernelClass::kTensorCore, "https://github.com/NVIDIA/cutlass/issues/2186"},
  };
  return names;
}

// SIMT and auxiliary kernels, as seen_tensor_core_names().
const std::vector<SeenName>& seen_other_names() {
  static const std::vector<SeenName> names = {
      // --- SIMT
      // cuBLAS's FP32 xmma kernels name their FFMA.
      {"sm80_xmma_gemm_f32f32_f32f32_f32_tn_n_tilesize128x64x8_stage3_warpsize2x2x1_ffma",
       KernelClass::kSimt, "https://github.com/pytorch/pytorch/pull/167503"},
      {"sm80_xmma_gemm_f32f32_f32f32_f32_nn_n_tilesize64x128x8_stage3_warpsize1x4x1_ffma",
       KernelClass::kSimt, "https://github.com/pytorch/pytorch/pull/167503"},
      {"void cutlass::Kernel2<cutlass_80_simt_sgemm_128x256_8x4_nt_align1", KernelClass::kSimt,
       "https://github.com/pytorch/pytorch/pull/167503"},
      {"volta_sgemm_32x128_tn", KernelClass::kSimt,
       "https://github.com/official-stockfish/nnue-pytorch/pull/96"},
      {"void gemv2T_kernel_val<int, int, float, float, float...", KernelClass::kSimt,
       "https://github.com/official-stockfish/nnue-pytorch/pull/96"},
      {"volta_cgemm_32x64_tn", KernelClass::kSimt, "https://github.com/NVIDIA/apex/issues/666"},
      {"void fermiCgemm_v3_kernel<bool=1, bool=0, bool=0, bool=0, int=5, int=5, int=3, int=8, "
       "int=8>(int, int, int, float2 const *, int, float2 const *, int, float2*, int, int, int, "
       "float2 const *, float2 const *, float2, float2, int)",
       KernelClass::kSimt, "https://github.com/NVIDIA/apex/issues/666"},
      {"cutlass_simt_s8_igemm_s8_128x128_32x2_tt_align1", KernelClass::kSimt,
       "https://github.com/NVIDIA/cutlass/issues/215"},
      // cuBLAS's CUDA-core kernels for small dimensions.
      {"gemmSN_NN_kernel", KernelClass::kSimt,
       "https://github.com/facebookexperimental/triton/pull/2757"},
      {"gemv2T_kernel", KernelClass::kSimt,
       "https://github.com/facebookexperimental/triton/pull/2757"},
      {"dot_kernel", KernelClass::kSimt,
       "https://github.com/facebookexperimental/triton/pull/2757"},
      {"magma_sgemmEx_kernel", KernelClass::kSimt,
       "https://github.com/facebookexperimental/triton/pull/2757"},
      // cuDNN FP32 on Maxwell, which has no tensor cores.
      {"maxwell_scudnn_winograd_128x128_ldg1_ldg4_relu_tile418n_nt", KernelClass::kSimt,
       "https://github.com/kblomdahl/dream-go/issues/25"},
      {"void cudnn::detail::implicit_convolve_sgemm<float, float, int=128, int=5, int=5, int=3, "
       "int=3, int=3, int=1, bool=1, bool=0, bool=0>(int, int, int, float const *, int, float*, "
       "cudnn::detail::implicit_convolve_sgemm<float, float, int=128, int=5, int=5, int=3, int=3, "
       "int=3, int=1, bool=1, bool=0, bool=0>*, kernel_conv_params, int, float, float, int, float, "
       "float, int, int)",
       KernelClass::kSimt, "https://github.com/kblomdahl/dream-go/issues/25"},

      // --- auxiliary
      {"reduce_1Block_kernel", KernelClass::kAuxiliary,
       "https://github.com/facebookexperimental/triton/pull/2757"},
  };
  return names;
}

TEST(KernelClasses, RealNamesFromPublicProfilesClassifyAsTheyRan) {
  for (const std::vector<SeenName>* names : {&seen_tensor_core_names(), &seen_other_names()}) {
    for (const SeenName& seen : *names) {
      const KernelClassification found = classify_kernel(seen.name);
      EXPECT_EQ(found.kernel_class, seen.expected)
          << seen.name << " (from " << seen.source << ") classified as "
          << kernel_class_name(found.kernel_class) << ": " << found.reason;
      EXPECT_FALSE(found.reason.empty()) << seen.name;
    }
  }
}

// Names built to exercise one rule each (not seen in a profile): the instruction a name spells
// out decides before the library family does.
TEST(KernelClasses, EachRuleDecidesItsCase) {
  const struct {
    const char* name;
    KernelClass expected;
    const char* reason_part;
  } cases[] = {
      {"sm80_xmma_gemm_f16f16_f16f32_f32_nt_n_tilesize128x128x32_stage4_warpsize2x2x1_"
       "tensor16x8x16_kernel",
       KernelClass::kTensorCore, "tensor16x8x16"},
      {"sm80_xmma_gemm_i8i8_i8i32_f32_tn_n_tilesize256x128x64_stage4_warpsize4x2x1_tensor16x8x32",
       KernelClass::kTensorCore, "tensor16x8x32"},
      {"sm90_xmma_gemm_f16f16_f16f32_f32_nt_n_cgasize1x2x1_hgmma64x128x16",
       KernelClass::kTensorCore, "hgmma"},
      {"ampere_int32_i16832gemm_int8_128x128_ldg16_stages_64x3_nt", KernelClass::kTensorCore,
       "i16832g"},
      {"turing_int32_i8816gemm_int8_128x128_ldg16_nt", KernelClass::kTensorCore, "i8816g"},
      {"ampere_fp32_s1684tf32gemm_fp32_128x128_ldg4_nt", KernelClass::kTensorCore, "s1684t"},
      {"volta_h884gemm_256x128_ldg8_nn", KernelClass::kTensorCore, "h884g"},
      {"hgemm_mma_m16n8k16_kernel", KernelClass::kTensorCore, "mma_m16n8k16"},
      {"my_wmma_kernel", KernelClass::kTensorCore, "wmma"},
      // SIMT families without a tensor shape: HFMA2 and IDP4A GEMMs are CUDA-core work.
      {"ampere_hgemm_256x128_nt", KernelClass::kSimt, "hgemm"},
      {"ampere_igemm_int8_128x128_ldg4_nt", KernelClass::kSimt, "igemm"},
      {"ampere_sgemm_128x64_nn", KernelClass::kSimt, "sgemm"},
      {"gemmk1_kernel", KernelClass::kSimt, "gemmk1"},
      // FFMA outranks the xmma family.
      {"sm90_xmma_gemm_f32f32_f32f32_f32_nn_n_ffma", KernelClass::kSimt, "ffma"},
      {"splitKreduce_kernel", KernelClass::kAuxiliary, "split-K"},
      {"void cutlass::reduction::kernel::ReduceSplitK<float>(Params)", KernelClass::kAuxiliary,
       "split-K"},
      {"vectorized_elementwise_kernel", KernelClass::kUnknown, "no tensor-core or SIMT marker"},
      {"", KernelClass::kUnknown, "no tensor-core or SIMT marker"},
  };
  for (const auto& c : cases) {
    const KernelClassification found = classify_kernel(c.name);
    EXPECT_EQ(found.kernel_class, c.expected)
        << c.name << ": " << kernel_class_name(found.kernel_class) << ", " << found.reason;
    EXPECT_NE(found.reason.find(c.reason_part), std::string::npos)
        << c.name << ": " << found.reason;
  }
}

// gpubench's own kernels as CUPTI names them (mangled; the anonymous namespace's hash is the one a
// CUDA 13 build of kernels/gemm/ printed), and demangled.
TEST(KernelClasses, OwnKernelsMangledAndDemangled) {
  const char* hgemm =
      "_ZN8gpubench4gemm45_GLOBAL__N__5938f40c_12_own_hgemm_cu_ed9d4ce616own_hgemm_"
      "kernelILNS0_11HgemmConfigE0ELb0ELNS1_5LoadsE0EEEviiiPK6__halfS7_PS5_b";
  const char* sgemm =
      "_ZN8gpubench4gemm45_GLOBAL__N__78e9d971_12_own_sgemm_cu_0b7584e216own_sgemm_"
      "kernelILNS0_11SgemmConfigE0ELb1EEEviiiPKfS5_Pfb";
  EXPECT_EQ(classify_kernel(hgemm).kernel_class, KernelClass::kTensorCore);
  EXPECT_EQ(classify_kernel(sgemm).kernel_class, KernelClass::kSimt);
  const std::string demangled = demangle_kernel_name(hgemm);
  EXPECT_NE(demangled.find("gpubench::gemm::"), std::string::npos) << demangled;
  EXPECT_NE(demangled.find("own_hgemm_kernel<"), std::string::npos) << demangled;
  EXPECT_EQ(classify_kernel(demangled).kernel_class, KernelClass::kTensorCore);
  EXPECT_EQ(short_kernel_name(hgemm), "own_hgemm_kernel");
  EXPECT_EQ(short_kernel_name(sgemm), "own_sgemm_kernel");
  // The Hopper HGEMM (kernels/gemm/wgmma_hgemm.cu), as an nvcc 13.0 sm_90a build names it.
  const char* hopper =
      "_ZN8gpubench4gemm47_GLOBAL__N__9734bb50_14_wgmma_hgemm_cu_98e4ee9a18wgmma_hgemm_"
      "kernelILb0EEEv14CUtensorMap_stS3_iiiP6__halfb";
  const KernelClassification found = classify_kernel(hopper);
  EXPECT_EQ(found.kernel_class, KernelClass::kTensorCore);
  EXPECT_NE(found.reason.find("wgmma"), std::string::npos) << found.reason;
  EXPECT_EQ(short_kernel_name(hopper), "wgmma_hgemm_kernel");
}

// Every own GEMM kernel this test binary holds (own_gemm_test.cpp links them all), read from its
// own sm_89 code: a renamed kernel or a new configuration cannot slip past the rules.
TEST(KernelClasses, EveryOwnGemmKernelInThisBinaryClassifies) {
  const std::filesystem::path cuobjdump = GPUBENCH_CUOBJDUMP_PATH;
  ASSERT_TRUE(!cuobjdump.empty() && std::filesystem::is_regular_file(cuobjdump))
      << "No cuobjdump (GPUBENCH_CUOBJDUMP_PATH=\"" << cuobjdump.string()
      << "\"): run scripts/setup.sh, then configure again.";
  std::vector<SassFunction> functions;
  try {
    functions = parse_cuobjdump_sass(
        run_cuobjdump(cuobjdump, std::filesystem::read_symlink("/proc/self/exe"), "sm_89"));
  } catch (const UserError& error) {
    FAIL() << error.what();
  }
  int hgemm = 0, sgemm = 0;
  for (const SassFunction& function : functions) {
    const std::string& name = function.mangled_name;
    const KernelClass found = classify_kernel(name).kernel_class;
    if (name.find("own_hgemm_kernel") != std::string::npos) {
      ++hgemm;
      EXPECT_EQ(found, KernelClass::kTensorCore) << name;
    } else if (name.find("own_sgemm_kernel") != std::string::npos) {
      ++sgemm;
      EXPECT_EQ(found, KernelClass::kSimt) << name;
    } else if (name.find("fill_kernel") != std::string::npos ||
               name.find("sampled_error_kernel") != std::string::npos ||
               name.find("stream_") != std::string::npos) {
      // Helpers and bandwidth kernels: no tensor-core claim.
      EXPECT_NE(found, KernelClass::kTensorCore) << name;
    }
  }
  EXPECT_GE(hgemm, 6) << "own HGEMM configurations found";
  EXPECT_GE(sgemm, 3) << "own SGEMM configurations found";
}

TEST(KernelClasses, DemanglingLeavesPlainNamesAlone) {
  EXPECT_EQ(demangle_kernel_name("ampere_sgemm_128x64_nn"), "ampere_sgemm_128x64_nn");
  EXPECT_EQ(demangle_kernel_name("_Znot_a_valid_mangling"), "_Znot_a_valid_mangling");
  EXPECT_EQ(demangle_kernel_name("_Z17gemv2T_kernel_valIiiffEvv"),
            "void gemv2T_kernel_val<int, int, float, float>()");
}

TEST(KernelClasses, ShortNamesKeepTheKernelsOwnIdentifier) {
  EXPECT_EQ(
      short_kernel_name("void gemv2T_kernel_val<int, int, float, float, float, 128, 16, 4, 4, "
                        "false, false, cublasGemvParams<float>>(float const*, int)"),
      "gemv2T_kernel_val");
  EXPECT_EQ(short_kernel_name("void cutlass::Kernel2<cutlass_80_simt_sgemm_128x256_8x4_nt_align1>"
                              "(cutlass_80_simt_sgemm_128x256_8x4_nt_align1::Params)",
                              80),
            "Kernel2<cutlass_80_simt_sgemm_128x256_8x4_nt_align1>");
  EXPECT_EQ(short_kernel_name("ampere_sgemm_128x64_nn"), "ampere_sgemm_128x64_nn");
  // Long library names are cut, and say so.
  const std::string cut = short_kernel_name(
      "sm90_xmma_gemm_f16f16_f16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_"
      "segment_k_off_kernel__5x_cublas",
      40);
  EXPECT_EQ(cut.size(), 40u);
  EXPECT_TRUE(cut.starts_with("sm90_xmma_gemm_f16f16_f16f32_f32_tn"));
  EXPECT_TRUE(cut.ends_with("...")) << cut;
}

TEST(KernelClasses, DescriptionListsEachKernelOnceWithItsClass) {
  EXPECT_EQ(describe_kernels({}), "");
  EXPECT_EQ(describe_kernels({"ampere_sgemm_128x64_nn", "ampere_sgemm_128x64_nn"}),
            "kernels: ampere_sgemm_128x64_nn [SIMT]");
  EXPECT_EQ(describe_kernels({"turing_h1688gemm_256x64_sliced1x2_ldg8_tn", "splitKreduce_kernel",
                              "vectorized_elementwise_kernel"}),
            "kernels: turing_h1688gemm_256x64_sliced1x2_ldg8_tn [tensor core], splitKreduce_kernel "
            "[auxiliary], +1 more");
}

TEST(KernelClasses, AllTensorCoreNeedsEveryGemmKernelOnTensorCores) {
  const std::string tensor = "turing_h1688gemm_256x64_sliced1x2_ldg8_tn";
  const std::string simt = "volta_sgemm_32x128_tn";
  EXPECT_EQ(all_tensor_core({tensor}), std::optional<bool>(true));
  EXPECT_EQ(all_tensor_core({tensor, "splitKreduce_kernel"}), std::optional<bool>(true));
  EXPECT_EQ(all_tensor_core({tensor, simt}), std::optional<bool>(false));
  EXPECT_EQ(all_tensor_core({simt}), std::optional<bool>(false));
  EXPECT_EQ(all_tensor_core({tensor, "vectorized_elementwise_kernel"}), std::nullopt);
  EXPECT_EQ(all_tensor_core({"splitKreduce_kernel"}), std::nullopt);
  EXPECT_EQ(all_tensor_core({}), std::nullopt);
}

}  // namespace
}  // namespace gpubench
