#pragma once
// The hardware twin of golden::flexblock::segment_term, shared by
// flexblock.pe's stage 2 and flexblock.array's edge units:
//   T = S * 2^(exp_a + exp_b - 254 - ma - mb + 2) rounded once to fp32
//     = S * 2^(exp_base - 284), exp_base = exp_a + exp_b + (32 - ma - mb),
// +0 for S = 0 and the canonical NaN for an Inf/NaN group.

#include <string>

#include "generator/verilog/module.hpp"

namespace bf::flexblock_pe {

// exp_a + exp_b + (32 - ma - mb) <= 255 + 255 + 24.
constexpr int kExpBaseBits = 10;

// 16 - m of a 2-bit mode code, `width` bits wide (12, 8, 0; code 3 reads as
// 16 bits): half of exp_base's mode term.
std::string mode_adjust(const std::string& mode, int width);

// Declares the wire "term" (32 bits) from the two's complement segment sum
// `sum` (`sum_bits` wide), the exponent base `exp_base` (kExpBaseBits) and a
// 1-bit `nan`; internal wires are prefixed "conv". Returns "term".
std::string segment_term(vlog::Module& m, const std::string& sum, int sum_bits,
                         const std::string& exp_base, const std::string& nan);

}  // namespace bf::flexblock_pe
