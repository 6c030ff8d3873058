#pragma once
// Unsigned division by a combinational restoring array: one row per quotient
// bit, MSB first; each row shifts the next dividend bit into the partial
// remainder, subtracts the divisor and keeps the difference when it does not
// borrow (quotient bit 1) or the partial remainder otherwise (bit 0).

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"

namespace bf::blocks {

// Called after each row but the last with the rows done so far; it may
// pipeline the array by registering the partial remainder, the quotient bits
// so far (MSB first) and the divisor, and renaming them to the registers.
// The dividend is read by every row as given: with cuts it must be a
// constant (or stable across the cuts).
using DividerRowHook =
    std::function<void(int rows_done, std::string& remainder,
                       std::vector<std::string>& quotient_bits, std::string& divisor)>;

// floor(dividend / divisor) into a new wire of quotient_width bits. The caller
// guarantees the quotient fits, i.e. (dividend >> quotient_width) < divisor,
// and divisor != 0. `dividend` may be a constant expression of
// dividend_width bits (constant rows then simplify in synthesis).
// `remainder` non-null: receives the name of the final remainder
// (divisor_width bits, dividend mod divisor), e.g. for a sticky bit;
// otherwise the remainder is left unused.
std::string restoring_divide(vlog::Module& m, const std::string& prefix,
                             const std::string& dividend, int dividend_width, std::string divisor,
                             int divisor_width, int quotient_width,
                             const DividerRowHook& after_row = {},
                             std::string* remainder = nullptr);

}  // namespace bf::blocks
