// The storage encoding of LightNorm's BFP (lightnorm_bfp_storage.hpp): the
// layout by hand, decode(encode(x)) == lightnorm_bfp_group(x) exhaustively
// for small groups and on biased random and corner groups for every
// format, width, variant and group size (powers of two and not), decode of
// arbitrary bits against an independent value computation, and the errors.
#include "golden/formats/lightnorm_bfp_storage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace bf::golden {
namespace {

using Variant = LightnormBfp::Variant;

LightnormBfpStorage storage(FloatFormat f, int bits, Variant v, int g) {
  LightnormBfpStorage s;
  s.format = f;
  s.bfp.group = g;
  s.bfp.bits = bits;
  s.bfp.variant = v;
  return s;
}

uint32_t code(const FloatFormat& f, uint32_t sign, uint32_t e, uint32_t mant) {
  return sign << (f.width() - 1) | e << f.man_bits | mant;
}

std::vector<uint32_t> round_trip(const LightnormBfpStorage& s, const std::vector<uint32_t>& x) {
  const auto bytes = lightnorm_bfp_encode(s, x);
  EXPECT_EQ(bytes.size(), static_cast<std::size_t>(s.group_bits() + 7) / 8);
  std::vector<uint32_t> y(x.size());
  lightnorm_bfp_decode(s, bytes, y);
  return y;
}

std::vector<uint32_t> rule(const LightnormBfpStorage& s, std::vector<uint32_t> x) {
  lightnorm_bfp_group(s.bfp, s.format, x);
  return x;
}

// A biased random group of codes of f: a base exponent field (anywhere, near
// 0 or near the top), exponents geometrically below it (some far below: k <
// 0), ties at the top, zeros of both signs, subnormals, max magnitudes.
std::vector<uint32_t> random_group(const FloatFormat& f, int g, std::mt19937_64& rng) {
  const uint32_t top = (1u << f.exp_bits) - 1, mant_mask = (1u << f.man_bits) - 1;
  std::uniform_int_distribution<int> pick(0, 99);
  const int r = pick(rng);
  const uint32_t base = r < 60   ? std::uniform_int_distribution<uint32_t>(0, top)(rng)
                        : r < 80 ? std::uniform_int_distribution<uint32_t>(0, 3)(rng)
                                 : top - std::uniform_int_distribution<uint32_t>(0, 2)(rng);
  std::geometric_distribution<int> geo(pick(rng) < 50 ? 0.6 : 0.15);
  std::vector<uint32_t> x(static_cast<std::size_t>(g));
  for (auto& c : x) {
    const uint32_t sign = rng() & 1u;
    const int t = pick(rng);
    if (t < 8) {
      c = code(f, sign, 0, 0);
    } else if (t < 12) {
      c = code(f, sign, top, mant_mask);
    } else {
      const int e = std::max(0, static_cast<int>(base) - (t < 30 ? 0 : geo(rng)));
      uint32_t mant = static_cast<uint32_t>(rng()) & mant_mask;
      if (pick(rng) < 30)
        mant &= ~((1u << std::uniform_int_distribution<int>(0, f.man_bits)(rng)) - 1);
      c = code(f, sign, static_cast<uint32_t>(e), mant);
    }
  }
  return x;
}

// Hand-picked groups; elements past the list repeat it.
std::vector<std::vector<uint32_t>> corner_groups(const FloatFormat& f, int bits) {
  const uint32_t top = (1u << f.exp_bits) - 1, mm = (1u << f.man_bits) - 1;
  const auto c = [&](uint32_t s, uint32_t e, uint32_t m) { return code(f, s, e, m); };
  std::vector<std::vector<uint32_t>> v = {
      {c(0, 0, 0)},                                        // all +0
      {c(1, 0, 0)},                                        // all -0
      {c(0, 7, 3), c(0, 0, 0)},                            // one nonzero
      {c(1, 0, 1), c(0, 0, 0), c(1, 0, 0)},                // one subnormal, Emax = 0
      {c(0, 0, mm), c(1, 0, 1), c(0, 0, mm >> 1)},         // subnormals only
      {c(0, 1, 0), c(1, 0, mm), c(0, 0, 1), c(1, 0, 0)},   // min normal over subnormals (E2 = 0)
      {c(0, 9, 5), c(1, 9, mm), c(0, 8, mm), c(1, 3, 1)},  // tie at Emax
      {c(1, 6, 2)},                                        // every element at Emax
      {c(0, top, mm), c(1, top, mm)},                      // max magnitudes
      {c(0, top, mm), c(1, top - 1, mm), c(0, 0, mm)},     // max with its neighbours
      // k = 0 and k = -1 below E2 = 12, both signs: kept with its sign / +0.
      {c(0, 20, 1), c(0, 12, 7), c(1, static_cast<uint32_t>(std::max(0, 13 - bits)), mm),
       c(1, static_cast<uint32_t>(std::max(0, 12 - bits)), mm), c(1, 0, 0)},
  };
  std::vector<uint32_t> ramp;
  for (uint32_t e = 0; e <= top; ++e) ramp.push_back(c(e & 1u, e, e & mm));
  v.push_back(ramp);
  return v;
}

std::vector<uint32_t> fill(const std::vector<uint32_t>& xs, int g) {
  std::vector<uint32_t> x(static_cast<std::size_t>(g));
  for (int i = 0; i < g; ++i)
    x[static_cast<std::size_t>(i)] = xs[static_cast<std::size_t>(i) % xs.size()];
  return x;
}

// ---- layout -----------------------------------------------------------------

TEST(LightnormBfpStorage, LayoutSizes) {
  const FloatFormat e5m4 = FloatFormat::custom(5, 4), e6m3 = FloatFormat::custom(6, 3);
  auto s = storage(e5m4, 5, Variant::KeepMax, 8);
  EXPECT_EQ(s.header_bits(), 10);
  EXPECT_EQ(s.payload_bits(), 5);
  EXPECT_EQ(s.element_bits(), 7);
  EXPECT_EQ(s.group_bits(), 66);  // vs 80 bits of fp10 codes
  s = storage(e6m3, 8, Variant::KeepMax, 5);
  EXPECT_EQ(s.payload_bits(), 8);
  EXPECT_EQ(s.group_bits(), 12 + 5 * 10);
  s = storage(e5m4, 2, Variant::KeepMax, 4);
  EXPECT_EQ(s.payload_bits(), 4);  // flag-1 elements need M bits
  s = storage(e5m4, 5, Variant::Plain, 8);
  EXPECT_EQ(s.header_bits(), 5);
  EXPECT_EQ(s.element_bits(), 6);
  EXPECT_EQ(s.group_bits(), 53);
}

TEST(LightnormBfpStorage, HandWorkedGroup) {
  // fp10 1-5-4 (B = 15), bits = 5, g = 4. Fields 18, 16, 16, 10: Emax = 18,
  // E2 = 16, u = 2^(16 - 15 - 4) = 2^-3.
  //   x0 = +1.0101b * 2^3: at Emax, flag 1, payload 0101b.
  //   x1 = -1.0110b * 2^1: d = 0, k = 4 = M, m = 10110b = 22.
  //   x2 = +1.1111b * 2^1: m = 11111b = 31 (the largest m).
  //   x3 = -1.0001b * 2^-5: d = 6, k = -2: +0, m = 0, sign 0.
  const FloatFormat f = FloatFormat::custom(5, 4);
  const auto s = storage(f, 5, Variant::KeepMax, 4);
  const std::vector<uint32_t> x{code(f, 0, 18, 5), code(f, 1, 16, 6), code(f, 0, 16, 15),
                                code(f, 1, 10, 1)};
  const auto bytes = lightnorm_bfp_encode(s, x);
  uint64_t stream = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) stream |= uint64_t{bytes[i]} << (8 * i);
  EXPECT_EQ(stream & 0x1f, 18u);
  EXPECT_EQ((stream >> 5) & 0x1f, 16u);
  const auto elem = [&](int i) { return (stream >> (10 + 7 * i)) & 0x7f; };
  EXPECT_EQ(elem(0), 0b0'1'00101u);
  EXPECT_EQ(elem(1), 0b1'0'10110u);
  EXPECT_EQ(elem(2), 0b0'0'11111u);
  EXPECT_EQ(elem(3), 0u);
  EXPECT_EQ(bytes.size(), 5u);  // 38 bits
  EXPECT_EQ(stream >> 38, 0u);
  EXPECT_EQ(round_trip(s, x), rule(s, x));
  EXPECT_EQ(round_trip(s, x)[3], 0u);
}

TEST(LightnormBfpStorage, SubnormalKeepsOneBitLessThanItsAlignment) {
  // Emax = 3, E2 = 0 (a lone normal over subnormals), bits = 5, M = 4: the
  // subnormal 0.1011b * 2^-14 has k = 4 and keeps all four bits: m =
  // 2 * 1011b = 22 at u = 2^(0 - 15 - 4) = 2^-19, i.e. 1011b * 2^-18. With
  // bits = 3, k = 2 keeps the top two: m = 2 * 10b = 4.
  const FloatFormat f = FloatFormat::custom(5, 4);
  const std::vector<uint32_t> x{code(f, 0, 3, 0), code(f, 1, 0, 0b1011)};
  for (int bits : {5, 3}) {
    const auto s = storage(f, bits, Variant::KeepMax, 2);
    const BfpGroupExponents ex{3, 0};
    const uint32_t m = bits == 5 ? 22u : 4u;
    EXPECT_EQ(lightnorm_bfp_pack_element(s, ex, x[1]), 1u << (s.payload_bits() + 1) | m) << bits;
    EXPECT_EQ(round_trip(s, x), rule(s, x));
  }
}

// ---- decode(encode(x)) == the rule ------------------------------------------

TEST(LightnormBfpStorage, RoundTripExhaustiveForOneAndTwoElements) {
  const FloatFormat f = FloatFormat::custom(5, 4);
  for (Variant v : {Variant::KeepMax, Variant::Plain})
    for (int bits = 1; bits <= 7; ++bits) {
      const auto s1 = storage(f, bits, v, 1);
      for (uint32_t a = 0; a < 1024; ++a) ASSERT_EQ(round_trip(s1, {a}), rule(s1, {a})) << a;
      // Every pair for the LightNorm setting, every 7th pair otherwise.
      const auto s2 = storage(f, bits, v, 2);
      const uint32_t step = (bits == 5 && v == Variant::KeepMax) ? 1 : 7;
      for (uint32_t a = 0; a < 1024; ++a)
        for (uint32_t b = a % step; b < 1024; b += step)
          ASSERT_EQ(round_trip(s2, {a, b}), rule(s2, {a, b})) << a << " " << b << " " << bits;
    }
}

TEST(LightnormBfpStorage, RoundTripRandomAndCornerGroups) {
  std::mt19937_64 rng(11);
  const FloatFormat formats[] = {FloatFormat::custom(5, 4), FloatFormat::custom(6, 3),
                                 FloatFormat::custom(5, 6), FloatFormat::custom(6, 8)};
  for (const FloatFormat& f : formats)
    for (Variant v : {Variant::KeepMax, Variant::Plain})
      for (int bits : {1, 2, 4, 5, 8, 9, 12})
        for (int g : {1, 3, 5, 8, 13, 64}) {
          const auto s = storage(f, bits, v, g);
          SCOPED_TRACE(f.name() + " bits " + std::to_string(bits) + " g " + std::to_string(g));
          for (const auto& xs : corner_groups(f, bits)) {
            const auto x = fill(xs, g);
            ASSERT_EQ(round_trip(s, x), rule(s, x));
          }
          for (int t = 0; t < 300; ++t) {
            const auto x = random_group(f, g, rng);
            ASSERT_EQ(round_trip(s, x), rule(s, x));
          }
        }
}

TEST(LightnormBfpStorage, EncodingIsCanonical) {
  // Encoding the decoded group gives the same bits: the rule is idempotent
  // and has the same exponents, so stored groups have one encoding each.
  std::mt19937_64 rng(5);
  const FloatFormat f = FloatFormat::custom(6, 3);
  for (Variant v : {Variant::KeepMax, Variant::Plain}) {
    const auto s = storage(f, 4, v, 8);
    for (int t = 0; t < 2000; ++t) {
      const auto x = random_group(f, 8, rng);
      const auto bytes = lightnorm_bfp_encode(s, x);
      std::vector<uint32_t> y(8);
      lightnorm_bfp_decode(s, bytes, y);
      ASSERT_EQ(lightnorm_bfp_encode(s, y), bytes);
    }
  }
}

// ---- decode of any bits -------------------------------------------------------

TEST(LightnormBfpStorage, DecodeOfArbitraryBitsTruncatesTheStoredValue) {
  // Checked against double arithmetic (independent of fp_round_pack): the
  // decoded code is the largest magnitude of f not above m * u, with the
  // sign; flag-1 elements are (sign, Emax, low M payload bits).
  std::mt19937_64 rng(3);
  for (const FloatFormat f : {FloatFormat::custom(5, 4), FloatFormat::custom(6, 3)})
    for (int bits : {2, 5, 8}) {
      const auto s = storage(f, bits, Variant::KeepMax, 3);
      const int P = s.payload_bits();
      for (int t = 0; t < 20000; ++t) {
        const BfpGroupExponents ex{static_cast<uint32_t>(rng() % (1u << f.exp_bits)),
                                   static_cast<uint32_t>(rng() % (1u << f.exp_bits))};
        const uint32_t field = static_cast<uint32_t>(rng()) & ((1u << s.element_bits()) - 1);
        const uint32_t y = lightnorm_bfp_unpack_element(s, ex, field);
        const bool sign = (field >> (P + 1)) & 1u;
        ASSERT_EQ(y >> (f.width() - 1), sign ? 1u : 0u);
        if ((field >> P) & 1u) {
          ASSERT_EQ(y, code(f, sign, ex.max, field & ((1u << f.man_bits) - 1)));
          continue;
        }
        const double mag = std::ldexp(static_cast<double>(field & ((1u << bits) - 1)),
                                      static_cast<int>(ex.second) - f.bias() - bits + 1);
        const uint32_t ym = y & ((1u << (f.width() - 1)) - 1);
        ASSERT_LE(std::fabs(decode(f, ym)), mag);
        if (ym < f.max_normal_code()) {
          ASSERT_GT(decode(f, ym + 1), mag) << field;
        }
      }
    }
}

// ---- errors -------------------------------------------------------------------

TEST(LightnormBfpStorage, RefusesBadSizesAndFormats) {
  const auto s = storage(FloatFormat::custom(5, 4), 5, Variant::KeepMax, 4);
  const std::vector<uint32_t> three(3, 0u);
  EXPECT_THROW(lightnorm_bfp_encode(s, three), std::invalid_argument);
  std::vector<uint32_t> out(4);
  const std::vector<uint8_t> short_bytes(3, 0);
  EXPECT_THROW(lightnorm_bfp_decode(s, short_bytes, out), std::invalid_argument);
  auto ieee = s;
  ieee.format = FloatFormat::e5m2();
  EXPECT_THROW(lightnorm_bfp_encode(ieee, std::vector<uint32_t>(4, 0u)), std::invalid_argument);
  auto ftz = s;
  ftz.format.subnormals = false;
  EXPECT_THROW(ftz.validate(), std::invalid_argument);
  auto wide = s;
  wide.bfp.bits = 25;
  EXPECT_THROW(wide.validate(), std::invalid_argument);
}

}  // namespace
}  // namespace bf::golden
