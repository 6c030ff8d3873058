#include "golden/units/arith_fp_convert/arith_fp_convert.hpp"

#include <stdexcept>

namespace bf::golden {

namespace {

FloatFormat format_param(const std::string& key, const std::string& name) {
  const auto f = FloatFormat::parse(name);
  if (!f)
    throw ParamError(key, "unknown float format '" + name +
                              "': use fp32, bf16, fp16, e5m2, e4m3, e3m2, e2m3, e2m1, "
                              "fp<w>_e<E>m<M> (fp10_e5m4), with _ftz and +K suffixes as needed");
  if (f->man_bits < 1)
    throw ParamError(key, "format '" + name + "' has no mantissa bits; pick one with at least one");
  return *f;
}

}  // namespace

uint32_t fp_convert(const FpConvertSpec& s, uint32_t code) {
  if (s.from == s.to) return code;
  return small_encode({s.to, s.exponent, s.rounding}, small_to_fp32(s.from, code));
}

FpConvertSpec FpConvertParams::spec() const {
  FpConvertSpec s;
  s.from = format_param("from", from);
  s.to = format_param("to", to);
  const auto e = parse_exponent_policy(exponent);
  if (!e || *e == ExponentPolicy::AuthorsMask)
    throw ParamError("exponent", "exponent must be saturate or flush_to_zero");
  s.exponent = *e;
  const auto r = parse_rounding(rounding);
  if (!r || *r == Rounding::Stochastic)
    throw ParamError("rounding", "rounding must be truncate, nearest_even or nearest_away");
  s.rounding = *r;
  return s;
}

void FpConvertParams::validate() const {
  const FpConvertSpec s = spec();
  // fp32 must hold every value of both formats (the conversion runs through it).
  const auto check = [&s](const char* key, const FloatFormat& f) {
    try {
      SmallFloatConvert{f, s.exponent, s.rounding}.validate();
    } catch (const std::invalid_argument& e) {
      throw ParamError(key, std::string(e.what()) +
                                "; pick a format with at most 7 exponent bits or IEEE specials");
    }
  };
  check("from", s.from);
  check("to", s.to);
}

}  // namespace bf::golden
