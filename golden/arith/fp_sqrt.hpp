#pragma once
// fp_sqrt: y = sqrt(a), operand in format a, root in format y, one rounding.
// Bit-exact model of the arith.fp_sqrt unit and of the fp square-root module
// built by generator/blocks/fp_sqrt.hpp. Conventions (canonical NaN,
// subnormal policies, rounding modes) are those of fp_core.hpp.
//
//   NaN, or a negative nonzero operand (-Inf included) -> canonical quiet NaN
//   +-0                                                -> +-0 (IEEE: sqrt(-0) = -0;
//                                                         a flushed negative
//                                                         subnormal is -0)
//   +Inf                                               -> +Inf
//   finite positive                                    -> the exact root rounded once
// The root is formed as integers: the significand is scaled to 61 or 62 bits
// so that the exponent is even, r = isqrt(n) then has 31 bits (>= 7 more than
// any result keeps), and the remainder's "nonzero" is ORed in below it:
// fp_round_pack(y, 0, 2r + (n != r^2), ...) is the correct rounding of the
// exact root (a round-to-odd image). isqrt is the bit-by-bit restoring
// recurrence the hardware implements.

#include <cstddef>
#include <cstdint>

#include "golden/arith/fp_core.hpp"

namespace bf::golden {

struct FpSqrtSpec {
  FloatFormat a = FloatFormat::fp32();
  FloatFormat y = FloatFormat::fp32();
  Rounding rounding = Rounding::NearestEven;

  // Throws std::invalid_argument: y without IEEE specials, stochastic rounding.
  void validate() const;
};

uint32_t fp_sqrt(const FpSqrtSpec& s, uint32_t a);
// Element-wise over arrays (y may alias a).
void fp_sqrt(const FpSqrtSpec& s, const uint32_t* a, uint32_t* y, std::size_t n);

// floor(sqrt(n)) of n < 2^62, and n - root^2 in *rem: one root bit per step,
// MSB first (restoring: the trial 4 * root + 1 is subtracted from the partial
// remainder when it fits).
uint64_t isqrt_restoring(uint64_t n, uint64_t* rem);

}  // namespace bf::golden
