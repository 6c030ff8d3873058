#pragma once
// opal.core's score route to opal.softmax: fp32 results converted to the
// softmax's signed fixed point (golden::fp32_to_fixed) and collected into a
// score vector, rows at a time.

#include <string>

#include "generator/verilog/module.hpp"

namespace bf::opal_core {

// Emits the conversion of fp32 `y` (a 32-bit expression) to a `width`-bit
// signed code with `frac_bits` fraction bits: round to nearest even,
// saturating, NaN -> most negative. Returns the code wire.
std::string fp32_to_fixed(vlog::Module& m, const std::string& prefix, const std::string& y,
                          int width, int frac_bits);

}  // namespace bf::opal_core
