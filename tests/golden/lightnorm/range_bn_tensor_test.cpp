// Range BN over NCHW tensors: the per-channel contract with LightNorm's
// tensor-level conversions around it. Checked against the channel-level
// functions run by hand on one channel, and for the shapes it refuses.
#include "golden/lightnorm/range_bn_tensor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace {

namespace ln = bf::golden::lightnorm;
using bf::golden::fp32_bits;

std::vector<float> gaussian(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> d(0.0f, 1.5f);
  std::vector<float> x(n);
  for (auto& v : x) v = d(rng);
  return x;
}

TEST(RangeBnTensor, WithoutBfpEachChannelIsTheContract) {
  ln::RangeBnTensorParams p;
  p.bfp = false;
  const ln::Shape s{4, 3, 4, 4};  // n = 64 per channel
  const auto x = gaussian(s.count(), 1);
  const std::vector<float> gamma = {1.0f, 0.5f, 2.0f}, beta = {0.0f, 0.25f, -1.0f};
  ln::RangeBnSaved saved;
  const auto y = ln::range_bn_forward(p, x, s, gamma, beta, &saved);
  // Channel 1 by hand.
  const auto& q = p.core;
  const bf::golden::SmallFloatConvert io{q.io, q.exponent, q.convert_rounding};
  std::vector<uint32_t> ch;
  for (std::size_t b = 0; b < s.n; ++b)
    for (std::size_t i = 0; i < 16; ++i)
      ch.push_back(bf::golden::small_encode(io, fp32_bits(x[(b * 3 + 1) * 16 + i])));
  const auto k = ln::range_bn_constants(q, 64);
  const auto st = ln::range_bn_stats(q, k, ch);
  std::vector<uint32_t> xh(64), yc(64);
  ln::range_bn_normalize(q, st, bf::golden::small_encode(io, fp32_bits(0.5f)), fp32_bits(0.25f), ch,
                         xh, yc);
  EXPECT_EQ(saved.x_hat[1], xh);
  for (std::size_t b = 0; b < s.n; ++b)
    for (std::size_t i = 0; i < 16; ++i)
      ASSERT_EQ(fp32_bits(y[(b * 3 + 1) * 16 + i]),
                bf::golden::small_to_fp32(q.io, yc[b * 16 + i]));
}

TEST(RangeBnTensor, DefaultsNormalizeAndBackpropagate) {
  const ln::RangeBnTensorParams p;  // fp10, BFP g = 8
  const ln::Shape s{8, 16, 8, 8};
  const auto x = gaussian(s.count(), 2);
  const std::vector<float> gamma(16, 1.0f), beta(16, 0.0f);
  ln::RangeBnSaved saved;
  const auto y = ln::range_bn_forward(p, x, s, gamma, beta, &saved);
  // Normalized: per channel mean ~0 and the spread range BN's C(n) gives:
  // C * range estimates 2 sigma for large n (E[max - min] ~ 2 sigma
  // sqrt(2 ln n)), less at n / chunks = 64 (E[max] is 2.4 sigma there, not
  // sqrt(2 ln 64) = 2.9), so x_hat has a spread of about 0.6, not 1.
  for (std::size_t c = 0; c < s.c; ++c) {
    double m = 0, v = 0;
    for (std::size_t b = 0; b < s.n; ++b)
      for (std::size_t i = 0; i < 64; ++i) m += y[(b * s.c + c) * 64 + i];
    m /= 512;
    for (std::size_t b = 0; b < s.n; ++b)
      for (std::size_t i = 0; i < 64; ++i) v += std::pow(y[(b * s.c + c) * 64 + i] - m, 2);
    EXPECT_NEAR(m, 0.0, 0.1) << c;
    EXPECT_NEAR(std::sqrt(v / 512), 0.6, 0.1) << c;
  }
  const auto g = gaussian(s.count(), 3);
  const auto gr = ln::range_bn_backward(p, g, saved);
  EXPECT_EQ(gr.dx.size(), x.size());
  EXPECT_EQ(gr.dgamma.size(), 16u);
  for (float v : gr.dx) ASSERT_TRUE(std::isfinite(v));
}

TEST(RangeBnTensor, BadShapesAreNamed) {
  const ln::RangeBnTensorParams p;
  const auto x = gaussian(64, 4);
  try {
    ln::range_bn_forward(p, x, {2, 2, 4, 5}, {1, 1}, {0, 0}, nullptr);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("x has 64 values, the shape 2 x 2 x 4 x 5 needs 80"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(ln::range_bn_forward(p, x, {2, 2, 4, 4}, {1}, {0, 0}, nullptr),
               std::invalid_argument);
  // n = 3 * 4 * 4 = 48 per channel: a multiple of 8, fine; 2 x 1 x 3 x 3 = 18 is not.
  EXPECT_THROW(ln::range_bn_forward(p, gaussian(18, 5), {2, 1, 3, 3}, {1}, {0}, nullptr),
               std::invalid_argument);
}

// Inference with the batch's own statistics frozen (mean, and sigma = the
// stat product C(n) * range the forward divides by, less eps) is the
// training forward, bit for bit, in the default fp10 + BFP formats.
TEST(RangeBnTensor, InferenceWithTheBatchStatisticsIsTheForward) {
  const ln::RangeBnTensorParams p;  // stat fp32, round to nearest even
  const ln::Shape s{4, 8, 4, 4};
  const auto x = gaussian(s.count(), 6);
  std::vector<float> gamma(8), beta(8);
  for (std::size_t c = 0; c < 8; ++c) {
    gamma[c] = 0.5f + 0.25f * static_cast<float>(c);
    beta[c] = 0.125f * static_cast<float>(c) - 0.5f;
  }
  ln::RangeBnSaved saved;
  const auto y = ln::range_bn_forward(p, x, s, gamma, beta, &saved);
  std::vector<float> mean, sigma;
  const float c_n = bf::golden::fp32_from_bits(saved.constants.c);
  for (const auto& st : saved.stats) {
    mean.push_back(bf::golden::fp32_from_bits(st.mean));
    sigma.push_back(bf::golden::fp32_from_bits(st.range) * c_n);
  }
  const auto inferred = ln::range_bn_inference(p, x, s, gamma, beta, mean, sigma);
  ASSERT_EQ(inferred.size(), y.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    ASSERT_EQ(fp32_bits(inferred[i]), fp32_bits(y[i])) << i;
  // Another sigma is another scale: the frozen statistics are used, not x's.
  sigma[3] *= 2.0f;
  const auto other = ln::range_bn_inference(p, x, s, gamma, beta, mean, sigma);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < y.size(); ++i) changed += fp32_bits(other[i]) != fp32_bits(y[i]);
  EXPECT_GT(changed, 16u);
}

TEST(RangeBnTensor, InferenceTakesAnyBatchAndNamesBadStatistics) {
  const ln::RangeBnTensorParams p;
  // One 3 x 3 image: n = 9 is no multiple of chunks, and needs none here.
  const std::vector<float> one = {1.0f}, zero = {0.0f}, two_ones = {1.0f, 1.0f},
                           two_zeros = {0.0f, 0.0f};
  const auto y = ln::range_bn_inference(p, gaussian(9, 7), {1, 1, 3, 3}, one, zero, zero, one);
  EXPECT_EQ(y.size(), 9u);
  try {
    ln::range_bn_inference(p, gaussian(18, 7), {1, 2, 3, 3}, two_ones, two_zeros, zero, two_ones);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("mean has 1 and sigma 2 values for 2 channels"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
