// The golden model of baseline.bf16_dot (golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp):
// hand-computed rows (tree order, accumulator restart, signed zeros, specials,
// flushed subnormals), the row function against the beat stream, and random
// finite rows against the host's IEEE float arithmetic.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <vector>

#include "generator/design/registry.hpp"
#include "golden/arith/fp_add.hpp"
#include "golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp"
#include "tests/units/design_text.hpp"

namespace bf {
namespace {

using golden::Bf16DotModel;
using golden::Bf16DotParams;

std::string hex(uint32_t v) { return fmt::format("0x{:08x}", v); }

// bf16 codes used below.
constexpr uint32_t kOne = 0x3f80, kTwo = 0x4000, kThree = 0x4040, kHalf = 0x3f00;
constexpr uint32_t kMinusOne = 0xbf80, kMinusZero = 0x8000;
constexpr uint32_t kP12 = 0x4580;  // 2^12
constexpr uint32_t kInf = 0x7f80, kMinusInf = 0xff80;
constexpr uint32_t kZero() { return 0; }

Bf16DotParams params(int lanes, bool subnormals = true) {
  Bf16DotParams p;
  p.lanes = lanes;
  p.subnormals = subnormals ? "ieee" : "flush";
  return p;
}

Bf16DotParams fused(int lanes, bool subnormals = true, int fraction_bits = 26) {
  Bf16DotParams p = params(lanes, subnormals);
  p.accumulation = "fused";
  p.fused_fraction_bits = fraction_bits;
  return p;
}

// One fused beat from acc with the given products (lanes = a.size()).
uint32_t fused_beat(const Bf16DotParams& p, uint32_t acc, const std::vector<uint32_t>& a,
                    const std::vector<uint32_t>& w,
                    golden::Rounding mode = golden::Rounding::NearestEven) {
  return golden::bf16_fused_step(p, acc, a.data(), w.data(), a.size(), mode);
}

TEST(Bf16DotModel, UsesTheTreeOrderNotTheSerialOrder) {
  // Products {2^24, 1, 1, 1}. fp32 has ulp 2 at 2^24, so 2^24 + 1 is a tie
  // that rounds to even (2^24).
  //   serial: ((2^24 + 1) + 1) + 1 = 2^24 every step          = 0x4b800000
  //   tree:   (2^24 + 1) + (1 + 1) = 2^24 + 2                 = 0x4b800001
  const Bf16DotParams p = params(4);
  const std::vector<uint32_t> a = {kP12, kOne, kOne, kOne}, w = {kP12, kOne, kOne, kOne};
  const std::vector<uint32_t> prod = {0x4b800000, 0x3f800000, 0x3f800000, 0x3f800000};
  const auto add = p.add_spec();
  ASSERT_EQ(hex(golden::fp_sum_serial(add, 0, prod.data(), 4)), hex(0x4b800000));
  ASSERT_EQ(hex(golden::fp_sum_tree(add, prod.data(), 4)), hex(0x4b800001));

  Bf16DotModel m(p);
  const auto out = m.step(true, a.data(), w.data());
  EXPECT_TRUE(out.done);
  EXPECT_EQ(hex(out.y), hex(0x4b800001));
}

TEST(Bf16DotModel, AccumulatesAcrossBeatsAndRestartsAfterLast) {
  Bf16DotModel m(params(2));
  // Beat 1: 1*2 + 3*1 = 5 (not last: done 0, y 0).
  std::vector<uint32_t> a = {kOne, kThree}, w = {kTwo, kOne};
  auto out = m.step(false, a.data(), w.data());
  EXPECT_FALSE(out.done);
  EXPECT_EQ(out.y, 0u);
  EXPECT_EQ(hex(m.acc()), hex(0x40a00000));  // 5
  // Beat 2: 0.5*2 + (-1)*1 = 0, last: y = 5.
  a = {kHalf, kMinusOne};
  w = {kTwo, kOne};
  out = m.step(true, a.data(), w.data());
  EXPECT_TRUE(out.done);
  EXPECT_EQ(hex(out.y), hex(0x40a00000));
  EXPECT_EQ(m.acc(), 0u);
  // Beat 3, a 1-beat row: 1*1 + 0*0 = 1, not 6.
  a = {kOne, 0};
  w = {kOne, 0};
  out = m.step(true, a.data(), w.data());
  EXPECT_EQ(hex(out.y), hex(0x3f800000));
}

TEST(Bf16DotModel, NegativeZeroProductsGivePlusZero) {
  // (-0)*1 = -0 and (-1)*(+0) = -0; the tree gives -0 + -0 = -0, and the
  // accumulator +0 + (-0) = +0: a row never ends in -0.
  const Bf16DotParams p = params(2);
  const std::vector<uint32_t> a = {kMinusZero, kMinusOne}, w = {kOne, 0};
  const std::vector<uint32_t> prod = {0x80000000, 0x80000000};
  EXPECT_EQ(hex(golden::fp_sum_tree(p.add_spec(), prod.data(), 2)), hex(0x80000000));
  Bf16DotModel m(p);
  EXPECT_EQ(hex(m.step(true, a.data(), w.data()).y), hex(0x00000000));
  // Exact cancellation across beats: 3 then -3 is +0.
  std::vector<uint32_t> x = {kThree, 0}, y = {kOne, 0};
  m.step(false, x.data(), y.data());
  x = {kMinusOne, kMinusOne};
  y = {kOne, kTwo};
  EXPECT_EQ(hex(m.step(true, x.data(), y.data()).y), hex(0x00000000));
}

TEST(Bf16DotModel, InfThenMinusInfIsNaNAndTheNextRowIsClean) {
  Bf16DotModel m(params(1));
  std::vector<uint32_t> a = {kInf}, w = {kOne};
  EXPECT_FALSE(m.step(false, a.data(), w.data()).done);
  EXPECT_EQ(hex(m.acc()), hex(0x7f800000));
  a = {kMinusInf};
  EXPECT_EQ(hex(m.step(true, a.data(), w.data()).y), hex(0x7fc00000));  // canonical qNaN
  a = {kTwo};
  EXPECT_EQ(hex(m.step(true, a.data(), w.data()).y), hex(0x40000000));
  // A finite product that overflows fp32: (1.99 * 2^127)^2 = +Inf.
  a = {0x7f7f};
  w = {0x7f7f};
  EXPECT_EQ(hex(m.step(true, a.data(), w.data()).y), hex(0x7f800000));
}

TEST(Bf16DotModel, SubnormalProductsExactOrFlushed) {
  // 2^-70 * 2^-70 = 2^-140 = 2^9 * 2^-149: fp32 subnormal code 0x200.
  const std::vector<uint32_t> a = {0x1c80}, w = {0x1c80};
  Bf16DotModel ieee(params(1, true)), ftz(params(1, false));
  EXPECT_EQ(hex(ieee.step(true, a.data(), w.data()).y), hex(0x00000200));
  EXPECT_EQ(hex(ftz.step(true, a.data(), w.data()).y), hex(0x00000000));
}

TEST(Bf16DotModel, LatencyOfEachPipelineChoice) {
  Bf16DotParams p = params(16);
  EXPECT_EQ(p.latency(), 6);  // multipliers 1 + tree 4 + accumulator 1
  p.lanes = 3;
  EXPECT_EQ(p.latency(), 4);
  p.lanes = 1;
  EXPECT_EQ(p.latency(), 2);
  p.pipeline = "none";
  EXPECT_EQ(p.latency(), 1);
  p.lanes = 64;
  EXPECT_EQ(p.latency(), 1);
}

// ---- accumulation = "fused" (golden::bf16_fused_step) ----------------------

TEST(Bf16DotFused, OneRoundingOfTheExactSum) {
  // Products {2^24, 1, 1, 1}, F = 26: Emax = 24, m = {2^26, 4, 4, 4},
  // S = 2^26 + 12, value 2^24 + 3: a tie between 2^24 + 2 (mantissa 1, odd)
  // and 2^24 + 4 (mantissa 2, even) -> 2^24 + 4. The tree rounds twice and
  // gives 2^24 + 2 (0x4b800001), the serial order 2^24.
  const Bf16DotParams p = fused(4);
  const std::vector<uint32_t> a = {kP12, kOne, kOne, kOne}, w = {kP12, kOne, kOne, kOne};
  EXPECT_EQ(hex(fused_beat(p, 0, a, w)), hex(0x4b800002));
  Bf16DotModel m(p);
  EXPECT_EQ(hex(m.step(true, a.data(), w.data()).y), hex(0x4b800002));
  Bf16DotModel tree(params(4));
  EXPECT_EQ(hex(tree.step(true, a.data(), w.data()).y), hex(0x4b800001));
}

TEST(Bf16DotFused, ADifferentRoundingGivesADifferentAnswerOnTheTie) {
  // The checker's premise: the tie vector above separates round-to-nearest-
  // even from truncation (2^24 + 2) and from a model that forgot the tie
  // rule (nearest-away gives 2^24 + 4 as well, so truncation is the test).
  const Bf16DotParams p = fused(4);
  const std::vector<uint32_t> a = {kP12, kOne, kOne, kOne}, w = {kP12, kOne, kOne, kOne};
  const uint32_t ne = fused_beat(p, 0, a, w);
  const uint32_t tr = fused_beat(p, 0, a, w, golden::Rounding::Truncate);
  EXPECT_EQ(hex(tr), hex(0x4b800001));
  EXPECT_NE(ne, tr);
  // 2^24 + 1: tie to even keeps 2^24, away from zero gives 2^24 + 2.
  const std::vector<uint32_t> a2 = {kP12, kOne}, w2 = {kP12, kOne};
  EXPECT_EQ(hex(fused_beat(fused(2), 0, a2, w2)), hex(0x4b800000));
  EXPECT_EQ(hex(fused_beat(fused(2), 0, a2, w2, golden::Rounding::NearestAway)), hex(0x4b800001));
}

TEST(Bf16DotFused, AlignmentTruncatesBelowFBitsPerTermTowardZero) {
  // F = 8: t0 = 1*1 (Emax = 0, m0 = 256), t1 = 1.5 * 2^-8 (m1 = floor(1.5) = 1):
  // S = 257 -> 1 + 2^-8 = 0x3f808000; exact (tree) 1 + 3 * 2^-9 = 0x3f80c000.
  const uint32_t small = 0x3bc0;  // 1.5 * 2^-8
  const std::vector<uint32_t> a = {kOne, small}, w = {kOne, kOne};
  EXPECT_EQ(hex(fused_beat(fused(2, true, 8), 0, a, w)), hex(0x3f808000));
  EXPECT_EQ(hex(fused_beat(fused(2, true, 26), 0, a, w)), hex(0x3f80c000));
  // Negative: the magnitude is truncated (1), then negated: S = 255 ->
  // 0.99609375 = 0x3f7f0000 (flooring the two's complement would give 254).
  const std::vector<uint32_t> an = {kOne, small | 0x8000};
  EXPECT_EQ(hex(fused_beat(fused(2, true, 8), 0, an, w)), hex(0x3f7f0000));
  // A term more than F + 1 bits below vanishes: 1 + 2^-10 with F = 8 is 1.
  const std::vector<uint32_t> af = {kOne, 0x3a80};  // 2^-10
  EXPECT_EQ(hex(fused_beat(fused(2, true, 8), 0, af, w)), hex(0x3f800000));
  // ... and so does the accumulator when the products dominate: acc = 1,
  // product 2^9 (Emax = 9), F = 8: m_acc = floor(2^-1) = 0 -> 2^9.
  const std::vector<uint32_t> ab = {0x4400}, wb = {kOne};  // 2^9
  EXPECT_EQ(hex(fused_beat(fused(1, true, 8), 0x3f800000, ab, wb)), hex(0x44000000));
  EXPECT_EQ(hex(fused_beat(fused(1, true, 26), 0x3f800000, ab, wb)), hex(0x44004000));
}

TEST(Bf16DotFused, ExactProductsBeyondFp32AndSpecials) {
  const Bf16DotParams p = fused(2);
  const uint32_t mx = 0x7f7f;  // (2 - 2^-7) * 2^127
  // max*max - max*max: the exact products cancel (+0); the tree overflows
  // both products to Inf and gives NaN.
  EXPECT_EQ(hex(fused_beat(p, 0, {mx, mx | 0x8000}, {mx, mx})), hex(0x00000000));
  EXPECT_EQ(hex(golden::bf16_dot_step(params(2), 0, std::vector<uint32_t>{mx, mx | 0x8000}.data(),
                                      std::vector<uint32_t>{mx, mx}.data())),
            hex(0x7fc00000));
  // A sum above the fp32 maximum: +Inf.
  EXPECT_EQ(hex(fused_beat(p, 0, {mx, kZero()}, {mx, kZero()})), hex(0x7f800000));
  // Inf - Inf, Inf * 0, NaN: canonical NaN; Inf propagates from the acc.
  EXPECT_EQ(hex(fused_beat(p, 0, {kInf, kMinusInf}, {kOne, kOne})), hex(0x7fc00000));
  EXPECT_EQ(hex(fused_beat(p, 0, {kInf, kOne}, {kZero(), kOne})), hex(0x7fc00000));
  EXPECT_EQ(hex(fused_beat(p, 0, {0xffc1, kOne}, {kOne, kOne})), hex(0x7fc00000));
  EXPECT_EQ(hex(fused_beat(p, 0xff800000, {kOne, kOne}, {kOne, kOne})), hex(0xff800000));
  EXPECT_EQ(hex(fused_beat(p, 0xff800000, {kInf, kOne}, {kOne, kOne})), hex(0x7fc00000));
  // Zeros: all -0 terms give -0, any +0 term +0, a cancelled sum +0.
  EXPECT_EQ(hex(fused_beat(p, 0x80000000, {kMinusZero, kOne}, {kOne, kMinusZero})),
            hex(0x80000000));
  EXPECT_EQ(hex(fused_beat(p, 0, {kMinusZero, kOne}, {kOne, kMinusZero})), hex(0x00000000));
  EXPECT_EQ(hex(fused_beat(p, 0x80000000, {kOne, kMinusOne}, {kOne, kOne})), hex(0x00000000));
}

TEST(Bf16DotFused, FlushReadsSubnormalOperandsAsZeroAndFlushesTinyResults) {
  // 2^-133 (the smallest bf16 subnormal) * 2^100 = 2^-33: exact with ieee,
  // zero with flush (+0 * 2^100 = +0).
  const std::vector<uint32_t> a = {0x0001}, w = {0x71800000 >> 16};  // 2^100
  EXPECT_EQ(hex(fused_beat(fused(1, true), 0, a, w)), hex(0x2f000000));
  EXPECT_EQ(hex(fused_beat(fused(1, false), 0, a, w)), hex(0x00000000));
  // -2^-70 * 2^-70 = -2^-140: subnormal -0x200 with ieee; flushed to -0
  // (the product is a nonzero term, S != 0, the rounded result is tiny).
  const std::vector<uint32_t> t = {0x9c80}, u = {0x1c80};
  EXPECT_EQ(hex(fused_beat(fused(1, true), 0, t, u)), hex(0x80000200));
  EXPECT_EQ(hex(fused_beat(fused(1, false), 0, t, u)), hex(0x80000000));
  // 2^-64 * (2 - 2^-7) * 2^-63 = 2^-126 - 2^-134: exact subnormal with ieee
  // ((2^23 - 2^15) * 2^-149 = 0x007f8000), below 2^-126 and not rounding up
  // to it, so +0 with flush.
  const std::vector<uint32_t> c = {0x1f80}, d = {0x207f};
  EXPECT_EQ(hex(fused_beat(fused(1, true), 0, c, d)), hex(0x007f8000));
  EXPECT_EQ(hex(fused_beat(fused(1, false), 0, c, d)), hex(0x00000000));
  // Subnormal acc (ieee only) enters exactly: 0x200 + 0x200.
  EXPECT_EQ(hex(fused_beat(fused(1, true), 0x00000200, {0x1c80}, {0x1c80})), hex(0x00000400));
}

TEST(Bf16DotFused, LatencyOfEachPipelineChoice) {
  Bf16DotParams p = fused(16);
  p.pipeline = "none";
  EXPECT_EQ(p.latency(), 1);
  p.pipeline = "operators";
  EXPECT_EQ(p.latency(), 2);
  p.pipeline = "balanced";
  EXPECT_EQ(p.latency(), 3);
}

// Random bf16 code near 1 (finite, normal).
uint32_t near_one(std::mt19937_64& rng) {
  const uint32_t sign = static_cast<uint32_t>(rng() & 1) << 15;
  const uint32_t e = static_cast<uint32_t>(127 - 12 + static_cast<int>(rng() % 25));
  return sign | (e << 7) | static_cast<uint32_t>(rng() & 0x7f);
}

TEST(Bf16DotModel, RowFunctionEqualsTheZeroPaddedBeatStream) {
  std::mt19937_64 rng(3);
  for (int lanes : {1, 3, 4, 16, -3, -16}) {
    // Negative: the same lane count, fused.
    const Bf16DotParams p = lanes > 0 ? params(lanes) : fused(-lanes);
    lanes = p.lanes;
    Bf16DotModel m(p);
    for (int r = 0; r < 200; ++r) {
      const std::size_t n = 1 + rng() % 50;
      std::vector<uint32_t> a(n), w(n);
      for (std::size_t i = 0; i < n; ++i) {
        a[i] = rng() % 8 ? near_one(rng) : kMinusZero;
        w[i] = near_one(rng);
      }
      const uint32_t want = golden::bf16_dot_row(p, a.data(), w.data(), n);
      const std::size_t L = static_cast<std::size_t>(lanes);
      uint32_t got = 0xdeadbeef;
      for (std::size_t b = 0; b < n; b += L) {
        std::vector<uint32_t> ba(L, 0), bw(L, 0);
        for (std::size_t i = 0; i < L && b + i < n; ++i) ba[i] = a[b + i], bw[i] = w[b + i];
        const auto out = m.step(b + L >= n, ba.data(), bw.data());
        if (out.done) got = out.y;
      }
      ASSERT_EQ(hex(got), hex(want)) << "lanes " << lanes << " row " << r << " n " << n;
    }
  }
}

// The host's IEEE float arithmetic (round to nearest even, subnormals exact
// on x86-64 SSE and AArch64 by default) computing the same order.
float host_tree(std::vector<float> v) {
  for (std::size_t len = v.size(); len > 1; len = (len + 1) / 2) {
    for (std::size_t i = 0; i + 1 < len; i += 2) v[i / 2] = v[i] + v[i + 1];
    if (len % 2) v[len / 2] = v[len - 1];
  }
  return v[0];
}
float bf16_to_float(uint32_t c) { return std::bit_cast<float>(c << 16); }

TEST(Bf16DotModel, MatchesHostFloatOnFiniteRows) {
  std::mt19937_64 rng(7);
  for (int lanes : {2, 5, 16}) {
    const Bf16DotParams p = params(lanes);
    Bf16DotModel m(p);
    const std::size_t L = static_cast<std::size_t>(lanes);
    for (int r = 0; r < 300; ++r) {
      const int beats = 1 + static_cast<int>(rng() % 6);
      float acc = 0.0f;
      uint32_t got = 0;
      for (int b = 0; b < beats; ++b) {
        std::vector<uint32_t> a(L), w(L);
        std::vector<float> prod(L);
        for (std::size_t i = 0; i < L; ++i) {
          a[i] = near_one(rng);
          w[i] = near_one(rng);
          prod[i] = bf16_to_float(a[i]) * bf16_to_float(w[i]);  // exact in fp32
        }
        acc = acc + host_tree(prod);
        const auto out = m.step(b + 1 == beats, a.data(), w.data());
        got = out.y;
      }
      const uint32_t want = std::bit_cast<uint32_t>(acc + 0.0f);  // -0 -> +0, as the unit does
      ASSERT_EQ(hex(got), hex(want)) << "lanes " << lanes << " row " << r;
    }
  }
}

TEST(Bf16DotDesign, EmulateIsTheFirstBeatOfTheStream) {
  const auto d = load_design_text(
      "unit = \"baseline.bf16_dot\"\n[params]\nlanes = 3\npipeline = \"none\"\n", "t.toml");
  EXPECT_EQ(d->latency(), 1);
  std::mt19937_64 rng(1);
  auto stream = d->stream_model();
  for (int i = 0; i < 200; ++i) {
    const auto tv = d->random_case(rng);
    const auto s = stream->step(tv.inputs);
    // done follows last; y is 0 on every beat that does not end a row.
    EXPECT_EQ(s[0].get(0, 1), tv.inputs[0].get(0, 1));
    if (s[0].get(0, 1) == 0) {
      EXPECT_EQ(s[1].get(0, 32), 0u);
    }
  }
  rng.seed(1);
  const auto tv = d->random_case(rng);
  EXPECT_EQ(d->emulate(tv.inputs)[1].get(0, 32), d->stream_model()->step(tv.inputs)[1].get(0, 32));
}

TEST(Bf16DotFusedRtl, NamedPrimitivesOneNormalizerNoFpAdders) {
  const std::string code = testing::code_of(
      "unit = \"baseline.bf16_dot\"\nname = \"t\"\n[params]\nlanes = 16\naccumulation = "
      "\"fused\"\nsubnormals = \"flush\"\npipeline = \"operators\"\n");
  for (const char* mod : {"module t_prod", "module t_align_w16", "module t_align_w24",
                          "module t_normalize", "module t ("})
    EXPECT_NE(code.find(mod), std::string::npos) << mod;
  // Lanes in generate loops; one normalizer; no fp32 adder module.
  EXPECT_NE(code.find("g_lane"), std::string::npos);
  EXPECT_NE(code.find("g_align"), std::string::npos);
  EXPECT_EQ(code.find("module t_add"), std::string::npos);
  const std::string inst = "t_normalize u_normalize";
  EXPECT_NE(code.find(inst), std::string::npos);
  EXPECT_EQ(code.find(inst, code.find(inst) + 1), std::string::npos);
}

}  // namespace
}  // namespace bf
