#pragma once
// fp32 -> small float: LightNorm's formats (fp10 1-5-4 forward, fp10 1-6-3
// gradients, fp12 1-5-6 / 1-6-5, fp15 1-6-8, fp8 1-5-2, fp16, bfloat16 and
// their "+K" widenings, FloatFormat::plus_mantissa) or any FloatFormat, with
// the treatment of out-of-range exponents a named policy: the LightNorm
// authors' simulator wraps them with a bit mask, hardware saturates or
// flushes (reference/formats.md, last section). Integer-only, on the fp32
// encoding; the array form runs a branch-light fast path for in-range values.
//
// Notation: x an fp32 code, e its exponent field (0..255); f has E exponent
// and M mantissa bits, bias_f = 2^(E-1) - 1, emin_f = 1 - bias_f. The fp32
// exponent fields
//   lo = 127 + emin_f = 127 - (2^(E-1) - 2)   (f's smallest normal binade)
//   hi = 127 + bias_f = 127 + 2^(E-1) - 1
// are formats.md's two bounds (1-5-4: 113 and 142; 1-6-3: 97 and 158).
//
// ExponentPolicy::Saturate (the default; hardware):
//   encode_from_fp32(f, x, rounding, Overflow::Saturate). Beyond max normal
//   -> +-max_normal; below 2^emin_f -> f's subnormal grid, or signed zero
//   after that rounding when f has no subnormals; +-Inf -> +-max_normal;
//   NaN -> f's NaN, or +max_normal when f has none. The sign is kept, so
//   -0 -> -0 and a negative value that rounds to zero gives -0.
// ExponentPolicy::FlushToZero (hardware without subnormal logic):
//   e < lo (|x| < 2^emin_f; fp32 zeros and subnormals included) -> signed
//   zero, decided on the input's exponent field before rounding, whatever
//   f.subnormals says; everything else as Saturate. This differs from
//   Saturate with f.subnormals = false only for inputs just below 2^emin_f
//   that a nearest mode rounds up to 2^emin_f (Saturate keeps those); under
//   Truncate the two agree.
// ExponentPolicy::AuthorsMask (the authors' simulator bit for bit; Truncate
//   only, as theirs): the exponent field is ANDed with the bound it violates
//   and the fraction truncated to its top min(M, 23) bits, in one AND:
//     b = e < lo ? lo : e > hi ? hi : 0xff
//     y = x & (0x80000000 | b << 23 | top-M-bits fraction mask)
//   Above the range the exponent wraps: in 1-5-4, 2^17 (e = 144) -> 144 & 142
//   = 128 -> 2^1, and +Inf (e = 255) -> 142 -> 2^15 = 32768; a NaN becomes
//   2^15 * 1.(top bits of its payload). Below the range the exponent only
//   loses bits, so the value may stay below f's range: 2^-15 (112 & 113 =
//   112) stays 2^-15, 2^-16 (111 & 113 = 97) becomes 2^-30. Zero stays zero
//   with its sign; fp32 subnormals keep e = 0 and a truncated fraction.
//   The result is an fp32 value that f need not hold, so this policy is only
//   offered as fp32 (small_quantize), never as a code of f. Its range tops out
//   at binade hi, i.e. f with IEEE specials: one binade below a FloatFormat
//   with SpecialValues::None, whose all-ones exponent is a normal binade
//   (1-5-4 values in [2^16, 2^17) wrap to [2^15, 2^16) here, Saturate keeps
//   them).
//
// Rounding (Saturate, FlushToZero): Truncate (the default and the authors'
// choice: toward zero), NearestEven or NearestAway; Stochastic is rejected.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "golden/formats/float_format.hpp"
#include "golden/formats/rounding.hpp"

namespace bf::golden {

enum class ExponentPolicy {
  Saturate,     // "saturate"
  FlushToZero,  // "flush_to_zero"
  AuthorsMask,  // "authors_mask"
};

std::string_view to_string(ExponentPolicy p);
// Accepts exactly the quoted names above; nullopt otherwise.
std::optional<ExponentPolicy> parse_exponent_policy(std::string_view name);

struct SmallFloatConvert {
  FloatFormat f = FloatFormat::custom(5, 4);  // fp10 1-5-4
  ExponentPolicy exponent = ExponentPolicy::Saturate;
  Rounding rounding = Rounding::Truncate;

  // Throws std::invalid_argument: Stochastic rounding; AuthorsMask with a
  // rounding other than Truncate; f with 8 exponent bits and no IEEE
  // specials (its max normal, >= 2^128, has no fp32 value).
  void validate() const;
};

// The code of c.f that x converts to (Saturate, FlushToZero). Throws
// std::invalid_argument if c is invalid or uses AuthorsMask.
uint32_t small_encode(const SmallFloatConvert& c, uint32_t fp32_bits);

// The converted value as an fp32 code, for every policy ("fake quantization",
// what the authors' simulator stores): small_to_fp32(c.f, small_encode(c, x))
// for Saturate and FlushToZero, the masked x for AuthorsMask. Throws
// std::invalid_argument if c is invalid.
uint32_t small_quantize(const SmallFloatConvert& c, uint32_t fp32_bits);
// Element-wise over an array; out may alias in. Equal to the scalar form bit
// for bit (tests pin it).
void small_quantize(const SmallFloatConvert& c, const float* in, float* out, std::size_t n);

// The exact fp32 code of a code of f: normals and subnormals exactly (a
// subnormal of f is normalized), a subnormal code of a format with
// subnormals = false as signed zero, Inf as Inf, NaN as the quiet NaN
// 0x7fc00000 with the sign kept. Throws std::invalid_argument for a format
// with 8 exponent bits and no IEEE specials.
uint32_t small_to_fp32(const FloatFormat& f, uint32_t code);

}  // namespace bf::golden
