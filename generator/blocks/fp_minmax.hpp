#pragma once
// The compare-select node of float max/min trees and running extremes (range
// BN's chunk maxima and minima) as a combinational module, bit-exact with
// golden::fp_max / golden::fp_min (golden/arith/fp_compare.hpp) for every
// FloatFormat: IEEE, e4m3-style and formats without specials.
//
// Ports: a_i, b_i (f.width()) -> y_o (f.width()), b_taken_o.
//   y_o        fp_max(f, a, b) (Max) or fp_min(f, a, b) (Min): the operand's
//              own code (a DAZ subnormal as is), a's on equal keys, the
//              canonical positive NaN of f when either operand is NaN.
//   b_taken_o  1 iff fp_compare(f, b, a) puts b strictly beyond a in the
//              node's direction (Max: b follows a; Min: b precedes a). A
//              streaming running-extreme register that loads b when b_taken_o
//              keeps the position of the first extreme. NaNs order beyond
//              +-Inf by their sign, as fp_order_key says.
// The header's "In hardware": a sign-magnitude compare of the codes after DAZ
// subnormals are zeroed and NaNs canonicalized to one magnitude above every
// other code (signs differ: the negative one is smaller, -0 included; both
// negative: the larger magnitude is smaller).

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/formats/float_format.hpp"

namespace bf::blocks {

enum class FpMinMaxOp { Min, Max };

// "min" / "max".
std::string to_string(FpMinMaxOp op);

// `header` opens the module's header comment; the node's description follows.
vlog::Module fp_minmax_module(const golden::FloatFormat& f, FpMinMaxOp op, const std::string& name,
                              const std::vector<std::string>& header);

// The shared primitive, named after what shapes it: fp_max_<format> /
// fp_min_<format> (fp_max_fp10_e5m4, fp_min_fp16_ftz), with a primitive header.
std::string fp_minmax_name(const golden::FloatFormat& f, FpMinMaxOp op);
vlog::Module fp_minmax_primitive(const golden::FloatFormat& f, FpMinMaxOp op);

}  // namespace bf::blocks
