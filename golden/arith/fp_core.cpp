#include "golden/arith/fp_core.hpp"

#include <fmt/format.h>

#include <bit>
#include <stdexcept>

namespace bf::golden {

namespace {

constexpr uint32_t low_mask(int bits) {
  return bits >= 32 ? ~uint32_t{0} : (uint32_t{1} << bits) - 1;
}

}  // namespace

FpValue fp_unpack(const FloatFormat& f, uint32_t code) {
  const int E = f.exp_bits, M = f.man_bits;
  FpValue v;
  v.sign = ((code >> (E + M)) & 1u) != 0;
  const uint32_t mag = code & low_mask(E + M);
  const uint32_t field = mag >> M;
  const uint32_t man = mag & low_mask(M);
  if (f.specials == SpecialValues::Ieee && field == low_mask(E)) {
    v.cls = man == 0 ? FpValue::Class::Inf : FpValue::Class::NaN;
    return v;
  }
  if (f.specials == SpecialValues::NanOnlyAllOnes && mag == low_mask(E + M)) {
    v.cls = FpValue::Class::NaN;
    return v;
  }
  if (field == 0 && (man == 0 || !f.subnormals)) {
    v.cls = FpValue::Class::Zero;
    return v;
  }
  v.cls = FpValue::Class::Finite;
  v.sig = field != 0 ? (uint64_t{1} << M) | man : man;
  v.exp = static_cast<int>(field != 0 ? field : 1) - f.bias() - M;
  return v;
}

void check_result_format(const FloatFormat& f, const char* what) {
  if (f.specials != SpecialValues::Ieee)
    throw std::invalid_argument(fmt::format(
        "{} format {} has no IEEE Inf/NaN; arithmetic results need fp32, bf16, fp16, e5m2 or "
        "another IEEE-style format",
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

uint32_t fp_round_pack(const FloatFormat& f, bool sign, uint64_t sig, int exp, Rounding mode) {
  const int M = f.man_bits;
  if (sig == 0) return fp_zero(f, sign);
  const int L = std::bit_width(sig) - 1 + exp;
  const int emin = f.emin();
  const int q = (L > emin ? L : emin) - M;
  const int shift = q - exp;
  // shift < 0: sig has fewer significant bits than the quantum allows (exact).
  const uint64_t n = shift > 0 ? round_shift_right(sig, shift, mode) : sig << -shift;
  const uint64_t code_mag = (static_cast<uint64_t>(q - (emin - M)) << M) + n;
  if (code_mag > f.max_normal_code())
    return mode == Rounding::Truncate ? fp_max_normal(f, sign) : fp_inf(f, sign);
  if (!f.subnormals && code_mag < (uint64_t{1} << M)) return fp_zero(f, sign);
  return fp_zero(f, sign) | static_cast<uint32_t>(code_mag);
}

}  // namespace bf::golden
