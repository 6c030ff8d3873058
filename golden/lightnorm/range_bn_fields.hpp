#pragma once
// The configuration keys of range BN's arithmetic (golden::lightnorm::
// RangeBnParams), shared by the units that implement it (lightnorm.bn_fwd,
// lightnorm.bn_bwd) so both read the same names with the same defaults and
// messages. A unit's parameter struct holds a RangeBnTextFields member `rb`
// and declares its keys inside its own visit():
//
//   template <class V> void visit(V& v) {
//     v.field("lanes", lanes, ...);
//     lightnorm::visit_range_bn_fields(v, rb);
//   }
//
// and turns them into the golden parameters with range_bn_params(rb), which
// throws ParamError naming the key at fault. The keys are flat (no section),
// so a design file writes `chunks = 4`, not `[params.range_bn]`.
//
// Defaults are RangeBnParams' defaults (a test checks it). eps is not a key:
// it stays RangeBnParams' fp32 1e-5 (converted into stat), the value of the
// authors and of baseline.bn_fp32, so both units' outputs compare.

#include <string>
#include <vector>

#include "golden/lightnorm/range_bn.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden::lightnorm {

struct RangeBnTextFields {
  int chunks = 8;
  std::string io = "fp10_e5m4";
  std::string grad = "fp10_e6m3";
  std::string stat = "fp32";
  std::string norm = "fp32";
  std::string exponent = "saturate";
  std::string convert_rounding = "truncate";
  std::string arith_rounding = "nearest_even";
  std::string reciprocal = "divider";
  int table_bits = 6;
  int newton_steps = 2;
};

// The names the keys accept (for Choices, help texts and the fuzz
// dictionaries).
std::vector<std::string> range_bn_exponent_names();    // saturate, flush_to_zero
std::vector<std::string> range_bn_rounding_names();    // nearest_even, nearest_away, truncate
std::vector<std::string> range_bn_reciprocal_names();  // divider, newton, pow2

template <class V>
void visit_range_bn_fields(V& v, RangeBnTextFields& t) {
  v.field("chunks", t.chunks,
          "chunks per channel for the range: each channel's n values are cut into this many "
          "contiguous chunks of L = n / chunks, range = (sum of chunk maxima - sum of chunk "
          "minima) / chunks. A power of two (the division is exponent arithmetic)",
          IntRange{1, 64});
  v.field("io", t.io,
          "format of x, gamma, x_hat and y (any float format name: fp10_e5m4 = LightNorm's "
          "forward fp10 1-5-4, fp12_e5m6, fp15_e6m8, bf16, ...)",
          Choices{});
  v.field("grad", t.grad,
          "format of the gradients g and dx (LightNorm's backward fp10 1-6-3 = fp10_e6m3)",
          Choices{});
  v.field("stat", t.stat,
          "format of the per-channel statistics and scalars (sums, mean, range, scale): fp32, "
          "the authors' choice, or a smaller float such as bf16",
          Choices{});
  v.field("norm", t.norm,
          "format of the per-element arithmetic (x - mean, * scale, * gamma, + beta, and "
          "beta itself): fp32 as the authors' simulator, or a \"+8\" format such as e5m12 "
          "(fp10 1-5-4 with 8 more mantissa bits) for a narrow datapath",
          Choices{});
  v.field("exponent", t.exponent,
          "narrowing conversions beyond a format's range: saturate (to the largest finite "
          "value; subnormals kept) or flush_to_zero (also results below the smallest normal)",
          Choices{range_bn_exponent_names()});
  v.field("convert_rounding", t.convert_rounding,
          "rounding of every narrowing conversion (into io, grad, norm, stat): truncate "
          "(LightNorm's), nearest_even or nearest_away",
          Choices{range_bn_rounding_names()});
  v.field("arith_rounding", t.arith_rounding,
          "rounding of every addition and multiplication into its format",
          Choices{range_bn_rounding_names()});
  v.field("reciprocal", t.reciprocal,
          "scale = 1 / (range * C + eps): divider (correctly rounded), newton (a 2^table_bits "
          "seed table and newton_steps refinements) or pow2 (2^-round(log2 d): exponent "
          "arithmetic only)",
          Choices{range_bn_reciprocal_names()});
  v.field("table_bits", t.table_bits,
          "reciprocal = newton: fraction bits indexing the seed table (2^table_bits entries)",
          IntRange{1, 12});
  v.field("newton_steps", t.newton_steps,
          "reciprocal = newton: refinement steps y = y * (2 - d * y), three stat operations each",
          IntRange{0, 4});
}

// The validated golden parameters of the fields. Throws ParamError naming
// the key (chunks, io, grad, stat, norm, exponent, convert_rounding,
// arith_rounding, reciprocal) with the accepted values.
RangeBnParams range_bn_params(const RangeBnTextFields& t);

}  // namespace bf::golden::lightnorm
