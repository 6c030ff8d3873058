// softmax.exp_baseline golden arithmetic: hand-checked vectors and its error
// bound against exact softmax.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "golden/accuracy/softmax_accuracy.hpp"
#include "golden/units/softmax_exp_baseline/softmax_exp_baseline.hpp"

namespace bf::golden {
namespace {

SoftmaxExpBaselineShape shape(int n) {
  SoftmaxExpBaselineParams p;
  p.n = n;
  return softmax_baseline_shape(p);
}

std::vector<uint32_t> run(const SoftmaxExpBaselineShape& s, const std::vector<int32_t>& x,
                          SoftmaxExpBaselineTrace* trace = nullptr) {
  std::vector<uint32_t> y(x.size());
  softmax_exp_baseline(s, x, y, trace);
  return y;
}

TEST(SoftmaxExpBaselineGolden, DerivedPrecisions) {
  const auto s = shape(64);
  EXPECT_EQ(s.m, 17);
  EXPECT_EQ(s.p, 16 + 6 + 1);
  EXPECT_EQ(s.q, 17);
  EXPECT_EQ(s.table.size(), 65u);
  EXPECT_EQ(s.table.front(), 1u << 17);  // 2^-0
  EXPECT_EQ(s.table.back(), 1u << 16);   // 2^-1
  ASSERT_EQ(s.slope.size(), 64u);        // one per table interval
  for (std::size_t j = 0; j < s.slope.size(); ++j)
    EXPECT_EQ(s.slope[j], s.table[j] - s.table[j + 1]);
}

TEST(SoftmaxExpBaselineGolden, AllEqualLogitsGiveExactlyOneOverN) {
  // v = 2^M, e = 2^P each, S = 64 * 2^P, R = 2^Q / 64:
  // y = 2^M * 2^(Q-6) / 2^(M+Q-16) = 2^10 = 1/64.
  for (int32_t v : {0, -32768, 32767}) {
    SoftmaxExpBaselineTrace tr;
    const auto y = run(shape(64), std::vector<int32_t>(64, v), &tr);
    EXPECT_EQ(tr.recip, uint64_t{1} << (17 - 6));
    for (uint32_t e : y) EXPECT_EQ(e, 1024u);
  }
}

TEST(SoftmaxExpBaselineGolden, OneDominantLogitSaturatesAndTheRestUnderflow) {
  std::vector<int32_t> x(64, -32768);
  x[5] = 32767;
  const auto y = run(shape(64), x);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(y[i], i == 5 ? 0xffffu : 0u) << i;
}

TEST(SoftmaxExpBaselineGolden, WithinTwoOutputLsbOfExactSoftmax) {
  const auto s = shape(64);
  for (auto dist : {softmax::LogitDist::Uniform, softmax::LogitDist::Attention}) {
    const auto codes = softmax::quantize_logits(softmax::make_logits(dist, 64, 2000, 9), 6, 10);
    std::vector<uint32_t> y(64);
    std::vector<double> p(64);
    for (std::size_t v = 0; v < codes.size() / 64; ++v) {
      const std::span<const int32_t> x(codes.data() + 64 * v, 64);
      softmax_exp_baseline(s, x, y);
      softmax::exact_softmax(x, 10, p);
      for (int i = 0; i < 64; ++i)
        ASSERT_LE(std::abs(std::ldexp(static_cast<double>(y[i]), -16) - p[i]), std::ldexp(2.0, -16))
            << "vector " << v << " element " << i;
    }
  }
}

}  // namespace
}  // namespace bf::golden
