// FloatFormat: parameters, decode tables, fp32 -> format encoding. Expected
// values are hand-computed (comments) or come from an independent reference
// (brute-force nearest-code search, the bf16 bit trick, the compiler's _Float16).

#include "golden/formats/float_format.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace bf::golden {
namespace {

uint32_t bits(float x) { return fp32_bits(x); }
constexpr auto kEven = Rounding::NearestEven;
constexpr auto kAway = Rounding::NearestAway;
constexpr auto kTrunc = Rounding::Truncate;

struct Expect {
  FloatFormat f;
  const char* name;
  int bias;
  int emax;
  uint32_t max_code;
  double max_value;
  double min_subnormal;
};

std::vector<Expect> named_table() {
  return {
      {FloatFormat::fp32(), "fp32", 127, 127, 0x7F7FFFFF,
       std::ldexp(2.0 - std::ldexp(1.0, -23), 127), std::ldexp(1.0, -149)},
      {FloatFormat::bf16(), "bf16", 127, 127, 0x7F7F, std::ldexp(2.0 - std::ldexp(1.0, -7), 127),
       std::ldexp(1.0, -133)},
      {FloatFormat::fp16(), "fp16", 15, 15, 0x7BFF, 65504.0, std::ldexp(1.0, -24)},
      {FloatFormat::e5m2(), "e5m2", 15, 15, 0x7B, 57344.0, std::ldexp(1.0, -16)},
      {FloatFormat::e4m3(), "e4m3", 7, 8, 0x7E, 448.0, std::ldexp(1.0, -9)},
      {FloatFormat::e3m2(), "e3m2", 3, 4, 0x1F, 28.0, 0.0625},
      {FloatFormat::e2m3(), "e2m3", 1, 2, 0x1F, 7.5, 0.125},
      {FloatFormat::e2m1(), "e2m1", 1, 2, 0x7, 6.0, 0.5},
  };
}

TEST(FloatFormat, NamedParameters) {
  for (const auto& e : named_table()) {
    SCOPED_TRACE(e.name);
    EXPECT_EQ(e.f.name(), e.name);
    EXPECT_EQ(e.f.bias(), e.bias);
    EXPECT_EQ(e.f.emax(), e.emax);
    EXPECT_EQ(e.f.emin(), 1 - e.bias);
    EXPECT_EQ(e.f.max_normal_code(), e.max_code);
    EXPECT_EQ(e.f.max_normal(), e.max_value);
    EXPECT_EQ(decode(e.f, e.max_code), e.max_value);
    EXPECT_EQ(decode(e.f, 1), e.min_subnormal);
    // Encoding the exact extreme values gives the extreme codes, both signs.
    const uint32_t sign = uint32_t{1} << (e.f.width() - 1);
    for (auto m : {kEven, kAway, kTrunc}) {
      EXPECT_EQ(encode_from_fp32(e.f, bits(static_cast<float>(e.max_value)), m), e.max_code);
      EXPECT_EQ(encode_from_fp32(e.f, bits(-static_cast<float>(e.max_value)), m),
                sign | e.max_code);
      EXPECT_EQ(encode_from_fp32(e.f, bits(static_cast<float>(e.min_subnormal)), m), 1u);
      EXPECT_EQ(encode_from_fp32(e.f, bits(-static_cast<float>(e.min_subnormal)), m), sign | 1u);
      EXPECT_EQ(encode_from_fp32(e.f, bits(0.0f), m), 0u);
      EXPECT_EQ(encode_from_fp32(e.f, bits(-0.0f), m), sign);
    }
    EXPECT_EQ(FloatFormat::parse(e.name), e.f);
  }
  EXPECT_EQ(FloatFormat::fp32().width(), 32);
  EXPECT_EQ(FloatFormat::e2m1().width(), 4);
  EXPECT_EQ(FloatFormat::e3m2().width(), 6);
}

TEST(FloatFormat, SpecialCodesDecode) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(decode(FloatFormat::fp32(), 0x7F800000), inf);
  EXPECT_EQ(decode(FloatFormat::fp32(), 0xFF800000), -inf);
  EXPECT_TRUE(std::isnan(decode(FloatFormat::fp32(), 0x7FC00000)));
  EXPECT_TRUE(std::isnan(decode(FloatFormat::fp32(), 0x7F800001)));
  EXPECT_EQ(decode(FloatFormat::bf16(), 0x7F80), inf);
  EXPECT_TRUE(std::isnan(decode(FloatFormat::bf16(), 0x7FC0)));
  EXPECT_EQ(decode(FloatFormat::fp16(), 0xFC00), -inf);
  EXPECT_TRUE(std::isnan(decode(FloatFormat::fp16(), 0x7E00)));
  EXPECT_EQ(decode(FloatFormat::e5m2(), 0x7C), inf);
  EXPECT_TRUE(std::isnan(decode(FloatFormat::e5m2(), 0x7D)));
  EXPECT_TRUE(std::isnan(decode(FloatFormat::e5m2(), 0xFF)));
  // e4m3: only S.1111.111 is NaN; the rest of exponent 1111 is normal.
  EXPECT_TRUE(std::isnan(decode(FloatFormat::e4m3(), 0x7F)));
  EXPECT_TRUE(std::isnan(decode(FloatFormat::e4m3(), 0xFF)));
  EXPECT_EQ(decode(FloatFormat::e4m3(), 0x78), 256.0);  // 1.000 * 2^8
  EXPECT_EQ(decode(FloatFormat::e4m3(), 0x7E), 448.0);  // 1.110 * 2^8
  EXPECT_EQ(decode(FloatFormat::e4m3(), 0xFE), -448.0);
  EXPECT_EQ(decode(FloatFormat::e4m3(), 0x38), 1.0);  // exponent 7 = bias
  // No specials: the all-ones codes are numbers.
  EXPECT_EQ(decode(FloatFormat::e3m2(), 0x3F), -28.0);
  EXPECT_EQ(decode(FloatFormat::e2m3(), 0x3F), -7.5);
  EXPECT_EQ(decode(FloatFormat::e2m1(), 0xF), -6.0);
}

TEST(FloatFormat, E2m1DecodeTable) {
  const double table[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
  const FloatFormat f = FloatFormat::e2m1();
  for (uint32_t c = 0; c < 16; ++c) {
    const double v = decode(f, c);
    EXPECT_EQ(v, c < 8 ? table[c] : -table[c - 8]) << c;
    EXPECT_EQ(std::signbit(v), c >= 8) << c;
    EXPECT_EQ(encode_from_fp32(f, bits(static_cast<float>(v)), kEven), c) << c;
  }
}

TEST(FloatFormat, E3m2DecodeTable) {
  // exponent field 0..7 (bias 3), mantissa 0..3.
  const double table[32] = {
      0,    0.0625, 0.125, 0.1875,  // subnormal: m/4 * 2^-2
      0.25, 0.3125, 0.375, 0.4375,  // 2^-2
      0.5,  0.625,  0.75,  0.875,   // 2^-1
      1,    1.25,   1.5,   1.75,    // 2^0
      2,    2.5,    3,     3.5,     // 2^1
      4,    5,      6,     7,       // 2^2
      8,    10,     12,    14,      // 2^3
      16,   20,     24,    28,      // 2^4
  };
  const FloatFormat f = FloatFormat::e3m2();
  for (uint32_t c = 0; c < 64; ++c) {
    EXPECT_EQ(decode(f, c), c < 32 ? table[c] : -table[c - 32]) << c;
    EXPECT_EQ(encode_from_fp32(f, bits(static_cast<float>(decode(f, c))), kEven), c) << c;
  }
}

TEST(FloatFormat, E2m3DecodeTable) {
  const double table[32] = {0,   0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1.125, 1.25, 1.375,
                            1.5, 1.625, 1.75, 1.875, 2,   2.25,  2.5,  2.75,  3, 3.25,  3.5,  3.75,
                            4,   4.5,   5,    5.5,   6,   6.5,   7,    7.5};
  for (uint32_t c = 0; c < 32; ++c) EXPECT_EQ(decode(FloatFormat::e2m3(), c), table[c]) << c;
}

TEST(FloatFormat, EncodeNanAndInf) {
  const uint32_t qnan = 0x7FC00001;  // quiet NaN with payload
  const uint32_t snan = 0x7F800001;  // signalling NaN
  const uint32_t nnan = 0xFFC00000;  // negative NaN
  const uint32_t pinf = 0x7F800000;
  const uint32_t ninf = 0xFF800000;
  EXPECT_EQ(encode_from_fp32(FloatFormat::fp32(), snan, kEven), 0x7FC00000u);
  EXPECT_EQ(encode_from_fp32(FloatFormat::bf16(), qnan, kEven), 0x7FC0u);
  EXPECT_EQ(encode_from_fp32(FloatFormat::bf16(), nnan, kEven), 0xFFC0u);
  EXPECT_EQ(encode_from_fp32(FloatFormat::fp16(), qnan, kEven), 0x7E00u);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e5m2(), nnan, kEven), 0xFEu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e4m3(), qnan, kEven), 0x7Fu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e4m3(), nnan, kEven), 0xFFu);
  // No NaN in the format: +max_normal, sign dropped (documented policy).
  EXPECT_EQ(encode_from_fp32(FloatFormat::e2m1(), nnan, kEven), 0x7u);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e3m2(), qnan, kEven), 0x1Fu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e2m3(), snan, kEven), 0x1Fu);
  // Inf: Inf only with Overflow::Infinity and a format that has it.
  EXPECT_EQ(encode_from_fp32(FloatFormat::e5m2(), pinf, kEven), 0x7Bu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e5m2(), ninf, kEven), 0xFBu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e5m2(), pinf, kEven, Overflow::Infinity), 0x7Cu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e5m2(), ninf, kTrunc, Overflow::Infinity), 0xFCu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::fp32(), pinf, kEven, Overflow::Infinity), pinf);
  EXPECT_EQ(encode_from_fp32(FloatFormat::bf16(), ninf, kEven, Overflow::Infinity), 0xFF80u);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e4m3(), pinf, kEven, Overflow::Infinity), 0x7Eu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e4m3(), ninf, kEven), 0xFEu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e2m1(), ninf, kEven, Overflow::Infinity), 0xFu);
}

TEST(FloatFormat, Fp32ToBf16Rounding) {
  const FloatFormat f = FloatFormat::bf16();
  // 0x3F80_8000: exactly halfway between 0x3F80 and 0x3F81.
  EXPECT_EQ(encode_from_fp32(f, 0x3F808000, kEven), 0x3F80u);
  EXPECT_EQ(encode_from_fp32(f, 0x3F808000, kAway), 0x3F81u);
  EXPECT_EQ(encode_from_fp32(f, 0x3F808000, kTrunc), 0x3F80u);
  EXPECT_EQ(encode_from_fp32(f, 0xBF808000, kEven), 0xBF80u);
  EXPECT_EQ(encode_from_fp32(f, 0xBF808000, kAway), 0xBF81u);
  // Halfway between 0x3F81 and 0x3F82: even goes up.
  EXPECT_EQ(encode_from_fp32(f, 0x3F818000, kEven), 0x3F82u);
  // Just above / below half.
  EXPECT_EQ(encode_from_fp32(f, 0x3F808001, kEven), 0x3F81u);
  EXPECT_EQ(encode_from_fp32(f, 0x3F807FFF, kAway), 0x3F80u);
  EXPECT_EQ(encode_from_fp32(f, 0x3F81FFFF, kTrunc), 0x3F81u);
  // Carry into the exponent: 1.11111111|1 * 2^0 -> 2.0.
  EXPECT_EQ(encode_from_fp32(f, 0x3FFF8000, kEven), 0x4000u);
  // fp32 max: rounds past bf16 max.
  EXPECT_EQ(encode_from_fp32(f, 0x7F7FFFFF, kEven, Overflow::Infinity), 0x7F80u);
  EXPECT_EQ(encode_from_fp32(f, 0x7F7FFFFF, kEven, Overflow::Saturate), 0x7F7Fu);
  EXPECT_EQ(encode_from_fp32(f, 0x7F7FFFFF, kTrunc, Overflow::Infinity), 0x7F7Fu);
  // Subnormals: bf16 is the top half of fp32.
  EXPECT_EQ(encode_from_fp32(f, 0x00000001, kEven), 0x0000u);  // 2^-149 << half of 2^-133
  EXPECT_EQ(encode_from_fp32(f, 0x00000001, kAway), 0x0000u);
  EXPECT_EQ(encode_from_fp32(f, 0x00008000, kEven), 0x0000u);  // tie, 0 is even
  EXPECT_EQ(encode_from_fp32(f, 0x00008000, kAway), 0x0001u);
  EXPECT_EQ(encode_from_fp32(f, 0x00018000, kEven), 0x0002u);  // tie, 1 is odd
  EXPECT_EQ(encode_from_fp32(f, 0x807FFFFF, kEven), 0x8080u);  // max subnormal -> min normal
  EXPECT_EQ(encode_from_fp32(f, 0x807FFFFF, kTrunc), 0x807Fu);
  // Stochastic: the dropped 16 bits 0x4000 are a quarter.
  EXPECT_EQ(encode_from_fp32(f, 0x3F804000, Rounding::Stochastic, Overflow::Saturate, 0xBFFF, 16),
            0x3F80u);
  EXPECT_EQ(encode_from_fp32(f, 0x3F804000, Rounding::Stochastic, Overflow::Saturate, 0xC000, 16),
            0x3F81u);
  EXPECT_EQ(encode_from_fp32(f, 0x3F804000, Rounding::Stochastic, Overflow::Saturate, 2, 2),
            0x3F80u);
  EXPECT_EQ(encode_from_fp32(f, 0x3F804000, Rounding::Stochastic, Overflow::Saturate, 3, 2),
            0x3F81u);
}

TEST(FloatFormat, Fp32ToBf16MatchesBitTrick) {
  // The classic RNE conversion (x + 0x7FFF + lsb) >> 16 for non-NaN inputs,
  // which overflows to Inf.
  std::mt19937 rng(1);
  for (int i = 0; i < 200000; ++i) {
    uint32_t x = rng();
    if (((x >> 23) & 0xFF) == 0xFF && (x & 0x7FFFFF) != 0) continue;  // NaN
    if (i % 4 == 0) x = (x & 0xFFFF0000u) | 0x8000u;                  // ties
    if (i % 4 == 1) x = (x & 0xFFFF0000u) | 0xFFFFu;                  // carries
    const uint32_t expect = (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;
    ASSERT_EQ(encode_from_fp32(FloatFormat::bf16(), x, kEven, Overflow::Infinity), expect)
        << std::hex << x;
    ASSERT_EQ(encode_from_fp32(FloatFormat::bf16(), x, kTrunc, Overflow::Infinity), x >> 16)
        << std::hex << x;
  }
}

TEST(FloatFormat, Fp32IsIdentity) {
  std::mt19937 rng(2);
  for (int i = 0; i < 200000; ++i) {
    uint32_t x = rng();
    if (i % 2 == 0) x &= 0x807FFFFFu;  // subnormals
    if (((x >> 23) & 0xFF) == 0xFF) continue;
    for (auto m : {kEven, kAway, kTrunc}) {
      ASSERT_EQ(encode_from_fp32(FloatFormat::fp32(), x, m, Overflow::Infinity), x);
    }
  }
}

TEST(FloatFormat, Fp16) {
  const FloatFormat f = FloatFormat::fp16();
  EXPECT_EQ(encode_from_fp32(f, bits(1.0f), kEven), 0x3C00u);
  EXPECT_EQ(encode_from_fp32(f, bits(-2.0f), kEven), 0xC000u);
  EXPECT_EQ(encode_from_fp32(f, bits(65504.0f), kEven), 0x7BFFu);
  // 65520 is halfway between 65504 (odd mantissa) and 65536 (overflow).
  EXPECT_EQ(encode_from_fp32(f, bits(65520.0f), kEven, Overflow::Infinity), 0x7C00u);
  EXPECT_EQ(encode_from_fp32(f, bits(65520.0f), kEven, Overflow::Saturate), 0x7BFFu);
  EXPECT_EQ(encode_from_fp32(f, bits(65520.0f), kAway, Overflow::Infinity), 0x7C00u);
  EXPECT_EQ(encode_from_fp32(f, bits(-65520.0f), kEven, Overflow::Infinity), 0xFC00u);
  EXPECT_EQ(encode_from_fp32(f, 0x477FEFFF, kEven, Overflow::Infinity), 0x7BFFu);  // < 65520
  // Round toward zero never overflows a finite input (IEEE 754).
  EXPECT_EQ(encode_from_fp32(f, bits(1e10f), kTrunc, Overflow::Infinity), 0x7BFFu);
  EXPECT_EQ(encode_from_fp32(f, bits(1e10f), kEven, Overflow::Infinity), 0x7C00u);
  // Subnormals: 2^-24 is the smallest; 2^-25 is a tie with 0.
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(1.0f, -24)), kEven), 0x0001u);
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(1.0f, -25)), kEven), 0x0000u);
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(1.0f, -25)), kAway), 0x0001u);
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(-3.0f, -26)), kEven), 0x8001u);  // 0.75 ulp
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(3.0f, -25)), kEven), 0x0002u);   // 1.5 ulp tie
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(1.0f, -14)), kEven), 0x0400u);   // min normal
  // An fp32 subnormal is far below fp16's range.
  EXPECT_EQ(encode_from_fp32(f, 0x00400000, kAway), 0x0000u);
  EXPECT_EQ(encode_from_fp32(f, 0x80400000, kAway), 0x8000u);
}

#if defined(__FLT16_MAX__)
TEST(FloatFormat, Fp16MatchesCompiler) {
  std::mt19937 rng(3);
  for (int i = 0; i < 200000; ++i) {
    uint32_t x = rng();
    // Concentrate on fp16's exponent range [2^-26, 2^17).
    x = (x & 0x807FFFFFu) | ((101u + (x >> 8) % 43u) << 23);
    if (i % 3 == 0) x &= ~0x1FFFu | (rng() & 0x1000u);  // ties
    const _Float16 h = static_cast<_Float16>(fp32_from_bits(x));
    uint16_t expect = 0;
    std::memcpy(&expect, &h, 2);
    ASSERT_EQ(encode_from_fp32(FloatFormat::fp16(), x, kEven, Overflow::Infinity), expect)
        << std::hex << x;
  }
}
#endif

TEST(FloatFormat, SmallFormatTies) {
  const FloatFormat f = FloatFormat::e2m1();
  // 5.0: halfway between 4 (0x6) and 6 (0x7).
  EXPECT_EQ(encode_from_fp32(f, bits(5.0f), kEven), 0x6u);
  EXPECT_EQ(encode_from_fp32(f, bits(5.0f), kAway), 0x7u);
  EXPECT_EQ(encode_from_fp32(f, bits(5.0f), kTrunc), 0x6u);
  // 0.25: halfway between 0 and 0.5.
  EXPECT_EQ(encode_from_fp32(f, bits(0.25f), kEven), 0x0u);
  EXPECT_EQ(encode_from_fp32(f, bits(-0.25f), kEven), 0x8u);
  EXPECT_EQ(encode_from_fp32(f, bits(0.25f), kAway), 0x1u);
  // 0.75: halfway between 0.5 (0x1, odd) and 1.0 (0x2).
  EXPECT_EQ(encode_from_fp32(f, bits(0.75f), kEven), 0x2u);
  EXPECT_EQ(encode_from_fp32(f, bits(0.75f), kTrunc), 0x1u);
  // Saturation: 7 and 100 -> 6.
  EXPECT_EQ(encode_from_fp32(f, bits(7.0f), kEven), 0x7u);
  EXPECT_EQ(encode_from_fp32(f, bits(-100.0f), kEven, Overflow::Infinity), 0xFu);
  // e4m3: 480 is halfway between 448 and 512 (beyond max) -> saturates.
  EXPECT_EQ(encode_from_fp32(FloatFormat::e4m3(), bits(480.0f), kEven), 0x7Eu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e4m3(), bits(464.0f), kAway), 0x7Eu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e4m3(), bits(-1e6f), kEven, Overflow::Infinity), 0xFEu);
  // e5m2: 61440 is halfway between 57344 (odd) and 65536.
  EXPECT_EQ(encode_from_fp32(FloatFormat::e5m2(), bits(61440.0f), kEven), 0x7Bu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e5m2(), bits(61440.0f), kEven, Overflow::Infinity),
            0x7Cu);
  EXPECT_EQ(encode_from_fp32(FloatFormat::e5m2(), bits(61439.0f), kEven, Overflow::Infinity),
            0x7Bu);
}

TEST(FloatFormat, FlushToZero) {
  const FloatFormat f = FloatFormat::custom(5, 10, SpecialValues::Ieee, false);
  EXPECT_EQ(f.name(), "fp16_ftz");
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(1.0f, -24)), kEven), 0x0000u);
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(-1.0f, -20)), kEven), 0x8000u);
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(1.0f, -14)), kEven), 0x0400u);
  // 1023.5 * 2^-24 rounds (ties to even) up to 1024 * 2^-24 = min normal: kept.
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(2047.0f, -25)), kEven), 0x0400u);
  EXPECT_EQ(encode_from_fp32(f, bits(std::ldexp(2047.0f, -25)), kTrunc), 0x0000u);
  // Subnormal codes read as signed zero.
  EXPECT_EQ(decode(f, 0x0001), 0.0);
  EXPECT_TRUE(std::signbit(decode(f, 0x8001)));
  EXPECT_EQ(decode(f, 0x0400), std::ldexp(1.0, -14));
}

TEST(FloatFormat, NamesAndParse) {
  EXPECT_EQ(FloatFormat::custom(5, 4).name(), "fp10_e5m4");
  EXPECT_EQ(FloatFormat::custom(6, 3).name(), "fp10_e6m3");
  EXPECT_EQ(FloatFormat::custom(5, 6).name(), "fp12_e5m6");
  EXPECT_EQ(FloatFormat::custom(6, 5).name(), "fp12_e6m5");
  EXPECT_EQ(FloatFormat::custom(6, 8).name(), "fp15_e6m8");
  EXPECT_EQ(FloatFormat::custom(4, 3).name(), "fp8_e4m3");  // not OCP e4m3: no NaN
  EXPECT_EQ(FloatFormat::custom(5, 4, SpecialValues::Ieee).name(), "fp10_e5m4_ieee");
  EXPECT_EQ(FloatFormat::custom(5, 4, SpecialValues::NanOnlyAllOnes, false).name(),
            "fp10_e5m4_nan_ftz");
  EXPECT_EQ(FloatFormat::custom(8, 7, SpecialValues::Ieee), FloatFormat::bf16());
  EXPECT_EQ(FloatFormat::custom(3, 2), FloatFormat::e3m2());

  EXPECT_EQ(FloatFormat::parse("e5m4"), FloatFormat::custom(5, 4));
  EXPECT_EQ(FloatFormat::parse("fp10_e5m4"), FloatFormat::custom(5, 4));
  EXPECT_EQ(FloatFormat::parse("fp16_ftz"), FloatFormat::custom(5, 10, SpecialValues::Ieee, false));
  for (const char* bad : {"", "e", "em", "e5m", "e9m2", "e0m2", "e5m24", "e05m2", "fp9_e5m4",
                          "fp10e5m4", "fp10_e5m4_bad", "E5M2", "fp32x", "_ftz", "e4m3_ftz_ftz"}) {
    EXPECT_FALSE(FloatFormat::parse(bad).has_value()) << bad;
  }
  std::vector<FloatFormat> all;
  for (int e = 1; e <= 8; ++e) {
    for (int m = 0; m <= 23; ++m) {
      for (auto s : {SpecialValues::Ieee, SpecialValues::NanOnlyAllOnes, SpecialValues::None}) {
        for (bool sub : {true, false}) all.push_back(FloatFormat::custom(e, m, s, sub));
      }
    }
  }
  for (const auto& f : all) EXPECT_EQ(FloatFormat::parse(f.name()), f) << f.name();
  EXPECT_THROW(FloatFormat::custom(9, 2), std::invalid_argument);
  EXPECT_THROW(FloatFormat::custom(5, 24), std::invalid_argument);
}

// Independent reference: nearest code by search over the sorted positive
// values (code order is magnitude order), saturating at max_normal.
uint32_t reference_encode(const FloatFormat& f, const std::vector<double>& values, float x,
                          Rounding mode) {
  const uint32_t sign = std::signbit(x) ? uint32_t{1} << (f.width() - 1) : 0;
  const double a = std::fabs(static_cast<double>(x));
  const uint32_t max_code = f.max_normal_code();
  if (a >= values[max_code]) return sign | max_code;
  // values[lo] <= a < values[lo + 1]
  const uint32_t lo = static_cast<uint32_t>(
      std::upper_bound(values.begin(), values.begin() + max_code + 1, a) - values.begin() - 1);
  const double mid = (values[lo] + values[lo + 1]) / 2;  // exact: neighbouring codes
  // Ties to even look at the significand's LSB: the mantissa LSB, or, with no
  // mantissa bits, the hidden bit (1 for normals, so a tie between normals
  // rounds up; 0 for the zero code).
  const bool lo_odd = f.man_bits > 0 ? (lo & 1u) != 0 : lo != 0;
  uint32_t c = lo;
  if (mode == Rounding::NearestEven) c = a > mid || (a == mid && lo_odd) ? lo + 1 : lo;
  if (mode == Rounding::NearestAway) c = a >= mid ? lo + 1 : lo;
  return sign | c;
}

TEST(FloatFormat, EncodeMatchesBruteForceSearch) {
  std::vector<FloatFormat> formats = {
      FloatFormat::e5m2(),       FloatFormat::e4m3(),       FloatFormat::e3m2(),
      FloatFormat::e2m3(),       FloatFormat::e2m1(),       FloatFormat::fp16(),
      FloatFormat::custom(5, 4), FloatFormat::custom(6, 3), FloatFormat::custom(6, 8),
      FloatFormat::custom(1, 2), FloatFormat::custom(8, 0)};
  std::mt19937 rng(4);
  for (const auto& f : formats) {
    SCOPED_TRACE(f.name());
    std::vector<double> values(f.max_normal_code() + 1);
    for (uint32_t c = 0; c < values.size(); ++c) values[c] = decode(f, c);
    const int center = 127 + (f.emin() + f.emax()) / 2;
    const int spread = f.emax() - f.emin() + f.man_bits + 6;
    for (int i = 0; i < 20000; ++i) {
      uint32_t x = rng();
      int field = center + static_cast<int>(rng() % (2 * spread + 1)) - spread;
      field = std::clamp(field, 0, 254);
      x = (x & 0x807FFFFFu) | (static_cast<uint32_t>(field) << 23);
      if (i % 3 == 0) x &= ~((uint32_t{1} << (rng() % 23)) - 1);  // short mantissas: ties
      for (auto m : {kEven, kAway, kTrunc}) {
        ASSERT_EQ(encode_from_fp32(f, x, m), reference_encode(f, values, fp32_from_bits(x), m))
            << std::hex << x << " mode " << to_string(m);
      }
    }
  }
}

}  // namespace
}  // namespace bf::golden
