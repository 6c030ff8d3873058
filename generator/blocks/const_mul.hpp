#pragma once
// Multiplication by a constant with shifts and adds only: the canonical
// signed-digit (non-adjacent form) recoding of the constant gives the fewest
// nonzero digits, one shifted copy of x per digit (e.g. 23 = 16 + 8 - 1:
// x<<4 + x<<3 - x).

#include <cstdint>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"

namespace bf::blocks {

struct CsdDigit {
  int shift;  // weight 2^shift
  int sign;   // +1 or -1
};

// Non-adjacent-form digits of c > 0, most significant first.
std::vector<CsdDigit> csd_digits(uint64_t c);

// "16 + 8 - 1": the digits as a sum of powers of two, for comments.
std::string csd_text(uint64_t c);

// x * c exactly (x unsigned, x_width bits) into a new wire of out_width bits;
// the caller sizes out_width to hold (2^x_width - 1) * c. The shifted copies
// are summed modulo 2^out_width, which is exact because the result fits
// (copies shifted out entirely are left out).
std::string const_mul(vlog::Module& m, const std::string& prefix, const std::string& x, int x_width,
                      uint64_t c, int out_width);

}  // namespace bf::blocks
