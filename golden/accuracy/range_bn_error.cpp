#include "golden/accuracy/range_bn_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>

namespace bf::golden::lightnorm {

namespace {

constexpr int kChunks = kBnErrorChunks;
constexpr double kEps = 1e-5;
// The study's affine parameters (header: they convert exactly everywhere).
constexpr double kGamma = 1.0;
constexpr double kBeta = 0.0;

constexpr double kMuMin = -1.0, kMuMax = 1.0;
constexpr double kSigmaMin = 0.5, kSigmaMax = 2.0;

// U[0, 1) from the top 53 bits: the same on every platform.
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

// Box-Muller: two uniforms, one N(0, 1) (1 - u keeps the log finite).
double gaussian(std::mt19937_64& rng) {
  const double u1 = 1.0 - uniform(rng), u2 = uniform(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

void check_sizes(const std::vector<float>& x, const std::vector<float>& dy, const Shape& s) {
  check_bn_error_shape(s);
  if (x.size() != s.count() || dy.size() != s.count())
    throw std::invalid_argument(
        fmt::format("BN reference: x has {} and dy {} values, the shape needs {}", x.size(),
                    dy.size(), s.count()));
}

// Visits channel c's values in (b, h, w) order: f(position in 0..n-1, NCHW index).
template <typename F>
void for_channel(const Shape& s, std::size_t c, F&& f) {
  const std::size_t hw = s.h * s.w;
  for (std::size_t b = 0; b < s.n; ++b)
    for (std::size_t i = 0; i < hw; ++i) f(b * hw + i, (b * s.c + c) * hw + i);
}

BnOutputs sized(const Shape& s) {
  BnOutputs o;
  o.y.resize(s.count());
  o.dx.resize(s.count());
  o.dgamma.resize(s.c);
  o.dbeta.resize(s.c);
  return o;
}

std::vector<double> widen(const std::vector<float>& v) { return {v.begin(), v.end()}; }

RangeBnTensorParams fp32_everywhere() {
  RangeBnTensorParams p;
  p.core.io = p.core.grad = p.core.stat = p.core.norm = FloatFormat::fp32();
  p.bfp = false;
  return p;
}

RangeBnTensorParams fp10(bool bfp) {
  RangeBnTensorParams p;  // the defaults are LightNorm's: fp10 1-5-4 / 1-6-3, BFP g8 5/8 bits
  p.bfp = bfp;
  return p;
}

}  // namespace

std::string to_string(FeatureKind kind) {
  return kind == FeatureKind::Gaussian ? "gaussian" : "relu";
}

void check_bn_error_shape(const Shape& s) {
  const std::size_t n = s.per_channel();
  if (s.n < 1 || s.c < 1 || s.h < 1 || s.w < 1 || n % kChunks != 0 || n < 2 * kChunks)
    throw std::invalid_argument(fmt::format(
        "shape {} x {} x {} x {} has n = N*H*W = {} values per channel; range BN needs every "
        "size >= 1 and n a multiple of {} (its chunks) and at least {}",
        s.n, s.c, s.h, s.w, n, kChunks, 2 * kChunks));
}

std::vector<float> make_feature_map(FeatureKind kind, const Shape& s, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> mu(s.c), sigma(s.c);
  for (std::size_t c = 0; c < s.c; ++c) {
    mu[c] = kMuMin + (kMuMax - kMuMin) * uniform(rng);
    sigma[c] = kSigmaMin + (kSigmaMax - kSigmaMin) * uniform(rng);
  }
  std::vector<float> x(s.count());
  const std::size_t hw = s.h * s.w;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = i / hw % s.c;
    const float v = static_cast<float>(mu[c] + sigma[c] * gaussian(rng));
    x[i] = kind == FeatureKind::Relu && v <= 0.0f ? 0.0f : v;
  }
  return x;
}

std::vector<float> make_gradient_map(const Shape& s, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<float> g(s.count());
  for (auto& v : g) v = static_cast<float>(gaussian(rng));
  return g;
}

BnOutputs standard_bn(const std::vector<float>& x, const std::vector<float>& dy, const Shape& s) {
  check_sizes(x, dy, s);
  BnOutputs o = sized(s);
  const double n = static_cast<double>(s.per_channel());
  for (std::size_t c = 0; c < s.c; ++c) {
    double sum = 0, sq = 0, dbeta = 0, dgamma = 0;
    for_channel(s, c, [&](std::size_t, std::size_t i) { sum += x[i]; });
    const double mean = sum / n;
    for_channel(s, c, [&](std::size_t, std::size_t i) { sq += (x[i] - mean) * (x[i] - mean); });
    const double inv_std = 1.0 / std::sqrt(sq / n + kEps);
    // y keeps x_hat until the backward pass has used it.
    for_channel(s, c, [&](std::size_t, std::size_t i) {
      o.y[i] = (x[i] - mean) * inv_std;
      dbeta += dy[i];
      dgamma += dy[i] * o.y[i];
    });
    for_channel(s, c, [&](std::size_t, std::size_t i) {
      o.dx[i] = kGamma * inv_std * (dy[i] - dbeta / n - o.y[i] * dgamma / n);
      o.y[i] = kGamma * o.y[i] + kBeta;
    });
    o.dgamma[c] = dgamma;
    o.dbeta[c] = dbeta;
  }
  return o;
}

BnOutputs exact_range_bn(const std::vector<float>& x, const std::vector<float>& dy, const Shape& s,
                         ExtremeTie tie) {
  check_sizes(x, dy, s);
  BnOutputs o = sized(s);
  const std::size_t n = s.per_channel(), len = n / kChunks;
  const double cn = 1.0 / std::sqrt(2.0 * std::log(static_cast<double>(n / kChunks)));
  std::vector<std::size_t> index(n);  // position -> NCHW index, this channel
  // Per position: -1 at its chunk's argmax, +1 at its argmin (the sign of the
  // range term in dx), 0 elsewhere and where the two coincide.
  std::vector<int> extreme(n);
  for (std::size_t c = 0; c < s.c; ++c) {
    for_channel(s, c, [&](std::size_t p, std::size_t i) { index[p] = i; });
    double sum = 0, smax = 0, smin = 0;
    std::fill(extreme.begin(), extreme.end(), 0);
    for (std::size_t k = 0; k < kChunks; ++k) {
      std::size_t imax = k * len, imin = k * len;
      for (std::size_t p = k * len; p < (k + 1) * len; ++p) {
        const float v = x[index[p]];
        sum += v;
        const float mx = x[index[imax]], mn = x[index[imin]];
        if (tie == ExtremeTie::First ? v > mx : v >= mx) imax = p;
        if (tie == ExtremeTie::First ? v < mn : v <= mn) imin = p;
      }
      smax += x[index[imax]];
      smin += x[index[imin]];
      extreme[imax] -= 1;
      extreme[imin] += 1;
    }
    const double mean = sum / static_cast<double>(n);
    const double scale = 1.0 / (cn * (smax - smin) / kChunks + kEps);
    double dbeta = 0, dgs = 0;
    for (std::size_t p = 0; p < n; ++p) {
      const std::size_t i = index[p];
      const double x_hat = (x[i] - mean) * scale;
      o.y[i] = kGamma * x_hat + kBeta;
      dbeta += dy[i];
      dgs += dy[i] * x_hat;
    }
    // range_bn.hpp: dx_i = g_i gamma s - s gamma sum(g) / n -+ k at the
    // extremes, k = gamma sum(g x_hat) s C / chunks.
    const double k = kGamma * dgs * scale * cn / kChunks;
    for (std::size_t p = 0; p < n; ++p) {
      const std::size_t i = index[p];
      o.dx[i] = kGamma * scale * (dy[i] - dbeta / static_cast<double>(n)) + extreme[p] * k;
    }
    o.dgamma[c] = dgs;
    o.dbeta[c] = dbeta;
  }
  return o;
}

double sqnr_db(const std::vector<double>& ref, const std::vector<double>& out) {
  if (ref.size() != out.size()) throw std::invalid_argument("sqnr_db: sizes differ");
  double signal = 0, noise = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    signal += ref[i] * ref[i];
    noise += (out[i] - ref[i]) * (out[i] - ref[i]);
  }
  return noise > 0 ? 10 * std::log10(signal / noise) : std::numeric_limits<double>::infinity();
}

double fit_sqnr_db(const std::vector<double>& ref, const std::vector<double>& out) {
  if (ref.size() != out.size()) throw std::invalid_argument("fit_sqnr_db: sizes differ");
  double ro = 0, oo = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    ro += ref[i] * out[i];
    oo += out[i] * out[i];
  }
  const double a = oo > 0 ? ro / oo : 0;
  std::vector<double> fitted(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) fitted[i] = a * out[i];
  return sqnr_db(ref, fitted);
}

double std_ratio(const std::vector<double>& ref, const std::vector<double>& out) {
  if (ref.size() != out.size() || ref.empty())
    throw std::invalid_argument("std_ratio: sizes differ or empty");
  const auto var = [](const std::vector<double>& v) {
    double m = 0, s = 0;
    for (double e : v) m += e;
    m /= static_cast<double>(v.size());
    for (double e : v) s += (e - m) * (e - m);
    return s / static_cast<double>(v.size());
  };
  return std::sqrt(var(out) / var(ref));
}

double rel_err(const std::vector<double>& ref, const std::vector<double>& out) {
  if (ref.size() != out.size()) throw std::invalid_argument("rel_err: sizes differ");
  double signal = 0, noise = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    signal += ref[i] * ref[i];
    noise += (out[i] - ref[i]) * (out[i] - ref[i]);
  }
  return signal > 0 ? std::sqrt(noise / signal) : std::sqrt(noise);
}

BnErrorMetrics bn_error_metrics(const BnOutputs& range, const BnOutputs& bn, const BnOutputs& out) {
  BnErrorMetrics m;
  m.y_range_sqnr_db = sqnr_db(range.y, out.y);
  m.y_bn_sqnr_db = sqnr_db(bn.y, out.y);
  m.std_ratio = std_ratio(bn.y, out.y);
  m.y_bn_fit_sqnr_db = fit_sqnr_db(bn.y, out.y);
  m.dx_range_sqnr_db = sqnr_db(range.dx, out.dx);
  m.dx_bn_fit_sqnr_db = fit_sqnr_db(bn.dx, out.dx);
  m.dgamma_rel_err = rel_err(range.dgamma, out.dgamma);
  m.dbeta_rel_err = rel_err(range.dbeta, out.dbeta);
  return m;
}

std::vector<BnErrorConfig> bn_error_configs() {
  std::vector<BnErrorConfig> v;
  v.push_back({"fp32", "fp32 arithmetic", fp32_everywhere()});
  v.push_back({"fp10", "fp10 e5m4/e6m3, no BFP", fp10(false)});
  v.push_back({"fp10_bfp", "fp10 + BFP g8 (LightNorm)", fp10(true)});
  auto norm = fp10(true);
  norm.core.norm = FloatFormat::plus_mantissa(norm.core.io, 8);
  v.push_back({"fp10_bfp_norm_e5m12", "fp10 + BFP, norm e5m12 (+8)", norm});
  auto newton = fp10(true);
  newton.core.reciprocal = Reciprocal::Newton;
  v.push_back({"fp10_bfp_newton", "fp10 + BFP, recip. newton", newton});
  auto pow2 = fp10(true);
  pow2.core.reciprocal = Reciprocal::Pow2;
  v.push_back({"fp10_bfp_pow2", "fp10 + BFP, recip. pow2", pow2});
  auto fp12 = fp10(true);
  fp12.core.io = FloatFormat::custom(5, 6);
  fp12.core.grad = FloatFormat::custom(6, 5);
  v.push_back({"fp12_bfp", "fp12 e5m6/e6m5 + BFP", fp12});
  // LightNorm's 5-bit BFP keeps fewer bits than fp12's 7-bit significand:
  // the same with the io BFP widened to match shows what fp12 itself buys.
  auto fp12_wide = fp12;
  fp12_wide.io_bfp.bits = 7;
  v.push_back({"fp12_bfp_io7", "fp12 + BFP, io BFP 7-bit", fp12_wide});
  auto plain = fp10(true);
  plain.io_bfp.variant = plain.grad_bfp.variant = LightnormBfp::Variant::Plain;
  v.push_back({"fp10_bfp_plain", "fp10 + BFP plain (no outl.)", plain});
  return v;
}

BnOutputs run_range_bn(const RangeBnTensorParams& p, const std::vector<float>& x,
                       const std::vector<float>& dy, const Shape& s) {
  check_sizes(x, dy, s);
  const std::vector<float> gamma(s.c, static_cast<float>(kGamma)),
      beta(s.c, static_cast<float>(kBeta));
  RangeBnSaved saved;
  BnOutputs o;
  o.y = widen(range_bn_forward(p, x, s, gamma, beta, &saved));
  const RangeBnTensorGrads g = range_bn_backward(p, dy, saved);
  o.dx = widen(g.dx);
  o.dgamma = widen(g.dgamma);
  o.dbeta = widen(g.dbeta);
  return o;
}

std::vector<BnErrorRow> bn_error_table(const BnErrorOptions& o) {
  check_bn_error_shape(o.shape);
  std::mt19937_64 seeder(o.seed);
  const uint64_t x_seed = seeder(), dy_seed = seeder();
  const std::vector<float> dy = make_gradient_map(o.shape, dy_seed);
  const auto configs = bn_error_configs();
  std::vector<BnErrorRow> rows;
  for (FeatureKind kind : {FeatureKind::Gaussian, FeatureKind::Relu}) {
    const std::vector<float> x = make_feature_map(kind, o.shape, x_seed);
    const BnOutputs range = exact_range_bn(x, dy, o.shape);
    const BnOutputs bn = standard_bn(x, dy, o.shape);
    rows.push_back(
        {kind, "range_exact", "range BN exact (double)", true, bn_error_metrics(range, bn, range)});
    for (const auto& c : configs)
      rows.push_back({kind, c.id, c.label, false,
                      bn_error_metrics(range, bn, run_range_bn(c.params, x, dy, o.shape))});
  }
  return rows;
}

}  // namespace bf::golden::lightnorm
