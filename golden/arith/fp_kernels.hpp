#pragma once
// Inline kernels behind fp_core / fp_mul / fp_add: the same formulas with the
// format constants hoisted out of element loops, so array calls run at a few
// ns per element. Semantics are documented at the public functions
// (fp_core.hpp, fp_mul.hpp, fp_add.hpp); tests check the kernels' rounding
// against golden::round_shift_right.

#include <bit>
#include <cstdint>

#include "golden/arith/fp_core.hpp"

namespace bf::golden::fp_detail {

// A format's constants. The *_code members used for results are magnitudes
// (sign bit 0) chosen once per format and overflow policy, so the kernels
// never branch on the format's special-value policy (fp_core.hpp):
//   inf_code: an infinite result (the Inf code, or max normal without Inf);
//   ovf_code: a finite result beyond max normal under the nearest modes;
//   nan_code: a NaN result (+max_normal in a format without NaN, as
//             encode_from_fp32 does; the all-ones magnitude in e4m3).
struct Fmt {
  int E, M, bias, emin;
  uint32_t man_mask, mag_mask, field_ones, sign_bit, max_code, inf_code, ovf_code, nan_code;
  SpecialValues specials;
  bool subnormals;

  explicit Fmt(const FloatFormat& f, Overflow overflow = Overflow::Infinity)
      : E(f.exp_bits),
        M(f.man_bits),
        bias(f.bias()),
        emin(f.emin()),
        man_mask((1u << f.man_bits) - 1),
        mag_mask((1u << (f.exp_bits + f.man_bits)) - 1),
        field_ones((1u << f.exp_bits) - 1),
        sign_bit(1u << (f.exp_bits + f.man_bits)),
        max_code(f.max_normal_code()),
        inf_code(f.specials == SpecialValues::Ieee ? ((1u << f.exp_bits) - 1) << f.man_bits
                                                   : f.max_normal_code()),
        ovf_code(overflow == Overflow::Infinity ? inf_code : max_code),
        nan_code(f.specials == SpecialValues::Ieee             ? fp_nan(f)
                 : f.specials == SpecialValues::NanOnlyAllOnes ? mag_mask
                                                               : max_code),
        specials(f.specials),
        subnormals(f.subnormals) {}
};

// round_shift_right(mag, shift, mode) for NearestEven, NearestAway and
// Truncate, for any shift (<= 0: mag << -shift, exact). Selects rather than
// branches where the outcome is data dependent (the round-up decision, the
// sign of the shift after a cancellation).
inline uint64_t round_shift(uint64_t mag, int shift, Rounding mode) {
  if (shift >= 64) {  // rare: everything is fraction
    if (mode == Rounding::Truncate || shift > 64) return 0;
    const uint64_t half = uint64_t{1} << 63;
    return mode == Rounding::NearestAway ? uint64_t{mag >= half} : uint64_t{mag > half};
  }
  const int rs = shift > 0 ? shift : 0;
  const int ls = shift < 0 ? -shift : 0;
  const uint64_t m = mag << ls;
  const uint64_t kept = m >> rs;
  if (mode == Rounding::Truncate) return kept;
  const uint64_t frac = m & ((uint64_t{1} << rs) - 1);
  const uint64_t half = (uint64_t{1} << rs) >> 1;  // 0 when nothing is shifted out
  const uint64_t up =
      mode == Rounding::NearestAway
          ? uint64_t{frac >= half} & uint64_t{half != 0}
          : uint64_t{frac > half} | (uint64_t{frac == half} & uint64_t{half != 0} & kept);
  return kept + (up & 1u);
}

inline FpValue unpack(const Fmt& f, uint32_t code) {
  FpValue v;
  v.sign = (code & f.sign_bit) != 0;
  const uint32_t mag = code & f.mag_mask;
  const uint32_t field = mag >> f.M;
  const uint32_t man = mag & f.man_mask;
  if (f.specials == SpecialValues::Ieee && field == f.field_ones) {
    v.cls = man == 0 ? FpValue::Class::Inf : FpValue::Class::NaN;
  } else if (f.specials == SpecialValues::NanOnlyAllOnes && mag == f.mag_mask) {
    v.cls = FpValue::Class::NaN;
  } else if (field == 0 && (man == 0 || !f.subnormals)) {
    v.cls = FpValue::Class::Zero;
  } else {
    v.cls = FpValue::Class::Finite;
    v.sig = field != 0 ? (uint64_t{1} << f.M) | man : man;
    v.exp = static_cast<int>(field != 0 ? field : 1) - f.bias - f.M;
  }
  return v;
}

inline uint32_t round_pack(const Fmt& f, bool sign, uint64_t sig, int exp, Rounding mode) {
  const uint32_t s = sign ? f.sign_bit : 0u;
  if (sig == 0) return s;
  const int L = std::bit_width(sig) - 1 + exp;
  const int q = (L > f.emin ? L : f.emin) - f.M;
  const int shift = q - exp;
  const uint64_t n = round_shift(sig, shift, mode);
  const uint64_t code_mag = (static_cast<uint64_t>(q - (f.emin - f.M)) << f.M) + n;
  if (code_mag > f.max_code) return s | (mode == Rounding::Truncate ? f.max_code : f.ovf_code);
  if (!f.subnormals && code_mag < (uint64_t{1} << f.M)) return s;
  return s | static_cast<uint32_t>(code_mag);
}

inline uint32_t mul(const Fmt& fa, const Fmt& fb, const Fmt& fy, Rounding mode, uint32_t a,
                    uint32_t b) {
  using C = FpValue::Class;
  const FpValue x = unpack(fa, a);
  const FpValue z = unpack(fb, b);
  const bool sign = x.sign != z.sign;
  if (x.cls == C::Finite && z.cls == C::Finite)
    return round_pack(fy, sign, x.sig * z.sig, x.exp + z.exp, mode);
  if (x.cls == C::NaN || z.cls == C::NaN) return fy.nan_code;
  if (x.cls == C::Inf || z.cls == C::Inf) {
    if (x.cls == C::Zero || z.cls == C::Zero) return fy.nan_code;  // 0 * Inf
    return (sign ? fy.sign_bit : 0u) | fy.inf_code;
  }
  return sign ? fy.sign_bit : 0u;  // a zero operand
}

// Frame offset of fp_add's exact sum (fp_add.hpp).
constexpr int kAddFrame = 38;

inline uint32_t add(const Fmt& f, Rounding mode, uint32_t a, uint32_t b) {
  using C = FpValue::Class;
  const FpValue x = unpack(f, a);
  const FpValue z = unpack(f, b);
  if (x.cls != C::Finite || z.cls != C::Finite) {
    if (x.cls == C::NaN || z.cls == C::NaN) return f.nan_code;
    if (x.cls == C::Inf || z.cls == C::Inf) {
      if (x.cls == C::Inf && z.cls == C::Inf && x.sign != z.sign) return f.nan_code;
      return ((x.cls == C::Inf ? x.sign : z.sign) ? f.sign_bit : 0u) | f.inf_code;
    }
    if (x.cls == C::Zero && z.cls == C::Zero) return x.sign && z.sign ? f.sign_bit : 0u;
    // One zero: the other operand, re-encoded (a flushed subnormal stays 0).
    const FpValue& v = x.cls == C::Zero ? z : x;
    return round_pack(f, v.sign, v.sig, v.exp, mode);
  }
  // hi: the operand with the larger quantum (selects, not branches: the
  // order is data dependent).
  const bool swap = z.exp > x.exp;
  const uint64_t sig_hi = swap ? z.sig : x.sig, sig_lo = swap ? x.sig : z.sig;
  const int exp_hi = swap ? z.exp : x.exp, exp_lo = swap ? x.exp : z.exp;
  const bool neg_hi = swap ? z.sign : x.sign, neg_lo = swap ? x.sign : z.sign;
  const int gap = exp_hi - exp_lo;
  uint64_t v_hi, v_lo;
  int exp;
  if (gap <= kAddFrame) {
    v_hi = sig_hi << gap;  // exact
    v_lo = sig_lo;
    exp = exp_lo;
  } else {
    // The low operand lies far below the high one's quantum: keep its bits
    // down to the frame, OR the rest into bit 0 (a round-to-odd image, >= 36
    // bits below the result's quantum).
    v_hi = sig_hi << kAddFrame;
    const int sh = gap - kAddFrame;
    const uint64_t kept = sh >= 64 ? 0 : sig_lo >> sh;
    const bool sticky = sh >= 64 ? sig_lo != 0 : (sig_lo & ((uint64_t{1} << sh) - 1)) != 0;
    v_lo = kept | (sticky ? 1u : 0u);
    exp = exp_hi - kAddFrame;
  }
  // Two's complement by masks (x ^ m) - m, m = 0 or all ones: the signs are
  // data dependent, so no branches.
  const uint64_t m_hi = 0 - uint64_t{neg_hi}, m_lo = 0 - uint64_t{neg_lo};
  const uint64_t sum = ((v_hi ^ m_hi) - m_hi) + ((v_lo ^ m_lo) - m_lo);
  if (sum == 0) return 0;  // exact cancellation: +0
  const uint64_t m = 0 - (sum >> 63);
  return round_pack(f, (sum >> 63) != 0, (sum ^ m) - m, exp, mode);
}

}  // namespace bf::golden::fp_detail
