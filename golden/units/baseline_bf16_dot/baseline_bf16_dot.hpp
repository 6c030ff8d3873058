#pragma once
// baseline.bf16_dot: the conventional weight-only-quantized dot-product
// engine that OPAL's PE (opal.pe) is compared against for area.
//
// Per beat (one transaction) the unit takes `lanes` bf16 activations a_i and
// `lanes` bf16 weights w_i. The weights are already dequantized to bf16
// upstream, OUTSIDE this unit (a weight-only-quantized model stores int4/int8
// weights and scales; their dequantizer is not part of this baseline and not
// in its area). The datapath:
//   p_i  = fp_mul(bf16 x bf16 -> fp32, nearest_even, a_i, w_i)   (lanes multipliers)
//   t    = fp_sum_tree(fp32, p_0 .. p_{lanes-1})                  (balanced adder tree)
//   acc  = fp_add(fp32, acc, t)                                   (one accumulator adder)
// i.e. acc = golden::fp_dot_step(mul, add, acc, a, w, lanes). A row (one dot
// product) is a sequence of beats whose last one has last = 1: that beat
// outputs done = 1, y = acc, and the accumulator restarts from +0 (it also
// starts from +0 after reset). Every other beat outputs done = 0, y = 0.
//
// A row of n elements is fed as ceil(n / lanes) beats, the last one padded
// with zeros; the result is bf16_dot_row() (= golden::fp_dot with init +0):
// zero padding changes no sum (x + 0 = x), and the only thing it could change,
// the sign of an all -0 chunk, never reaches y because acc starts at +0 and
// +0 + (-0) = +0.
//
// subnormals = "flush" flushes subnormals in every format (bf16 operands read
// as signed zero; results below 2^-126 become signed zero).
//
// accumulation = "fused" replaces the multipliers, the tree and the
// accumulator adder by ONE multi-term adder per beat (tensor-core style),
// golden::bf16_fused_step(). Its exact arithmetic, with F =
// fused_fraction_bits and terms t_0 .. t_{lanes-1} = the EXACT products
// a_i * w_i (bf16 x bf16, 16-bit significands, never rounded) and
// t_lanes = acc (fp32):
//   1. Decode. subnormals = "flush": a subnormal bf16 operand (and a
//      subnormal acc, which flush never produces) is a signed zero.
//   2. Specials. NaN if any operand or acc is NaN, any product is Inf * 0,
//      or +Inf and -Inf terms both occur (a product is Inf when an operand is
//      Inf); otherwise an Inf term gives that Inf. NaN is 0x7fc00000.
//   3. All terms zero: the result is -0 if every term is -0 (product sign =
//      sign(a) ^ sign(w)), else +0 (the IEEE rule for sums of zeros).
//   4. Alignment. For each nonzero term, L_t = floor(log2 |t|) (exact:
//      products are in [2^L, 2^(L+1)), with L from the exponent sum plus the
//      product's top bit). Emax = max L_t over the nonzero terms. Each term
//      becomes the integer m_t = floor(|t| * 2^(F - Emax)): F bits are kept
//      below the largest term's leading position (m_t < 2^(F+1)); the bits
//      below 2^(Emax - F) are TRUNCATED (toward zero, per term, before the
//      sign is applied). No sticky bit is kept.
//   5. One integer sum S = sum_t (sign_t ? -m_t : m_t), exact (two's
//      complement; hardware: (m_t ^ {sign_t}) summed with the number of
//      negative terms).
//   6. S = 0 (cancellation): +0. Otherwise ONE rounding:
//      acc' = fp_round_pack(fp32, S < 0, |S|, Emax - F, nearest_even), i.e.
//      |S| * 2^(Emax - F) rounded to nearest even; above the largest fp32 ->
//      Inf; below 2^-126 -> subnormal ("ieee") or signed zero ("flush";
//      a value that rounds up to 2^-126 is kept).
// Products are never rounded and never overflow on their own: only the
// rounded sum can overflow. With F >= 23 an acc that is the largest term
// enters the sum exactly. The pipeline parameter places registers only; it
// never changes the arithmetic.

#include <cstddef>
#include <cstdint>
#include <string>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct Bf16DotParams {
  int lanes = 16;
  std::string accumulation = "tree";
  std::string subnormals = "ieee";
  int fused_fraction_bits = 26;
  std::string pipeline = "operators";

  template <class V>
  void visit(V& v) {
    v.field("lanes", lanes,
            "bf16 multiply lanes per beat (elements of the dot product per cycle); the products "
            "are summed by a balanced fp32 adder tree (golden::fp_sum_tree order) or, fused, by "
            "one multi-term adder",
            IntRange{1, 64});
    v.field("accumulation", accumulation,
            "tree: lanes bf16 x bf16 -> fp32 multipliers, a balanced tree of IEEE fp32 adders and "
            "an fp32 accumulator adder (one rounding per adder); fused: the exact products and "
            "the fp32 accumulator aligned to the largest exponent (fused_fraction_bits kept "
            "below it, the rest truncated), summed in one integer adder tree and rounded ONCE to "
            "nearest even into the fp32 accumulator per beat (golden::bf16_fused_step)",
            Choices{{"tree", "fused"}});
    v.field("subnormals", subnormals,
            "ieee: IEEE subnormals exact in bf16 operands, products and fp32 results; flush: "
            "bf16 subnormal operands read as signed zero and results that would be subnormal "
            "become signed zero (cheaper hardware), in both accumulation modes",
            Choices{{"ieee", "flush"}});
    v.field("fused_fraction_bits", fused_fraction_bits,
            "fused only (ignored by tree): F, the bits kept below the largest term's leading "
            "position when the terms are aligned; lower bits are truncated, no sticky bit. The "
            "default 26 keeps an fp32 accumulator that is the largest term exact (23 fraction "
            "bits) plus 3 bits of the products below it",
            IntRange{8, 40});
    v.field("pipeline", pipeline,
            "tree: operators: every multiplier and every tree adder has its internal register "
            "stage, latency ceil(log2 lanes) + 2 (critical path: the last tree adder's second "
            "half feeding the accumulator adder); balanced: also a register between the tree and "
            "the accumulator, latency ceil(log2 lanes) + 3, critical path one fp32 adder (the "
            "accumulator loop, like opal.pe's); none: multipliers, tree and accumulator adder in "
            "one cycle (smallest, long path), latency 1. The accumulator adder is always "
            "combinational in its 1-cycle loop. fused: none: latency 1, products, alignment, sum "
            "and rounding in one cycle; operators: a register after the products (in each "
            "multiplier), latency 2; balanced: also a register after the products' maximum "
            "exponent, latency 3. The alignment, sum and rounding close the accumulator's "
            "1-cycle loop in every fused choice",
            Choices{{"operators", "balanced", "none"}});
  }

  bool fused() const { return accumulation == "fused"; }
  bool flush() const { return subnormals == "flush"; }
  void validate() const {}
  bool pipelined() const { return pipeline != "none"; }
  // A register between the tree and the accumulator (pipeline = balanced).
  bool tree_registered() const { return pipeline == "balanced"; }
  // bf16 x bf16 -> fp32, nearest_even (subnormals as the parameter says).
  FpMulSpec mul_spec() const;
  // fp32 + fp32, nearest_even.
  FpAddSpec add_spec() const;
  // Levels of the adder tree: ceil(log2 lanes).
  int tree_levels() const;
  // Cycles from accepting a beat to its output: 1 (the accumulator register)
  // plus, when pipelined, 1 (multipliers) + tree_levels(), plus 1 when the
  // tree's sum is registered. fused: 1 (none), 2 (operators: products
  // registered), 3 (balanced: also the products' maximum exponent).
  int latency() const;
  // The decoded formats (subnormals as the parameter says).
  FloatFormat bf16() const;
  FloatFormat fp32() const;
};

// The unit's state machine, beat by beat from reset: what the RTL computes.
class Bf16DotModel {
 public:
  explicit Bf16DotModel(const Bf16DotParams& p);

  struct Output {
    bool done = false;
    uint32_t y = 0;  // fp32 code; 0 unless done
  };
  // One beat: `lanes` bf16 codes of a and of w (low 16 bits of each word).
  Output step(bool last, const uint32_t* a, const uint32_t* w);
  // The running fp32 sum of the current row (+0 at a row start).
  uint32_t acc() const { return acc_; }

 private:
  Bf16DotParams p_;
  FpMulSpec mul_;
  FpAddSpec add_;
  std::size_t lanes_;
  uint32_t acc_ = 0;
};

// A whole row of n elements on plain arrays (bf16 codes), as the unit
// computes it when fed ceil(n / lanes) beats, zero-padded: golden::fp_dot
// from +0 in chunks of `lanes` (tree), bf16_fused_step on each chunk padded
// with +0 x +0 to `lanes` products (fused; a +0 term changes neither Emax
// nor S, only the sign of an all-zero sum, as in the unit).
uint32_t bf16_dot_row(const Bf16DotParams& p, const uint32_t* a, const uint32_t* w, std::size_t n);

// One beat of accumulation = "fused" (steps 1-6 above): the new fp32
// accumulator from acc and n products a_i * w_i (bf16 codes, low 16 bits),
// keeping F = p.fused_fraction_bits bits below the largest term, with the
// given rounding (the unit uses NearestEven; tests pass others).
uint32_t bf16_fused_step(const Bf16DotParams& p, uint32_t acc, const uint32_t* a, const uint32_t* w,
                         std::size_t n, Rounding mode = Rounding::NearestEven);
// One beat as the unit computes it, either accumulation mode.
uint32_t bf16_dot_step(const Bf16DotParams& p, uint32_t acc, const uint32_t* a, const uint32_t* w);

}  // namespace bf::golden
