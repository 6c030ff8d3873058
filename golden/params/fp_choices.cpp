#include "golden/params/fp_choices.hpp"

#include "golden/params/param_spec.hpp"

namespace bf::golden {

std::vector<std::string> fp_operand_format_names() {
  return {"fp32", "bf16", "fp16", "e5m2", "e4m3", "e3m2", "e2m3", "e2m1"};
}

std::vector<std::string> fp_result_format_names() { return {"fp32", "bf16", "fp16", "e5m2"}; }

FloatFormat float_format_param(const std::string& key, const std::string& name, bool subnormals) {
  auto f = FloatFormat::parse(name);
  if (!f) throw ParamError(key, "unknown float format '" + name + "'");
  f->subnormals = subnormals;
  return *f;
}

Rounding deterministic_rounding_param(const std::string& name) {
  const auto r = parse_rounding(name);
  if (!r || *r == Rounding::Stochastic)
    throw ParamError("rounding", "rounding must be nearest_even, nearest_away or truncate");
  return *r;
}

}  // namespace bf::golden
