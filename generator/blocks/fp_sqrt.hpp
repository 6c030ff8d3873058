#pragma once
// The floating-point square root as a standalone Verilog module (ports a_i,
// y_o, plus clk_i/en_i when it has register cuts), instantiated per lane by
// arith.fp_sqrt and by units that need a root (a batch-norm baseline's
// 1/sqrt(var + eps)).
//
// y = sqrt(a), bit-exact with golden::fp_sqrt(spec, a):
//   unpack, subnormals normalized (significand MSB set)
//   -> special-case flags (NaN or negative -> NaN, +-0 -> +-0, +Inf -> +Inf)
//   -> exponent halved; an odd exponent doubles the significand instead
//   -> radicand R = that significand * 2^(2K) as an integer, K = max(M_y + 2,
//      ceil(M_a / 2)); a restoring root array, one root bit per row, MSB
//      first: bring down two radicand bits, subtract the trial 4 * root + 1
//      when it fits. Row t is t + 4 bits wide: the array is a triangle, about
//      half a divider of the same precision.
//   -> root r = floor(sqrt(R)) in [2^K, 2^(K+1)), sticky = (R != r^2), so
//      {r, sticky} is a round-to-odd image of the exact root at least two bits
//      below the result's quantum
//   -> the shared fp_round_pack -> NaN / Inf / signed-zero override.
// `cuts` registers go between rows (recurrence_cuts): the module's latency is
// `cuts` cycles; 0 = combinational.

#include <string>
#include <vector>

#include "generator/blocks/fp_blocks.hpp"
#include "generator/verilog/module.hpp"
#include "golden/arith/fp_sqrt.hpp"

namespace bf::blocks {

struct FpSqrtShape {
  int root_bits = 0;  // K + 1: rows of the root array
};
FpSqrtShape fp_sqrt_shape(const golden::FpSqrtSpec& spec);

vlog::Module fp_sqrt_module(const golden::FpSqrtSpec& spec, const std::string& name,
                            const std::vector<std::string>& header, int cuts);

// What the square root's rounding step emits (fp_blocks.hpp), for manifests.
FpRoundPackPlan fp_sqrt_plan(const golden::FpSqrtSpec& spec);

}  // namespace bf::blocks
