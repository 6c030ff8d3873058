#pragma once
// Parametric binary floating point: 1 sign bit, E exponent bits, M mantissa
// bits, with explicit policies for subnormals, infinities and NaN. Covers
// fp32, bf16, fp16, OCP fp8 (e4m3, e5m2), fp6 (e3m2, e2m3), fp4 (e2m1) and the
// small LightNorm formats (fp10 1-5-4, 1-6-3, fp12 1-5-6 / 1-6-5, fp15 1-6-8).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "golden/formats/rounding.hpp"

namespace bf::golden {

// How the top of the exponent range is used.
enum class SpecialValues {
  Ieee,            // exponent all-ones: mantissa 0 = Inf, else NaN (fp32, bf16, fp16, e5m2)
  NanOnlyAllOnes,  // no Inf; only S.1111.111 is NaN (OCP e4m3); all-ones exponent is otherwise
                   // normal
  None,            // no Inf, no NaN: every code is a finite number (fp6, fp4, LightNorm formats)
};

// What a value too large for the format becomes.
enum class Overflow {
  Saturate,  // +-max_normal (MX element conversion, LightNorm clamping)
  Infinity,  // +-Inf where the format has Inf, otherwise saturate. As in IEEE 754,
             // Rounding::Truncate (round toward zero) never turns a finite input
             // into Inf: it gives +-max_normal.
};

struct FloatFormat {
  int exp_bits = 8;   // 1..8
  int man_bits = 23;  // 0..23
  SpecialValues specials = SpecialValues::Ieee;
  bool subnormals = true;  // false: results below min normal flush to zero (signed); the
                           // test is made after rounding on the subnormal grid, i.e. a
                           // value that rounds up to min normal is kept. decode() reads
                           // subnormal codes as signed zero (denormals-are-zero).

  int width() const { return 1 + exp_bits + man_bits; }
  int bias() const { return (1 << (exp_bits - 1)) - 1; }
  int emin() const { return 1 - bias(); }  // unbiased exponent of the smallest normal
  int emax() const;                        // unbiased exponent of the largest normal
  uint32_t max_normal_code() const;        // positive max normal, sign bit 0
  double max_normal() const;
  // "fp32", "bf16", "e4m3", ... or "fp<w>_e<E>m<M>" (specials None). Policies that
  // differ from those defaults are suffixed so that distinct formats never share
  // a name: "_ieee" / "_nan" (custom format with Ieee / NanOnlyAllOnes specials),
  // then "_ftz" (subnormals = false). parse(name()) == *this.
  std::string name() const;
  bool operator==(const FloatFormat&) const = default;

  static FloatFormat fp32();
  static FloatFormat bf16();
  static FloatFormat fp16();
  static FloatFormat e5m2();
  static FloatFormat e4m3();
  static FloatFormat e3m2();
  static FloatFormat e2m3();
  static FloatFormat e2m1();
  // A custom small float, e.g. LightNorm's fp10 1-5-4 = custom(5, 4).
  // Throws std::invalid_argument unless 1 <= exp_bits <= 8, 0 <= man_bits <= 23.
  static FloatFormat custom(int exp_bits, int man_bits,
                            SpecialValues specials = SpecialValues::None, bool subnormals = true);
  // LightNorm's "+K" formats: the exponent field of `base` with K more mantissa
  // bits, specials and subnormal policy kept (fp10 1-5-4 "+8" = e5m12, an
  // 18-bit format; bf16 "+8" = e8m15 with IEEE specials). They are ordinary
  // custom formats; this names the construction. Throws std::invalid_argument
  // unless k >= 0 and base.man_bits + k <= 23.
  static FloatFormat plus_mantissa(const FloatFormat& base, int k);
  // Accepts the names above ("fp32", "bf16", "fp16", "e5m2", "e4m3", "e3m2",
  // "e2m3", "e2m1"), "e<E>m<M>" and "fp<w>_e<E>m<M>" (w must be 1+E+M) for
  // custom formats (specials None), and the suffixes described at name().
  // Any of these followed by "+<K>" (K >= 1, no leading zeros) is
  // plus_mantissa(that format, K): "fp10_e5m4+8", "e5m4+8", "bf16+8",
  // "fp10_e5m4_ftz+8" (the "+K" comes last). name() of the result is the plain
  // spelling ("fp18_e5m12"), so parse(name()) == *this still holds.
  static std::optional<FloatFormat> parse(std::string_view name);
};

// Exact value of a code (sign bit at bit width()-1). NaN codes give NaN.
double decode(const FloatFormat& f, uint32_t code);

// Rounds an fp32 value (given by its bit pattern, so NaN payloads and
// subnormals are exact) to format f. The derivation is the one of the MX float
// element (block_format.hpp) with se = 0: q = max(L, emin) - M,
// n = round_shift_right(sig, q - ee + 150), code_mag = ((q - (emin - M)) << M) + n,
// then overflow (code_mag > max_normal_code) per `overflow` and, without
// subnormals, code_mag < 2^M flushes to signed zero. With man_bits = 0 the
// significand of a normal is always 1 (odd), so NearestEven ties between two
// normals round up. NaN -> the format's NaN (canonical
// quiet NaN: all-ones exponent, mantissa MSB set; e4m3: S.1111.111, sign
// kept). A NaN input to a format without NaN becomes +max_normal (documented
// policy, pinned by tests). Inf -> Inf if the format has it and overflow is
// Overflow::Infinity, else +-max_normal.
uint32_t encode_from_fp32(const FloatFormat& f, uint32_t fp32_bits, Rounding mode,
                          Overflow overflow = Overflow::Saturate, uint32_t rand = 0,
                          int stoch_bits = 0);

// fp32 bit-pattern helpers.
uint32_t fp32_bits(float x);
float fp32_from_bits(uint32_t bits);
// The IEEE conversion fp32 -> bf16: round to nearest even, overflow to Inf,
// NaN -> the canonical quiet NaN with the sign kept
// (encode_from_fp32(bf16, NearestEven, Overflow::Infinity)).
uint32_t fp32_to_bf16(uint32_t fp32_bits);

}  // namespace bf::golden
