#pragma once
// Whole floating-point operators as small standalone Verilog modules (one
// module per operator, instantiated by the units that need it: arith.fp_mul,
// arith.fp_add, opal.pe's outlier path, baseline.bf16_dot). Standalone
// modules rather than inline blocks because a unit typically instantiates
// many of them (lanes, adder trees) and a reviewer reads one operator once.
// They are built from the inline pieces of fp_blocks.hpp.
//
// Ports (lowRISC style):
//   a_i, b_i  operands (format widths), y_o  result
//   clk_i, en_i   only when `pipelined`: one resetless register stage inside
//                 the operator, advancing when en_i is high (latency 1);
//                 otherwise the module is purely combinational (latency 0).
// The caller qualifies the data with its own valid bits.

#include <string>
#include <vector>

#include "generator/blocks/fp_blocks.hpp"
#include "generator/verilog/module.hpp"
#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"

namespace bf::blocks {

// y = a * b, bit-exact with golden::fp_mul(spec, a, b).
//   unpack (inputs normalized when their format has subnormals)
//   -> significand product, exponent sum, special-case flags
//   -> [register when pipelined]
//   -> fp_round_pack -> NaN / Inf / zero override.
// When spec.exact() no rounding logic is emitted at all; when only
// spec.precision_exact() (bf16 x bf16 -> fp32) rounding exists only for
// results below 2^emin (and none at all when the result flushes subnormals).
vlog::Module fp_mul_module(const golden::FpMulSpec& spec, const std::string& name,
                           const std::vector<std::string>& header, bool pipelined);

// y = a + b, bit-exact with golden::fp_add(spec, a, b). Single path
// (area-oriented; a near/far dual path would shorten the critical path by one
// shifter at the cost of a second one):
//   unpack -> magnitude compare, swap (|big| >= |small|)
//   -> align small by d = exp_big - exp_small into a frame with guard, round
//      and sticky bits (shifted-out bits ORed into the sticky)
//   -> add or subtract (never negative)
//   -> [register when pipelined]
//   -> leading-zero count, left shift (stopping at emin: subnormal sums are
//      exact) -> fp_round_pack -> NaN / Inf / signed-zero override.
vlog::Module fp_add_module(const golden::FpAddSpec& spec, const std::string& name,
                           const std::vector<std::string>& header, bool pipelined);

// What the operators' rounding step emits for a spec (fp_blocks.hpp), for
// manifests and documentation.
FpRoundPackPlan fp_mul_plan(const golden::FpMulSpec& spec);
FpRoundPackPlan fp_add_plan(const golden::FpAddSpec& spec);

// Emits a balanced tree of `adder` instances (a module from fp_add_module)
// summing `inputs` (`width`-bit expressions) in the order of
// golden::fp_sum_tree: level 1 adds (x0 + x1), (x2 + x3), ...; an odd last
// element passes to the next level. With a pipelined adder (clk/en
// non-empty) every level is one cycle and a passed-through element is
// delayed by a register so that all operands of a level are aligned; the
// tree's latency is then ceil(log2 n) cycles. Returns the sum wire.
struct FpAddTree {
  std::string adder;  // module name
  int width = 32;
  std::string clk;  // empty: combinational adders
  std::string en;
};
std::string fp_add_tree(vlog::Module& m, const std::string& prefix,
                        const std::vector<std::string>& inputs, const FpAddTree& tree);
// Levels of the tree (ceil(log2 n)); its latency with pipelined adders.
int fp_add_tree_depth(int n);

}  // namespace bf::blocks
