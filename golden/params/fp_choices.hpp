#pragma once
// Parameter vocabulary shared by every unit with floating-point operand or
// result formats (arith.fp_mul, arith.fp_add, ...): the format names a
// parameter accepts, and their parsing into golden types with errors that
// name the parameter at fault.

#include <string>
#include <vector>

#include "golden/formats/float_format.hpp"
#include "golden/formats/rounding.hpp"

namespace bf::golden {

// Operand formats an fp operator accepts, and result formats (IEEE specials).
std::vector<std::string> fp_operand_format_names();
std::vector<std::string> fp_result_format_names();

// The format called `name` with the given subnormal policy; throws
// ParamError(key) when the name is unknown.
FloatFormat float_format_param(const std::string& key, const std::string& name, bool subnormals);

// A deterministic rounding mode (not stochastic); throws ParamError("rounding").
Rounding deterministic_rounding_param(const std::string& name);

}  // namespace bf::golden
