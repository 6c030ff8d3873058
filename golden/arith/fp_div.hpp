#pragma once
// fp_div: y = a / b, operands in formats a and b, quotient in format y, one
// rounding. Bit-exact model of the arith.fp_div unit and of the fp divider
// module built by generator/blocks/fp_div.hpp. Conventions (canonical NaN,
// subnormal policies, rounding modes) are those of fp_core.hpp.
//
//   NaN operand, 0 / 0, Inf / Inf     -> canonical quiet NaN of y
//   Inf / finite, finite nonzero / 0  -> Inf, sign a ^ b (every rounding mode:
//                                        division by zero is exact in IEEE,
//                                        not an overflow)
//   0 / nonzero, finite / Inf         -> zero, sign a ^ b
//   finite / finite                   -> the exact quotient rounded once
// The quotient is formed as integers: the dividend's significand is scaled to
// 62 bits, so the integer quotient q = floor(num / sig_b) has at least 38
// bits (>= 14 more than any result keeps), and the remainder's "nonzero" is
// ORed in below it: fp_round_pack(y, sa ^ sb, 2q + (rem != 0), ...) is then
// the correct rounding of the exact quotient (a round-to-odd image).

#include <cstddef>
#include <cstdint>

#include "golden/arith/fp_core.hpp"

namespace bf::golden {

struct FpDivSpec {
  FloatFormat a = FloatFormat::fp32();
  FloatFormat b = FloatFormat::fp32();
  FloatFormat y = FloatFormat::fp32();
  Rounding rounding = Rounding::NearestEven;

  // Throws std::invalid_argument: y without IEEE specials, stochastic rounding.
  void validate() const;
};

uint32_t fp_div(const FpDivSpec& s, uint32_t a, uint32_t b);
// Element-wise over arrays (y may alias a or b).
void fp_div(const FpDivSpec& s, const uint32_t* a, const uint32_t* b, uint32_t* y, std::size_t n);

}  // namespace bf::golden
