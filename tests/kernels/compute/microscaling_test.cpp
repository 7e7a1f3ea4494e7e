// The FP8/FP6/FP4 element and E8M0/UE4M3 scale models (kernels/common/microscaling.hpp) against
// the values the OCP Microscaling (MX) Specification v1.0 and the PTX ISA document: every code
// point of FP4 and FP6, the FP8 extremes and specials, the scales, the mma.sync containers.
#include "kernels/common/microscaling.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace gpubench::mx {
namespace {

// The non-negative half of each format (codes 0 .. 2^(width-1) - 1), written out from the OCP MX
// spec's element tables: E2M1 max 6, subnormal 0.5; E2M3 max 7.5, min subnormal 0.125; E3M2 max 28,
// min subnormal 0.0625 (section "Element Data Types").
constexpr std::array<double, 8> kE2m1 = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
constexpr std::array<double, 32> kE2m3 = {
    0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875,  // exponent field 0: subnormal
    1, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875,  //
    2, 2.25,  2.5,  2.75,  3,   3.25,  3.5,  3.75,   //
    4, 4.5,   5,    5.5,   6,   6.5,   7,    7.5};
constexpr std::array<double, 32> kE3m2 = {
    0,   0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.375, 0.4375,  // exponent fields 0 (subnormal), 1
    0.5, 0.625,  0.75,  0.875,  1,    1.25,   1.5,   1.75,    // 2, 3
    2,   2.5,    3,     3.5,    4,    5,      6,     7,       // 4, 5
    8,   10,     12,    14,     16,   20,     24,    28};     // 6, 7

template <std::size_t N>
void expect_every_code_point(Format format, const std::array<double, N>& positive) {
  const auto sign_bit = static_cast<std::uint32_t>(N);  // the top bit of the format
  for (std::uint32_t code = 0; code < N; ++code) {
    const Decoded plus = decode(format, code);
    const Decoded minus = decode(format, code | sign_bit);
    ASSERT_EQ(plus.kind, Class::kFinite) << "code " << code;
    ASSERT_EQ(minus.kind, Class::kFinite) << "code " << (code | sign_bit);
    EXPECT_EQ(plus.value, positive[code]) << "code " << code;
    EXPECT_EQ(minus.value, -positive[code]) << "code " << (code | sign_bit);
    EXPECT_TRUE(std::signbit(minus.value)) << "code " << (code | sign_bit);
    // And back: the value's code is the code (zero keeps its sign).
    EXPECT_EQ(encode_exact(format, plus.value), static_cast<int>(code));
    EXPECT_EQ(encode_exact(format, minus.value), static_cast<int>(code | sign_bit));
  }
}

TEST(Microscaling, EveryFp4CodePointMatchesTheOcpTable) {
  EXPECT_EQ(format_layout(Format::kE2m1).width(), 4);
  expect_every_code_point(Format::kE2m1, kE2m1);
}

TEST(Microscaling, EveryFp6CodePointMatchesTheOcpTables) {
  EXPECT_EQ(format_layout(Format::kE2m3).width(), 6);
  EXPECT_EQ(format_layout(Format::kE3m2).width(), 6);
  expect_every_code_point(Format::kE2m3, kE2m3);
  expect_every_code_point(Format::kE3m2, kE3m2);
}

TEST(Microscaling, Fp8ExtremesAndSpecialValues) {
  // E4M3: max normal 448 (S.1111.110), NaN S.1111.111, no infinity; min subnormal 2^-9.
  EXPECT_EQ(decode(Format::kE4m3, 0x7E).value, 448.0);
  EXPECT_EQ(decode(Format::kE4m3, 0x7F).kind, Class::kNan);
  EXPECT_EQ(decode(Format::kE4m3, 0xFF).kind, Class::kNan);
  EXPECT_EQ(decode(Format::kE4m3, 0x78).value, 256.0);  // exponent 15 is a normal number here
  EXPECT_EQ(decode(Format::kE4m3, 0x01).value, std::ldexp(1.0, -9));
  EXPECT_EQ(decode(Format::kE4m3, 0x08).value, std::ldexp(1.0, -6));  // min normal
  EXPECT_EQ(decode(Format::kE4m3, 0x38).value, 1.0);
  // E5M2: IEEE-like: max normal 57344, infinities and NaNs at exponent 31, min subnormal 2^-16.
  EXPECT_EQ(decode(Format::kE5m2, 0x7B).value, 57344.0);
  EXPECT_EQ(decode(Format::kE5m2, 0x7C).kind, Class::kInfinity);
  EXPECT_EQ(decode(Format::kE5m2, 0xFC).kind, Class::kInfinity);
  EXPECT_EQ(decode(Format::kE5m2, 0x7D).kind, Class::kNan);
  EXPECT_EQ(decode(Format::kE5m2, 0x01).value, std::ldexp(1.0, -16));
  EXPECT_EQ(decode(Format::kE5m2, 0xBC).value, -1.0);
  // Every other code of both is finite and round-trips.
  for (const Format format : {Format::kE4m3, Format::kE5m2}) {
    for (std::uint32_t code = 0; code < 256; ++code) {
      const Decoded d = decode(format, code);
      if (d.kind == Class::kFinite) {
        EXPECT_EQ(encode_exact(format, d.value), static_cast<int>(code));
      }
    }
  }
}

TEST(Microscaling, ScalesDecodeAsTheSpecsSay) {
  // E8M0: 2^(code - 127), 0xFF NaN (OCP MX "E8M0").
  EXPECT_EQ(decode_scale(ScaleFormat::kUe8m0, 127).value, 1.0);
  EXPECT_EQ(decode_scale(ScaleFormat::kUe8m0, 0).value, std::ldexp(1.0, -127));
  EXPECT_EQ(decode_scale(ScaleFormat::kUe8m0, 254).value, std::ldexp(1.0, 127));
  EXPECT_EQ(decode_scale(ScaleFormat::kUe8m0, 126).value, 0.5);
  EXPECT_EQ(decode_scale(ScaleFormat::kUe8m0, 0xFF).kind, Class::kNan);
  for (std::uint32_t code = 0; code < 255; ++code) {
    EXPECT_EQ(decode_scale(ScaleFormat::kUe8m0, code).value,
              std::ldexp(1.0, static_cast<int>(code) - 127));
  }
  // UE4M3: E4M3's magnitude, sign bit ignored; 448 at most, NaN at 0x7F.
  EXPECT_EQ(decode_scale(ScaleFormat::kUe4m3, 0x38).value, 1.0);
  EXPECT_EQ(decode_scale(ScaleFormat::kUe4m3, 0xB8).value, 1.0);
  EXPECT_EQ(decode_scale(ScaleFormat::kUe4m3, 0x3C).value, 1.5);
  EXPECT_EQ(decode_scale(ScaleFormat::kUe4m3, 0x7E).value, 448.0);
  EXPECT_EQ(decode_scale(ScaleFormat::kUe4m3, 0x7F).kind, Class::kNan);
  EXPECT_EQ(decode_scale(ScaleFormat::kUe4m3, 0x01).value, std::ldexp(1.0, -9));
}

TEST(Microscaling, SmallIntegerCodesAreTheExactEncodings) {
  for (const Format format :
       {Format::kE4m3, Format::kE5m2, Format::kE3m2, Format::kE2m3, Format::kE2m1}) {
    for (const int value : {-2, -1, 1, 2}) {
      EXPECT_EQ(static_cast<int>(encode_small(format, value)),
                encode_exact(format, static_cast<double>(value)))
          << static_cast<int>(format) << " " << value;
    }
  }
}

TEST(Microscaling, ContainersPlaceFp6InBits5To0AndFp4InBits5To2) {
  EXPECT_EQ(container_byte(Format::kE2m1, 0x2), 0x08u);  // 1.0
  EXPECT_EQ(container_byte(Format::kE2m1, 0xF), 0x3Cu);  // -6: sign at bit 5, as FP6's
  EXPECT_EQ(container_byte(Format::kE2m3, 0x3F), 0x3Fu);
  EXPECT_EQ(container_byte(Format::kE3m2, 0x20), 0x20u);
  EXPECT_EQ(container_byte(Format::kE4m3, 0xB8), 0xB8u);
  // E2M1 in its container reads as the E2M3 of the same value (the low mantissa bits zero).
  for (std::uint32_t code = 0; code < 16; ++code) {
    EXPECT_EQ(decode(Format::kE2m3, container_byte(Format::kE2m1, code)).value,
              decode(Format::kE2m1, code).value);
    EXPECT_EQ(code_of_container(Format::kE2m1, container_byte(Format::kE2m1, code)), code);
  }
  for (std::uint32_t code = 0; code < 64; ++code) {
    EXPECT_EQ(code_of_container(Format::kE3m2, container_byte(Format::kE3m2, code)), code);
  }
}

TEST(Microscaling, ScaleChunksSplitKEvenly) {
  EXPECT_EQ(scale_chunk(31, 32, 1), 0);
  EXPECT_EQ(scale_chunk(31, 64, 2), 0);
  EXPECT_EQ(scale_chunk(32, 64, 2), 1);
  EXPECT_EQ(scale_chunk(15, 64, 4), 0);
  EXPECT_EQ(scale_chunk(16, 64, 4), 1);
  EXPECT_EQ(scale_chunk(63, 64, 4), 3);
  EXPECT_EQ(scaled_product(-3, 0.5, 6, 1.5), -13.5);
}

static_assert(decode(Format::kE2m1, 0x7).value == 6.0, "usable in constant expressions");
static_assert(encode_small(Format::kE3m2, -2) == 0x30u);

}  // namespace
}  // namespace gpubench::mx
