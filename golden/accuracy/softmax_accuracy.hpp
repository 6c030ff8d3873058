#pragma once
// Accuracy of a fixed-point softmax model against the exact softmax (double)
// of the same quantized logits: the figures `blockforge softmax-report`
// prints for opal.softmax and softmax.exp_baseline.
//
// Logit distributions (seeded, one vector of n logits at a time):
//   uniform    x_j ~ U(-8, 8) i.i.d.
//   attention  scaled dot-product scores s_j = q.k_j / sqrt(d): for Gaussian q
//              and k_j these are Gaussian; per vector the score spread
//              sigma ~ U(1, 3) (flat to peaked heads), s_j = sigma * N(0, 1),
//              plus 1..3 positions (attention sinks / matching keys) that get
//              +U(4, 10) on top.
// Both are quantized to the unit's input format (round to nearest, ties away
// from zero, saturating), and the exact softmax is taken of the quantized
// values, so input quantization is not counted as error.
//
// Figures per model and distribution:
//   max_abs_err  max over all vectors and elements of |y_i - p_i|
//   mean_abs_err mean of the same
//   mean_kl      mean over vectors of KL(p || q) in nats, where q is the
//                output with zeros replaced by half an output LSB, renormalized
//                (so KL is finite and >= 0; the output itself need not sum to 1)
//   top1         fraction of vectors where argmax y == argmax p (first index
//                of the maximum in both, as numpy.argmax)
//   mean_sum_dev mean over vectors of |sum_i y_i - 1|

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace bf::softmax {

enum class LogitDist { Uniform, Attention };
std::string to_string(LogitDist d);

// `count` vectors of n logits, vector-major.
std::vector<double> make_logits(LogitDist dist, int n, int count, uint64_t seed);

// Real logits to signed fixed-point codes with `int_bits` (sign included) and
// `frac_bits`: round to nearest (ties away), saturate.
std::vector<int32_t> quantize_logits(std::span<const double> x, int int_bits, int frac_bits);

// Exact softmax (double) of one vector of codes.
void exact_softmax(std::span<const int32_t> x, int frac_bits, std::span<double> p);

// A fixed-point softmax: n codes in, n output codes (value y * 2^-out_bits) out.
using SoftmaxModel = std::function<void(std::span<const int32_t>, std::span<uint32_t>)>;

// Exact softmax floored to Q0.out_bits (1.0 saturating): the floor any design
// with this output format reaches; the report prints it as a reference row.
SoftmaxModel exact_floored_model(int frac_bits, int out_bits);

struct AccuracyStats {
  int vectors = 0;
  double max_abs_err = 0;
  double mean_abs_err = 0;
  double mean_kl = 0;
  double top1 = 0;
  double mean_sum_dev = 0;
};

// Evaluates `model` on the vectors of `codes` (n codes each).
AccuracyStats evaluate(const SoftmaxModel& model, std::span<const int32_t> codes, int n,
                       int frac_bits, int out_bits);

// KL(p || q) of one vector with q as described above (exposed for tests).
double kl_divergence(std::span<const double> p, std::span<const uint32_t> y, int out_bits);

}  // namespace bf::softmax
