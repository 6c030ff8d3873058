#pragma once
// An independent reference for the golden float arithmetic, built on the
// host's IEEE hardware (x86-64 SSE, default FTZ/DAZ off) and fenv rounding
// modes; used only by tests.
//
// - fp32 results: the host op in the matching rounding mode (a float op, or a
//   product exact in double converted to float). Ties away from zero, which
//   the host lacks, comes from a round-to-odd double image.
// - narrower results (bf16, fp16, e5m2): a round-to-odd fp32 image of the
//   exact result (host op toward zero, LSB ORed with the inexact flag), then
//   encode_from_fp32 to the target. Round-to-odd at p + 2 or more bits followed
//   by any rounding to p bits equals rounding the exact value (Boldo and
//   Melquiond 2008); fp32's 24 bits and 2^-149 quantum are >= 2 bits finer
//   than every target here.
// Operands are decoded with golden::decode (subnormal codes read as signed
// zero when the format flushes them).

#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "golden/formats/float_format.hpp"

namespace bf::testref {

using golden::FloatFormat;
using golden::Rounding;

inline uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float float_of(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline uint64_t bits_of(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return u;
}
inline double double_of(uint64_t u) {
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

// The operation the reference evaluates on host values.
enum class Op { Add, Mul };

// Runs `op` on volatile operands under rounding mode `rm`; returns the result
// and whether it was inexact. T is float or double.
template <class T>
T host_op(Op op, T a, T b, int rm, bool* inexact) {
  volatile T va = a, vb = b;
  std::fesetround(rm);
  std::feclearexcept(FE_ALL_EXCEPT);
  volatile T r = op == Op::Add ? va + vb : va * vb;
  const bool ix = std::fetestexcept(FE_INEXACT) != 0;
  std::fesetround(FE_TONEAREST);
  if (inexact) *inexact = ix;
  return r;
}

// double -> float under rounding mode rm.
inline float host_narrow(double x, int rm, bool* inexact) {
  volatile double vx = x;
  std::fesetround(rm);
  std::feclearexcept(FE_ALL_EXCEPT);
  volatile float r = static_cast<float>(vx);
  const bool ix = std::fetestexcept(FE_INEXACT) != 0;
  std::fesetround(FE_TONEAREST);
  if (inexact) *inexact = ix;
  return r;
}

// Round-to-odd: toward zero, then the LSB ORed with "inexact".
inline float rto_float(double x) {
  bool ix = false;
  const float r = host_narrow(x, FE_TOWARDZERO, &ix);
  return ix && !std::isinf(r) ? float_of(bits_of(r) | 1u) : r;
}
inline double rto_double(Op op, double a, double b) {
  bool ix = false;
  const double r = host_op<double>(op, a, b, FE_TOWARDZERO, &ix);
  return ix && !std::isinf(r) ? double_of(bits_of(r) | 1u) : r;
}

// x (exact or a round-to-odd image with >= 2 spare bits) rounded to fp32,
// ties away from zero, overflow to Inf.
inline float round_away_to_float(double x) {
  bool ix = false;
  const float t = host_narrow(x, FE_TOWARDZERO, &ix);
  if (!ix) return t;
  // The next float away from zero, as an exact double (2^128 for FLT_MAX).
  const double td = t;
  const double ulp =
      t == 0.0f
          ? std::ldexp(1.0, -149)
          : std::fabs(static_cast<double>(std::nextafter(t, std::copysign(INFINITY, t))) - td);
  const double up = td + std::copysign(std::isinf(ulp) ? std::ldexp(1.0, 104) : ulp, x);
  const bool away = std::fabs(x - td) >= std::fabs(up - x);
  if (!away) return t;
  return std::fabs(up) >= std::ldexp(1.0, 128) ? std::copysign(INFINITY, x)
                                               : static_cast<float>(up);
}

inline int fenv_mode(Rounding r) { return r == Rounding::Truncate ? FE_TOWARDZERO : FE_TONEAREST; }

// Flush a float result to signed zero when fp32 flushes subnormals.
inline float flush(float r, bool subnormals) {
  if (subnormals || std::isnan(r) || std::fabs(r) >= 0x1p-126f) return r;
  return std::copysign(0.0f, r);
}

// Encodes the exact result x (a double, exact or round-to-odd) in y.
inline uint32_t encode_result(const FloatFormat& y, double x, Rounding mode) {
  if (y.exp_bits == 8 && y.man_bits == 23) {
    float r;
    if (mode == Rounding::NearestAway) {
      r = round_away_to_float(x);
    } else {
      r = host_narrow(x, fenv_mode(mode), nullptr);
    }
    return bits_of(flush(r, y.subnormals));
  }
  return golden::encode_from_fp32(y, bits_of(rto_float(x)), mode, golden::Overflow::Infinity);
}

// The reference result of a op b (codes of formats fa, fb) in format y.
// NaN results are reported as the canonical NaN of y (the golden model's
// choice; the host's payloads differ).
inline uint32_t reference(Op op, const FloatFormat& fa, uint32_t a, const FloatFormat& fb,
                          uint32_t b, const FloatFormat& y, Rounding mode) {
  const double x = golden::decode(fa, a), z = golden::decode(fb, b);
  const uint32_t nan = ((1u << y.exp_bits) - 1) << y.man_bits | (1u << (y.man_bits - 1));
  if (op == Op::Mul) {
    const double p = x * z;  // exact: <= 48 significant bits, exponents within double's range
    if (std::isnan(p)) return nan;
    return encode_result(y, p, mode);
  }
  // Add: exact in double unless the exponents are far apart; then a
  // round-to-odd double image (53 bits, >= 2 spare bits over every target).
  const double s = rto_double(Op::Add, x, z);
  if (std::isnan(s)) return nan;
  if (s == 0.0 && x == -z && x != 0.0) return 0;  // x + (-x) = +0 (round toward zero keeps +0)
  return encode_result(y, s, mode);
}

}  // namespace bf::testref
