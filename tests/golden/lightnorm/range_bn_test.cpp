// LightNorm's range BN contract (golden/lightnorm/range_bn.hpp): in fp32
// everywhere it is range BN as a textbook computes it (against a double
// reference, forward and, by finite differences, backward); a hand-worked
// channel pins the chunks, ties and sums; the reciprocal options keep their
// documented accuracy; bad n and parameters are refused.
#include "golden/lightnorm/range_bn.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "golden/arith/fp_div.hpp"

namespace {

namespace ln = bf::golden::lightnorm;
using bf::golden::FloatFormat;
using bf::golden::fp32_bits;
using bf::golden::fp32_from_bits;

ln::RangeBnParams all_fp32() {
  ln::RangeBnParams p;
  p.io = p.grad = p.stat = p.norm = FloatFormat::fp32();
  p.convert_rounding = bf::golden::Rounding::NearestEven;
  return p;
}

std::vector<uint32_t> codes(const std::vector<double>& v) {
  std::vector<uint32_t> c;
  for (double x : v) c.push_back(fp32_bits(static_cast<float>(x)));
  return c;
}

// Range BN in double, straight from its definition.
struct Reference {
  int chunks;
  double gamma, beta;
  std::vector<double> forward(const std::vector<double>& x) const {
    const std::size_t n = x.size(), len = n / chunks;
    double sum = 0, smax = 0, smin = 0;
    for (double v : x) sum += v;
    for (int c = 0; c < chunks; ++c) {
      double mx = x[c * len], mn = x[c * len];
      for (std::size_t i = c * len; i < (c + 1) * len; ++i)
        mx = std::max(mx, x[i]), mn = std::min(mn, x[i]);
      smax += mx;
      smin += mn;
    }
    const double mean = sum / static_cast<double>(n);
    const double cn = 1.0 / std::sqrt(2.0 * std::log(static_cast<double>(n / chunks)));
    const double scale = 1.0 / ((smax - smin) / chunks * cn + 1e-5);
    std::vector<double> y;
    for (double v : x) y.push_back(gamma * (v - mean) * scale + beta);
    return y;
  }
};

std::vector<double> gaussian(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(0.5, 2.0);
  std::vector<double> x(n);
  for (auto& v : x) v = static_cast<float>(d(rng));  // exactly fp32 values
  return x;
}

TEST(RangeBn, Fp32ForwardIsRangeBn) {
  const auto p = all_fp32();
  const auto x = gaussian(4096, 1);
  const auto k = ln::range_bn_constants(p, 4096);
  const auto s = ln::range_bn_stats(p, k, codes(x));
  std::vector<uint32_t> xh(x.size()), y(x.size());
  const double gamma = 1.25, beta = -0.5;
  ln::range_bn_normalize(p, s, fp32_bits(1.25f), fp32_bits(-0.5f), codes(x), xh, y);
  const auto ref = Reference{8, gamma, beta}.forward(x);
  for (std::size_t i = 0; i < x.size(); ++i)
    ASSERT_NEAR(fp32_from_bits(y[i]), ref[i], 1e-5 * (1 + std::abs(ref[i]))) << i;
}

TEST(RangeBn, HandWorkedChannel) {
  auto p = all_fp32();
  p.chunks = 2;
  // Two chunks of four; chunk 0 has its max twice (positions 1 and 3) and
  // chunk 1 its min twice (4 and 6): the first extreme is the one saved.
  const std::vector<double> x = {1, 3, -2, 3, -1, 0.5, -1, 2};
  const auto k = ln::range_bn_constants(p, 8);
  EXPECT_EQ(k.inv_n, fp32_bits(0.125f));
  EXPECT_EQ(k.c, fp32_bits(static_cast<float>(1.0 / std::sqrt(2.0 * std::log(4.0)))));
  const auto s = ln::range_bn_stats(p, k, codes(x));
  EXPECT_EQ(s.sum, fp32_bits(5.5f));
  EXPECT_EQ(s.sum_max, fp32_bits(5.0f));   // 3 + 2
  EXPECT_EQ(s.sum_min, fp32_bits(-3.0f));  // -2 + -1
  EXPECT_EQ(s.argmax, (std::vector<int64_t>{1, 7}));
  EXPECT_EQ(s.argmin, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(s.mean, fp32_bits(0.6875f));
  EXPECT_EQ(s.range, fp32_bits(4.0f));  // 5/2 - (-3)/2
}

TEST(RangeBn, Fp32BackwardMatchesFiniteDifferences) {
  const auto p = all_fp32();
  const std::size_t n = 256;
  const auto x = gaussian(n, 2);
  const auto w = gaussian(n, 3);  // L = sum w_i y_i, so dL/dy = w
  const Reference ref{8, 0.75, 0.25};
  const auto k = ln::range_bn_constants(p, n);
  const auto s = ln::range_bn_stats(p, k, codes(x));
  std::vector<uint32_t> xh(n), y(n), dx(n);
  ln::range_bn_normalize(p, s, fp32_bits(0.75f), fp32_bits(0.25f), codes(x), xh, y);
  const auto gw = codes(w);
  const auto gr = ln::range_bn_grad_sums(p, k, s, fp32_bits(0.75f), gw, xh);
  ln::range_bn_dx(p, s, gr, gw, dx);
  const auto loss = [&](const std::vector<double>& v) {
    const auto yy = ref.forward(v);
    double l = 0;
    for (std::size_t i = 0; i < n; ++i) l += w[i] * yy[i];
    return l;
  };
  double sum_w = 0, sum_wxh = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto up = x, down = x;
    const double h = 1e-4;
    up[i] += h;
    down[i] -= h;
    const double fd = (loss(up) - loss(down)) / (2 * h);
    ASSERT_NEAR(fp32_from_bits(dx[i]), fd, 2e-3 * (1 + std::abs(fd))) << i;
    sum_w += w[i];
    sum_wxh += w[i] * fp32_from_bits(xh[i]);
  }
  EXPECT_NEAR(fp32_from_bits(gr.dbeta), sum_w, 1e-4);
  EXPECT_NEAR(fp32_from_bits(gr.dgamma), sum_wxh, 1e-3);
}

TEST(RangeBn, ScaleReachesOnlyTheSavedExtremes) {
  auto p = all_fp32();
  p.chunks = 2;
  // Chunk 0 has its max (3) at 1 and 3; chunk 1 its min at 12 only.
  const std::vector<double> x = {1, 3, -2, 3, -1, 0.5, -1, 2, 0, 1, 2, 0.25, -3, 1, 1, 0.5};
  const auto k = ln::range_bn_constants(p, 16);
  const auto s = ln::range_bn_stats(p, k, codes(x));
  EXPECT_EQ(s.argmax, (std::vector<int64_t>{1, 10}));
  EXPECT_EQ(s.argmin, (std::vector<int64_t>{2, 12}));
  std::vector<uint32_t> xh(16), y(16), dx(16), dx_moved(16);
  ln::range_bn_normalize(p, s, fp32_bits(1.0f), 0, codes(x), xh, y);
  std::vector<double> gv;
  for (int i = 0; i < 16; ++i) gv.push_back(0.125 * i);
  const auto g = codes(gv);
  const auto gr = ln::range_bn_grad_sums(p, k, s, fp32_bits(1.0f), g, xh);
  ASSERT_NE(gr.k, 0u);
  ln::range_bn_dx(p, s, gr, g, dx);
  // The range term follows the saved position: moved to the tied max at 3,
  // exactly dx[1] and dx[3] change.
  auto moved = s;
  moved.argmax[0] = 3;
  ln::range_bn_dx(p, moved, gr, g, dx_moved);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(dx[i] != dx_moved[i], i == 1 || i == 3) << i;
}

TEST(RangeBn, ReciprocalOptions) {
  auto p = all_fp32();
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(-20, 20);
  for (int i = 0; i < 20000; ++i) {
    const float d = static_cast<float>(std::exp2(u(rng)));
    p.reciprocal = ln::Reciprocal::Divider;
    const uint32_t exact = ln::range_bn_reciprocal(p, fp32_bits(d));
    ASSERT_EQ(exact, fp32_bits(1.0f / d)) << d;  // the host divides correctly rounded
    p.reciprocal = ln::Reciprocal::Newton;
    const float nw = fp32_from_bits(ln::range_bn_reciprocal(p, fp32_bits(d)));
    ASSERT_NEAR(nw * d, 1.0, 4e-7) << d;  // a 6-bit seed and two steps: ~24 bits
    p.reciprocal = ln::Reciprocal::Pow2;
    const float p2 = fp32_from_bits(ln::range_bn_reciprocal(p, fp32_bits(d)));
    int e2 = 0;
    ASSERT_EQ(std::frexp(p2, &e2), 0.5f) << "a power of two";
    // d = 2^e (1 + f): 2^-e for f < 1/2 (d * scale in [1, 1.5)), else
    // 2^-(e+1) (d * scale in [0.75, 1)).
    ASSERT_GE(p2 * d, 0.75f) << d;
    ASSERT_LT(p2 * d, 1.5f) << d;
  }
}

TEST(RangeBn, BadInputsAreRefused) {
  const auto p = all_fp32();
  EXPECT_THROW(ln::range_bn_constants(p, 12), std::invalid_argument);  // not a multiple of 8
  EXPECT_THROW(ln::range_bn_constants(p, 8), std::invalid_argument);   // one value per chunk
  auto q = p;
  q.chunks = 6;
  EXPECT_THROW(q.validate(), std::invalid_argument);
  q = p;
  q.exponent = bf::golden::ExponentPolicy::AuthorsMask;
  EXPECT_THROW(q.validate(), std::invalid_argument);
  const auto k = ln::range_bn_constants(p, 64);
  EXPECT_THROW(ln::range_bn_stats(p, k, std::vector<uint32_t>(32)), std::invalid_argument);
}

TEST(RangeBn, Fp10DefaultsStayWithinTheirFormats) {
  const ln::RangeBnParams p;  // fp10 io and grad, fp32 stat and norm
  const std::size_t n = 1024;
  std::vector<uint32_t> x;
  for (double v : gaussian(n, 5))
    x.push_back(bf::golden::small_encode({p.io, p.exponent, p.convert_rounding},
                                         fp32_bits(static_cast<float>(v))));
  const auto k = ln::range_bn_constants(p, n);
  const auto s = ln::range_bn_stats(p, k, x);
  std::vector<uint32_t> xh(n), y(n);
  ln::range_bn_normalize(p, s, 0x0f0u /* 1.0 in e5m4 */, 0, x, xh, y);
  for (std::size_t i = 0; i < n; ++i) ASSERT_LT(y[i], 1u << 10);
}

}  // namespace
