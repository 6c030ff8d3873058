#pragma once
// Unsigned division by a combinational restoring array: one row per quotient
// bit, MSB first; each row shifts the next dividend bit into the partial
// remainder, subtracts the divisor and keeps the difference when it does not
// borrow (quotient bit 1) or the partial remainder otherwise (bit 0).

#include <string>

#include "generator/verilog/module.hpp"

namespace bf::blocks {

// floor(dividend / divisor) into a new wire of quotient_width bits. The caller
// guarantees the quotient fits, i.e. (dividend >> quotient_width) < divisor,
// and divisor != 0. `dividend` may be a constant expression of
// dividend_width bits (constant rows then simplify in synthesis).
std::string restoring_divide(vlog::Module& m, const std::string& prefix,
                             const std::string& dividend, int dividend_width,
                             const std::string& divisor, int divisor_width, int quotient_width);

}  // namespace bf::blocks
