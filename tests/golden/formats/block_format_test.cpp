// Block formats (MX and BFP): hand-worked examples. For each block the comment
// gives the scale derivation; element values are |x| / 2^se in element units.

#include "golden/formats/block_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf::golden {
namespace {

struct Quantized {
  uint32_t scale = 0;
  std::vector<uint32_t> codes;
};

Quantized quant_bits(const BlockFormat& f, const std::vector<uint32_t>& in,
                     const std::vector<uint32_t>& rand = {}) {
  Quantized q;
  q.codes.assign(in.size(), 0xDEADu);
  q.scale = quantize_block(f, in, q.codes, rand);
  return q;
}

Quantized quant(const BlockFormat& f, const std::vector<float>& xs,
                const std::vector<uint32_t>& rand = {}) {
  std::vector<uint32_t> in;
  for (float x : xs) in.push_back(fp32_bits(x));
  return quant_bits(f, in, rand);
}

BlockFormat fmt_of(std::string_view name, Rounding r = Rounding::NearestEven) {
  BlockFormat f = BlockFormat::parse(name);
  f.rounding = r;
  return f;
}

using Codes = std::vector<uint32_t>;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
float p2(int e) { return std::ldexp(1.0f, e); }

// ---------------------------------------------------------------- MXINT -----

TEST(MxInt, Int8BlockWithMaxOne) {
  // max 1.0: field 127, S = 127 (se = 0); element unit 2^-6, so 1.0 = 64.
  const std::vector<float> x = {1.0f, 0.5f, -0.25f, p2(-7), 3 * p2(-8), -p2(-7), 0.0f, -0.0f};
  auto q = quant(fmt_of("mxint8"), x);
  EXPECT_EQ(q.scale, 127u);
  // 2^-7 = 0.5 units (tie -> 0), 3*2^-8 = 0.75 units -> 1, -2^-7 -> 0 (never code 0x80).
  EXPECT_EQ(q.codes, (Codes{0x40, 0x20, 0x90, 0x00, 0x01, 0x00, 0x00, 0x00}));
  q = quant(fmt_of("mxint8", Rounding::NearestAway), x);
  EXPECT_EQ(q.codes, (Codes{0x40, 0x20, 0x90, 0x01, 0x01, 0x81, 0x00, 0x00}));
  q = quant(fmt_of("mxint8", Rounding::Truncate), x);
  EXPECT_EQ(q.codes, (Codes{0x40, 0x20, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00}));
  BlockFormat tc = fmt_of("mxint8", Rounding::NearestAway);
  tc.int_encoding = IntEncoding::TwosComplement;
  q = quant(tc, x);
  EXPECT_EQ(q.codes, (Codes{0x40, 0x20, 0xF0, 0x01, 0x01, 0xFF, 0x00, 0x00}));

  const BlockFormat f = fmt_of("mxint8");
  EXPECT_EQ(dequantize_element(f, 127, 0x40), 1.0);
  EXPECT_EQ(dequantize_element(f, 127, 0x90), -0.25);
  EXPECT_EQ(dequantize_element(f, 127, 0x80), 0.0);
  EXPECT_EQ(dequantize_element(f, 130, 0x7F), 127.0 / 8);  // 127 * 2^(3-6)
  EXPECT_EQ(dequantize_element(tc, 127, 0xF0), -0.25);
  EXPECT_EQ(dequantize_element(tc, 127, 0x80), -2.0);
}

TEST(MxInt, TwosComplementReachesMinusTwo) {
  // All in binade [1, 2): S = 127. 2 - 2^-7 = 127.5 units (tie; 127 is odd -> 128),
  // 2 - 2^-8 = 127.75 units -> 128. 128 only fits as a negative two's complement.
  const std::vector<float> x = {1.9921875f, -1.9921875f, -1.99609375f, 1.0f};
  BlockFormat sm = fmt_of("mxint8");
  BlockFormat tc = sm;
  tc.int_encoding = IntEncoding::TwosComplement;
  auto q = quant(sm, x);
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x7F, 0xFF, 0xFF, 0x40}));  // saturated at +-127
  q = quant(tc, x);
  EXPECT_EQ(q.codes, (Codes{0x7F, 0x80, 0x80, 0x40}));
  EXPECT_EQ(dequantize_element(tc, q.scale, q.codes[1]), -2.0);
  // Truncation: 127.5 -> 127, no saturation needed.
  tc.rounding = Rounding::Truncate;
  q = quant(tc, x);
  EXPECT_EQ(q.codes, (Codes{0x7F, 0x81, 0x81, 0x40}));
}

TEST(MxInt, SmallWidths) {
  // MXINT4: unit 2^(se-2), |n| <= 7. max 1.0 -> S = 127: 1.0 = 4, -0.5 = 2, 1.75 = 7.
  auto q = quant(fmt_of("mxint4"), std::vector<float>{1.0f, -0.5f, 1.75f, 1.9f});
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x4, 0xA, 0x7, 0x7}));  // 1.9 = 7.6 units -> 8 -> saturate 7
  EXPECT_EQ(dequantize_element(fmt_of("mxint4"), 127, 0x7), 1.75);
  // MXINT2: one magnitude bit, unit 2^se: values -1, 0, 1 (two's complement adds -2).
  BlockFormat f2 = fmt_of("mxint2");
  q = quant(f2, std::vector<float>{3.0f, -1.5f,
                                   0.4f});  // max 3.0: S = 128, se = 1: 1.5, -0.75, 0.2 units
  EXPECT_EQ(q.scale, 128u);
  EXPECT_EQ(q.codes, (Codes{0x1, 0x3, 0x0}));
  f2.int_encoding = IntEncoding::TwosComplement;
  q = quant(f2, std::vector<float>{3.0f, -1.5f, 0.4f});
  EXPECT_EQ(q.codes, (Codes{0x1, 0x3, 0x0}));  // 1.5 -> 2 saturates to 1; -0.75 -> -1 = 0b11
  q = quant(
      f2, std::vector<float>{-3.5f, 1.5f});  // max 3.5: se = 1; -1.75 units -> -2 = 0b10, 0.75 -> 1
  EXPECT_EQ(q.codes, (Codes{0x2, 0x1}));
  EXPECT_EQ(dequantize_element(f2, q.scale, 0x2), -4.0);
}

TEST(MxInt, Fp32Subnormals) {
  // max field 0 -> S = 0, se = -127; unit 2^-133.
  const std::vector<uint32_t> in = {0x00400000u /* 2^-127 */, 0x00000001u /* 2^-149 */,
                                    0x007FFFFFu /* 127.99 units */, 0x80200000u /* -2^-128 */};
  auto q = quant_bits(fmt_of("mxint8"), in);
  EXPECT_EQ(q.scale, 0u);
  EXPECT_EQ(q.codes, (Codes{0x40, 0x00, 0x7F, 0xA0}));
  EXPECT_EQ(dequantize_element(fmt_of("mxint8"), 0, 0x40), std::ldexp(1.0, -127));
  // With the smallest normal 2^-126 (field 1): S = 1, unit 2^-132.
  q = quant_bits(fmt_of("mxint8"), {0x00800000u, 0x00400000u, 0x00000001u});
  EXPECT_EQ(q.scale, 1u);
  EXPECT_EQ(q.codes, (Codes{0x40, 0x20, 0x00}));
}

TEST(MxInt, Stochastic) {
  // 2^-7 is 0.5 units of mxint8 at se = 0: its 8-bit fraction is 0x80.
  BlockFormat f = fmt_of("mxint8", Rounding::Stochastic);
  f.stochastic_bits = 8;
  auto q = quant(f, std::vector<float>{1.0f, p2(-7), p2(-7), -p2(-7)}, {0xFF, 0x7F, 0x80, 0x80});
  EXPECT_EQ(q.codes, (Codes{0x40, 0x00, 0x01, 0x81}));
  f.stochastic_bits = 1;  // the fraction's top bit is 1: any odd rand carries
  q = quant(f, std::vector<float>{1.0f, p2(-7), p2(-7)}, {0x1, 0x2, 0x3});
  EXPECT_EQ(q.codes, (Codes{0x40, 0x00, 0x01}));
  EXPECT_THROW(quant(f, std::vector<float>{1.0f, 2.0f}, {0}),
               std::invalid_argument);  // one rand per element
}

// ----------------------------------------------------------- zeros, NaN -----

TEST(MxBlock, AllZero) {
  for (const char* name :
       {"mxint8", "mxint4", "mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1"}) {
    SCOPED_TRACE(name);
    const BlockFormat f = fmt_of(name);
    auto q = quant(f, std::vector<float>(32, 0.0f));
    EXPECT_EQ(q.scale, 0u);
    EXPECT_EQ(q.codes, Codes(32, 0u));
    EXPECT_EQ(dequantize_element(f, 0, 0), 0.0);
  }
  // Signed zeros: integer codes have no -0; float elements keep the sign.
  EXPECT_EQ(quant(fmt_of("mxint8"), std::vector<float>{-0.0f, 0.0f}).codes, (Codes{0x00, 0x00}));
  EXPECT_EQ(quant(fmt_of("mxfp8_e4m3"), std::vector<float>{-0.0f, 0.0f}).codes,
            (Codes{0x80, 0x00}));
  EXPECT_EQ(quant(fmt_of("mxfp4_e2m1"), std::vector<float>{-0.0f, 0.0f}).codes, (Codes{0x8, 0x0}));
  EXPECT_EQ(quant(fmt_of("mxfp4_e2m1"), std::vector<float>{}).scale, 0u);  // empty block
}

TEST(MxBlock, NanOrInfMakesTheBlockNan) {
  for (const char* name : {"mxint8", "mxfp8_e4m3", "mxfp8_e5m2", "mxfp4_e2m1"}) {
    SCOPED_TRACE(name);
    const BlockFormat f = fmt_of(name);
    for (float bad : {kNaN, kInf, -kInf}) {
      auto q = quant(f, std::vector<float>{1.0f, bad, -2.0f, 0.0f});
      EXPECT_EQ(q.scale, 0xFFu);
      EXPECT_EQ(q.codes, (Codes{0, 0, 0, 0}));
      EXPECT_TRUE(std::isnan(dequantize_element(f, 0xFF, 0)));
    }
  }
  auto q = quant_bits(fmt_of("mxint8"), Codes{0x7F800001u /* signalling NaN */, 0x3F800000u});
  EXPECT_EQ(q.scale, 0xFFu);
}

// ------------------------------------------------------------- MXFP ---------

TEST(MxFloat, Fp4E2m1Examples) {
  // max 6.0: floor(log2 6) = 2 = emax_elem -> se = 0, S = 127. Element values
  // of e2m1: 0 0.5 1 1.5 2 3 4 6 (codes 0..7; 8..15 negative).
  const std::vector<float> x = {6.0f, 1.0f, 0.75f, -0.25f, 5.0f, -3.5f, 0.1f, 2.5f};
  auto q = quant(fmt_of("mxfp4_e2m1"), x);
  EXPECT_EQ(q.scale, 127u);
  // 0.75: tie 0.5|1 -> 1 (even); -0.25: tie 0|0.5 -> -0; 5: tie 4|6 -> 4;
  // -3.5: tie 3|4 -> 4; 2.5: tie 2|3 -> 2.
  EXPECT_EQ(q.codes, (Codes{0x7, 0x2, 0x2, 0x8, 0x6, 0xE, 0x0, 0x4}));
  q = quant(fmt_of("mxfp4_e2m1", Rounding::NearestAway), x);
  EXPECT_EQ(q.codes, (Codes{0x7, 0x2, 0x2, 0x9, 0x7, 0xE, 0x0, 0x5}));
  q = quant(fmt_of("mxfp4_e2m1", Rounding::Truncate), x);
  EXPECT_EQ(q.codes, (Codes{0x7, 0x2, 0x1, 0x8, 0x6, 0xD, 0x0, 0x4}));

  // max 5.0: floor(log2 5) = 2 -> scale exponent 0 as well.
  q = quant(fmt_of("mxfp4_e2m1"), std::vector<float>{5.0f, 0.5f});
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x6, 0x1}));
  // max 7.0 and 7.5: still se = 0, saturate to +-6.
  q = quant(fmt_of("mxfp4_e2m1"), std::vector<float>{7.0f, -7.5f});
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x7, 0xF}));
  // max 8.0: se = 1; elements 4, 0.5, 0.125 (below the 0.25 tie -> 0).
  q = quant(fmt_of("mxfp4_e2m1"), std::vector<float>{8.0f, 1.0f, 0.25f});
  EXPECT_EQ(q.scale, 128u);
  EXPECT_EQ(q.codes, (Codes{0x6, 0x1, 0x0}));
  // max 0.75: floor(log2) = -1 -> se = -3; elements 6, 1, -0.5.
  q = quant(fmt_of("mxfp4_e2m1"), std::vector<float>{0.75f, 0.125f, -0.0625f});
  EXPECT_EQ(q.scale, 124u);
  EXPECT_EQ(q.codes, (Codes{0x7, 0x2, 0x9}));
  const BlockFormat f = fmt_of("mxfp4_e2m1");
  EXPECT_EQ(dequantize_element(f, 124, 0x7), 0.75);
  EXPECT_EQ(dequantize_element(f, 124, 0x9), -0.0625);
  EXPECT_EQ(dequantize_element(f, 128, 0x6), 8.0);
}

TEST(MxFloat, Fp4Subnormals) {
  // max field 0: S = max(0 - 2, 0) = 0, se = -127.
  auto q = quant_bits(fmt_of("mxfp4_e2m1"),
                      Codes{0x00400000u /* 2^-127 -> 1.0 */, 0x00200000u /* 0.5 */,
                            0x00100000u /* 0.25: tie -> 0 */, 0x80600000u /* -1.5 */});
  EXPECT_EQ(q.scale, 0u);
  EXPECT_EQ(q.codes, (Codes{0x2, 0x1, 0x0, 0xB}));
  // max 2^-125 (field 2): S = 0 still (clamped), so 2^-125 is 4.0 -> code 6.
  q = quant_bits(fmt_of("mxfp4_e2m1"), Codes{0x01000000u, 0x00000001u});
  EXPECT_EQ(q.scale, 0u);
  EXPECT_EQ(q.codes, (Codes{0x6, 0x0}));
}

TEST(MxFloat, Fp8E4m3) {
  // max 500: floor(log2) = 8 = emax_elem -> se = 0. 480 is the 448|512 tie,
  // 500 and 480 saturate to 448 (0x7E, never the NaN code 0x7F).
  // 0.001 is above half the smallest subnormal 2^-9 -> code 1.
  auto q = quant(fmt_of("mxfp8_e4m3"), std::vector<float>{480.0f, 1.0f, -448.0f, 500.0f, 0.001f});
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x7E, 0x38, 0xFE, 0x7E, 0x01}));
  // max 1.0625: se = 0 - 8 = -8. 1.0625 -> 272, tie between 256 (0x78) and 288 (0x79).
  q = quant(fmt_of("mxfp8_e4m3"), std::vector<float>{1.0625f, 1.0f, -1.1875f});
  EXPECT_EQ(q.scale, 119u);
  EXPECT_EQ(q.codes, (Codes{0x78, 0x78, 0xFA}));  // -1.1875 -> -304: tie 288|320 -> 320
  q = quant(fmt_of("mxfp8_e4m3", Rounding::NearestAway),
            std::vector<float>{1.0625f, 1.0f, -1.1875f});
  EXPECT_EQ(q.codes, (Codes{0x79, 0x78, 0xFA}));
  q = quant(fmt_of("mxfp8_e4m3", Rounding::Truncate), std::vector<float>{1.0625f, 1.0f, -1.1875f});
  EXPECT_EQ(q.codes, (Codes{0x78, 0x78, 0xF9}));
  EXPECT_EQ(dequantize_element(fmt_of("mxfp8_e4m3"), 119, 0x79), 1.125);
  EXPECT_TRUE(std::isnan(dequantize_element(fmt_of("mxfp8_e4m3"), 127, 0x7F)));
}

TEST(MxFloat, Fp8E5m2AndFp6) {
  // e5m2, max 61440: floor(log2) = 15 = emax -> se = 0; 61440 is the tie
  // 57344|65536 and saturates (no Inf in MX elements).
  auto q = quant(fmt_of("mxfp8_e5m2"), std::vector<float>{61440.0f, 1.0f});
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x7B, 0x3C}));
  // max 1.0: se = -15; 1.0 -> 2^15 = exponent field 30 -> 0x78.
  q = quant(fmt_of("mxfp8_e5m2"), std::vector<float>{1.0f, -0.75f});
  EXPECT_EQ(q.scale, 112u);
  EXPECT_EQ(q.codes, (Codes{0x78, 0xF6}));  // -0.75 -> -1.5 * 2^14: field 29, man 0b10
  // e3m2, max 30: se = 4 - 4 = 0; 30 saturates to 28 = 0x1F; 1.0 = 0x0C.
  q = quant(fmt_of("mxfp6_e3m2"), std::vector<float>{28.0f, 30.0f, 1.0f});
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x1F, 0x1F, 0x0C}));
  // e2m3, max 7.75: se = 0; -7.75 is the tie 7.5 (odd) | 8 -> rounds up -> saturates;
  // 0.0625 is the tie 0 | 0.125 -> 0.
  q = quant(fmt_of("mxfp6_e2m3"), std::vector<float>{7.5f, -7.75f, 0.0625f, 0.1875f});
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x1F, 0x3F, 0x00, 0x02}));  // 0.1875: tie 0.125|0.25 -> 0.25
}

// --------------------------------------------------------------- BFP --------

TEST(Bfp, BfpSimDefinition) {
  // bfp8, w = 8, truncation. max 1.99999: field 127 -> s = 127, se = 0,
  // LSB weight 2^(0 - 8 + 1) = 2^-7. BFPsim: an element with exponent e keeps
  // 8 - (0 - e) - 1 fraction bits; 2^-8 keeps -1 -> 0.
  const std::vector<float> x = {1.0f,    0.75f,    -0.3f, p2(-8), p2(-7),
                                -p2(-8), 1.99999f, 0.0f,  p2(-20)};
  const BlockFormat f = BlockFormat::parse("bfp8");
  EXPECT_EQ(f.rounding, Rounding::Truncate);
  auto q = quant(f, x);
  EXPECT_EQ(q.scale, 127u);
  // -0.3 * 128 = -38.4 -> -38; 1.99999 * 128 = 255.99 -> 255.
  EXPECT_EQ(q.codes, (Codes{0x080, 0x060, 0x126, 0x000, 0x001, 0x000, 0x0FF, 0x000, 0x000}));
  EXPECT_EQ(dequantize_element(f, 127, 0x126), -38.0 / 128);
  EXPECT_EQ(dequantize_element(f, 127, 0x0FF), 255.0 / 128);
  q = quant(fmt_of("bfp8", Rounding::NearestEven), x);  // 255.99 -> 256 -> clipped to 255
  EXPECT_EQ(q.codes, (Codes{0x080, 0x060, 0x126, 0x000, 0x001, 0x000, 0x0FF, 0x000, 0x000}));
  q = quant(fmt_of("bfp8", Rounding::NearestAway), x);  // 2^-8 is half an LSB
  EXPECT_EQ(q.codes, (Codes{0x080, 0x060, 0x126, 0x001, 0x001, 0x101, 0x0FF, 0x000, 0x000}));
}

TEST(Bfp, WideMantissas) {
  // bfp16: LSB 2^-15 at se = 0.
  auto q =
      quant(BlockFormat::parse("bfp16"), std::vector<float>{1.0f, 1.0f + p2(-15), 1.0f + p2(-16)});
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x8000, 0x8001, 0x8000}));
  // bfp24 keeps every fp32 bit of the largest binade: LSB 2^-23.
  q = quant(BlockFormat::parse("bfp24"),
            std::vector<float>{1.0f, 1.0f + p2(-23), -(0.5f + p2(-24))});
  EXPECT_EQ(q.codes, (Codes{0x800000, 0x800001, 0x1400000}));  // last one loses its LSB
  EXPECT_EQ(BlockFormat::parse("bfp24").elem_bits(), 25);
}

TEST(Bfp, AllZeroAndNan) {
  const BlockFormat f = BlockFormat::parse("bfp8");
  auto q = quant(f, std::vector<float>{0.0f, -0.0f, 0.0f});
  EXPECT_EQ(q.scale, 1u);  // E = max(maxfield, 1) = 1, s = 1 - 127 + 127
  EXPECT_EQ(q.codes, (Codes{0, 0, 0}));
  EXPECT_EQ(dequantize_element(f, q.scale, 0), 0.0);
  q = quant(f, std::vector<float>{1.0f, kNaN});
  EXPECT_EQ(q.scale, 255u);
  EXPECT_EQ(q.codes, (Codes{0, 0}));
  EXPECT_TRUE(std::isnan(dequantize_element(f, 255, 0)));
  BlockFormat w5 = f;
  w5.exp_bits = 5;
  q = quant(w5, std::vector<float>{-kInf, 1.0f});
  EXPECT_EQ(q.scale, 31u);
  EXPECT_EQ(q.codes, (Codes{0, 0}));
  q = quant(w5, std::vector<float>{0.0f});
  EXPECT_EQ(q.scale, 0u);  // 1 - 127 + 15 < 0 -> clamped to 0
}

TEST(Bfp, NarrowExponentClampsBothWays) {
  BlockFormat f = BlockFormat::parse("bfp8");
  f.exp_bits = 4;  // bias 7, s in 0..14, se in -7..7
  // From above: max 2^30 -> s = 14, se = 7, LSB 2^(7-8+1) = 1. 1024 and 2^30
  // (negative shift) saturate at 255; 3.0 is exact; 0.4 truncates to 0.
  auto q = quant(f, std::vector<float>{1024.0f, 3.0f, p2(30), -p2(30), 0.4f});
  EXPECT_EQ(q.scale, 14u);
  EXPECT_EQ(q.codes, (Codes{0x0FF, 0x003, 0x0FF, 0x1FF, 0x000}));
  EXPECT_EQ(dequantize_element(f, 14, 0x1FF), -255.0);
  // From below: max 1.5 * 2^-9 -> s = 0, se = -7, LSB 2^-14.
  q = quant(f, std::vector<float>{p2(-10), 1.5f * p2(-9), p2(-15), -p2(-14)});
  EXPECT_EQ(q.scale, 0u);
  EXPECT_EQ(q.codes, (Codes{16, 48, 0, 0x101}));
  EXPECT_EQ(dequantize_element(f, 0, 0x101), -std::ldexp(1.0, -14));
  EXPECT_EQ(dequantize_element(f, 0, 48), 1.5 * std::ldexp(1.0, -9));
  EXPECT_TRUE(std::isnan(dequantize_element(f, 15, 0)));
}

TEST(Bfp, Fp32Subnormals) {
  // Only subnormals: E = max(0, 1) = 1, s = 1, se = -126, LSB 2^-133 (bfp8).
  auto q = quant_bits(BlockFormat::parse("bfp8"), Codes{0x00400000u, 0x80000001u, 0x00010000u});
  EXPECT_EQ(q.scale, 1u);
  EXPECT_EQ(q.codes, (Codes{0x40, 0x000, 0x001}));  // 2^-127 = 64 LSB; 2^-149 -> 0; 2^-133 = 1
}

// ----------------------------------------------------------- storage --------

std::vector<uint8_t> packed(const BlockFormat& f, uint32_t scale, const Codes& codes) {
  return pack_block(f, scale, codes);
}

TEST(BlockPack, HandExamples) {
  BlockFormat f = fmt_of("mxint4");
  f.block_size = 2;
  // Block {1.0, -0.5}: scale 127, codes 0x4, 0xA. Byte 0 = scale, byte 1 = e1:e0.
  auto q = quant(f, std::vector<float>{1.0f, -0.5f});
  EXPECT_EQ(q.scale, 127u);
  EXPECT_EQ(q.codes, (Codes{0x4, 0xA}));
  EXPECT_EQ(packed(f, q.scale, q.codes), (std::vector<uint8_t>{0x7F, 0xA4}));
  f.int_encoding = IntEncoding::TwosComplement;  // -2 = 0xE
  q = quant(f, std::vector<float>{1.0f, -0.5f});
  EXPECT_EQ(packed(f, q.scale, q.codes), (std::vector<uint8_t>{0x7F, 0xE4}));

  BlockFormat fp4 = fmt_of("mxfp4_e2m1");
  fp4.block_size = 3;  // 8 + 12 = 20 bits -> 3 bytes, top nibble 0
  EXPECT_EQ(packed(fp4, 0x81, {0x7, 0x9, 0x3}), (std::vector<uint8_t>{0x81, 0x97, 0x03}));

  BlockFormat b4 = BlockFormat::parse("bfp4");
  b4.block_size = 3;  // 8 + 3 * 5 = 23 bits: 0x85 | 11111 | 00001 | 10010
  EXPECT_EQ(packed(b4, 0x85, {0x1F, 0x01, 0x12}), (std::vector<uint8_t>{0x85, 0x3F, 0x48}));

  BlockFormat b2 = BlockFormat::parse("bfp2");
  b2.exp_bits = 3;
  b2.block_size = 2;  // 3 + 2 * 3 = 9 bits: scale 101, e0 111, e1 010
  EXPECT_EQ(packed(b2, 5, {0x7, 0x2}), (std::vector<uint8_t>{0xBD, 0x00}));

  // Missing codes are zero padding.
  BlockFormat i8 = fmt_of("mxint8");
  i8.block_size = 4;
  EXPECT_EQ(packed(i8, 0x80, {0x12, 0x34}), (std::vector<uint8_t>{0x80, 0x12, 0x34, 0, 0}));
}

TEST(BlockPack, RoundTrip) {
  std::mt19937 rng(7);
  std::vector<BlockFormat> formats;
  for (const char* n : {"mxint2", "mxint3", "mxint5", "mxint8", "mxfp8_e4m3", "mxfp6_e3m2",
                        "mxfp4_e2m1", "bfp2", "bfp7", "bfp16", "bfp24"}) {
    formats.push_back(BlockFormat::parse(n));
  }
  formats.push_back(BlockFormat::parse("bfp5"));
  formats.back().exp_bits = 3;
  for (auto f : formats) {
    for (int k : {1, 2, 3, 7, 32, 33}) {
      f.block_size = k;
      SCOPED_TRACE(f.name() + " k=" + std::to_string(k));
      const uint32_t scale = rng() & ((1u << f.scale_bits()) - 1);
      Codes codes(k);
      for (auto& c : codes) c = rng() & ((1u << f.elem_bits()) - 1);
      const auto bytes = pack_block(f, scale, codes);
      ASSERT_EQ(bytes.size(), static_cast<std::size_t>((f.block_storage_bits() + 7) / 8));
      const int used = f.block_storage_bits() % 8;
      if (used != 0) {
        EXPECT_EQ(bytes.back() >> used, 0);
      }
      uint32_t scale2 = 0;
      Codes codes2(k);
      unpack_block(f, bytes, scale2, codes2);
      EXPECT_EQ(scale2, scale);
      EXPECT_EQ(codes2, codes);
      // Bit j of the stream is bit j % 8 of byte j / 8.
      const int eb = f.elem_bits();
      for (int i = 0; i < k; ++i) {
        for (int b = 0; b < eb; ++b) {
          const int j = f.scale_bits() + i * eb + b;
          ASSERT_EQ((bytes[j / 8] >> (j % 8)) & 1, static_cast<int>((codes[i] >> b) & 1u));
        }
      }
    }
  }
}

TEST(BlockPack, Errors) {
  BlockFormat f = fmt_of("mxint4");
  f.block_size = 2;
  EXPECT_THROW(pack_block(f, 0x100, Codes{0, 0}), std::invalid_argument);
  EXPECT_THROW(pack_block(f, 1, Codes{0x10, 0}), std::invalid_argument);
  EXPECT_THROW(pack_block(f, 1, Codes{0, 0, 0}), std::invalid_argument);
  uint32_t scale = 0;
  Codes codes(2);
  const std::vector<uint8_t> three(3);
  EXPECT_THROW(unpack_block(f, three, scale, codes), std::invalid_argument);
}

// ------------------------------------------------------- names, checks ------

TEST(BlockFormatNames, ParseAndName) {
  struct Case {
    const char* name;
    BlockFormat::Kind kind;
    int elem_bits;
    int emax_elem;
  };
  const Case cases[] = {
      {"mxint8", BlockFormat::Kind::MxInt, 8, 0},
      {"mxint2", BlockFormat::Kind::MxInt, 2, 0},
      {"mxfp8_e4m3", BlockFormat::Kind::MxFloat, 8, 8},
      {"mxfp8_e5m2", BlockFormat::Kind::MxFloat, 8, 15},
      {"mxfp6_e3m2", BlockFormat::Kind::MxFloat, 6, 4},
      {"mxfp6_e2m3", BlockFormat::Kind::MxFloat, 6, 2},
      {"mxfp4_e2m1", BlockFormat::Kind::MxFloat, 4, 2},
      {"bfp8", BlockFormat::Kind::Bfp, 9, 0},
      {"bfp2", BlockFormat::Kind::Bfp, 3, 0},
      {"bfp24", BlockFormat::Kind::Bfp, 25, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const BlockFormat f = BlockFormat::parse(c.name);
    EXPECT_EQ(f.kind, c.kind);
    EXPECT_EQ(f.elem_bits(), c.elem_bits);
    EXPECT_EQ(f.emax_elem(), c.emax_elem);
    EXPECT_EQ(f.scale_bits(), 8);
    EXPECT_EQ(f.block_size, 32);
    EXPECT_EQ(f.name(), c.name);
    EXPECT_NO_THROW(f.validate());
  }
  for (int b = 2; b <= 8; ++b) {
    EXPECT_EQ(BlockFormat::parse("mxint" + std::to_string(b)).int_bits, b);
  }
  for (int m = 2; m <= 24; ++m) {
    const auto n = "bfp" + std::to_string(m);
    EXPECT_EQ(BlockFormat::parse(n).man_bits, m);
    EXPECT_EQ(BlockFormat::parse(n).name(), n);
  }
  EXPECT_EQ(BlockFormat::parse("mxfp8_e4m3").elem_float, FloatFormat::e4m3());
  EXPECT_EQ(BlockFormat::parse("mxint8").int_encoding, IntEncoding::SignMagnitude);
  EXPECT_EQ(BlockFormat::parse("mxint8").rounding, Rounding::NearestEven);
  EXPECT_DOUBLE_EQ(BlockFormat::parse("mxfp4_e2m1").bits_per_element(), 4.25);
  EXPECT_DOUBLE_EQ(BlockFormat::parse("mxint8").bits_per_element(), 8.25);
  EXPECT_EQ(BlockFormat::parse("bfp8").block_storage_bits(), 8 + 32 * 9);
  BlockFormat b = BlockFormat::parse("bfp8");
  b.exp_bits = 5;
  EXPECT_EQ(b.scale_bits(), 5);
}

TEST(BlockFormatNames, ParseErrorsListAcceptedNames) {
  for (const char* bad :
       {"", "mxint9", "mxint1", "mxint08", "mxint", "bfp25", "bfp1", "bfp", "bfp08", "mxfp8",
        "mxfp8_e4m4", "mxfp6_e4m3", "MXINT8", "mxint8 ", "int8", "fp8_e4m3"}) {
    SCOPED_TRACE(bad);
    try {
      BlockFormat::parse(bad);
      ADD_FAILURE() << "no exception";
    } catch (const std::invalid_argument& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(std::string("'") + bad + "'"), std::string::npos) << msg;
      EXPECT_NE(msg.find("mxint2..mxint8"), std::string::npos) << msg;
      EXPECT_NE(msg.find("mxfp4_e2m1"), std::string::npos) << msg;
      EXPECT_NE(msg.find("bfp2..bfp24"), std::string::npos) << msg;
    }
  }
  EXPECT_EQ(BlockFormat::accepted_names(),
            "mxint2..mxint8, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1, "
            "bfp2..bfp24");
}

std::string validate_message(const BlockFormat& f) {
  try {
    f.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(BlockFormatNames, ValidateMessages) {
  auto expect_msg = [](const BlockFormat& f, const char* field, const char* range) {
    const std::string msg = validate_message(f);
    EXPECT_NE(msg.find(field), std::string::npos) << msg;
    EXPECT_NE(msg.find(range), std::string::npos) << msg;
  };
  BlockFormat f = BlockFormat::parse("mxint8");
  f.block_size = 0;
  expect_msg(f, "block_size", "1..4096");
  f.block_size = 4097;
  expect_msg(f, "block_size", "1..4096");
  f.block_size = 4096;
  EXPECT_EQ(validate_message(f), "");
  f.int_bits = 9;
  expect_msg(f, "int_bits", "2..8");
  f.int_bits = 1;
  expect_msg(f, "int_bits", "2..8");
  f = BlockFormat::parse("bfp8");
  f.man_bits = 25;
  expect_msg(f, "man_bits", "2..24");
  f.man_bits = 1;
  expect_msg(f, "man_bits", "2..24");
  f = BlockFormat::parse("bfp8");
  f.exp_bits = 9;
  expect_msg(f, "exp_bits", "2..8");
  f.exp_bits = 1;
  expect_msg(f, "exp_bits", "2..8");
  f = BlockFormat::parse("mxint8");
  f.rounding = Rounding::Stochastic;
  f.stochastic_bits = 0;
  expect_msg(f, "stochastic_bits", "1..16");
  f.stochastic_bits = 17;
  expect_msg(f, "stochastic_bits", "1..16");
  f.stochastic_bits = 16;
  EXPECT_EQ(validate_message(f), "");
  f = BlockFormat::parse("mxfp8_e4m3");
  f.elem_float = FloatFormat::fp16();
  expect_msg(f, "elem_float", "e4m3");
  f.elem_float = FloatFormat::custom(4, 3);  // e4m3 without NaN is not OCP
  expect_msg(f, "elem_float", "e2m1");
  // quantize_block refuses invalid formats and inconsistent sizes.
  const Codes in(4, 0x3F800000u);
  Codes out(4);
  EXPECT_THROW(quantize_block(f, in, out), std::invalid_argument);
  f = BlockFormat::parse("mxint8");
  f.block_size = 3;
  EXPECT_THROW(quantize_block(f, in, out), std::invalid_argument);
  f.block_size = 4;
  Codes short_out(3);
  EXPECT_THROW(quantize_block(f, in, short_out), std::invalid_argument);
  EXPECT_NO_THROW(quantize_block(f, in, out));
}

TEST(BlockFormatNames, StochasticRand) {
  // splitmix64: the first outputs for seed 0 are 0xE220A8397B1DCDAF and
  // 0x6E789E6AA1B965F4 (published reference values).
  EXPECT_EQ(stochastic_rand(0, 0, 16), 0xCDAFu);
  EXPECT_EQ(stochastic_rand(0, 0, 8), 0xAFu);
  EXPECT_EQ(stochastic_rand(0, 0, 1), 1u);
  EXPECT_EQ(stochastic_rand(0x9E3779B97F4A7C15ull, 0, 16), 0x65F4u);
  EXPECT_EQ(stochastic_rand(0x9E3779B97F4A7C14ull, 1, 16), 0x65F4u);  // seed + index
  EXPECT_EQ(stochastic_rand(5, 3, 16), stochastic_rand(8, 0, 16));
  for (uint64_t i = 0; i < 1000; ++i) EXPECT_LT(stochastic_rand(42, i, 5), 32u);
}

}  // namespace
}  // namespace bf::golden
