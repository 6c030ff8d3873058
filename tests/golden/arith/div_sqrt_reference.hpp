#pragma once
// Independent references for golden::fp_div and golden::fp_sqrt, built on the
// host's IEEE division and square root (x86-64 SSE divss/divsd and
// sqrtss/sqrtsd: correctly rounded in the MXCSR rounding mode, FTZ/DAZ off)
// with the building blocks of host_reference.hpp; used only by tests.
//
// - fp32 results, nearest-even or truncate: the float operation itself under
//   that fenv rounding mode (host_div_fp32 / host_sqrt_fp32).
// - any result format and mode: a round-to-odd double image of the exact
//   quotient or root (host operation toward zero, LSB ORed with the inexact
//   flag), then testref::encode_result. Round-to-odd at 53 bits followed by
//   any rounding to p <= 24 bits equals rounding the exact value (Boldo and
//   Melquiond 2008); every fp32-range quotient and root is a normal double.

#include <cfenv>
#include <cmath>
#include <cstdint>

#include "golden/formats/float_format.hpp"
#include "tests/golden/arith/host_reference.hpp"

namespace bf::testref {

// a / b or sqrt(a) on volatile host values under rounding mode rm; reports
// whether it was inexact. T is float or double.
template <class T>
T host_div(T a, T b, int rm, bool* inexact) {
  volatile T va = a, vb = b;
  std::fesetround(rm);
  std::feclearexcept(FE_ALL_EXCEPT);
  volatile T r = va / vb;
  const bool ix = std::fetestexcept(FE_INEXACT) != 0;
  std::fesetround(FE_TONEAREST);
  if (inexact) *inexact = ix;
  return r;
}
template <class T>
T host_sqrt(T a, int rm, bool* inexact) {
  volatile T va = a;
  std::fesetround(rm);
  std::feclearexcept(FE_ALL_EXCEPT);
  volatile T r = std::sqrt(static_cast<T>(va));
  const bool ix = std::fetestexcept(FE_INEXACT) != 0;
  std::fesetround(FE_TONEAREST);
  if (inexact) *inexact = ix;
  return r;
}

// Round-to-odd double image of a / b and of sqrt(a) (Inf and NaN pass).
inline double rto_div(double a, double b) {
  bool ix = false;
  const double r = host_div<double>(a, b, FE_TOWARDZERO, &ix);
  return ix && std::isfinite(r) ? double_of(bits_of(r) | 1u) : r;
}
inline double rto_sqrt(double a) {
  bool ix = false;
  const double r = host_sqrt<double>(a, FE_TOWARDZERO, &ix);
  return ix && std::isfinite(r) ? double_of(bits_of(r) | 1u) : r;
}

inline uint32_t canonical_nan(const FloatFormat& y) {
  return ((1u << y.exp_bits) - 1) << y.man_bits | (1u << (y.man_bits - 1));
}

// The reference quotient of codes a (format fa) and b (fb) in format y.
inline uint32_t div_reference(const FloatFormat& fa, uint32_t a, const FloatFormat& fb, uint32_t b,
                              const FloatFormat& y, Rounding mode) {
  const double q = rto_div(golden::decode(fa, a), golden::decode(fb, b));
  return std::isnan(q) ? canonical_nan(y) : encode_result(y, q, mode);
}

// The reference root of code a (format fa) in format y.
inline uint32_t sqrt_reference(const FloatFormat& fa, uint32_t a, const FloatFormat& y,
                               Rounding mode) {
  const double r = rto_sqrt(golden::decode(fa, a));
  return std::isnan(r) ? canonical_nan(y) : encode_result(y, r, mode);
}

// fp32 a / b and sqrt(a) by the host's float operation (nearest-even or
// truncate), NaN as the canonical NaN.
inline uint32_t host_div_fp32(uint32_t a, uint32_t b, Rounding mode) {
  const float q = host_div<float>(float_of(a), float_of(b), fenv_mode(mode), nullptr);
  return std::isnan(q) ? 0x7fc00000u : bits_of(q);
}
inline uint32_t host_sqrt_fp32(uint32_t a, Rounding mode) {
  const float r = host_sqrt<float>(float_of(a), fenv_mode(mode), nullptr);
  return std::isnan(r) ? 0x7fc00000u : bits_of(r);
}

}  // namespace bf::testref
