// The conventional fp32 BN contract (golden/lightnorm/bn_fp32.hpp) against
// the host's IEEE fp32 arithmetic in the same order (each host operation is
// correctly rounded to nearest even, the same as the golden's), and the
// variance clamp.
#include "golden/lightnorm/bn_fp32.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "golden/formats/float_format.hpp"
#include "golden/lightnorm/range_bn.hpp"

namespace {

namespace ln = bf::golden::lightnorm;
using bf::golden::fp32_bits;
using bf::golden::fp32_from_bits;

TEST(BnFp32, EqualsHostFp32InTheSameOrder) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::normal_distribution<float> d(std::ldexp(1.0f, trial % 7 - 3), 1.0f + trial);
    const std::size_t n = 64 * (1 + trial);
    std::vector<uint32_t> x(n);
    std::vector<float> xf(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = fp32_bits(xf[i] = d(rng));
    ln::RangeBnParams rp;
    const uint32_t inv_n = ln::range_bn_constants(rp, static_cast<int64_t>(n)).inv_n;
    const auto s = ln::bn_fp32_stats(x, inv_n);
    float sum = 0, sq = 0;
    for (float v : xf) {
      sum += v;
      const float p = v * v;
      sq += p;
    }
    const float mean = sum * fp32_from_bits(inv_n);
    const float e2 = sq * fp32_from_bits(inv_n);
    const float m2 = mean * mean;
    const float var = std::max(e2 - m2, 0.0f);
    const float inv_std = 1.0f / std::sqrt(var + 1e-5f);
    ASSERT_EQ(s.mean, fp32_bits(mean));
    ASSERT_EQ(s.var, fp32_bits(var));
    ASSERT_EQ(s.inv_std, fp32_bits(inv_std));
    std::vector<uint32_t> y(n);
    ln::bn_fp32_normalize(s, fp32_bits(1.5f), fp32_bits(-0.25f), x, y);
    for (std::size_t i = 0; i < n; ++i) {
      const float t = (xf[i] - mean) * inv_std;
      const float u = t * 1.5f;
      ASSERT_EQ(y[i], fp32_bits(u + -0.25f)) << i;
    }
  }
}

TEST(BnFp32, VarianceBelowZeroIsClamped) {
  // A constant channel far from zero: Q/n - mean^2 rounds below zero or to it.
  std::vector<uint32_t> x(1000, fp32_bits(1234.567f));
  x[0] = fp32_bits(1234.568f);
  const auto s = ln::bn_fp32_stats(x, fp32_bits(1.0f / 1000));
  EXPECT_EQ(s.var & 0x80000000u, 0u);
  EXPECT_EQ(s.inv_std, fp32_bits(1.0f / std::sqrt(fp32_from_bits(s.var) + 1e-5f)));
}

}  // namespace
