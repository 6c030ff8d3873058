#pragma once
// Error of LightNorm's range BN (golden/lightnorm/range_bn_tensor.hpp) in
// each of its formats against exact batch norm: the table
// `blockforge bn-error` prints (issue 11, section 3).
//
// Feature maps (seeded, the same on every platform: std::mt19937_64 and a
// Box-Muller transform, not std::normal_distribution), NCHW fp32:
//   gaussian  x ~ N(mu_c, sigma_c^2) per channel c, mu_c ~ U(-1, 1) and
//             sigma_c ~ U(0.5, 2) drawn first (mu then sigma per channel),
//             then the values in NCHW order
//   relu      max(0, the gaussian map of the same seed): the zero-heavy,
//             skewed case (a channel with mu = -1, sigma = 0.5 is 98% zeros)
//   dy        the incoming gradient, N(0, 1) i.i.d.
// std::mt19937_64(seed) draws the seed of x, then the seed of dy.
// gamma = 1 and beta = 0 in every channel, as a freshly initialized layer:
// they convert exactly into every format here, so the table measures the
// normalization and not the rounding of two learned vectors.
//
// Exact references, in double from the same fp32 inputs (per channel, over
// its n = N*H*W values in (b, h, w) order):
//   standard BN  mean, biased variance, eps = 1e-5:
//                y = gamma (x - mean) / sqrt(var + eps) + beta,
//                dx = gamma / sqrt(var + eps) (dy - dbeta/n - x_hat dgamma/n)
//   range BN     the formula of range_bn.hpp with chunks = 8:
//                scale = 1 / (C(n) range + 1e-5), C(n) = 1/sqrt(2 ln(n/8)),
//                y = gamma (x - mean) scale + beta, and its analytic
//                gradient with the range term at the FIRST argmax and argmin
//                of each chunk (ExtremeTie::Last exists for the test that
//                shows a wrong tie rule is visible)
//   both         dgamma = sum dy x_hat, dbeta = sum dy.
//
// Figures of one output against a reference (every figure over the whole
// tensor, or over the C-vector for dgamma and dbeta):
//   sqnr_db      10 log10(sum ref^2 / sum (out - ref)^2); +inf if equal
//   fit_sqnr_db  the same after the least-squares scalar fit a*out ~ ref
//                (a = <out, ref> / <out, out>): what is left is the shape
//                error. One scalar for the tensor, not one per channel:
//                exact range BN is exactly proportional to standard BN
//                inside a channel, so a per-channel fit would hide the
//                channel-to-channel noise of the range estimator, which is
//                what the next layer sees
//   std_ratio    std(out) / std(ref) over all values. C(n) * range
//                estimates about 1.7 sigma at n / 8 = 1024, not sigma, so
//                range BN's output is ~0.58 of standard BN's and its plain
//                SQNR against standard BN is low by construction
//   rel_err      ||out - ref||_2 / ||ref||_2

#include <cstdint>
#include <string>
#include <vector>

#include "golden/lightnorm/range_bn_tensor.hpp"

namespace bf::golden::lightnorm {

// Chunks per channel of every range BN here (LightNorm's, range_bn.hpp's default).
constexpr int kBnErrorChunks = 8;

enum class FeatureKind { Gaussian, Relu };
std::string to_string(FeatureKind kind);  // "gaussian", "relu"

// Throws std::invalid_argument naming the sizes unless every dimension is
// >= 1 and n = N*H*W is a multiple of 8 (the chunks) and at least 16.
void check_bn_error_shape(const Shape& shape);

std::vector<float> make_feature_map(FeatureKind kind, const Shape& shape, uint64_t seed);
std::vector<float> make_gradient_map(const Shape& shape, uint64_t seed);

// A reference's outputs, in double: y and dx NCHW, dgamma and dbeta per channel.
struct BnOutputs {
  std::vector<double> y, dx, dgamma, dbeta;
};

BnOutputs standard_bn(const std::vector<float>& x, const std::vector<float>& dy,
                      const Shape& shape);
enum class ExtremeTie { First, Last };
BnOutputs exact_range_bn(const std::vector<float>& x, const std::vector<float>& dy,
                         const Shape& shape, ExtremeTie tie = ExtremeTie::First);

double sqnr_db(const std::vector<double>& ref, const std::vector<double>& out);
double fit_sqnr_db(const std::vector<double>& ref, const std::vector<double>& out);
double std_ratio(const std::vector<double>& ref, const std::vector<double>& out);
double rel_err(const std::vector<double>& ref, const std::vector<double>& out);

struct BnErrorMetrics {
  double y_range_sqnr_db = 0;    // y against exact range BN: the format error
  double y_bn_sqnr_db = 0;       // y against standard BN
  double std_ratio = 0;          // std(y) / std(y of standard BN)
  double y_bn_fit_sqnr_db = 0;   // y against standard BN after the scalar fit
  double dx_range_sqnr_db = 0;   // dx against exact range BN's dx
  double dx_bn_fit_sqnr_db = 0;  // dx against standard BN's dx after the scalar fit
  double dgamma_rel_err = 0;     // against exact range BN
  double dbeta_rel_err = 0;      // against exact range BN (= standard BN's)
};

BnErrorMetrics bn_error_metrics(const BnOutputs& range, const BnOutputs& bn, const BnOutputs& out);

// One configuration of the golden model (a row of the table per map kind).
struct BnErrorConfig {
  std::string id;     // "fp10_bfp", ... (JSON)
  std::string label;  // "fp10 + BFP g8 (LightNorm)", ... (text)
  RangeBnTensorParams params;
};
// fp32 arithmetic; fp10 without BFP; fp10 + BFP (LightNorm's default); its
// variants: norm e5m12, Newton and power-of-two reciprocals, fp12 (with
// LightNorm's 5-bit io BFP, and with it widened to 7 bits), plain BFP.
std::vector<BnErrorConfig> bn_error_configs();

// The golden model's outputs (forward, then backward) as a BnOutputs.
BnOutputs run_range_bn(const RangeBnTensorParams& p, const std::vector<float>& x,
                       const std::vector<float>& dy, const Shape& shape);

struct BnErrorOptions {
  Shape shape{32, 64, 16, 16};  // a ResNet-18 CIFAR BN layer at batch 32
  uint64_t seed = 1;
};

struct BnErrorRow {
  FeatureKind kind = FeatureKind::Gaussian;
  std::string id, label;  // the exact row: "range_exact", "range BN exact (double)"
  bool exact = false;     // exact range BN in double, not a golden-model run
  BnErrorMetrics m;
};

// Per kind (gaussian, then relu): the exact range BN row, then one row per
// bn_error_configs() entry.
std::vector<BnErrorRow> bn_error_table(const BnErrorOptions& options);

}  // namespace bf::golden::lightnorm
