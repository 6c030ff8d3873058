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
// subnormals = false flushes subnormals in every format (bf16 operands read
// as signed zero, fp32 products and sums below 2^-126 flush to signed zero).

#include <cstddef>
#include <cstdint>
#include <string>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct Bf16DotParams {
  int lanes = 16;
  bool subnormals = true;
  std::string pipeline = "operators";

  template <class V>
  void visit(V& v) {
    v.field("lanes", lanes,
            "bf16 multiply lanes per beat (elements of the dot product per cycle); the products "
            "are summed by a balanced fp32 adder tree (golden::fp_sum_tree order)",
            IntRange{1, 64});
    v.field("subnormals", subnormals,
            "true: IEEE subnormals exact in bf16 operands, fp32 products and sums; false: every "
            "format flushes subnormals to signed zero (cheaper hardware)");
    v.field("pipeline", pipeline,
            "operators: every multiplier and every tree adder has its internal register stage, "
            "latency ceil(log2 lanes) + 2 (critical path: the last tree adder's second half "
            "feeding the accumulator adder); balanced: also a register between the tree and the "
            "accumulator, latency ceil(log2 lanes) + 3, critical path one fp32 adder (the "
            "accumulator loop, like opal.pe's); none: multipliers, tree and accumulator adder in "
            "one cycle (smallest, long path), latency 1. The accumulator adder is always "
            "combinational in its 1-cycle loop",
            Choices{{"operators", "balanced", "none"}});
  }

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
  // tree's sum is registered.
  int latency() const;
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
  FpMulSpec mul_;
  FpAddSpec add_;
  std::size_t lanes_;
  uint32_t acc_ = 0;
};

// A whole row of n elements on plain arrays (bf16 codes), as the unit
// computes it when fed ceil(n / lanes) beats, zero-padded: golden::fp_dot
// from +0 in chunks of `lanes`.
uint32_t bf16_dot_row(const Bf16DotParams& p, const uint32_t* a, const uint32_t* w, std::size_t n);

}  // namespace bf::golden
