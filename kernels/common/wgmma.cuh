#pragma once
// Inline-PTX wrappers of Hopper's warpgroup MMA (wgmma.mma_async, sm_90a only) and the
// instructions that order it: one m64n256 shape per input type, A and B from shared memory
// through descriptors (kernels/common/wgmma_layout.hpp). Device code only; every wrapper compiles
// to nothing outside an sm_90a device pass (__CUDA_ARCH_FEAT_SM90_ALL), so a translation unit
// that includes this builds for any target and simply has no wgmma kernels there.

#include <cstdint>
#include <type_traits>

#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define GPUBENCH_WGMMA_DEVICE 1
#else
#define GPUBENCH_WGMMA_DEVICE 0
#endif

namespace gpubench::wgmma {

// Orders this warpgroup's register and shared-memory accesses before the wgmma that follow.
__device__ __forceinline__ void fence() {
#if GPUBENCH_WGMMA_DEVICE
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void commit_group() {
#if GPUBENCH_WGMMA_DEVICE
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
#endif
}
// Waits until at most `Pending` committed groups of this warpgroup are still running.
template <int Pending>
__device__ __forceinline__ void wait_group() {
#if GPUBENCH_WGMMA_DEVICE
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(Pending) : "memory");
#endif
}
// Makes this thread's generic-proxy writes to shared memory visible to the async proxy (wgmma,
// TMA), as the PTX memory model requires before they read what plain stores wrote.
__device__ __forceinline__ void fence_proxy_async_shared() {
#if GPUBENCH_WGMMA_DEVICE
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
#endif
}

// Pins each accumulator register, as the type the wgmma wrappers bind it with ("f" for float, "r"
// for 32-bit words), at this point of the program: an empty asm that reads and writes it. Without
// it, a float accumulator array that the kernel initializes from or stores as integer bits is
// carried across the loop in integer registers (the compiler folds the bit casts into the loop's
// values), so every wgmma group ends in 128 float-to-integer moves, and ptxas, which must not let
// other instructions touch registers a wgmma is still writing, injects warpgroup.wait and
// warpgroup.arrive around them (ptxas C7517 / C7519). Call it on the accumulators before a chain's
// first wgmma.fence and after its last wait_group, as CUTLASS's GMMA mainloops do; it emits no
// instruction.
template <typename T, int N>
__device__ __forceinline__ void fence_operands(T (&d)[N]) {
#if GPUBENCH_WGMMA_DEVICE
#pragma unroll
  for (int i = 0; i < N; ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      asm volatile("" : "+f"(d[i])::"memory");
    } else {
      static_assert(sizeof(T) == 4, "wgmma accumulators are 32-bit registers");
      asm volatile("" : "+r"(d[i])::"memory");
    }
  }
#else
  (void)d;
#endif
}

// The accumulator operands: D's registers as %0.. in the instruction text, bound to the array `d`
// with constraint `c` ("f" for FP32, "r" for FP16x2 and S32 words).
#define GPUBENCH_WGMMA_D64                                                                      \
  "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, " \
  "%20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, "  \
  "%38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, "  \
  "%56, %57, %58, %59, %60, %61, %62, %63}"
#define GPUBENCH_WGMMA_D128                                                                        \
  "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, "    \
  "%20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, "     \
  "%38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, "     \
  "%56, %57, %58, %59, %60, %61, %62, %63, %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, "     \
  "%74, %75, %76, %77, %78, %79, %80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, "     \
  "%92, %93, %94, %95, %96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, " \
  "%109, %110, %111, %112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, "     \
  "%124, %125, %126, %127}"
#define GPUBENCH_WGMMA_BIND64(c)                                                             \
  "+" c(d[0]), "+" c(d[1]), "+" c(d[2]), "+" c(d[3]), "+" c(d[4]), "+" c(d[5]), "+" c(d[6]), \
      "+" c(d[7]), "+" c(d[8]), "+" c(d[9]), "+" c(d[10]), "+" c(d[11]), "+" c(d[12]),       \
      "+" c(d[13]), "+" c(d[14]), "+" c(d[15]), "+" c(d[16]), "+" c(d[17]), "+" c(d[18]),    \
      "+" c(d[19]), "+" c(d[20]), "+" c(d[21]), "+" c(d[22]), "+" c(d[23]), "+" c(d[24]),    \
      "+" c(d[25]), "+" c(d[26]), "+" c(d[27]), "+" c(d[28]), "+" c(d[29]), "+" c(d[30]),    \
      "+" c(d[31]), "+" c(d[32]), "+" c(d[33]), "+" c(d[34]), "+" c(d[35]), "+" c(d[36]),    \
      "+" c(d[37]), "+" c(d[38]), "+" c(d[39]), "+" c(d[40]), "+" c(d[41]), "+" c(d[42]),    \
      "+" c(d[43]), "+" c(d[44]), "+" c(d[45]), "+" c(d[46]), "+" c(d[47]), "+" c(d[48]),    \
      "+" c(d[49]), "+" c(d[50]), "+" c(d[51]), "+" c(d[52]), "+" c(d[53]), "+" c(d[54]),    \
      "+" c(d[55]), "+" c(d[56]), "+" c(d[57]), "+" c(d[58]), "+" c(d[59]), "+" c(d[60]),    \
      "+" c(d[61]), "+" c(d[62]), "+" c(d[63])
#define GPUBENCH_WGMMA_BIND128(c)                                                               \
  "+" c(d[0]), "+" c(d[1]), "+" c(d[2]), "+" c(d[3]), "+" c(d[4]), "+" c(d[5]), "+" c(d[6]),    \
      "+" c(d[7]), "+" c(d[8]), "+" c(d[9]), "+" c(d[10]), "+" c(d[11]), "+" c(d[12]),          \
      "+" c(d[13]), "+" c(d[14]), "+" c(d[15]), "+" c(d[16]), "+" c(d[17]), "+" c(d[18]),       \
      "+" c(d[19]), "+" c(d[20]), "+" c(d[21]), "+" c(d[22]), "+" c(d[23]), "+" c(d[24]),       \
      "+" c(d[25]), "+" c(d[26]), "+" c(d[27]), "+" c(d[28]), "+" c(d[29]), "+" c(d[30]),       \
      "+" c(d[31]), "+" c(d[32]), "+" c(d[33]), "+" c(d[34]), "+" c(d[35]), "+" c(d[36]),       \
      "+" c(d[37]), "+" c(d[38]), "+" c(d[39]), "+" c(d[40]), "+" c(d[41]), "+" c(d[42]),       \
      "+" c(d[43]), "+" c(d[44]), "+" c(d[45]), "+" c(d[46]), "+" c(d[47]), "+" c(d[48]),       \
      "+" c(d[49]), "+" c(d[50]), "+" c(d[51]), "+" c(d[52]), "+" c(d[53]), "+" c(d[54]),       \
      "+" c(d[55]), "+" c(d[56]), "+" c(d[57]), "+" c(d[58]), "+" c(d[59]), "+" c(d[60]),       \
      "+" c(d[61]), "+" c(d[62]), "+" c(d[63]), "+" c(d[64]), "+" c(d[65]), "+" c(d[66]),       \
      "+" c(d[67]), "+" c(d[68]), "+" c(d[69]), "+" c(d[70]), "+" c(d[71]), "+" c(d[72]),       \
      "+" c(d[73]), "+" c(d[74]), "+" c(d[75]), "+" c(d[76]), "+" c(d[77]), "+" c(d[78]),       \
      "+" c(d[79]), "+" c(d[80]), "+" c(d[81]), "+" c(d[82]), "+" c(d[83]), "+" c(d[84]),       \
      "+" c(d[85]), "+" c(d[86]), "+" c(d[87]), "+" c(d[88]), "+" c(d[89]), "+" c(d[90]),       \
      "+" c(d[91]), "+" c(d[92]), "+" c(d[93]), "+" c(d[94]), "+" c(d[95]), "+" c(d[96]),       \
      "+" c(d[97]), "+" c(d[98]), "+" c(d[99]), "+" c(d[100]), "+" c(d[101]), "+" c(d[102]),    \
      "+" c(d[103]), "+" c(d[104]), "+" c(d[105]), "+" c(d[106]), "+" c(d[107]), "+" c(d[108]), \
      "+" c(d[109]), "+" c(d[110]), "+" c(d[111]), "+" c(d[112]), "+" c(d[113]), "+" c(d[114]), \
      "+" c(d[115]), "+" c(d[116]), "+" c(d[117]), "+" c(d[118]), "+" c(d[119]), "+" c(d[120]), \
      "+" c(d[121]), "+" c(d[122]), "+" c(d[123]), "+" c(d[124]), "+" c(d[125]), "+" c(d[126]), \
      "+" c(d[127])

// One wrapper per shape and type: D (+)= A * B for an m64n256 tile, A and B through descriptors;
// scale_d = 0 ignores D's input (D = A * B). Operands after the N accumulators: %N, %N+1 the
// descriptors, %N+2 scale-d, %N+3 the transpose-B immediate (read only by the f16/bf16 forms;
// TransposeB = 1 reads B N-major).
#if GPUBENCH_WGMMA_DEVICE
#define GPUBENCH_WGMMA_WRAPPER(name, type, count, constraint, text)                            \
  template <int TransposeB = 0>                                                                \
  __device__ __forceinline__ void mma_m64n256_##name(type(&d)[count], std::uint64_t a,         \
                                                     std::uint64_t b, std::uint32_t scale_d) { \
    asm volatile(text                                                                          \
                 : GPUBENCH_WGMMA_BIND##count(constraint)                                      \
                 : "l"(a), "l"(b), "r"(scale_d), "n"(TransposeB)                               \
                 : "memory");                                                                  \
  }
#else
#define GPUBENCH_WGMMA_WRAPPER(name, type, count, constraint, text)                                \
  template <int TransposeB = 0>                                                                    \
  __device__ __forceinline__ void mma_m64n256_##name(type(&)[count], std::uint64_t, std::uint64_t, \
                                                     std::uint32_t) {}
#endif
// The instruction text, with scale-d turned into the predicate wgmma takes.
#define GPUBENCH_WGMMA_TEXT(shape_types, regs, operands)                                      \
  "{\n.reg .pred p;\nsetp.ne.b32 p, " operands ";\nwgmma.mma_async.sync.aligned." shape_types \
  " " regs

GPUBENCH_WGMMA_WRAPPER(f32_f16, float, 128, "f",
                       GPUBENCH_WGMMA_TEXT("m64n256k16.f32.f16.f16", GPUBENCH_WGMMA_D128,
                                           "%130, 0") ", %128, %129, p, 1, 1, 0, %131;\n}\n")
GPUBENCH_WGMMA_WRAPPER(f32_bf16, float, 128, "f",
                       GPUBENCH_WGMMA_TEXT("m64n256k16.f32.bf16.bf16", GPUBENCH_WGMMA_D128,
                                           "%130, 0") ", %128, %129, p, 1, 1, 0, %131;\n}\n")
GPUBENCH_WGMMA_WRAPPER(f32_tf32, float, 128, "f",
                       GPUBENCH_WGMMA_TEXT("m64n256k8.f32.tf32.tf32", GPUBENCH_WGMMA_D128,
                                           "%130, 0") ", %128, %129, p, 1, 1;\n}\n")
GPUBENCH_WGMMA_WRAPPER(f32_e4m3, float, 128, "f",
                       GPUBENCH_WGMMA_TEXT("m64n256k32.f32.e4m3.e4m3", GPUBENCH_WGMMA_D128,
                                           "%130, 0") ", %128, %129, p, 1, 1;\n}\n")
GPUBENCH_WGMMA_WRAPPER(f32_e5m2, float, 128, "f",
                       GPUBENCH_WGMMA_TEXT("m64n256k32.f32.e5m2.e5m2", GPUBENCH_WGMMA_D128,
                                           "%130, 0") ", %128, %129, p, 1, 1;\n}\n")
GPUBENCH_WGMMA_WRAPPER(f16_f16, std::uint32_t, 64, "r",
                       GPUBENCH_WGMMA_TEXT("m64n256k16.f16.f16.f16", GPUBENCH_WGMMA_D64,
                                           "%66, 0") ", %64, %65, p, 1, 1, 0, %67;\n}\n")
GPUBENCH_WGMMA_WRAPPER(f16_e4m3, std::uint32_t, 64, "r",
                       GPUBENCH_WGMMA_TEXT("m64n256k32.f16.e4m3.e4m3", GPUBENCH_WGMMA_D64,
                                           "%66, 0") ", %64, %65, p, 1, 1;\n}\n")
GPUBENCH_WGMMA_WRAPPER(f16_e5m2, std::uint32_t, 64, "r",
                       GPUBENCH_WGMMA_TEXT("m64n256k32.f16.e5m2.e5m2", GPUBENCH_WGMMA_D64,
                                           "%66, 0") ", %64, %65, p, 1, 1;\n}\n")
GPUBENCH_WGMMA_WRAPPER(s32_s8, std::uint32_t, 128, "r",
                       GPUBENCH_WGMMA_TEXT("m64n256k32.s32.s8.s8", GPUBENCH_WGMMA_D128,
                                           "%130, 0") ", %128, %129, p;\n}\n")

#undef GPUBENCH_WGMMA_TEXT
#undef GPUBENCH_WGMMA_WRAPPER

}  // namespace gpubench::wgmma
