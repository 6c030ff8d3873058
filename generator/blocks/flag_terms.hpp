#pragma once
// 1-bit special-case flags over nets that may be the constant 1'b0 (e.g.
// is_inf of a format without Inf): the floating-point operators (fp_modules,
// fp_div, fp_sqrt) build their NaN / Inf / zero flags with these, so a
// constant flag stays a constant and synthesis has nothing to prune.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"

namespace bf::blocks {

// a | b | ... without constant-zero terms ("1'b0" when all are).
std::string or_terms(const std::vector<std::string>& terms);
// (a & b & ...), or "1'b0" when a term is.
std::string and_terms(const std::vector<std::string>& terms);
// A 1-bit wire `name` = expr, or the constant itself when expr is "1'b0".
std::string flag_wire(vlog::Module& m, const std::string& name, const std::string& expr,
                      const std::string& comment);

}  // namespace bf::blocks
