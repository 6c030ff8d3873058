#pragma once
// fp_compare, fp_min, fp_max: the order of float codes, for every FloatFormat
// (IEEE, e4m3-style, and formats without special values such as LightNorm's
// fp10). The compare-select node of max/min trees (range BN's chunk maxima and
// minima) implements exactly this. Integer-only: codes are compared through
// fp_order_key, never through host floats.
//
// The order is a total order on values, IEEE 754's totalOrder without NaN
// payloads:
//   -NaN < -Inf < negative finite < -0 < +0 < positive finite < +Inf < +NaN
// - -0 < +0, so min(-0, +0) = -0 and max(-0, +0) = +0 (IEEE 754-2019
//   minimum/maximum), whatever the operand order.
// - Two codes compare equal iff they have the same value and sign, i.e. the
//   same code, except: NaNs of one sign are all equal (payload ignored), and
//   in a format with subnormals = false a subnormal code reads as the signed
//   zero it decodes to (denormals-are-zero) and equals that zero.
// In hardware: a sign-magnitude compare of the codes after DAZ subnormals are
// zeroed and NaNs canonicalized (signs differ: the negative one is smaller,
// -0 included; both negative: the larger magnitude is smaller).

#include <cstdint>

#include "golden/formats/float_format.hpp"

namespace bf::golden {

// A signed integer that orders codes of f as above: key(a) < key(b) iff a
// precedes b. Negative codes map to -mag - 1 (so -0 -> -1 < +0 -> 0); every
// NaN maps to +-(2^(E+M)) (beyond +-Inf); bits above f.width() are ignored.
int64_t fp_order_key(const FloatFormat& f, uint32_t code);

// -1, 0 or +1 as a precedes, equals or follows b in the order above.
int fp_compare(const FloatFormat& f, uint32_t a, uint32_t b);

// The smaller / larger operand, returned as its own code (a DAZ subnormal is
// returned as is: it decodes to the zero it stands for). If either operand is
// NaN the result is the canonical quiet NaN of f, positive (IEEE: exponent all
// ones, mantissa MSB set; e4m3: 0x7f), as for fp_add and fp_mul. On equal keys
// the result is a, so a tree of these nodes yields the first extreme element.
uint32_t fp_min(const FloatFormat& f, uint32_t a, uint32_t b);
uint32_t fp_max(const FloatFormat& f, uint32_t a, uint32_t b);

}  // namespace bf::golden
