#pragma once
// Bit-exact models of the narrow element and scale formats of Blackwell's block-scaled tensor math
// (OCP Microscaling Formats (MX) Specification v1.0, "Element Data Types" and "Scale Data Types";
// PTX ISA 8.7+, "Alternate Floating Point Data Formats"):
//   FP8 E4M3 / E5M2, FP6 E3M2 / E2M3, FP4 E2M1 elements (sign, exponent, mantissa; a zero exponent
//   field is subnormal), the E8M0 scale (an exponent alone: 2^(code - 127), 0xFF NaN) and the
//   unsigned E4M3 scale of NVFP4 (ue4m3: E4M3's magnitude bits; cuBLASLt ignores the sign bit).
// FP6 and FP4 have no infinity or NaN: every code point is a finite number. E4M3 has NaN only
// (S.1111.111), E5M2 infinities and NaNs as IEEE does.
// Everything here is constexpr and host/device, so the kernels encode what the CPU tests check.

#include <cstdint>

#include "kernels/common/host_device.hpp"

namespace gpubench::mx {

enum class Format : int { kE4m3, kE5m2, kE3m2, kE2m3, kE2m1 };
enum class ScaleFormat : int { kUe8m0, kUe4m3 };

struct FormatLayout {
  int exponent_bits;
  int mantissa_bits;
  int bias;
  GPUBENCH_HD constexpr int width() const { return 1 + exponent_bits + mantissa_bits; }
};

// OCP MX v1.0 Table 1 (exponent bias: E4M3 7, E5M2 15, E3M2 3, E2M3 1, E2M1 1).
GPUBENCH_HD constexpr FormatLayout format_layout(Format format) {
  switch (format) {
    case Format::kE4m3:
      return {4, 3, 7};
    case Format::kE5m2:
      return {5, 2, 15};
    case Format::kE3m2:
      return {3, 2, 3};
    case Format::kE2m3:
      return {2, 3, 1};
    case Format::kE2m1:
      return {2, 1, 1};
  }
  return {0, 0, 0};
}

// 2^exponent, exact in double for the exponents used here (|exponent| < 1000).
GPUBENCH_HD constexpr double exp2_int(int exponent) {
  double value = 1.0;
  for (int i = 0; i < exponent; ++i)
    value *= 2.0;
  for (int i = 0; i > exponent; --i)
    value /= 2.0;
  return value;
}

enum class Class : int { kFinite, kInfinity, kNan };

struct Decoded {
  Class kind;
  double value;  // the number when kind == kFinite (signed; -0.0 for the negative zero)
};

// The value of element code `code` (the format's width() low bits; higher bits ignored).
GPUBENCH_HD constexpr Decoded decode(Format format, std::uint32_t code) {
  const FormatLayout layout = format_layout(format);
  const std::uint32_t magnitude_mask = (1u << (layout.width() - 1)) - 1u;
  const bool negative = ((code >> (layout.width() - 1)) & 1u) != 0;
  const std::uint32_t magnitude = code & magnitude_mask;
  const auto exponent_field = static_cast<int>(magnitude >> layout.mantissa_bits);
  const auto mantissa = static_cast<int>(magnitude & ((1u << layout.mantissa_bits) - 1u));
  const int exponent_max = (1 << layout.exponent_bits) - 1;
  if (format == Format::kE4m3 && magnitude == magnitude_mask) return {Class::kNan, 0.0};
  if (format == Format::kE5m2 && exponent_field == exponent_max) {
    return {mantissa == 0 ? Class::kInfinity : Class::kNan, 0.0};
  }
  // Subnormal (exponent field 0): 0.m x 2^(1 - bias); normal: 1.m x 2^(e - bias).
  const int significand = exponent_field == 0 ? mantissa : (1 << layout.mantissa_bits) + mantissa;
  const int exponent = (exponent_field == 0 ? 1 : exponent_field) - layout.bias;
  const double value = static_cast<double>(significand) * exp2_int(exponent - layout.mantissa_bits);
  return {Class::kFinite, negative ? -value : value};
}

// The code of a finite value the format holds exactly, or -1 when it holds no such value. Found by
// search over the code points, so it can never disagree with decode().
GPUBENCH_HD constexpr int encode_exact(Format format, double value) {
  const int codes = 1 << format_layout(format).width();
  const bool negative = value < 0 || (value == 0 && 1.0 / value < 0);
  for (int code = 0; code < codes; ++code) {
    const Decoded d = decode(format, static_cast<std::uint32_t>(code));
    const bool code_negative = (code >> (format_layout(format).width() - 1)) != 0;
    if (d.kind == Class::kFinite && d.value == value && code_negative == negative) return code;
  }
  return -1;
}

// The code of +-1 or +-2 (the benchmark chains' elements), written out so a kernel needs no
// search; the CPU tests hold it to encode_exact. Sign bit: the format's top bit.
GPUBENCH_HD constexpr std::uint32_t encode_small(Format format, int value) {
  const bool negative = value < 0;
  const bool two = value == 2 || value == -2;
  std::uint32_t one_code = 0, two_code = 0;
  switch (format) {
    case Format::kE4m3:
      one_code = 0x38u, two_code = 0x40u;
      break;
    case Format::kE5m2:
      one_code = 0x3Cu, two_code = 0x40u;
      break;
    case Format::kE3m2:
      one_code = 0x0Cu, two_code = 0x10u;
      break;
    case Format::kE2m3:
      one_code = 0x08u, two_code = 0x10u;
      break;
    case Format::kE2m1:
      one_code = 0x2u, two_code = 0x4u;
      break;
  }
  const std::uint32_t sign = negative ? 1u << (format_layout(format).width() - 1) : 0u;
  return sign | (two ? two_code : one_code);
}

// --- Scales.

// E8M0 (OCP MX v1.0, "E8M0"): 2^(code - 127) for codes 0..254, NaN for 0xFF; no sign, no
// zero. ue4m3 (PTX ISA, "Alternate Floating Point Data Formats"; the NVFP4 block scale): the
// magnitude of an E4M3 code, whose sign bit is ignored, NaN at 0x7F.
GPUBENCH_HD constexpr Decoded decode_scale(ScaleFormat format, std::uint32_t code) {
  code &= 0xFFu;
  if (format == ScaleFormat::kUe8m0) {
    if (code == 0xFFu) return {Class::kNan, 0.0};
    return {Class::kFinite, exp2_int(static_cast<int>(code) - 127)};
  }
  return decode(Format::kE4m3, code & 0x7Fu);
}

// --- Register containers of mma.sync (PTX ISA 9.7.14.5, "Matrix Fragments for mma.m16n8k32",
// and the packing formats of .kind::f8f6f4): each element of
// .kind::f8f6f4 and .kind::mxf8f6f4 sits in an 8-bit container. FP8 fills it; FP6 takes bits 5..0
// (bits 7..6 zero); FP4 takes bits 5..2 (bits 7..6 and 1..0 zero), so its sign lines up with
// FP6's. .kind::mxf4 and .kind::mxf4nvf4 pack FP4 two to a byte, eight to a register.

GPUBENCH_HD constexpr std::uint32_t container_byte(Format format, std::uint32_t code) {
  switch (format) {
    case Format::kE3m2:
    case Format::kE2m3:
      return code & 0x3Fu;
    case Format::kE2m1:
      return (code & 0xFu) << 2;
    default:
      return code & 0xFFu;
  }
}

// The element code a container byte holds (the inverse of container_byte on its image).
GPUBENCH_HD constexpr std::uint32_t code_of_container(Format format, std::uint32_t byte) {
  switch (format) {
    case Format::kE3m2:
    case Format::kE2m3:
      return byte & 0x3Fu;
    case Format::kE2m1:
      return (byte >> 2) & 0xFu;
    default:
      return byte & 0xFFu;
  }
}

// --- Block scaling (PTX ISA 9.7.14.3 "Block Scaling for mma.sync"): D = (A x scale_A) (B x
// scale_B) + C, where each row of A and each column of B is cut into `scale_vec` chunks along K
// (scale_vec::1X, 2X, 4X) and every element of chunk j is multiplied by that row's (column's) j-th
// scale factor.

// The chunk of K that element k belongs to.
GPUBENCH_HD constexpr int scale_chunk(int k, int depth, int scale_vec) {
  return k / (depth / scale_vec);
}

// One term of the block-scaled product: (a x sa) x (b x sb), exact in double for the narrow
// formats (at most 4 + 4 significant bits in each factor).
GPUBENCH_HD constexpr double scaled_product(double a, double scale_a, double b, double scale_b) {
  return (a * scale_a) * (b * scale_b);
}

}  // namespace gpubench::mx
