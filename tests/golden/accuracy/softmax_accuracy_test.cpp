// The accuracy figures behind `blockforge softmax-report`: sane on their own
// (KL >= 0, top-1 = 1 when the winner is clear) and able to tell a wrong model
// from a right one.
#include "golden/accuracy/softmax_accuracy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "golden/units/opal_softmax/opal_softmax.hpp"
#include "golden/units/softmax_exp_baseline/softmax_exp_baseline.hpp"

namespace bf::softmax {
namespace {

SoftmaxModel opal(const golden::OpalSoftmaxShape& s) {
  return [s](std::span<const int32_t> x, std::span<uint32_t> y) { golden::opal_softmax(s, x, y); };
}

SoftmaxModel baseline(int n) {
  golden::SoftmaxExpBaselineParams p;
  p.n = n;
  const auto s = golden::softmax_baseline_shape(p);
  return [s](std::span<const int32_t> x, std::span<uint32_t> y) {
    golden::softmax_exp_baseline(s, x, y);
  };
}

golden::OpalSoftmaxParams opal_params(int n) {
  golden::OpalSoftmaxParams p;
  p.n = n;
  return p;
}

TEST(SoftmaxAccuracy, KlIsNonNegativeAndZeroForTheExactAnswer) {
  std::vector<double> p{0.5, 0.25, 0.125, 0.125};
  // Outputs equal to p in Q0.16: KL = 0.
  EXPECT_NEAR(kl_divergence(p, std::vector<uint32_t>{32768, 16384, 8192, 8192}, 16), 0.0, 1e-15);
  const auto codes = quantize_logits(make_logits(LogitDist::Attention, 16, 300, 4), 6, 10);
  const auto model = opal(golden::opal_softmax_shape(opal_params(16)));
  std::vector<uint32_t> y(16);
  std::vector<double> q(16);
  for (std::size_t v = 0; v < 300; ++v) {
    const std::span<const int32_t> x(codes.data() + 16 * v, 16);
    model(x, y);
    exact_softmax(x, 10, q);
    EXPECT_GE(kl_divergence(q, y, 16), 0.0);
  }
  // Zero outputs where p > 0 stay finite (half-LSB floor).
  EXPECT_TRUE(std::isfinite(kl_divergence(p, std::vector<uint32_t>{65535, 0, 0, 0}, 16)));
  const auto st = evaluate(model, codes, 16, 10, 16);
  EXPECT_GE(st.mean_kl, 0.0);
  EXPECT_EQ(st.vectors, 300);
}

TEST(SoftmaxAccuracy, TopOneAgreesForWellSeparatedLogits) {
  // The winner leads every other logit by >= 1.0 (its scaled difference
  // t >= 1.44 rounds away from 0), the rest are random below it.
  std::mt19937_64 rng(5);
  std::vector<int32_t> codes;
  for (int v = 0; v < 500; ++v) {
    const int win = static_cast<int>(rng() % 64);
    for (int i = 0; i < 64; ++i)
      codes.push_back(i == win ? 4096 : 4096 - 1024 - static_cast<int32_t>(rng() % 8192));
  }
  const auto a = evaluate(opal(golden::opal_softmax_shape(opal_params(64))), codes, 64, 10, 16);
  EXPECT_EQ(a.top1, 1.0);
  auto pow2 = opal_params(64);
  pow2.exp_frac_bits = pow2.log_frac_bits = pow2.log_bias = 0;
  EXPECT_EQ(evaluate(opal(golden::opal_softmax_shape(pow2)), codes, 64, 10, 16).top1, 1.0);
  EXPECT_EQ(evaluate(baseline(64), codes, 64, 10, 16).top1, 1.0);
}

TEST(SoftmaxAccuracy, ReportedFiguresForTheDefaults) {
  // The figures the README quotes (seed 1, 2000 vectors); generous bounds so
  // a harmless change of the random stream does not break them, tight enough
  // to catch a broken model.
  for (auto dist : {LogitDist::Uniform, LogitDist::Attention}) {
    const auto codes = quantize_logits(make_logits(dist, 64, 2000, 1), 6, 10);
    const auto o = evaluate(opal(golden::opal_softmax_shape(opal_params(64))), codes, 64, 10, 16);
    EXPECT_LT(o.max_abs_err, 0.08);
    EXPECT_LT(o.mean_kl, 1e-3);
    EXPECT_LT(o.mean_sum_dev, 0.05);
    const auto b = evaluate(baseline(64), codes, 64, 10, 16);
    EXPECT_LT(b.max_abs_err, 3e-5);
    EXPECT_EQ(b.top1, 1.0);
  }
}

TEST(SoftmaxAccuracy, CatchesTheMissingLog2ePrescale) {
  // Without the pre-scale the unit computes softmax(x ln 2): the report must
  // show it far worse than the real design on both distributions.
  const auto p = opal_params(64);
  const auto right = opal(golden::opal_softmax_shape(p));
  const auto wrong = opal(golden::opal_softmax_shape(p, 1, 0));
  for (auto dist : {LogitDist::Uniform, LogitDist::Attention}) {
    const auto codes = quantize_logits(make_logits(dist, 64, 1000, 2), 6, 10);
    const auto r = evaluate(right, codes, 64, 10, 16);
    const auto w = evaluate(wrong, codes, 64, 10, 16);
    EXPECT_GT(w.mean_kl, 20 * r.mean_kl) << to_string(dist);
    EXPECT_GT(w.max_abs_err, 2.5 * r.max_abs_err) << to_string(dist);
    EXPECT_GT(w.mean_abs_err, 4 * r.mean_abs_err) << to_string(dist);
  }
}

TEST(SoftmaxAccuracy, QuantizeLogitsRoundsAndSaturates) {
  const std::vector<double> x{0.0, 1.0, -1.0, 100.0, -100.0, 0.5 / 1024, -1.5 / 1024};
  EXPECT_EQ(quantize_logits(x, 6, 10),
            (std::vector<int32_t>{0, 1024, -1024, 32767, -32768, 1, -2}));
}

}  // namespace
}  // namespace bf::softmax
