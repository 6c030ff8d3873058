// opal.softmax golden arithmetic, checked by hand on small vectors (the
// numbers in the comments are worked out step by step from the header of
// golden/units/opal_softmax/opal_softmax.hpp), plus properties over random vectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "golden/units/opal_softmax/opal_softmax.hpp"

namespace bf::golden {
namespace {

std::vector<uint32_t> run(const OpalSoftmaxShape& s, const std::vector<int32_t>& x,
                          OpalSoftmaxTrace* trace = nullptr) {
  std::vector<uint32_t> y(x.size());
  opal_softmax(s, x, y, trace);
  return y;
}

OpalSoftmaxParams params(int n) {
  OpalSoftmaxParams p;
  p.n = n;
  return p;
}

TEST(OpalSoftmaxGolden, DefaultsAreTheDocumentedShape) {
  const auto s = opal_softmax_shape(params(64));
  EXPECT_EQ(s.w, 16);
  EXPECT_EQ(s.c, 23);  // round(1.4427 * 16): 1.4375 = x + x>>1 - x>>4
  EXPECT_EQ(s.shift, 10 + 4 - 4);
  EXPECT_EQ(s.t_int, 17);  // max(P = 12, B = 16) + 1
  EXPECT_EQ(s.t_cap, 17 * 16);
  EXPECT_EQ(s.sum_w, 12 + 7);
  EXPECT_EQ(s.l_max, 6);
}

TEST(OpalSoftmaxGolden, AllEqualLogitsGiveUniformOutput) {
  // n = 64, bias 0: t = 0, p = 2^12 each, S = 64 * 2^12, L = 6, r = 0,
  // lg = 6 * 16 = 96, z = 96: y = 2^16 / 2^6 = 1024 = 1/64 exactly.
  auto p = params(64);
  p.log_bias = 0;
  for (int32_t v : {0, 12345, -32768, 32767}) {
    const auto y = run(opal_softmax_shape(p), std::vector<int32_t>(64, v));
    for (uint32_t e : y) EXPECT_EQ(e, 1024u) << "logit " << v;
  }
  // With the default bias 1/16: z = 97 -> zi = 6, zf = 1, mant = 16 + 15,
  // sh = 7: y = 31 * 2^16 / 2^11 = 992.
  const auto y = run(opal_softmax_shape(params(64)), std::vector<int32_t>(64, 0));
  for (uint32_t e : y) EXPECT_EQ(e, 992u);
  // Pure powers of two, n = 8: lg = 3, y = 2^13.
  p = params(8);
  p.exp_frac_bits = p.log_frac_bits = p.log_bias = 0;
  p.sum_frac_bits = 6;
  for (uint32_t e : run(opal_softmax_shape(p), std::vector<int32_t>(8, -5))) EXPECT_EQ(e, 8192u);
}

TEST(OpalSoftmaxGolden, HandWorkedSmallVector) {
  // n = 4, Q6.10 in, k = 4 (C = 23), F = G = 2, P = 4, no bias.
  // x = {0, -1.0, -0.5, -3.0}: d = {0, 1024, 512, 3072}, a = 23 d,
  // t = round half up(a / 2^12) = {0, 5.75 -> 6, 2.875 -> 3, 17.25 -> 17}
  // (t/4 = 0, 1.5, 0.75, 4.25 ~ d log2 e = 0, 1.443, 0.721, 4.328).
  // Sum terms (mant, sh): t=6: (4+2, 2) -> 6*16/16 = 6; t=3: (4+1, 1) -> 10;
  // t=17: (4+3, 5) -> 7*16/128 = 0. S = 16 + 6 + 10 + 0 = 32, L = 1, r = 0,
  // lg = 4. z = {4, 10, 7, 21}: y = {4*2^16/8, 6*2^16/32, 5*2^16/16, 7*2^16/256}.
  OpalSoftmaxParams p = params(4);
  p.exp_frac_bits = 2;
  p.log_frac_bits = 2;
  p.log_bias = 0;
  p.sum_frac_bits = 4;
  OpalSoftmaxTrace tr;
  const auto y = run(opal_softmax_shape(p), {0, -1024, -512, -3072}, &tr);
  EXPECT_EQ(tr.max, 0);
  EXPECT_EQ(tr.t, (std::vector<int64_t>{0, 6, 3, 17}));
  EXPECT_EQ(tr.p, (std::vector<uint64_t>{16, 6, 10, 0}));
  EXPECT_EQ(tr.sum, 32u);
  EXPECT_EQ(tr.lg, 4);
  EXPECT_EQ(y, (std::vector<uint32_t>{32768, 12288, 20480, 1792}));
  // Exact softmax: 0.4940, 0.1817, 0.2996, 0.0246; got 0.5, 0.1875, 0.3125, 0.0273.
}

TEST(OpalSoftmaxGolden, OneDominantLogitSaturatesAndTheRestUnderflow) {
  std::vector<int32_t> x(64, -32768);
  x[17] = 32767;
  auto p = params(64);
  p.log_bias = 0;
  OpalSoftmaxTrace tr;
  auto y = run(opal_softmax_shape(p), x, &tr);
  // d = 65535 clamps, t saturates at 17 * 16, p = 0; S = 2^12, lg = 0, z = 0:
  // y = 1.0, saturated to 0xffff.
  EXPECT_EQ(tr.sum, 4096u);
  EXPECT_EQ(tr.lg, 0);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(y[i], i == 17 ? 0xffffu : 0u) << i;
  // Default bias 1/16: z = 1 -> mant 31, sh 1: 31 * 2^16 / 32 = 63488 (0.969).
  y = run(opal_softmax_shape(params(64)), x);
  EXPECT_EQ(y[17], 63488u);
  EXPECT_EQ(std::count(y.begin(), y.end(), 0u), 63);
}

TEST(OpalSoftmaxGolden, ExtremesOfTheInputRange) {
  // Alternating +31.999 / -32: 32 maxima, the rest underflow. S = 32 * 2^12,
  // lg = 5 * 16: y = 2^16 / 32 = 2048 (bias 0).
  auto p = params(64);
  p.log_bias = 0;
  std::vector<int32_t> x(64);
  for (int i = 0; i < 64; ++i) x[i] = i % 2 ? -32768 : 32767;
  const auto y = run(opal_softmax_shape(p), x);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(y[i], i % 2 ? 0u : 2048u) << i;
  // Only differences matter: the same pattern at the negative end
  // (-12 / -32, a difference of 20 that also underflows).
  std::vector<int32_t> xn(64);
  for (int i = 0; i < 64; ++i) xn[i] = i % 2 ? -32768 : -32768 + 20 * 1024;
  EXPECT_EQ(run(opal_softmax_shape(p), xn), y);
}

TEST(OpalSoftmaxGolden, TermsUnderflowExactlyAtTheSaturation) {
  // t = t_cap and anything larger give a zero sum term and a zero output.
  const auto s = opal_softmax_shape(params(16));
  std::vector<int32_t> x(16, -20 * 1024);  // d = 20: t = 20 * 1.4375 > 17
  x[0] = 0;
  OpalSoftmaxTrace tr;
  const auto y = run(s, x, &tr);
  for (int i = 1; i < 16; ++i) {
    EXPECT_EQ(tr.t[i], s.t_cap);
    EXPECT_EQ(tr.p[i], 0u);
    EXPECT_EQ(y[i], 0u);
  }
}

TEST(OpalSoftmaxGolden, ShiftInvariantAndMonotone) {
  const auto s = opal_softmax_shape(params(32));
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int32_t> code(-16000, 16000);
  for (int v = 0; v < 500; ++v) {
    std::vector<int32_t> x(32);
    for (auto& e : x) e = code(rng);
    const auto y = run(s, x);
    std::vector<int32_t> xs = x;
    for (auto& e : xs) e += 777;
    EXPECT_EQ(run(s, xs), y);
    for (int i = 0; i < 32; ++i)
      for (int j = 0; j < 32; ++j)
        if (x[i] > x[j]) {
          ASSERT_GE(y[i], y[j]);
        }
  }
}

TEST(OpalSoftmaxGolden, ValidationNamesTheKey) {
  OpalSoftmaxParams p;
  p.log_frac_bits = 6;
  p.sum_frac_bits = 6;
  try {
    p.validate();
    FAIL() << "expected ParamError";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "sum_frac_bits");
  }
}

}  // namespace
}  // namespace bf::golden
