// fp32 -> small float with an exponent policy (small_float_convert.hpp): the
// LightNorm authors' mask with formats.md's own examples, the hardware
// policies against encode_from_fp32 and exact decoding, the array form against
// the scalar one, and the "+K" format spellings.
#include "golden/formats/small_float_convert.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace bf::golden {
namespace {

uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }
uint32_t pow2(int e) { return static_cast<uint32_t>(127 + e) << 23; }  // fp32 code of 2^e

SmallFloatConvert conv(const char* fmt, ExponentPolicy p, Rounding r = Rounding::Truncate) {
  SmallFloatConvert c;
  c.f = *FloatFormat::parse(fmt);
  c.exponent = p;
  c.rounding = r;
  return c;
}

// ---- the authors' mask -------------------------------------------------------

// formats.md: "in 1-5-4, 2^17 becomes 2^1 and Inf becomes 32768".
TEST(SmallFloatConvert, AuthorsMaskFormatsMdExamples) {
  const SmallFloatConvert c = conv("fp10_e5m4", ExponentPolicy::AuthorsMask);
  EXPECT_EQ(small_quantize(c, pow2(17)), pow2(1));
  EXPECT_EQ(small_quantize(c, 0x7f800000u), bits(32768.0f));
  EXPECT_EQ(small_quantize(c, 0xff800000u), bits(-32768.0f));
}

// The same rule worked by hand at the other bounds (1-5-4: lo = 113 =
// 0b01110001, hi = 142 = 0b10001110; 1-6-3: lo = 97, hi = 158).
TEST(SmallFloatConvert, AuthorsMaskByHand) {
  const SmallFloatConvert c = conv("fp10_e5m4", ExponentPolicy::AuthorsMask);
  EXPECT_EQ(small_quantize(c, pow2(15)), pow2(15));              // e = hi: in range
  EXPECT_EQ(small_quantize(c, pow2(16)), pow2(15));              // 143 & 142 = 142
  EXPECT_EQ(small_quantize(c, bits(98304.0f)), bits(49152.0f));  // 1.5*2^16 -> 1.5*2^15
  EXPECT_EQ(small_quantize(c, pow2(-14)), pow2(-14));            // e = lo: in range
  EXPECT_EQ(small_quantize(c, pow2(-15)), pow2(-15));         // 112 & 113 = 112: stays below range
  EXPECT_EQ(small_quantize(c, pow2(-16)), pow2(-30));         // 111 & 113 = 97
  EXPECT_EQ(small_quantize(c, 0x7fc00000u), bits(49152.0f));  // NaN: 2^15 * 1.1000
  EXPECT_EQ(small_quantize(c, 0x00000000u), 0x00000000u);
  EXPECT_EQ(small_quantize(c, 0x80000000u), 0x80000000u);
  EXPECT_EQ(small_quantize(c, 0x807fffffu), 0x80780000u);       // fp32 subnormal: e = 0 & lo
  EXPECT_EQ(small_quantize(c, bits(1.96875f)), bits(1.9375f));  // fraction truncated to 4 bits
  EXPECT_EQ(small_quantize(c, bits(-3.99f)), bits(-3.875f));
  const SmallFloatConvert d = conv("fp10_e6m3", ExponentPolicy::AuthorsMask);
  EXPECT_EQ(small_quantize(d, pow2(32)), pow2(31));  // 159 & 158 = 158
  EXPECT_EQ(small_quantize(d, 0x7f800000u), pow2(31));
  EXPECT_EQ(small_quantize(d, pow2(-31)), pow2(-31));  // 96 & 97 = 96: stays
  EXPECT_EQ(small_quantize(d, pow2(-32)), pow2(-62));  // 95 & 97 = 65
}

// An independent transliteration of formats.md's sentence, field by field,
// over every exponent and a spread of fractions, for every LightNorm format.
TEST(SmallFloatConvert, AuthorsMaskMatchesFieldwiseRule) {
  std::mt19937_64 rng(3);
  for (const char* name : {"fp10_e5m4", "fp10_e6m3", "fp12_e5m6", "fp12_e6m5", "fp15_e6m8", "e5m2",
                           "fp16", "bf16", "fp10_e5m4+8"}) {
    const SmallFloatConvert c = conv(name, ExponentPolicy::AuthorsMask);
    const int E = c.f.exp_bits, M = c.f.man_bits;
    const uint32_t lo = 127 - ((1u << (E - 1)) - 2), hi = 127 + (1u << (E - 1)) - 1;
    std::vector<float> in, out;
    for (uint32_t e = 0; e < 256; ++e)
      for (int i = 0; i < 40; ++i) {
        const uint32_t x = (static_cast<uint32_t>(rng()) & 0x807fffffu) | e << 23;
        const uint32_t ee = e > hi ? (e & hi) : e < lo ? (e & lo) : e;
        const uint32_t frac = M >= 23 ? (x & 0x7fffffu) : (x & 0x7fffffu) >> (23 - M) << (23 - M);
        const uint32_t want = (x & 0x80000000u) | ee << 23 | frac;
        ASSERT_EQ(small_quantize(c, x), want) << name << " " << std::hex << x;
        in.push_back(std::bit_cast<float>(x));
      }
    out.resize(in.size());
    small_quantize(c, in.data(), out.data(), in.size());
    for (std::size_t i = 0; i < in.size(); ++i)
      ASSERT_EQ(bits(out[i]), small_quantize(c, bits(in[i]))) << name;
  }
}

// ---- hardware policies ---------------------------------------------------------

TEST(SmallFloatConvert, SaturateByHand) {
  const SmallFloatConvert c = conv("fp10_e5m4", ExponentPolicy::Saturate);
  // SpecialValues::None: the all-ones exponent is normal, max = 1.9375 * 2^16.
  EXPECT_EQ(small_quantize(c, pow2(16)), pow2(16));
  EXPECT_EQ(small_quantize(c, pow2(17)), bits(126976.0f));
  EXPECT_EQ(small_quantize(c, 0x7f800000u), bits(126976.0f));
  EXPECT_EQ(small_quantize(c, 0xff800000u), bits(-126976.0f));
  EXPECT_EQ(small_quantize(c, 0xffc00000u), bits(126976.0f));  // NaN -> +max (no NaN)
  EXPECT_EQ(small_encode(c, pow2(17)), 0x1ffu);
  EXPECT_EQ(small_encode(c, 0xff800000u), 0x3ffu);
  // Subnormals of 1-5-4 (quantum 2^-18): 2^-16 exact, 1.5 * 2^-18 truncated to 2^-18.
  EXPECT_EQ(small_quantize(c, pow2(-16)), pow2(-16));
  EXPECT_EQ(small_encode(c, pow2(-16)), 0x004u);
  EXPECT_EQ(small_quantize(c, bits(1.5f * 0x1p-18f)), pow2(-18));
  EXPECT_EQ(small_quantize(c, pow2(-19)), 0u);                         // below the quantum: +0
  EXPECT_EQ(small_quantize(c, pow2(-19) | 0x80000000u), 0x80000000u);  // sign kept
  // Rounding: 1.03125 = 1.00001b is a tie at 4 fraction bits.
  EXPECT_EQ(small_quantize(c, bits(1.03125f)), bits(1.0f));
  EXPECT_EQ(small_quantize(conv("fp10_e5m4", ExponentPolicy::Saturate, Rounding::NearestEven),
                           bits(1.03125f)),
            bits(1.0f));
  EXPECT_EQ(small_quantize(conv("fp10_e5m4", ExponentPolicy::Saturate, Rounding::NearestAway),
                           bits(1.03125f)),
            bits(1.0625f));
  EXPECT_EQ(small_quantize(conv("fp10_e5m4", ExponentPolicy::Saturate, Rounding::NearestEven),
                           bits(1.09375f)),
            bits(1.125f));  // 1.00011b: tie, to even 1.0010b
  // Nearest even rounding past max saturates too.
  EXPECT_EQ(small_quantize(conv("fp10_e5m4", ExponentPolicy::Saturate, Rounding::NearestEven),
                           bits(131000.0f)),
            bits(126976.0f));
}

TEST(SmallFloatConvert, FlushToZeroDecidesOnTheInputExponent) {
  const SmallFloatConvert c = conv("fp10_e5m4", ExponentPolicy::FlushToZero);
  EXPECT_EQ(small_quantize(c, pow2(-14)), pow2(-14));  // min normal kept
  EXPECT_EQ(small_quantize(c, pow2(-15)), 0u);         // an f-subnormal: flushed
  EXPECT_EQ(small_quantize(c, pow2(-15) | 0x80000000u), 0x80000000u);
  EXPECT_EQ(small_quantize(c, 0x00000001u), 0u);
  EXPECT_EQ(small_quantize(c, pow2(17)), bits(126976.0f));  // overflow saturates
  // Just below 2^-14 under nearest even: FlushToZero flushes (input test),
  // Saturate without subnormals keeps the rounded-up 2^-14 (after rounding).
  const uint32_t below = pow2(-14) - 1;
  SmallFloatConvert ftz = conv("fp10_e5m4", ExponentPolicy::FlushToZero, Rounding::NearestEven);
  SmallFloatConvert sat = conv("fp10_e5m4_ftz", ExponentPolicy::Saturate, Rounding::NearestEven);
  EXPECT_EQ(small_quantize(ftz, below), 0u);
  EXPECT_EQ(small_quantize(sat, below), pow2(-14));
}

// Saturate is encode_from_fp32(Overflow::Saturate); FlushToZero is that after
// the input test; small_quantize is the exact value of the code; the array
// form equals the scalar one (in place too).
TEST(SmallFloatConvert, PoliciesAgainstEncodeAndExactDecode) {
  std::mt19937_64 rng(5);
  std::vector<uint32_t> xs;
  for (uint32_t e = 0; e < 256; ++e)
    for (int i = 0; i < 64; ++i) {
      uint32_t frac = static_cast<uint32_t>(rng()) & 0x7fffffu;
      if (i % 4 == 1) frac &= ~0u << (rng() % 24);       // ties and exact values
      if (i % 4 == 2) frac |= (1u << (rng() % 24)) - 1;  // carries
      xs.push_back((static_cast<uint32_t>(rng()) & 0x80000000u) | e << 23 | frac);
    }
  for (const char* name : {"fp10_e5m4", "fp10_e6m3", "fp10_e5m4_ftz", "fp12_e5m6", "fp15_e6m8",
                           "fp10_e5m4+8", "e5m2", "e4m3", "e2m1", "fp16", "bf16", "e7m23", "fp32"})
    for (ExponentPolicy p : {ExponentPolicy::Saturate, ExponentPolicy::FlushToZero})
      for (Rounding r : {Rounding::Truncate, Rounding::NearestEven, Rounding::NearestAway}) {
        const SmallFloatConvert c = conv(name, p, r);
        std::vector<float> arr(xs.size());
        for (std::size_t i = 0; i < xs.size(); ++i) arr[i] = std::bit_cast<float>(xs[i]);
        small_quantize(c, arr.data(), arr.data(), arr.size());  // in place
        long fails = 0;
        for (std::size_t i = 0; i < xs.size(); ++i) {
          const uint32_t x = xs[i];
          const bool flush =
              p == ExponentPolicy::FlushToZero && ((x >> 23) & 0xff) < 127u + c.f.emin();
          const uint32_t want_code = flush ? (x >> 31) << (c.f.width() - 1)
                                           : encode_from_fp32(c.f, x, r, Overflow::Saturate);
          const uint32_t code = small_encode(c, x);
          const uint32_t q = small_quantize(c, x);
          const double v = decode(c.f, code);
          const bool ok = code == want_code && bits(arr[i]) == q &&
                          (std::isnan(v) ? q == ((x & 0x80000000u) | 0x7fc00000u)
                                         : std::bit_cast<float>(q) == static_cast<float>(v) &&
                                               std::signbit(v) == (q >> 31 != 0));
          if (!ok && ++fails <= 5)
            ADD_FAILURE() << name << " " << to_string(p) << " " << to_string(r) << " 0x" << std::hex
                          << x << " code 0x" << code << " q 0x" << q;
        }
        EXPECT_EQ(fails, 0);
      }
}

TEST(SmallFloatConvert, SmallToFp32EveryCode) {
  for (const char* name : {"fp10_e5m4", "fp10_e6m3", "fp10_e6m3_ftz", "e5m2", "e4m3", "fp16",
                           "fp12_e6m5", "fp10_e6m3+8"}) {
    const FloatFormat f = *FloatFormat::parse(name);
    for (uint32_t c = 0; c < (1u << f.width()); c += (f.width() > 12 ? 7 : 1)) {
      const double v = decode(f, c);
      const uint32_t got = small_to_fp32(f, c);
      if (std::isnan(v)) {
        EXPECT_EQ(got & 0x7fffffffu, 0x7fc00000u) << name << " " << c;
      } else {
        EXPECT_EQ(got, bits(static_cast<float>(v))) << name << " " << c;
        EXPECT_EQ(got >> 31, static_cast<uint32_t>(std::signbit(v))) << name << " " << c;
      }
    }
  }
  // bf16-range subnormals land on fp32 subnormals exactly.
  EXPECT_EQ(small_to_fp32(FloatFormat::bf16(), 0x0001), 0x00010000u);
}

TEST(SmallFloatConvert, ValidationAndNames) {
  EXPECT_THROW(
      small_quantize(conv("fp10_e5m4", ExponentPolicy::AuthorsMask, Rounding::NearestEven), 0u),
      std::invalid_argument);
  EXPECT_THROW(small_encode(conv("fp10_e5m4", ExponentPolicy::AuthorsMask), 0u),
               std::invalid_argument);
  EXPECT_THROW(
      small_quantize(conv("fp10_e5m4", ExponentPolicy::Saturate, Rounding::Stochastic), 0u),
      std::invalid_argument);
  EXPECT_THROW(small_quantize(conv("fp16_e8m7", ExponentPolicy::Saturate), 0u),
               std::invalid_argument);  // e8 without specials: 2^128 has no fp32 value
  for (ExponentPolicy p :
       {ExponentPolicy::Saturate, ExponentPolicy::FlushToZero, ExponentPolicy::AuthorsMask})
    EXPECT_EQ(parse_exponent_policy(to_string(p)), p);
  EXPECT_EQ(parse_exponent_policy("saturating"), std::nullopt);
}

// ---- "+K" formats --------------------------------------------------------------

TEST(SmallFloatConvert, PlusKFormats) {
  const FloatFormat f154 = FloatFormat::custom(5, 4);
  const FloatFormat w = FloatFormat::plus_mantissa(f154, 8);
  EXPECT_EQ(w, FloatFormat::custom(5, 12));
  EXPECT_EQ(w.width(), 18);
  EXPECT_EQ(FloatFormat::parse("fp10_e5m4+8"), w);
  EXPECT_EQ(FloatFormat::parse("e5m4+8"), w);
  EXPECT_EQ(FloatFormat::parse(w.name()), w);  // "fp18_e5m12"
  EXPECT_EQ(FloatFormat::parse("bf16+8"), FloatFormat::custom(8, 15, SpecialValues::Ieee));
  EXPECT_EQ(FloatFormat::parse("fp10_e6m3_ftz+8"),
            FloatFormat::custom(6, 11, SpecialValues::None, false));
  for (const char* bad :
       {"e5m4+0", "e5m4+08", "e5m4+20", "e5m4+", "+8", "e5m4+2+2", "fp11_e5m4+8", "e5m4+8_ftz"})
    EXPECT_EQ(FloatFormat::parse(bad), std::nullopt) << bad;
  EXPECT_THROW(FloatFormat::plus_mantissa(f154, 20), std::invalid_argument);
  EXPECT_THROW(FloatFormat::plus_mantissa(f154, -1), std::invalid_argument);
}

}  // namespace
}  // namespace bf::golden
