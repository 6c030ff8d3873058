#pragma once
// Bit-exact floating-point arithmetic on encodings: the shared vocabulary of
// fp_mul (fp_mul.hpp) and fp_add (fp_add.hpp), and of every unit that
// multiplies or accumulates floats (opal.pe's outlier path, the bf16 dot
// baseline). Integer-only: no host float arithmetic defines any result.
//
// Semantics (IEEE 754 where IEEE has an answer):
// - Operand formats may have any SpecialValues policy (fp32, bf16, fp16,
//   e5m2, e4m3, fp6, fp4, LightNorm formats). Result formats must have IEEE
//   specials (Inf and NaN): check_result_format().
// - NaN results are the canonical quiet NaN of the result format, positive:
//   exponent all ones, mantissa MSB set (fp32 0x7fc00000, bf16 0x7fc0).
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

// Throws std::invalid_argument unless f has IEEE specials (a result format).
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
// IEEE result format f. Same derivation as encode_from_fp32:
//   L = floor(log2(sig)) + exp,  q = max(L, emin) - M   (quantum exponent)
//   n = round_shift_right(sig, q - exp, mode)            (or sig << (exp - q))
//   code_mag = ((q - (emin - M)) << M) + n               (carry renormalizes)
//   code_mag > max_normal_code -> Inf (nearest) / max_normal (Truncate)
//   !f.subnormals and code_mag < 2^M -> signed zero
// sig = 0 gives signed zero. `sig` must be the exact value, or a round-to-odd
// image of it (the lowest bit ORed with a sticky bit standing for "plus a
// nonzero amount below") whose lowest bit is at least 2 bits below the
// result's quantum; fp_add relies on the latter.
uint32_t fp_round_pack(const FloatFormat& f, bool sign, uint64_t sig, int exp, Rounding mode);

}  // namespace bf::golden
