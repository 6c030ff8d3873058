#include "golden/arith/fp_core.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "golden/arith/fp_kernels.hpp"

namespace bf::golden {

namespace {

constexpr uint32_t low_mask(int bits) {
  return bits >= 32 ? ~uint32_t{0} : (uint32_t{1} << bits) - 1;
}

}  // namespace

FpValue fp_unpack(const FloatFormat& f, uint32_t code) {
  return fp_detail::unpack(fp_detail::Fmt(f), code);
}

void check_result_format(const FloatFormat& f, const char* what) {
  if (f.specials == SpecialValues::NanOnlyAllOnes)
    throw std::invalid_argument(fmt::format(
        "{} format {} has NaN but no Inf; arithmetic results need IEEE Inf/NaN (fp32, bf16, "
        "fp16, e5m2, ...) or no special values at all (e3m2, fp10_e5m4, ...)",
        what, f.name()));
}

void check_arith_rounding(Rounding mode) {
  if (mode == Rounding::Stochastic)
    throw std::invalid_argument(
        "stochastic rounding is not an arithmetic rounding mode; use nearest_even, nearest_away "
        "or truncate");
}

uint32_t fp_nan(const FloatFormat& f) {
  return (low_mask(f.exp_bits) << f.man_bits) | (f.man_bits > 0 ? 1u << (f.man_bits - 1) : 0u);
}
uint32_t fp_zero(const FloatFormat& f, bool sign) {
  return sign ? uint32_t{1} << (f.exp_bits + f.man_bits) : 0u;
}
uint32_t fp_inf(const FloatFormat& f, bool sign) {
  return fp_zero(f, sign) | (low_mask(f.exp_bits) << f.man_bits);
}
uint32_t fp_max_normal(const FloatFormat& f, bool sign) {
  return fp_zero(f, sign) | f.max_normal_code();
}
bool fp_is_nan(const FloatFormat& f, uint32_t code) {
  return fp_unpack(f, code).cls == FpValue::Class::NaN;
}
bool fp_is_inf(const FloatFormat& f, uint32_t code) {
  return fp_unpack(f, code).cls == FpValue::Class::Inf;
}

uint32_t fp_round_pack(const FloatFormat& f, bool sign, uint64_t sig, int exp, Rounding mode,
                       Overflow overflow) {
  return fp_detail::round_pack(fp_detail::Fmt(f, overflow), sign, sig, exp, mode);
}

}  // namespace bf::golden
