#pragma once
// Conversion of a code of one float format into another as a combinational
// module (ports a_i -> y_o), bit-exact with the conversion LightNorm's range
// BN applies between its formats (golden/lightnorm/range_bn.cpp, class
// Convert): the same format is the identity; otherwise the code goes through
// fp32,
//   y = golden::small_encode({to, policy, rounding}, golden::small_to_fp32(from, a))
// (golden/formats/small_float_convert.hpp states every case: DAZ inputs,
// saturation of Inf and of values beyond max normal, NaN into a format
// without NaN -> +max normal, flush_to_zero decided on the exponent before
// rounding, to.subnormals = false flushing after rounding).
//
// The hardware never builds the fp32 code: fp32 holds every value of every
// format accepted here exactly, so the conversion is a rounding of a's own
// value into `to`:
//   fp_unpack (subnormals normalized)  -> sign, significand, exponent, class
//   -> fp_round_pack into `to`          (the operators' shared rounding step)
//   -> saturation compare               (only when `from` exceeds to's max)
//   -> NaN / Inf / zero / flush override.
// When every subnormal of `from` converts to signed zero (fp32 into the small
// formats: 2^-126 is far below their smallest value) they are read as zero
// and the unpack needs no leading-zero normalizer.
// fp_round_pack knows IEEE result formats only and sends an overflow to Inf
// under the nearest modes; range BN's conversions saturate and their small
// formats have no specials. So the rounding runs in a proxy format with the
// mantissa and subnormal policy of `to` but 8 exponent bits and the same
// smallest normal exponent (a shifted exponent bias): its field is to's field
// and never overflows, and one compare of the proxy magnitude against to's
// max normal code saturates. (A `to` that already has 8 exponent bits is its
// own proxy: an overflow there is an all-ones field, above max normal too.)
//
// A widening conversion (every value of `from` exact in `to`, fp_convert_exact)
// has no rounding logic at all: with equal exponent widths the code is copied
// and the mantissa padded; with a wider exponent the field is re-biased (after
// a leading-zero normalization of from's subnormals); in the remaining exact
// cases (tiny formats whose subnormals stay subnormal in a wider exponent)
// fp_round_pack runs in truncation, which emits no increment.
//
// Formats: any FloatFormat with at least one mantissa bit that fp32 holds
// (not 8 exponent bits without IEEE specials), as small_float_convert.hpp
// allows. Policy Saturate or FlushToZero; AuthorsMask yields fp32 values, not
// codes, and is refused. Rounding Truncate, NearestEven or NearestAway.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/formats/rounding.hpp"
#include "golden/formats/small_float_convert.hpp"

namespace bf::blocks {

// Throws std::invalid_argument with the reason: AuthorsMask (named),
// Stochastic rounding, a format without mantissa bits, a format fp32 cannot
// hold.
void fp_convert_check(const golden::FloatFormat& from, const golden::FloatFormat& to,
                      golden::ExponentPolicy policy, golden::Rounding rounding);

// True when every finite value of `from` (subnormal codes read as zero when
// !from.subnormals) is a value of `to` that the policy keeps: the conversion
// never rounds, never saturates a finite value and never flushes. The
// rounding mode is then irrelevant. NaN and Inf still map as the golden says
// (Inf -> max normal).
bool fp_convert_exact(const golden::FloatFormat& from, const golden::FloatFormat& to,
                      golden::ExponentPolicy policy);

// The combinational converter: a_i (from.width()) -> y_o (to.width()).
// `header` opens the module's header comment (a design's generated_header,
// or primitive_header); the conversion's description follows it.
vlog::Module fp_convert_module(const golden::FloatFormat& from, const golden::FloatFormat& to,
                               golden::ExponentPolicy policy, golden::Rounding rounding,
                               const std::string& name, const std::vector<std::string>& header);

// The shared primitive: fp_convert_module named after every parameter that
// shapes it, with a primitive header, so every design and every parent that
// needs the same conversion shares one module:
//   fp_convert_<from>_to_<to>_<sat|ftz>_<rtz|rne|rna>, e.g.
//   fp_convert_fp32_to_fp10_e5m4_sat_rtz;
//   fp_convert_<from>_to_<to> for an exact conversion (policy and rounding
//   do not shape it), e.g. fp_convert_fp10_e5m4_to_fp32.
std::string fp_convert_name(const golden::FloatFormat& from, const golden::FloatFormat& to,
                            golden::ExponentPolicy policy, golden::Rounding rounding);
vlog::Module fp_convert_primitive(const golden::FloatFormat& from, const golden::FloatFormat& to,
                                  golden::ExponentPolicy policy, golden::Rounding rounding);

// Instantiates the primitive in m as `inst` (m.use() records it): y = the
// conversion of `code` (an expression of from.width() bits); `y` is a wire of
// to.width() bits the caller declared. In a generate loop, use
// vlog::instance_of(fp_convert_primitive(...), ...) and m.use() instead.
void fp_convert(vlog::Module& m, const std::string& inst, const std::string& code,
                const std::string& y, const golden::FloatFormat& from,
                const golden::FloatFormat& to, golden::ExponentPolicy policy,
                golden::Rounding rounding);

}  // namespace bf::blocks
