#pragma once
// Floating-point datapath pieces emitted into a module being built, in the
// style of blocks.hpp: each takes the module and a prefix for its internal
// wires and returns the names of its result wires. They are the hardware
// twins of golden/arith/fp_core.hpp:
//
//   fp_unpack      <-> golden::fp_unpack  (plus optional normalization)
//   fp_round_pack  <-> golden::fp_round_pack
//
// Both take the formats' static facts into account and emit only the logic a
// given format pair needs (no subnormal normalizer for flushed operands, no
// rounding adder when every result is exact, no overflow compare when no
// result can overflow). Whole operators built from them are in fp_modules.hpp.

#include <string>

#include "generator/verilog/module.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/formats/rounding.hpp"

namespace bf::blocks {

// One decoded operand. Nets are 1-bit wires or the constants "1'b0" (e.g.
// is_inf of e4m3). For a finite nonzero operand
//   |value| = sig / 2^M * 2^(exp - exp_bias),  M = f.man_bits,
// sig is M + 1 bits; exp is exp_width bits, in [exp_lo, exp_hi].
//   normalize = false: sig = {hidden, mantissa}, exp = max(field, 1),
//                      exp_bias = bias (a subnormal keeps its leading zeros);
//   normalize = true:  sig has its MSB set (subnormals shifted up by a leading-
//                      zero count), exp = field + M, or M - lzc(mantissa) for a
//                      subnormal; exp_bias = bias + M.
// With !f.subnormals a subnormal code is a (signed) zero: is_zero is set and
// sig is 0 (golden: denormals-are-zero). `code` is an expression of
// f.width() bits; every bit of it is read. Requires f.man_bits >= 1.
struct FpUnpacked {
  std::string sign, sig, exp, is_zero, is_inf, is_nan;
  int sig_width = 0;
  int exp_width = 0;
  int exp_bias = 0;
  int exp_lo = 0;
  int exp_hi = 0;
};
FpUnpacked fp_unpack(vlog::Module& m, const std::string& prefix, const std::string& code,
                     const golden::FloatFormat& f, bool normalize);

// Rounds and packs one finite value (the caller overrides NaN/Inf/zero):
//   value = (-1)^sign * sig / 2^(W-2) * 2^(exp - exp_bias),  W = sig_width,
// i.e. sig has two integer bits. The leading one must sit at bit W-1 or W-2,
// or anywhere when exp <= emin + exp_bias (the value is then below 2^emin).
// Bits of sig below the result's quantum may include a sticky bit ORed into
// bit 0 (a round-to-odd image) when bit 0 lies at least 2 bits below the
// quantum. Implements golden::fp_round_pack:
//   L = exp - exp_bias + sig[W-1];  shift = (W-2-M) + max(sig[W-1], emin - e)
//   n = round_shift(sig, shift)                          (blocks::round_shift)
//   field = max(L - emin, 0) + n[M+1:M]       (the hidden bit and carry
//                                              renormalize, as code_mag does)
//   field >= 2^E - 1 -> Inf (nearest) / max normal (truncate)
//   !f.subnormals: field == 0 -> signed zero
// Static knowledge (exp range, guaranteed-zero low sig bits) removes logic:
// denormalization shifter only if some result can be subnormal (capped at 2
// bits when subnormals are flushed: only values in [2^(emin-1), 2^emin) can
// still round up to 2^emin), rounding increment only if some result can be
// inexact, overflow compare only if some result can overflow.
// Returns the f.width()-bit code wire.
struct FpRoundPack {
  golden::FloatFormat f;
  golden::Rounding mode = golden::Rounding::NearestEven;
  std::string sign;
  std::string sig;
  int sig_width = 0;
  std::string exp;
  int exp_width = 0;
  int exp_bias = 0;
  int exp_lo = 0;  // static range of exp for a nonzero sig
  int exp_hi = 0;
  int low_zero_bits = 0;  // sig's low bits that are always zero
  // The leading one may sit below bit W-2 when exp == emin + exp_bias (an
  // adder's exact subnormal sums): results below 2^emin are then possible
  // even when exp never goes below emin.
  bool low_lead_at_emin = false;
};
std::string fp_round_pack(vlog::Module& m, const std::string& prefix, const FpRoundPack& rp);

// Why fp_round_pack drops logic for a given setting, for documentation and
// manifests: which of its parts it emits.
struct FpRoundPackPlan {
  bool may_underflow = false;  // some result is below 2^emin (subnormal or flushed)
  bool rounds = false;         // some result needs a rounding increment
  bool denormalizes = false;   // a variable right shift for subnormal results
  bool may_overflow = false;   // some result exceeds max normal
};
FpRoundPackPlan fp_round_pack_plan(const FpRoundPack& rp);

}  // namespace bf::blocks
