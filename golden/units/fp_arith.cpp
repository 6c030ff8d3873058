#include "golden/units/fp_arith.hpp"

#include <stdexcept>

namespace bf::golden {

namespace {

FloatFormat format_or_throw(const std::string& key, const std::string& name, bool subnormals) {
  auto f = FloatFormat::parse(name);
  if (!f) throw ParamError(key, "unknown float format '" + name + "'");
  f->subnormals = subnormals;
  return *f;
}

Rounding rounding_or_throw(const std::string& name) {
  const auto r = parse_rounding(name);
  if (!r || *r == Rounding::Stochastic)
    throw ParamError("rounding", "rounding must be nearest_even, nearest_away or truncate");
  return *r;
}

}  // namespace

std::vector<std::string> fp_operand_format_names() {
  return {"fp32", "bf16", "fp16", "e5m2", "e4m3", "e3m2", "e2m3", "e2m1"};
}

std::vector<std::string> fp_result_format_names() { return {"fp32", "bf16", "fp16", "e5m2"}; }

FpMulSpec FpMulParams::spec() const {
  FpMulSpec s;
  s.a = format_or_throw("a_format", a_format, subnormals);
  s.b = format_or_throw("b_format", b_format, subnormals);
  s.y = format_or_throw("y_format", y_format, subnormals);
  s.rounding = rounding_or_throw(rounding);
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

FpAddSpec FpAddParams::spec() const {
  FpAddSpec s;
  s.f = format_or_throw("format", format, subnormals);
  s.rounding = rounding_or_throw(rounding);
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
