#pragma once
// The constants of one fp32 <-> small float conversion (small_float_convert.hpp),
// hoisted out of element loops: what the array paths there and range BN's
// per-element loops use. Semantics are documented at the public functions.

#include <bit>
#include <cstdint>

#include "golden/formats/small_float_convert.hpp"

namespace bf::golden::small_float_detail {

constexpr uint32_t kSign = 0x80000000u;
constexpr uint32_t kFrac = 0x007fffffu;
constexpr uint32_t kQuietNan = 0x7fc00000u;

// The simulator's conversion (the header's formula): the exponent field ANDed
// with the bound it violates, the fraction with the top-M-bits mask.
inline uint32_t authors_mask(uint32_t x, uint32_t lo, uint32_t hi, uint32_t frac) {
  const uint32_t e = (x >> 23) & 0xffu;
  const uint32_t b = e < lo ? lo : e > hi ? hi : 0xffu;
  return x & (kSign | b << 23 | frac);
}

// The constants of one conversion, hoisted out of element loops.
struct Consts {
  FloatFormat f;
  ExponentPolicy policy;
  Rounding mode;
  int M, bias, emin;
  uint32_t lo, hi;     // formats.md's bounds on the fp32 exponent field
  uint32_t top;        // fp32 exponent field of f's largest normal binade
  uint32_t max_mag;    // fp32 code of f's max normal
  uint32_t mask_frac;  // the top min(M, 23) bits of the fp32 fraction
  uint32_t drop;       // 23 - M (0 when M >= 23): fraction bits f does not hold
  uint32_t man_mask, mag_mask, field_ones;
  uint32_t max_code;  // f's max normal magnitude code

  explicit Consts(const SmallFloatConvert& c)
      : f(c.f),
        policy(c.exponent),
        mode(c.rounding),
        M(c.f.man_bits),
        bias(c.f.bias()),
        emin(c.f.emin()),
        lo(static_cast<uint32_t>(127 + c.f.emin())),
        hi(static_cast<uint32_t>(127 + c.f.bias())),
        top(static_cast<uint32_t>(127 + c.f.emax())),
        max_mag(0),
        mask_frac(kFrac & ~((uint32_t{1} << (23 - (M < 23 ? M : 23))) - 1)),
        drop(static_cast<uint32_t>(M < 23 ? 23 - M : 0)),
        man_mask((uint32_t{1} << M) - 1),
        mag_mask((uint32_t{1} << (c.f.exp_bits + M)) - 1),
        field_ones((uint32_t{1} << c.f.exp_bits) - 1),
        max_code(c.f.max_normal_code()) {
    max_mag = to_fp32(f.max_normal_code());  // needs the members above
  }

  // small_to_fp32 (the header states the cases).
  uint32_t to_fp32(uint32_t code) const {
    const uint32_t sign = (code >> (f.exp_bits + M)) & 1u ? kSign : 0u;
    const uint32_t mag = code & mag_mask;
    const uint32_t field = mag >> M;
    const uint32_t man = mag & man_mask;
    if (f.specials == SpecialValues::Ieee && field == field_ones)
      return sign | (man == 0 ? 0x7f800000u : kQuietNan);
    if (f.specials == SpecialValues::NanOnlyAllOnes && mag == mag_mask) return sign | kQuietNan;
    if (field != 0) {
      return sign | (static_cast<uint32_t>(static_cast<int>(field) - bias + 127) << 23) |
             (man << (23 - M));
    }
    if (man == 0 || !f.subnormals) return sign;
    // man * 2^(emin - M), normalized; below fp32's normal range only when
    // E = 8 (then the fp32 fraction is man << (23 - M), the same grid).
    const int w = std::bit_width(man) - 1;
    const int e32 = emin - M + w + 127;
    if (e32 >= 1) return sign | (static_cast<uint32_t>(e32) << 23) | ((man << (23 - w)) & kFrac);
    return sign | (man << (emin - M + 149));
  }

  uint32_t encode(uint32_t x) const {
    const uint32_t field = (x >> 23) & 0xffu;
    if (policy == ExponentPolicy::FlushToZero && field < lo)
      return (x & kSign) != 0 ? mag_mask + 1 : 0u;
    // The common case inline: x lies in one of f's normal binades, so its
    // code is its own bits with the exponent rebiased and the fraction cut to
    // M bits (rounding may carry into the exponent, as the field's increment
    // should). Results beyond max normal, inputs outside f's normal range,
    // NaN/Inf and the other rounding modes take the general encoder.
    if (field >= lo && field <= top &&
        (mode == Rounding::Truncate || mode == Rounding::NearestEven)) {
      const uint32_t abs = x & ~kSign;
      uint32_t r = abs >> drop;
      if (mode == Rounding::NearestEven && drop > 0) {
        const uint32_t rem = abs & ((uint32_t{1} << drop) - 1);
        const uint32_t half = uint32_t{1} << (drop - 1);
        r += static_cast<uint32_t>(rem > half || (rem == half && (r & 1u) != 0));
      }
      const uint32_t mag = r - (static_cast<uint32_t>(127 - bias) << M);
      if (mag <= max_code) return ((x & kSign) != 0 ? mag_mask + 1 : 0u) | mag;
    }
    return encode_from_fp32(f, x, mode, Overflow::Saturate);
  }

  uint32_t authors_mask(uint32_t x) const {
    return small_float_detail::authors_mask(x, lo, hi, mask_frac);
  }
};

}  // namespace bf::golden::small_float_detail
