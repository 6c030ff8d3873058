#pragma once
// Sum of many unsigned operands by a balanced binary tree of two-input adders
// (depth ceil(log2 n)); an odd operand passes to the next level unchanged.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"

namespace bf::blocks {

// Each input is `in_width` bits; node widths grow by one bit per level up to
// `out_width`, which the caller sizes to hold the total. Returns a wire of
// out_width bits.
std::string adder_tree(vlog::Module& m, const std::string& prefix,
                       const std::vector<std::string>& inputs, int in_width, int out_width);

}  // namespace bf::blocks

namespace bf::blocks {

// Sum of signed (two's complement) operands by the same balanced tree: each
// node sign-extends its operands by one bit, up to `out_width`, which the
// caller sizes to hold the total. Returns a wire of out_width bits holding
// the two's complement sum.
std::string signed_adder_tree(vlog::Module& m, const std::string& prefix,
                              const std::vector<std::string>& inputs, int in_width, int out_width);

}  // namespace bf::blocks
