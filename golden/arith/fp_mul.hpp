#pragma once
// fp_mul: y = a * b, operands in formats a and b, result in format y, one
// rounding. Bit-exact model of the arith.fp_mul unit and of the fp multiplier
// module built by generator/blocks/fp_modules.hpp.
//
//   NaN operand, or 0 * Inf           -> canonical quiet NaN of y
//   Inf * (nonzero or Inf)            -> Inf, sign a ^ b
//   0 * finite                        -> zero, sign a ^ b
//   finite * finite                   -> fp_round_pack(y, sa ^ sb, sig_a * sig_b, ea + eb,
//                                                      rounding, overflow)
// The significand product is exact (at most 24 + 24 bits), so the one
// rounding is the correct IEEE rounding of the exact product.
// y may be a format without special values (fp_core.hpp): products beyond its
// max normal saturate; if an operand format is IEEE, a NaN result becomes
// +max_normal and an Inf result +-max_normal (encode_from_fp32's policy).

#include <cstddef>
#include <cstdint>

#include "golden/arith/fp_core.hpp"

namespace bf::golden {

struct FpMulSpec {
  FloatFormat a = FloatFormat::bf16();
  FloatFormat b = FloatFormat::bf16();
  FloatFormat y = FloatFormat::fp32();
  Rounding rounding = Rounding::NearestEven;
  // Finite products beyond y's max normal (fp_core.hpp): the default gives Inf
  // in IEEE formats (nearest modes) and +-max_normal in formats without Inf.
  Overflow overflow = Overflow::Infinity;

  // Throws std::invalid_argument: y with NaN but no Inf (e4m3), stochastic
  // rounding.
  void validate() const;

  // Static facts about the products of finite nonzero operands (what lets
  // hardware drop logic). L = floor(log2 |a*b|).
  int l_min() const;  // smallest L (subnormal operands count when enabled)
  int l_max() const;  // largest L (max_normal * max_normal)
  // Products of normal-range results never need rounding: the product has at
  // most a.man_bits + b.man_bits + 2 significant bits and y keeps
  // y.man_bits + 1 (bf16 x bf16 -> fp32: 16 <= 24).
  bool precision_exact() const { return a.man_bits + b.man_bits + 1 <= y.man_bits; }
  // Some product exceeds y's max normal (rounded).
  bool may_overflow() const;
  // Some nonzero product is below y's smallest normal 2^emin.
  bool may_underflow() const { return l_min() < y.emin(); }
  // Every product of finite operands is representable in y: no rounding,
  // overflow or underflow can happen (e4m3 x e4m3 -> fp32, bf16 x e4m3 -> fp32
  // without subnormals, ...). bf16 x bf16 -> fp32 is NOT exact at the edges:
  // L ranges over [-266, 255] (with subnormal operands) against fp32's
  // [-149, 127].
  bool exact() const;
};

uint32_t fp_mul(const FpMulSpec& s, uint32_t a, uint32_t b);
// Element-wise over arrays (y may alias a or b).
void fp_mul(const FpMulSpec& s, const uint32_t* a, const uint32_t* b, uint32_t* y, std::size_t n);

}  // namespace bf::golden
