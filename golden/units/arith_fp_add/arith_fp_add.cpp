#include "golden/units/arith_fp_add/arith_fp_add.hpp"

#include <stdexcept>

namespace bf::golden {

FpAddSpec FpAddParams::spec() const {
  FpAddSpec s;
  s.f = float_format_param("format", format, subnormals);
  s.rounding = deterministic_rounding_param(rounding);
  return s;
}

void FpAddParams::validate() const {
  const FpAddSpec s = spec();
  try {
    s.validate();
  } catch (const std::invalid_argument& e) {
    throw ParamError("format", e.what());
  }
}

}  // namespace bf::golden
