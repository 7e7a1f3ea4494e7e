#pragma once
// Inline-PTX wrappers of the warp-wide mma.sync, one per shape and type used: the m16n8k* shapes
// of sm_80 on (f16, bf16, tf32, s8, s4), Turing's narrower ones (sm_75: m16n8k8 for f16, m8n8k16
// and m8n8k32 for s8 and s4) and Ada's FP8 (sm_89: e4m3/e5m2, f32 accumulators from PTX ISA 8.4 /
// CUDA 12.4, f16 from CUDA 12.8). Register layouts are kernels/common/mma_layout.hpp's. Each
// wrapper takes D (read and written), A and B as arrays of 32-bit registers: f32 accumulators as
// float, f16x2 and s32 ones as std::uint32_t.
//
// Every wrapper is a template on Issue, which each call site chooses and comments, because the two
// users need opposite things of the compiler (see Issue). Device code only; a wrapper is compiled
// only where a kernel instantiates it, so an architecture without the instruction never sees it.

#include <cstdint>

namespace gpubench::mma_sync {

// How the compiler may treat an mma.sync.
enum class Issue {
  // Plain asm: a pure function of its registers, which the compiler may schedule among the loads
  // and address arithmetic around it (or drop if its result were unused), as it would a builtin.
  kSchedulable,
  // asm volatile: issued exactly as written, in program order with the other volatile asm (the
  // clock and timer reads), never merged, hoisted or dropped.
  kAsWritten,
};

#if defined(__CUDA_ARCH__)

// One asm statement, volatile or not as `issue` says; the arguments are asm's (text : outputs :
// inputs), written once for both forms.
#define GPUBENCH_MMA_SYNC_ASM(issue, ...)         \
  do {                                            \
    if constexpr ((issue) == Issue::kAsWritten) { \
      asm volatile(__VA_ARGS__);                  \
    } else {                                      \
      asm(__VA_ARGS__);                           \
    }                                             \
  } while (0)

// --- f16 inputs

// sm_75's f16 shape: D (2 words of f16x2) += A (2) * B (1).
template <Issue I>
__device__ __forceinline__ void m16n8k8_f16_f16(std::uint32_t* d, const std::uint32_t* a,
                                                const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k8.row.col.f16.f16.f16.f16 {%0,%1}, {%2,%3}, {%4}, "
                        "{%0,%1};"
                        : "+r"(d[0]), "+r"(d[1])
                        : "r"(a[0]), "r"(a[1]), "r"(b[0]));
}
template <Issue I>
__device__ __forceinline__ void m16n8k16_f16_f16(std::uint32_t* d, const std::uint32_t* a,
                                                 const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%0,%1}, "
                        "{%2,%3,%4,%5}, {%6,%7}, {%0,%1};"
                        : "+r"(d[0]), "+r"(d[1])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
// sm_75's f16 shape with f32 accumulators: D (4 floats) += A (2) * B (1).
template <Issue I>
__device__ __forceinline__ void m16n8k8_f32_f16(float* d, const std::uint32_t* a,
                                                const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5}, "
                        "{%6}, {%0,%1,%2,%3};"
                        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                        : "r"(a[0]), "r"(a[1]), "r"(b[0]));
}
template <Issue I>
__device__ __forceinline__ void m16n8k16_f32_f16(float* d, const std::uint32_t* a,
                                                 const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, "
                        "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// --- bf16 and tf32 inputs (sm_80 on)

template <Issue I>
__device__ __forceinline__ void m16n8k16_f32_bf16(float* d, const std::uint32_t* a,
                                                  const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, "
                        "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
template <Issue I>
__device__ __forceinline__ void m16n8k8_f32_tf32(float* d, const std::uint32_t* a,
                                                 const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, "
                        "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// --- integer inputs

// sm_75's s8 shape: D (2 words of s32) += A (1) * B (1).
template <Issue I>
__device__ __forceinline__ void m8n8k16_s32_s8(std::uint32_t* d, const std::uint32_t* a,
                                               const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m8n8k16.row.col.s32.s8.s8.s32 {%0,%1}, {%2}, {%3}, "
                        "{%0,%1};"
                        : "+r"(d[0]), "+r"(d[1])
                        : "r"(a[0]), "r"(b[0]));
}
template <Issue I>
__device__ __forceinline__ void m16n8k32_s32_s8(std::uint32_t* d, const std::uint32_t* a,
                                                const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, "
                        "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
// sm_75's s4 shape: D (2 words of s32) += A (1) * B (1).
template <Issue I>
__device__ __forceinline__ void m8n8k32_s32_s4(std::uint32_t* d, const std::uint32_t* a,
                                               const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m8n8k32.row.col.s32.s4.s4.s32 {%0,%1}, {%2}, {%3}, "
                        "{%0,%1};"
                        : "+r"(d[0]), "+r"(d[1])
                        : "r"(a[0]), "r"(b[0]));
}
template <Issue I>
__device__ __forceinline__ void m16n8k64_s32_s4(std::uint32_t* d, const std::uint32_t* a,
                                                const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k64.row.col.s32.s4.s4.s32 {%0,%1,%2,%3}, "
                        "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// --- FP8 inputs (sm_89 on; the caller checks the toolkit version each needs)

template <Issue I>
__device__ __forceinline__ void m16n8k32_f32_e4m3(float* d, const std::uint32_t* a,
                                                  const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, "
                        "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
template <Issue I>
__device__ __forceinline__ void m16n8k32_f32_e5m2(float* d, const std::uint32_t* a,
                                                  const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k32.row.col.f32.e5m2.e5m2.f32 {%0,%1,%2,%3}, "
                        "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
template <Issue I>
__device__ __forceinline__ void m16n8k32_f16_e4m3(std::uint32_t* d, const std::uint32_t* a,
                                                  const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k32.row.col.f16.e4m3.e4m3.f16 {%0,%1}, "
                        "{%2,%3,%4,%5}, {%6,%7}, {%0,%1};"
                        : "+r"(d[0]), "+r"(d[1])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
template <Issue I>
__device__ __forceinline__ void m16n8k32_f16_e5m2(std::uint32_t* d, const std::uint32_t* a,
                                                  const std::uint32_t* b) {
  GPUBENCH_MMA_SYNC_ASM(I,
                        "mma.sync.aligned.m16n8k32.row.col.f16.e5m2.e5m2.f16 {%0,%1}, "
                        "{%2,%3,%4,%5}, {%6,%7}, {%0,%1};"
                        : "+r"(d[0]), "+r"(d[1])
                        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

#undef GPUBENCH_MMA_SYNC_ASM

#endif  // __CUDA_ARCH__

}  // namespace gpubench::mma_sync
