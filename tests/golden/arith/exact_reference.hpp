#pragma once
// A second, independent reference for the golden float arithmetic, used only
// by tests. It shares no code or method with golden/arith: operands are
// decoded here into exact integers n * 2^x (n in 128 bits), sums and products
// are formed exactly, and the result is rounded by SEARCHING the result
// format's codes (codes of one sign are monotone in value) for the two
// neighbours of the exact value and choosing between them by an exact
// comparison with their midpoint. No shifts-with-sticky, no host floats.
//
// Result-format policy it encodes (fp_core.hpp): IEEE formats overflow to Inf
// under the nearest modes with Overflow::Infinity; formats without Inf, and
// Overflow::Saturate, give +-max_normal; Truncate never overflows. NaN results
// are the canonical NaN (IEEE) or +max_normal (no NaN); Inf results are +-Inf
// or +-max_normal. Without subnormals, a result whose code is subnormal after
// rounding becomes signed zero.

#include <bit>
#include <cstdint>

#include "golden/formats/float_format.hpp"

namespace bf::testref {

using u128 = unsigned __int128;

// (-1)^neg * n * 2^x, or a special.
struct Exact {
  enum Kind { Num, Inf, NaN } kind = Num;
  bool neg = false;
  u128 n = 0;
  int x = 0;
};

inline int bit_width128(u128 v) {
  const auto hi = static_cast<uint64_t>(v >> 64);
  return hi != 0 ? 64 + std::bit_width(hi) : std::bit_width(static_cast<uint64_t>(v));
}

// Decodes a code of f from its fields (DAZ when !f.subnormals).
inline Exact exact_decode(const golden::FloatFormat& f, uint32_t code) {
  const int E = f.exp_bits, M = f.man_bits;
  const int bias = (1 << (E - 1)) - 1;
  Exact v;
  v.neg = ((code >> (E + M)) & 1u) != 0;
  const uint32_t field = (code >> M) & ((1u << E) - 1);
  const uint32_t man = code & ((1u << M) - 1);
  const bool ones = field == (1u << E) - 1;
  if (f.specials == golden::SpecialValues::Ieee && ones) {
    v.kind = man == 0 ? Exact::Inf : Exact::NaN;
    return v;
  }
  if (f.specials == golden::SpecialValues::NanOnlyAllOnes && ones && man == (1u << M) - 1) {
    v.kind = Exact::NaN;
    return v;
  }
  if (field == 0) {
    v.n = f.subnormals ? man : 0;
    v.x = 1 - bias - M;
  } else {
    v.n = (u128{1} << M) | man;
    v.x = static_cast<int>(field) - bias - M;
  }
  return v;
}

// Magnitude compare of two numbers.
inline int cmp_mag(const Exact& a, const Exact& b) {
  if (a.n == 0 || b.n == 0) return (a.n != 0) - (b.n != 0);
  const int la = bit_width128(a.n) + a.x, lb = bit_width128(b.n) + b.x;
  if (la != lb) return la < lb ? -1 : 1;
  // Same leading-bit position: the shift below keeps within 128 bits.
  const u128 na = a.x > b.x ? a.n << (a.x - b.x) : a.n;
  const u128 nb = b.x > a.x ? b.n << (b.x - a.x) : b.n;
  return (na > nb) - (na < nb);
}

inline Exact exact_add(const Exact& a, const Exact& b) {
  const int x = a.x < b.x ? a.x : b.x;
  const u128 na = a.n << (a.x - x), nb = b.n << (b.x - x);  // callers keep this in 128 bits
  Exact r;
  r.x = x;
  if (a.neg == b.neg) {
    r.n = na + nb;
    r.neg = a.neg;
  } else {
    r.n = na >= nb ? na - nb : nb - na;
    r.neg = na >= nb ? a.neg : b.neg;
  }
  return r;
}

struct ResultPolicy {
  golden::Rounding mode = golden::Rounding::NearestEven;
  bool saturate = false;  // golden::Overflow::Saturate
};

// Rounds a finite exact value to format y (the sign of a zero value is the
// caller's business: pass it in v.neg).
inline uint32_t exact_round(const golden::FloatFormat& y, const Exact& v, ResultPolicy p) {
  const int W = y.exp_bits + y.man_bits;
  const uint32_t sign = v.neg ? 1u << W : 0u;
  const uint32_t max_code = y.max_normal_code();
  const bool has_inf = y.specials == golden::SpecialValues::Ieee;
  const auto value = [&](uint32_t c) {
    golden::FloatFormat all = y;
    all.subnormals = true;  // round on the subnormal grid, flush afterwards
    return exact_decode(all, c);
  };
  Exact mag = v;
  mag.neg = false;
  // Largest code <= |v|.
  uint32_t lo = 0, hi = max_code;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo + 1) / 2;
    if (cmp_mag(value(mid), mag) <= 0) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  uint32_t c = lo;
  const Exact below = value(c);
  if (cmp_mag(below, mag) != 0 && p.mode != golden::Rounding::Truncate) {
    // The next value up: code + 1, or 2^(emax + 1) past max normal.
    Exact above;
    if (c < max_code) {
      above = value(c + 1);
    } else {
      above.n = 1;
      above.x = y.emax() + 1;
    }
    Exact twice = mag;
    twice.x += 1;
    const int t = cmp_mag(twice, exact_add(below, above));
    const bool even_lo = (c & 1u) == 0;
    const bool up = t > 0 || (t == 0 && (p.mode == golden::Rounding::NearestAway || !even_lo));
    if (up) {
      if (c == max_code)
        return sign | (has_inf && !p.saturate ? ((1u << y.exp_bits) - 1) << y.man_bits : max_code);
      ++c;
    }
  }
  if (!y.subnormals && c < (1u << y.man_bits)) c = 0;
  return sign | c;
}

inline uint32_t special_result(const golden::FloatFormat& y, Exact::Kind k, bool neg) {
  const int W = y.exp_bits + y.man_bits;
  if (y.specials != golden::SpecialValues::Ieee)
    return k == Exact::NaN ? y.max_normal_code() : (neg ? 1u << W : 0u) | y.max_normal_code();
  const uint32_t inf = ((1u << y.exp_bits) - 1) << y.man_bits;
  if (k == Exact::NaN) return inf | (1u << (y.man_bits - 1));
  return (neg ? 1u << W : 0u) | inf;
}

// a + b, both of format f, result in f.
inline uint32_t exact_ref_add(const golden::FloatFormat& f, uint32_t a, uint32_t b,
                              ResultPolicy p) {
  const Exact x = exact_decode(f, a), z = exact_decode(f, b);
  if (x.kind == Exact::NaN || z.kind == Exact::NaN) return special_result(f, Exact::NaN, false);
  if (x.kind == Exact::Inf || z.kind == Exact::Inf) {
    if (x.kind == Exact::Inf && z.kind == Exact::Inf && x.neg != z.neg)
      return special_result(f, Exact::NaN, false);
    return special_result(f, Exact::Inf, x.kind == Exact::Inf ? x.neg : z.neg);
  }
  Exact s = exact_add(x, z);
  if (s.n == 0) s.neg = x.n == 0 && z.n == 0 && x.neg && z.neg;  // -0 only from -0 + -0
  return exact_round(f, s, p);
}

// a * b, operands of formats fa and fb, result in y.
inline uint32_t exact_ref_mul(const golden::FloatFormat& fa, uint32_t a,
                              const golden::FloatFormat& fb, uint32_t b,
                              const golden::FloatFormat& y, ResultPolicy p) {
  const Exact x = exact_decode(fa, a), z = exact_decode(fb, b);
  const bool neg = x.neg != z.neg;
  if (x.kind == Exact::NaN || z.kind == Exact::NaN) return special_result(y, Exact::NaN, false);
  if (x.kind == Exact::Inf || z.kind == Exact::Inf) {
    const bool zero = (x.kind == Exact::Num && x.n == 0) || (z.kind == Exact::Num && z.n == 0);
    return special_result(y, zero ? Exact::NaN : Exact::Inf, neg);
  }
  Exact r;
  r.neg = neg;
  r.n = x.n * z.n;
  r.x = x.x + z.x;
  return exact_round(y, r, p);
}

}  // namespace bf::testref
