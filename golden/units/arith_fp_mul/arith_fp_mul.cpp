#include "golden/units/arith_fp_mul/arith_fp_mul.hpp"

#include <stdexcept>

namespace bf::golden {

FpMulSpec FpMulParams::spec() const {
  FpMulSpec s;
  s.a = float_format_param("a_format", a_format, subnormals);
  s.b = float_format_param("b_format", b_format, subnormals);
  s.y = float_format_param("y_format", y_format, subnormals);
  s.rounding = deterministic_rounding_param(rounding);
  return s;
}

void FpMulParams::validate() const {
  const FpMulSpec s = spec();
  try {
    s.validate();
  } catch (const std::invalid_argument& e) {
    throw ParamError("y_format", e.what());
  }
}

}  // namespace bf::golden
