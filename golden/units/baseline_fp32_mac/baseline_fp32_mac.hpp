#pragma once
// baseline.fp32_mac: the fp32 processing element that FlexBlock's training
// comparison measures against, an IEEE fp32 multiply-accumulate PE as a
// conventional fp32 training accelerator tiles it.
//
// Per beat (one transaction) the unit takes `lanes` fp32 operand pairs a_i,
// b_i and a last bit. The datapath (IEEE fp32, round to nearest even,
// subnormals exact everywhere):
//   p_i  = fp_mul(fp32 x fp32 -> fp32, nearest_even, a_i, b_i)   (lanes multipliers)
//   t    = fp_sum_tree(fp32, p_0 .. p_{lanes-1})                  (balanced adder tree)
//   acc  = fp_add(fp32, acc, t)                                   (one accumulator adder)
// i.e. acc = golden::fp_dot_step(mul, add, acc, a, b, lanes), the step of
// baseline.bf16_dot's tree engine with fp32 operands. Unlike bf16 x bf16,
// the fp32 product is rounded (48 significant bits into 24) and can
// overflow or become subnormal by itself. A row (one dot product) is a
// sequence of beats whose last one has last = 1: that beat outputs done = 1,
// y = acc, and the accumulator restarts from +0 (it also starts from +0
// after reset). Every other beat outputs done = 0, y = 0.
//
// A row of n elements is fed as ceil(n / lanes) beats, the last one padded
// with +0 x +0; the result is fp32_mac_row() (= golden::fp_dot with init
// +0): a +0 product changes no sum, and the sign of an all -0 chunk never
// reaches y because acc starts at +0 and +0 + (-0) = +0.
//
// The pipeline parameter places registers only; it never changes the
// arithmetic:
//   registered  each multiplier's register stage (after the 24 x 24
//               significand product, before its rounding), then the rounding,
//               the tree and the accumulator adder in the second cycle;
//               latency 2
//   none        multipliers, tree and accumulator adder in one cycle;
//               latency 1
// The accumulator adder always closes a 1-cycle loop, so beats of one row
// stream back to back.

#include <cstddef>
#include <cstdint>
#include <string>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct Fp32MacParams {
  int lanes = 1;
  std::string pipeline = "registered";

  template <class V>
  void visit(V& v) {
    v.field("lanes", lanes,
            "fp32 multiply-accumulates per beat: lanes fp32 x fp32 -> fp32 multipliers whose "
            "products a balanced fp32 adder tree sums (golden::fp_sum_tree order) into one fp32 "
            "accumulator adder",
            IntRange{1, 64});
    v.field("pipeline", pipeline,
            "registered: the products are registered (each multiplier's register stage, after "
            "the significand product), then rounding, tree and accumulator adder in the next "
            "cycle, latency 2; none: multipliers, tree and accumulator adder in one cycle "
            "(smallest, long path), latency 1. The accumulator adder is always combinational in "
            "its 1-cycle loop",
            Choices{{"registered", "none"}});
  }

  void validate() const {}
  bool registered() const { return pipeline == "registered"; }
  // fp32 x fp32 -> fp32, nearest_even, subnormals exact.
  FpMulSpec mul_spec() const;
  // fp32 + fp32, nearest_even, subnormals exact.
  FpAddSpec add_spec() const;
  // Levels of the adder tree: ceil(log2 lanes).
  int tree_levels() const;
  // Cycles from accepting a beat to its output: 1 (the accumulator register)
  // plus 1 when the products are registered.
  int latency() const { return registered() ? 2 : 1; }
};

// The unit's state machine, beat by beat from reset: what the RTL computes.
class Fp32MacModel {
 public:
  explicit Fp32MacModel(const Fp32MacParams& p);

  struct Output {
    bool done = false;
    uint32_t y = 0;  // fp32 code; 0 unless done
  };
  // One beat: `lanes` fp32 codes of a and of b.
  Output step(bool last, const uint32_t* a, const uint32_t* b);
  // The running fp32 sum of the current row (+0 at a row start).
  uint32_t acc() const { return acc_; }

 private:
  FpMulSpec mul_;
  FpAddSpec add_;
  std::size_t lanes_;
  uint32_t acc_ = 0;
};

// A whole row of n elements on plain arrays (fp32 codes), as the unit
// computes it when fed ceil(n / lanes) zero-padded beats: golden::fp_dot
// from +0 in chunks of `lanes`.
uint32_t fp32_mac_row(const Fp32MacParams& p, const uint32_t* a, const uint32_t* b, std::size_t n);

}  // namespace bf::golden
