// The numerics study of range BN (golden/accuracy/range_bn_error.hpp): its
// double references against known cases (standard BN normalizes and its
// gradient is orthogonal to 1 and x_hat; range BN's analytic gradient
// matches finite differences and a hand-worked channel), the golden model
// in fp32 agreeing with the exact range BN, the table's figures in their
// plausible ranges, and a wrong tie rule in the reference made visible.
#include "golden/accuracy/range_bn_error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace ln = bf::golden::lightnorm;

const ln::Shape kSmall{8, 6, 4, 4};  // n = 128 per channel, chunks of 16

ln::RangeBnTensorParams config(const std::string& id) {
  for (const auto& c : ln::bn_error_configs())
    if (c.id == id) return c.params;
  ADD_FAILURE() << "no config " << id;
  return {};
}

// Channel c's values of an NCHW tensor, in (b, h, w) order.
std::vector<double> channel(const std::vector<double>& t, const ln::Shape& s, std::size_t c) {
  std::vector<double> v;
  const std::size_t hw = s.h * s.w;
  for (std::size_t b = 0; b < s.n; ++b)
    for (std::size_t i = 0; i < hw; ++i) v.push_back(t[(b * s.c + c) * hw + i]);
  return v;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double e : v) s += e;
  return s / static_cast<double>(v.size());
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

TEST(RangeBnError, StandardBnNormalizesAndItsGradientIsProjected) {
  const auto x = ln::make_feature_map(ln::FeatureKind::Gaussian, kSmall, 1);
  const auto dy = ln::make_gradient_map(kSmall, 2);
  const auto bn = ln::standard_bn(x, dy, kSmall);
  for (std::size_t c = 0; c < kSmall.c; ++c) {
    const auto y = channel(bn.y, kSmall, c), dx = channel(bn.dx, kSmall, c);
    EXPECT_NEAR(mean(y), 0.0, 1e-12) << c;
    // std sqrt(var / (var + eps)): 1 to within eps / var (var >= 0.1 here).
    EXPECT_NEAR(std::sqrt(dot(y, y) / static_cast<double>(y.size())), 1.0, 1e-4) << c;
    // BN's dx has no component along 1 (the mean is re-estimated from x),
    // and along x_hat only what eps leaves: sum dx x_hat =
    // dgamma eps / (var + eps)^(3/2).
    EXPECT_NEAR(mean(dx), 0.0, 1e-12) << c;
    const auto xc = channel(std::vector<double>(x.begin(), x.end()), kSmall, c);
    double var = 0;
    for (double v : xc) var += (v - mean(xc)) * (v - mean(xc));
    var /= static_cast<double>(xc.size());
    EXPECT_NEAR(dot(dx, y), bn.dgamma[c] * 1e-5 / std::pow(var + 1e-5, 1.5), 1e-12) << c;
    EXPECT_NEAR(bn.dbeta[c],
                mean(channel(std::vector<double>(dy.begin(), dy.end()), kSmall, c)) *
                    static_cast<double>(y.size()),
                1e-9);
  }
}

// One channel, n = 16 (chunks of 2): x = 0, 1, ..., 15 and dy one-hot at
// position 3. Every chunk's range is 1, so scale = 1 / (C + 1e-5) with
// C = 1/sqrt(2 ln 2); dgamma = x_hat_3; each chunk's argmax (odd position)
// gets -k and its argmin (even) +k, k = dgamma * scale * C / 8.
TEST(RangeBnError, ExactRangeBnHandWorkedChannel) {
  const ln::Shape s{1, 1, 4, 4};
  std::vector<float> x(16), dy(16, 0.0f);
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
  dy[3] = 1.0f;
  const auto r = ln::exact_range_bn(x, dy, s);
  const double c = 1.0 / std::sqrt(2.0 * std::log(2.0)), scale = 1.0 / (c + 1e-5);
  const double x_hat3 = (3 - 7.5) * scale, k = x_hat3 * scale * c / 8;
  EXPECT_DOUBLE_EQ(r.dgamma[0], x_hat3);
  EXPECT_DOUBLE_EQ(r.dbeta[0], 1.0);
  for (int i = 0; i < 16; ++i) {
    EXPECT_NEAR(r.y[i], (i - 7.5) * scale, 1e-12) << i;
    const double dx = scale * ((i == 3) - 1.0 / 16) + (i % 2 ? -k : k);
    EXPECT_NEAR(r.dx[i], dx, 1e-12) << i;
  }
}

// The analytic gradient against central differences of L = sum dy * y(x),
// at every position (the extremes included: the gaps between a chunk's top
// values are far above the step).
TEST(RangeBnError, ExactRangeBnGradientMatchesFiniteDifferences) {
  const ln::Shape s{2, 1, 4, 4};  // n = 32, chunks of 4
  auto x = ln::make_feature_map(ln::FeatureKind::Gaussian, s, 5);
  const auto dy = ln::make_gradient_map(s, 6);
  const auto r = ln::exact_range_bn(x, dy, s);
  const auto loss = [&](const std::vector<float>& v) {
    return dot(ln::exact_range_bn(v, dy, s).y, std::vector<double>(dy.begin(), dy.end()));
  };
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float h = 0x1p-12f, xi = x[i];
    x[i] = xi + h;
    const double up = loss(x);
    x[i] = xi - h;
    const double down = loss(x);
    x[i] = xi;
    const double step = static_cast<double>(xi + h) - static_cast<double>(xi - h);
    EXPECT_NEAR((up - down) / step, r.dx[i], 1e-5 * (1 + std::abs(r.dx[i]))) << i;
  }
}

// The golden model with every format fp32 and no BFP is range BN computed
// in fp32: within fp32 rounding of the double reference, on both map kinds.
TEST(RangeBnError, Fp32GoldenModelAgreesWithTheExactRangeBn) {
  const auto p = config("fp32");
  const auto dy = ln::make_gradient_map(kSmall, 8);
  for (auto kind : {ln::FeatureKind::Gaussian, ln::FeatureKind::Relu}) {
    const auto x = ln::make_feature_map(kind, kSmall, 7);
    const auto exact = ln::exact_range_bn(x, dy, kSmall);
    const auto out = ln::run_range_bn(p, x, dy, kSmall);
    const auto max_abs = [](const std::vector<double>& v) {
      double m = 0;
      for (double e : v) m = std::max(m, std::abs(e));
      return m;
    };
    const double y_scale = max_abs(exact.y), dx_scale = max_abs(exact.dx);
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_NEAR(out.y[i], exact.y[i], 1e-6 * y_scale) << ln::to_string(kind) << " " << i;
      ASSERT_NEAR(out.dx[i], exact.dx[i], 1e-6 * dx_scale) << ln::to_string(kind) << " " << i;
    }
    EXPECT_LT(ln::rel_err(exact.dgamma, out.dgamma), 1e-5);
    EXPECT_LT(ln::rel_err(exact.dbeta, out.dbeta), 1e-5);
  }
}

// Post-ReLU chunks have many zeros: the minimum is tied, and the range term
// goes to the FIRST zero. A reference that picks the last one disagrees with
// the golden model (and the hardware) in dx though its forward is the same.
TEST(RangeBnError, WrongTieRuleInTheReferenceLowersTheGradientSqnr) {
  const auto x = ln::make_feature_map(ln::FeatureKind::Relu, kSmall, 9);
  const auto dy = ln::make_gradient_map(kSmall, 10);
  const auto out = ln::run_range_bn(config("fp32"), x, dy, kSmall);
  const auto first = ln::exact_range_bn(x, dy, kSmall, ln::ExtremeTie::First);
  const auto last = ln::exact_range_bn(x, dy, kSmall, ln::ExtremeTie::Last);
  EXPECT_EQ(first.y, last.y);
  EXPECT_GT(ln::sqnr_db(first.dx, out.dx), 100);
  EXPECT_LT(ln::sqnr_db(last.dx, out.dx), 40);
}

TEST(RangeBnError, FiguresOfKnownDifferences) {
  const std::vector<double> ref = {1, -2, 3, -4};
  std::vector<double> half, off = ref;
  for (double v : ref) half.push_back(0.5 * v);
  off[0] += 0.1;  // noise 0.01 against a signal of 30
  EXPECT_EQ(ln::sqnr_db(ref, ref), std::numeric_limits<double>::infinity());
  EXPECT_NEAR(ln::sqnr_db(ref, half), 10 * std::log10(4.0), 1e-12);
  EXPECT_EQ(ln::fit_sqnr_db(ref, half), std::numeric_limits<double>::infinity());
  EXPECT_NEAR(ln::std_ratio(ref, half), 0.5, 1e-12);
  EXPECT_NEAR(ln::sqnr_db(ref, off), 10 * std::log10(30 / 0.01), 1e-9);
  EXPECT_NEAR(ln::rel_err(ref, off), std::sqrt(0.01 / 30), 1e-12);
}

TEST(RangeBnError, TableRowsAreInTheirPlausibleRanges) {
  ln::BnErrorOptions o;
  o.shape = {16, 16, 8, 8};  // n = 1024, chunks of 128
  o.seed = 3;
  const auto rows = ln::bn_error_table(o);
  const std::size_t per_kind = ln::bn_error_configs().size() + 1;
  ASSERT_EQ(rows.size(), 2 * per_kind);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const std::string where = ln::to_string(r.kind) + " " + r.id;
    EXPECT_EQ(r.kind, i < per_kind ? ln::FeatureKind::Gaussian : ln::FeatureKind::Relu);
    EXPECT_EQ(r.exact, i % per_kind == 0) << where;
    if (r.exact) {
      EXPECT_EQ(r.m.y_range_sqnr_db, std::numeric_limits<double>::infinity());
      // C(n) * range estimates ~1.8 sigma at 128 per chunk: y is ~0.55 of BN's.
      if (r.kind == ln::FeatureKind::Gaussian) {
        EXPECT_NEAR(r.m.std_ratio, 0.55, 0.05);
      }
      EXPECT_LT(r.m.y_bn_sqnr_db, 12) << where;
      EXPECT_GT(r.m.y_bn_fit_sqnr_db, r.m.y_bn_sqnr_db + 3) << where;
    } else if (r.id == "fp32") {
      EXPECT_GT(r.m.y_range_sqnr_db, 100) << where;
      EXPECT_GT(r.m.dx_range_sqnr_db, 100) << where;
      EXPECT_LT(r.m.dgamma_rel_err, 1e-5) << where;
    } else if (r.id == "fp10_bfp_pow2") {
      // d * scale in [0.75, 1.5): a scale error of up to 50% (>= 6 dB).
      EXPECT_GT(r.m.y_range_sqnr_db, 6) << where;
      EXPECT_LT(r.m.y_range_sqnr_db, 20) << where;
    } else {
      // fp10 (4 fraction bits, truncated, twice) and 5-bit BFP: ~25-30 dB;
      // fp12 with 7-bit BFP ~37 dB.
      EXPECT_GT(r.m.y_range_sqnr_db, 20) << where;
      EXPECT_LT(r.m.y_range_sqnr_db, 40) << where;
      EXPECT_GT(r.m.dx_range_sqnr_db, 15) << where;
      EXPECT_LT(r.m.dx_range_sqnr_db, 40) << where;
    }
  }
}

TEST(RangeBnError, BadShapesAreNamed) {
  const ln::Shape bad[] = {{2, 4, 3, 3}, {1, 1, 2, 4}, {0, 4, 4, 4}};
  for (const auto& s : bad) {
    try {
      ln::check_bn_error_shape(s);
      ADD_FAILURE() << s.n << " " << s.h << " " << s.w;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("a multiple of 8 (its chunks) and at least 16"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_NO_THROW(ln::check_bn_error_shape({1, 1, 4, 4}));
}

}  // namespace
