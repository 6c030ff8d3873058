#pragma once
// The floating-point divider as a standalone Verilog module (ports as in
// fp_modules.hpp: a_i, b_i, y_o, plus clk_i/en_i when it has register cuts),
// instantiated per lane by arith.fp_div and by units that divide (a batch-norm
// baseline's 1/sqrt(var + eps) * x, LightNorm's exact reciprocal option).
//
// y = a / b, bit-exact with golden::fp_div(spec, a, b):
//   unpack both operands, subnormals normalized (MSB of each significand set)
//   -> special-case flags (NaN, 0/0, Inf/Inf, x/0, x/Inf)
//   -> significands left-aligned to a common width P; a restoring array
//      (blocks::restoring_divide) computes q = floor(sa * 2^K / sb),
//      K = M_y + 2: K + 1 quotient bits in [2^(K-1), 2^(K+1)), i.e. the
//      result's M_y + 1 bits, a normalization bit and two more below
//   -> sticky = (remainder != 0), so {q, sticky} is a round-to-odd image of
//      the exact quotient at least two bits below the result's quantum
//   -> the shared fp_round_pack -> NaN / Inf / signed-zero override.
// `cuts` registers go between rows of the array (recurrence_cuts): the
// module's latency is `cuts` cycles; 0 = combinational.

#include <string>
#include <vector>

#include "generator/blocks/fp_blocks.hpp"
#include "generator/verilog/module.hpp"
#include "golden/arith/fp_div.hpp"

namespace bf::blocks {

// The static shape of the divider for a spec.
struct FpDivShape {
  int sig_width = 0;      // P: the common significand width
  int quotient_bits = 0;  // K + 1: rows of the restoring array
};
FpDivShape fp_div_shape(const golden::FpDivSpec& spec);

vlog::Module fp_div_module(const golden::FpDivSpec& spec, const std::string& name,
                           const std::vector<std::string>& header, int cuts);

// What the divider's rounding step emits (fp_blocks.hpp), for manifests.
FpRoundPackPlan fp_div_plan(const golden::FpDivSpec& spec);

}  // namespace bf::blocks
