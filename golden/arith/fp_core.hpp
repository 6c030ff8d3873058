#pragma once
// Bit-exact floating-point arithmetic on encodings: the shared vocabulary of
// fp_mul (fp_mul.hpp) and fp_add (fp_add.hpp), and of every unit that
// multiplies or accumulates floats (opal.pe's outlier path, the bf16 dot
// baseline). Integer-only: no host float arithmetic defines any result.
//
// Semantics (IEEE 754 where IEEE has an answer):
// - Operand formats may have any SpecialValues policy (fp32, bf16, fp16,
//   e5m2, e4m3, fp6, fp4, LightNorm formats). Result formats have IEEE
//   specials (Inf and NaN) or none at all (SpecialValues::None: every code is
//   a finite number, as in fp6, fp4 and LightNorm's fp10 1-5-4 / 1-6-3, fp12,
//   fp15 and their "+K" widenings): check_result_format(). e4m3-style formats
//   (NaN but no Inf) are not result formats: nothing needs them, and OCP
//   leaves their overflow (NaN or saturate) to the implementation.
// - NaN results are the canonical quiet NaN of the result format, positive:
//   exponent all ones, mantissa MSB set (fp32 0x7fc00000, bf16 0x7fc0).
// - Overflow: a finite result whose rounded magnitude exceeds max normal
//   becomes, per Overflow (float_format.hpp) and rounding mode,
//     Truncate                  -> +-max_normal (IEEE: toward zero never
//                                  overflows to Inf), whatever the policy;
//     nearest, Overflow::Infinity -> +-Inf, or +-max_normal if the format has
//                                  no Inf (the default: IEEE results are
//                                  IEEE's, formats without specials saturate);
//     nearest, Overflow::Saturate -> +-max_normal (saturating IEEE arithmetic).
//   Saturation is what hardware for a format without Inf needs: max normal is
//   the representable value nearest to any result beyond it, and the logic is
//   one compare of the rounded code against max_normal_code.
//   There is deliberately no flush-to-zero on overflow: it maps the largest
//   magnitudes to the smallest (unbounded error) and no datapath does it; the
//   LightNorm authors' exponent wrap is a property of their fp32 -> small
//   conversion (small_float_convert.hpp), not of an arithmetic unit.
//   Only finite results saturate: an Inf operand still gives Inf in an IEEE
//   result format.
// - Specials into a format without them (only fp_mul can see them: its
//   operands may be IEEE while its result is not; fp_add's operands share the
//   result format, whose codes are then all finite): a NaN result (a NaN
//   operand, 0 * Inf) is +max_normal and an infinite result is +-max_normal,
//   the policy encode_from_fp32 documents for a NaN or Inf input.
// - FloatFormat::subnormals = false on an operand: subnormal codes read as
//   signed zero (denormals-are-zero). On the result: the exact result is
//   rounded on the subnormal grid as usual and a result whose magnitude code is
//   below 2^M (subnormal) becomes zero with the result's sign; a value that
//   rounds up to the smallest normal is kept. This is the convention of
//   encode_from_fp32 (float_format.hpp), so fp_round_pack(f, ...) ==
//   encode_from_fp32(f, ...) whenever both apply. (x86 MXCSR.FTZ differs only
//   for exact results just below 2^emin that round up to it here.)
// - Rounding: NearestEven (IEEE default), NearestAway, Truncate (toward zero).
//   Overflow gives Inf under the nearest modes and +-max_normal under Truncate.
//   Stochastic is not an arithmetic mode here (std::invalid_argument).

#include <cstdint>

#include "golden/formats/float_format.hpp"
#include "golden/formats/rounding.hpp"

namespace bf::golden {

// One decoded operand. For Finite, |value| = sig * 2^exp exactly, sig > 0
// (sig = hidden bit + mantissa field, not normalized: a subnormal has a small
// sig and exp = emin - M).
struct FpValue {
  enum class Class { Zero, Finite, Inf, NaN };
  Class cls = Class::Zero;
  bool sign = false;
  uint64_t sig = 0;
  int exp = 0;
};

// Decodes a code of format f (bits above f.width() ignored). Subnormal codes
// decode as signed zero when !f.subnormals.
FpValue fp_unpack(const FloatFormat& f, uint32_t code);

// Throws std::invalid_argument unless f can be a result format: IEEE specials
// or SpecialValues::None.
void check_result_format(const FloatFormat& f, const char* what);
// Throws std::invalid_argument for Rounding::Stochastic.
void check_arith_rounding(Rounding mode);

uint32_t fp_nan(const FloatFormat& f);              // canonical quiet NaN, sign 0
uint32_t fp_inf(const FloatFormat& f, bool sign);   // +-Inf (IEEE formats only)
uint32_t fp_zero(const FloatFormat& f, bool sign);  // +-0
uint32_t fp_max_normal(const FloatFormat& f, bool sign);
bool fp_is_nan(const FloatFormat& f, uint32_t code);
bool fp_is_inf(const FloatFormat& f, uint32_t code);

// THE rounding step of every operation: rounds (-1)^sign * sig * 2^exp to the
// result format f (IEEE or SpecialValues::None; not checked here, callers
// validate once). Same derivation as encode_from_fp32:
//   L = floor(log2(sig)) + exp,  q = max(L, emin) - M   (quantum exponent)
//   n = round_shift_right(sig, q - exp, mode)            (or sig << (exp - q))
//   code_mag = ((q - (emin - M)) << M) + n               (carry renormalizes)
//   code_mag > max_normal_code -> per `overflow` (see Overflow above):
//                                 Inf or max_normal (nearest), max_normal (Truncate)
//   !f.subnormals and code_mag < 2^M -> signed zero
// sig = 0 gives signed zero. `sig` must be the exact value, or a round-to-odd
// image of it (the lowest bit ORed with a sticky bit standing for "plus a
// nonzero amount below") whose lowest bit is at least 2 bits below the
// result's quantum; fp_add relies on the latter.
uint32_t fp_round_pack(const FloatFormat& f, bool sign, uint64_t sig, int exp, Rounding mode,
                       Overflow overflow = Overflow::Infinity);

}  // namespace bf::golden
