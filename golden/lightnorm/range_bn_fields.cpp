#include "golden/lightnorm/range_bn_fields.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <bit>
#include <stdexcept>

#include "golden/arith/fp_core.hpp"
#include "golden/formats/small_float_convert.hpp"

namespace bf::golden::lightnorm {

namespace {

std::string joined(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

FloatFormat format_field(const std::string& key, const std::string& name) {
  const auto f = FloatFormat::parse(name);
  if (!f)
    throw ParamError(key, fmt::format("{} = '{}': unknown float format; expected a name such as "
                                      "fp10_e5m4, fp10_e6m3, e5m12, bf16 or fp32",
                                      key, name));
  return *f;
}

Rounding rounding_field(const std::string& key, const std::string& name) {
  const auto r = parse_rounding(name);
  if (!r || *r == Rounding::Stochastic)
    throw ParamError(key, fmt::format("{} = '{}': expected one of {}", key, name,
                                      joined(range_bn_rounding_names())));
  return *r;
}

}  // namespace

std::vector<std::string> range_bn_exponent_names() { return {"saturate", "flush_to_zero"}; }

std::vector<std::string> range_bn_rounding_names() {
  return {"nearest_even", "nearest_away", "truncate"};
}

std::vector<std::string> range_bn_reciprocal_names() { return {"divider", "newton", "pow2"}; }

RangeBnParams range_bn_params(const RangeBnTextFields& t) {
  RangeBnParams p;
  if (t.chunks < 1 || t.chunks > 64 || !std::has_single_bit(static_cast<unsigned>(t.chunks)))
    throw ParamError("chunks",
                     fmt::format("chunks = {}: expected a power of two in 1..64", t.chunks));
  p.chunks = t.chunks;
  const auto policy = parse_exponent_policy(t.exponent);
  if (!policy || *policy == ExponentPolicy::AuthorsMask)
    throw ParamError("exponent", fmt::format("exponent = '{}': expected one of {} (authors_mask "
                                             "yields fp32 values, not codes of a format)",
                                             t.exponent, joined(range_bn_exponent_names())));
  p.exponent = *policy;
  p.convert_rounding = rounding_field("convert_rounding", t.convert_rounding);
  p.arith_rounding = rounding_field("arith_rounding", t.arith_rounding);
  p.io = format_field("io", t.io);
  p.grad = format_field("grad", t.grad);
  p.stat = format_field("stat", t.stat);
  p.norm = format_field("norm", t.norm);
  const std::pair<const char*, const FloatFormat*> formats[] = {
      {"io", &p.io}, {"grad", &p.grad}, {"stat", &p.stat}, {"norm", &p.norm}};
  for (const auto& [key, f] : formats) {
    try {
      SmallFloatConvert{*f, p.exponent, p.convert_rounding}.validate();
      if (f == &p.stat || f == &p.norm) check_result_format(*f, key);
    } catch (const std::invalid_argument& e) {
      throw ParamError(key, fmt::format("{} = '{}': {}", key, f->name(), e.what()));
    }
  }
  if (t.reciprocal == "divider")
    p.reciprocal = Reciprocal::Divider;
  else if (t.reciprocal == "newton")
    p.reciprocal = Reciprocal::Newton;
  else if (t.reciprocal == "pow2")
    p.reciprocal = Reciprocal::Pow2;
  else
    throw ParamError("reciprocal", fmt::format("reciprocal = '{}': expected one of {}",
                                               t.reciprocal, joined(range_bn_reciprocal_names())));
  p.table_bits = t.table_bits;
  p.newton_steps = t.newton_steps;
  try {
    p.validate();
  } catch (const std::invalid_argument& e) {
    // Every rule of RangeBnParams::validate() is checked above per key; this
    // is the one left (table_bits / newton_steps outside their ranges when
    // the caller bypassed the reader's IntRange).
    throw ParamError(t.table_bits < 1 || t.table_bits > 12 ? "table_bits" : "newton_steps",
                     e.what());
  }
  return p;
}

}  // namespace bf::golden::lightnorm
