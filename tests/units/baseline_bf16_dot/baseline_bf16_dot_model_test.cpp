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

Bf16DotParams params(int lanes, bool subnormals = true) {
  Bf16DotParams p;
  p.lanes = lanes;
  p.subnormals = subnormals;
  return p;
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

// Random bf16 code near 1 (finite, normal).
uint32_t near_one(std::mt19937_64& rng) {
  const uint32_t sign = static_cast<uint32_t>(rng() & 1) << 15;
  const uint32_t e = static_cast<uint32_t>(127 - 12 + static_cast<int>(rng() % 25));
  return sign | (e << 7) | static_cast<uint32_t>(rng() & 0x7f);
}

TEST(Bf16DotModel, RowFunctionEqualsTheZeroPaddedBeatStream) {
  std::mt19937_64 rng(3);
  for (int lanes : {1, 3, 4, 16}) {
    const Bf16DotParams p = params(lanes);
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

}  // namespace
}  // namespace bf
