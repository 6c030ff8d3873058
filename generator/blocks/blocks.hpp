#pragma once
// Reusable datapath building blocks emitted into a module being built. Each
// returns the name of the wire holding its result and declares its internal
// wires with the given prefix, so several instances coexist in one module.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/formats/rounding.hpp"

namespace bf::blocks {

// Unsigned maximum of `inputs` (each `width` bits) by a balanced binary tree of
// comparators (depth ceil(log2 n)).
std::string max_tree(vlog::Module& m, const std::string& prefix,
                     const std::vector<std::string>& inputs, int width);

// Leading-zero count of `x` (`width` bits): 0..width (width when x == 0), as a
// tree of 2:1 selections (depth log2). Result width bits_for(width).
std::string leading_zeros(vlog::Module& m, const std::string& prefix, const std::string& x,
                          int width);

// The hardware twin of golden::round_shift_right(sig, r, mode, rand, R).
// `sig` is `sig_width` bits; `shift` is an unsigned expression of `shift_width`
// bits holding r. The caller guarantees r >= r_min (so the kept part fits in
// sig_width - r_min bits); shifts at or above `cap` behave like `cap` (the
// caller picks a cap beyond which every bit is fraction and the result cannot
// change). Returns a wire of kept_width + 1 bits (the +1 is the rounding
// carry).
struct RoundShift {
  std::string sig;
  int sig_width = 24;
  std::string shift;
  int shift_width = 8;
  int r_min = 0;
  // Bits of the kept part the caller guarantees (the result is < 2^kept_width
  // before rounding); 0 = sig_width - r_min.
  int kept_width = 0;
  int cap = 25;
  golden::Rounding mode = golden::Rounding::NearestEven;
  std::string rand;  // R-bit expression, Stochastic only
  int stoch_bits = 0;
};
std::string round_shift(vlog::Module& m, const std::string& prefix, const RoundShift& rs);

// The smallest cap for round_shift with a `sig_width`-bit significand: at this
// shift the kept part is 0 and no fraction bit can round it up.
int round_shift_cap(int sig_width, golden::Rounding mode, int stoch_bits);

}  // namespace bf::blocks
