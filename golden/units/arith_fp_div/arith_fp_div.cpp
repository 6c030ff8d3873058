#include "golden/units/arith_fp_div/arith_fp_div.hpp"

#include <stdexcept>

namespace bf::golden {

FpDivSpec FpDivParams::spec() const {
  FpDivSpec s;
  s.a = float_format_param("a_format", a_format, subnormals);
  s.b = float_format_param("b_format", b_format, subnormals);
  s.y = float_format_param("y_format", y_format, subnormals);
  s.rounding = deterministic_rounding_param(rounding);
  return s;
}

void FpDivParams::validate() const {
  const FpDivSpec s = spec();
  try {
    s.validate();
  } catch (const std::invalid_argument& e) {
    throw ParamError("y_format", e.what());
  }
  // The golden model also rounds into formats without specials; the
  // hardware's special-case override writes IEEE Inf and NaN codes.
  if (s.y.specials != SpecialValues::Ieee)
    throw ParamError("y_format", "arith.fp_div needs a result format with IEEE Inf and NaN");
}

}  // namespace bf::golden
