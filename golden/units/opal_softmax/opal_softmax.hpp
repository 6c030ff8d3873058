#pragma once
// opal.softmax: OPAL's log2-based softmax over a vector of n fixed-point
// logits, built from shifts, additions/subtractions, comparisons and
// leading-one detection only (no multiplier, no divider, no table: zero
// entries). One vector per transaction. The golden model below IS the
// hardware's arithmetic, integer-only and bit-exact.
//
// Formats
//   input  x_i: signed two's complement, W = in_int_bits + in_frac_bits bits,
//          value x_i * 2^-in_frac_bits (in_int_bits counts the sign bit).
//          Default Q6.10 (16 bits, [-32, 32) in steps of 2^-10): softmax only
//          sees differences, and every output of a difference beyond
//          (out_bits + 1) * ln 2 ~ 11.8 is 0, so +-32 covers attention
//          scores with room; 10 fraction bits put the input quantization
//          (2^-11 in the exponent, 0.07 %) far below the error of the log2
//          approximation itself.
//   output y_i: unsigned fixed point Q0.out_bits, value y_i * 2^-out_bits.
//          1.0 saturates to 2^out_bits - 1 (only when z = 0: one logit takes
//          all the mass and log_bias = 0; with the default bias 1/16 a
//          one-hot vector gives 2^-1/16 ~ 0.969 by Mitchell, 63488 at B = 16);
//          values below 2^-out_bits underflow to 0 (floor).
//
// Arithmetic (fi = in_frac_bits, k = log2e_frac_bits, F = exp_frac_bits,
// G = log_frac_bits, H = max(F, G), P = sum_frac_bits, B = out_bits; every
// quantity is a nonnegative integer; "floor" and "round half up" name the
// only two roundings used):
//   1. m   = max_i x_i                                   (comparator tree)
//   2. d_i = m - x_i >= 0,  clamped to 2^jd - 1           (jd: see below;
//      the clamp only bounds widths: every clamped d gives t = t_cap anyway)
//   3. a_i = d_i * C, C = round(log2(e) * 2^k)           (CSD shift-and-add;
//      k = 4 gives C = 23: x + x>>1 - x>>4 = 1.4375 x, the reference's
//      example; k = 8 gives 369/256 = 1.44140625 (-0.09 %))
//   4. t_i = round half up (a_i / 2^(fi + k - F)), saturated at t_cap:
//      t_i / 2^F ~ (m - x_i) * log2(e), the negated log2 of exp(x_i - m).
//      t_cap = T * 2^F with T = max(P, B) + 1: any larger t underflows both
//      antilogs below, so the saturation changes no result.
//   5. Antilog (Mitchell's linear interpolation between powers of two, no
//      table): for a value v >= 0 with h fraction bits, vi = v >> h,
//      vf = v mod 2^h,
//        2^-(v / 2^h) ~ mant(v) / 2^(h + sh(v)),
//        mant(v) = 2^h + ((2^h - vf) mod 2^h),   sh(v) = vi + (vf != 0).
//      (The exact power of two when vf = 0; otherwise linear in vf between
//      2^-vi and 2^-(vi+1); overestimates by at most 6.1 %.)
//   6. Sum terms p_i = floor(mant(t_i) * 2^P / 2^(F + sh(t_i)))  (floor)
//      The maximum has t = 0, so p = 2^P; S = sum_i p_i in [2^P, n * 2^P].
//   7. log2 of the sum by leading-one detection (Mitchell's logarithm):
//      L = floor(log2 S) - P in [0, floor(log2 n)],
//      r = the G + 1 bits of S right after its leading one (lower bits are
//      truncated), lg = L * 2^G + round half up (r / 2) = L * 2^G +
//      ((r + 1) >> 1) + log_bias. lg / 2^G ~ log2(S / 2^P). The Mitchell
//      antilog overestimates (1 + f >= 2^f) and the Mitchell log
//      underestimates, so the outputs of the plain form sum to ~1.05; the
//      constant log_bias (default 1/16 at G = 4) centres them.
//   8. The division is a subtraction in the log domain:
//      z_i = t_i * 2^(H - F) + lg * 2^(H - G)   (= -log2 y_i with H bits)
//   9. y_i = floor(mant(z_i) * 2^B / 2^(H + sh(z_i))), then min(y_i, 2^B - 1).
//      With F = G = log_bias = 0 this is exactly the reference form
//      y_i = 2^(round((x_i - m) log2 e) - round(log2 sum_j 2^(...))): a
//      power of two. With F or G > 0 the output carries an H-bit mantissa
//      (Mitchell: linear between powers of two, no table entries).
// Do not drop step 3: without the log2(e) pre-scale (C = 1, as in
// microxcaling's exp2 softmax) the unit computes softmax(x ln 2), not
// softmax(x). The report (blockforge softmax-report) shows the difference.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct OpalSoftmaxParams {
  int n = 64;
  int in_int_bits = 6;
  int in_frac_bits = 10;
  int out_bits = 16;
  int log2e_frac_bits = 4;
  int exp_frac_bits = 4;
  int log_frac_bits = 4;
  int log_bias = 1;
  int sum_frac_bits = 12;
  int pipeline_stages = 0;

  template <class V>
  void visit(V& v) {
    v.field("n", n, "vector length; one whole vector per transaction", IntRange{2, 256});
    v.field("in_int_bits", in_int_bits,
            "integer bits of the signed fixed-point logits, sign included (Q6.10 default: "
            "[-32, 32) in 2^-10 steps)",
            IntRange{1, 16});
    v.field("in_frac_bits", in_frac_bits, "fraction bits of the logits", IntRange{0, 16});
    v.field("out_bits", out_bits,
            "output format unsigned Q0.out_bits; 1.0 saturates to all ones, values below one "
            "LSB floor to 0",
            IntRange{4, 24});
    v.field("log2e_frac_bits", log2e_frac_bits,
            "fraction bits k of the log2(e) constant round(log2e * 2^k) / 2^k applied by CSD "
            "shift-and-add (4: 1.4375 = x + x>>1 - x>>4, -0.36 %; 8: 1.44140625, -0.09 %)",
            IntRange{1, 16});
    v.field("exp_frac_bits", exp_frac_bits,
            "fraction bits F of the scaled differences (x - max) log2 e; 0 = round to an "
            "integer exponent (pure powers of two), F > 0 = F-bit Mitchell mantissa",
            IntRange{0, 8});
    v.field("log_frac_bits", log_frac_bits,
            "fraction bits G of log2(sum) taken from the bits after the leading one "
            "(0 = rounded leading-one position)",
            IntRange{0, 8});
    v.field("log_bias", log_bias,
            "constant added to log2(sum), in units of 2^-log_frac_bits: centres the Mitchell "
            "approximation's systematic overestimate (with 0 the outputs sum to ~1.05); 0 = the "
            "reference form",
            IntRange{0, 16});
    v.field("sum_frac_bits", sum_frac_bits,
            "fraction bits P of the sum terms 2^-t (the maximum contributes 1.0 = 2^P; terms "
            "are floored to P bits); must exceed log_frac_bits",
            IntRange{1, 32});
    v.field("pipeline_stages", pipeline_stages,
            "registers inside the datapath; latency = pipeline_stages + 1. 1: after "
            "log2(sum); 2: also after the max tree; 3: also after the sum terms",
            IntRange{0, 3});
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;
};

// The derived constants shared by the golden model and the generator.
struct OpalSoftmaxShape {
  int n = 0;
  int w = 0;          // input width
  int fi = 0;         // input fraction bits
  int k = 0;          // log2(e) constant fraction bits
  int64_t c = 0;      // round(log2(e) * 2^k)
  int f = 0;          // F: fraction bits of t
  int g = 0;          // G: fraction bits of lg
  int bias = 0;       // log_bias (units of 2^-G)
  int h = 0;          // H = max(F, G): fraction bits of z
  int p = 0;          // P: fraction bits of the sum terms
  int out = 0;        // B: output bits
  int shift = 0;      // t = round(a / 2^shift) when shift > 0, a << -shift otherwise
  int jd = 0;         // d is clamped to 2^jd - 1 (jd = w: no clamp)
  int t_int = 0;      // T = max(P, B) + 1
  int64_t t_cap = 0;  // T * 2^F
  int t_w = 0;        // bits of t
  int a_w = 0;        // bits of a = d * c
  int p_w = 0;        // bits of a sum term (P + 1)
  int sum_w = 0;      // bits of S
  int sh_w = 0;       // bits of the top part S >> P
  int l_max = 0;      // floor(log2 n)
  int lg_w = 0;       // bits of lg
  int z_w = 0;        // bits of z
};

OpalSoftmaxShape opal_softmax_shape(const OpalSoftmaxParams& p);
// Same with another log2(e) constant c / 2^k (k >= 0). c = 1, k = 0 is the
// microxcaling mistake (no pre-scale): for tests and the report only.
OpalSoftmaxShape opal_softmax_shape(const OpalSoftmaxParams& p, int64_t c, int k);

// Step 5: the Mitchell antilog of v (h fraction bits): mantissa and shift.
struct Antilog {
  uint32_t mant;  // 2^h .. 2^(h+1) - 1
  int64_t sh;     // >= 0
};
inline Antilog mitchell_antilog(int64_t v, int h) {
  const int64_t one = int64_t{1} << h;
  const int64_t vf = v & (one - 1);
  return {static_cast<uint32_t>(one + ((one - vf) & (one - 1))), (v >> h) + (vf != 0)};
}

// Intermediate values of one vector, for tests and mismatch reports.
struct OpalSoftmaxTrace {
  int32_t max = 0;
  std::vector<int64_t> t;   // step 4
  std::vector<uint64_t> p;  // step 6
  uint64_t sum = 0;
  int64_t lg = 0;  // including log_bias
};

// x: n input codes as signed integers (value x * 2^-fi, in range);
// y: n output codes (value y * 2^-out_bits).
void opal_softmax(const OpalSoftmaxShape& s, std::span<const int32_t> x, std::span<uint32_t> y,
                  OpalSoftmaxTrace* trace = nullptr);

}  // namespace bf::golden
