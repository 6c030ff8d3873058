#pragma once
// softmax.exp_baseline: the conventional fixed-point softmax that
// opal.softmax is compared with (area and accuracy): same vector length,
// same input format (signed Q in_int_bits.in_frac_bits) and output format
// (unsigned Q0.out_bits, 1.0 saturating to all ones, floor below one LSB),
// same handshake and pipeline depth class. The golden model below IS the
// hardware's arithmetic, integer-only and bit-exact.
//
// It is built the way a careful designer builds a 16-bit softmax, with
// internal precisions derived from out_bits (B) and n, not typed, each sized
// so that its error stays below half an output LSB:
//   1. m = max_i x_i; d_i = m - x_i, clamped to 2^jd - 1 (widths only).
//   2. Range reduction exp(-d) = 2^-u, u = d log2(e):
//      u_i = round half up (d_i * C / 2^(fi + K - U)), saturated at
//      (P + 1) * 2^U (every larger u underflows all results), with
//      C = round(log2(e) * 2^(B-1)) with trailing zeros dropped (K the
//      remaining fraction bits; B = 16: C = 23637, K = 14, CSD shift-and-add
//      = a constant multiplier), U = B + 1 fraction bits of u.
//   3. 2^-frac(u) by a 2^exp_table_bits-segment table with linear
//      interpolation on a real multiplier: with M = B + 1,
//      T[j] = round(2^M * 2^(-j / 2^Tb)), D[j] = T[j] - T[j+1],
//      frac(u) = j * 2^L + lo (L = U - Tb),
//      v_i = T[j] - round half up (D[j] * lo / 2^L)    (v in (2^(M-1), 2^M])
//      The maximum has u = 0 and v = 2^M exactly.
//   4. The exponent as one shift: e_i = floor(v_i * 2^P / 2^(M + int(u_i))),
//      P = B + ceil(log2 n) + 1 fraction bits, so the n floors of the sum
//      stay below one output LSB; S = sum e_i in [2^P, n 2^P].
//   5. One reciprocal by a restoring array divider (Q + 1 quotient bits,
//      Q = B + 1): R = floor(2^(P + Q) / S) in [2^Q / n, 2^Q].
//   6. n real multipliers on the top M + 1 bits of each term (the same
//      shifter serves the sum and the output): w_i = e_i >> (P - M),
//      y_i = floor(w_i * R / 2^(M + Q - B)), then min(y_i, 2^B - 1).
// Error at B = 16, n = 64, Tb = 6: interpolation <= 1.5e-5 relative; the
// constant, u rounding and the floors of w, R and y below 2 LSB together;
// measured max 1.6 LSB (blockforge softmax-report).

#include <cstdint>
#include <span>
#include <vector>

#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct SoftmaxExpBaselineParams {
  int n = 64;
  int in_int_bits = 6;
  int in_frac_bits = 10;
  int out_bits = 16;
  int exp_table_bits = 6;
  int pipeline_stages = 0;
  int divider_stages = 0;

  template <class V>
  void visit(V& v) {
    v.field("n", n, "vector length; one whole vector per transaction", IntRange{2, 256});
    v.field("in_int_bits", in_int_bits,
            "integer bits of the signed fixed-point logits, sign included", IntRange{1, 16});
    v.field("in_frac_bits", in_frac_bits, "fraction bits of the logits", IntRange{0, 16});
    v.field("out_bits", out_bits,
            "output format unsigned Q0.out_bits; 1.0 saturates to all ones, values below one "
            "LSB floor to 0",
            IntRange{4, 24});
    v.field("exp_table_bits", exp_table_bits,
            "log2 of the segments of the 2^-f table (linear interpolation between entries; "
            "6 = 64 segments, max interpolation error 1.5e-5)",
            IntRange{2, 8});
    v.field("pipeline_stages", pipeline_stages,
            "registers inside the datapath; latency = pipeline_stages + 1. 1: after the sum; "
            "2: also after the max tree; 3: also after the exp terms",
            IntRange{0, 3});
    v.field("divider_stages", divider_stages,
            "registers inside the reciprocal's restoring array, which is the long path (about "
            "220 ns at n = 64 unpipelined): its quotient rows split into divider_stages + 1 "
            "near-equal groups; adds divider_stages to the latency",
            IntRange{0, 32});
  }

  // Cycles from input to output: pipeline_stages + divider_stages + 1.
  int latency() const { return pipeline_stages + divider_stages + 1; }

  void validate() const;
};

struct SoftmaxExpBaselineShape {
  int n = 0;
  int w = 0;                    // input width
  int fi = 0;                   // input fraction bits
  int k = 0;                    // K: log2(e) constant fraction bits
  int64_t c = 0;                // round(log2(e) * 2^K)
  int u_frac = 0;               // U: fraction bits of u
  int shift = 0;                // fi + K - U (<= 0: exact left shift)
  int tb = 0;                   // table index bits
  int lb = 0;                   // L = U - Tb interpolation bits
  int m = 0;                    // M: fraction bits of v
  int p = 0;                    // P: fraction bits of the sum terms
  int q = 0;                    // Q: reciprocal R = floor(2^(P+Q) / S)
  int out = 0;                  // B
  int jd = 0;                   // d clamped to 2^jd - 1
  int u_int = 0;                // P + 1
  int64_t u_cap = 0;            // (P + 1) * 2^U
  int a_w = 0;                  // bits of d * C
  int u_w = 0;                  // bits of u
  int ui_w = 0;                 // bits of int(u)
  int v_w = 0;                  // M + 1 (also the width of w)
  int dt_w = 0;                 // bits of the slope entries D[j]
  int e_w = 0;                  // P + 1
  int sum_w = 0;                // bits of S
  int r_w = 0;                  // Q + 1 = out_bits + 2 (quotient rows of the reciprocal)
  int prod_w = 0;               // bits of w * R
  std::vector<uint32_t> table;  // T[0 .. 2^Tb] (2^Tb + 1 entries)
  std::vector<uint32_t> slope;  // D[0 .. 2^Tb - 1]
};

SoftmaxExpBaselineShape softmax_baseline_shape(const SoftmaxExpBaselineParams& p);

// Intermediate values of one vector.
struct SoftmaxExpBaselineTrace {
  std::vector<int64_t> u;
  std::vector<uint32_t> v;
  std::vector<uint64_t> e;
  uint64_t sum = 0;
  uint64_t recip = 0;
};

// x: n signed input codes; y: n output codes.
void softmax_exp_baseline(const SoftmaxExpBaselineShape& s, std::span<const int32_t> x,
                          std::span<uint32_t> y, SoftmaxExpBaselineTrace* trace = nullptr);

}  // namespace bf::golden
