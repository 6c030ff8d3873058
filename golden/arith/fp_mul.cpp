#include "golden/arith/fp_mul.hpp"

#include <bit>

namespace bf::golden {

namespace {

// Smallest floor(log2 |x|) of a finite nonzero operand of format f.
int operand_l_min(const FloatFormat& f) {
  return f.subnormals && f.man_bits > 0 ? f.emin() - f.man_bits : f.emin();
}

}  // namespace

void FpMulSpec::validate() const {
  check_result_format(y, "fp_mul result");
  check_arith_rounding(rounding);
}

int FpMulSpec::l_min() const { return operand_l_min(a) + operand_l_min(b); }

namespace {

// The significand of a format's max normal, hidden bit included.
uint64_t max_sig(const FloatFormat& f) {
  return (uint64_t{1} << f.man_bits) | (f.max_normal_code() & ((uint64_t{1} << f.man_bits) - 1));
}

}  // namespace

int FpMulSpec::l_max() const {
  const uint64_t p = max_sig(a) * max_sig(b);
  return a.emax() + b.emax() + static_cast<int>(std::bit_width(p)) - 1 - a.man_bits - b.man_bits;
}

bool FpMulSpec::may_overflow() const {
  const int l = l_max();
  if (l != y.emax()) return l > y.emax();
  // L == emax: only a rounding carry out of the top binade overflows.
  const uint64_t p = max_sig(a) * max_sig(b);
  const int shift = static_cast<int>(std::bit_width(p)) - 1 - y.man_bits;
  return shift > 0 && (round_shift_right(p, shift, rounding) >> (y.man_bits + 1)) != 0;
}

bool FpMulSpec::exact() const {
  if (!precision_exact() || may_overflow()) return false;
  if (!may_underflow()) return true;
  // Results below 2^emin are exact when y has subnormals and the smallest
  // product quantum (emin_a - M_a) + (emin_b - M_b) lies on y's subnormal grid.
  return y.subnormals &&
         (a.emin() - a.man_bits) + (b.emin() - b.man_bits) >= y.emin() - y.man_bits;
}

uint32_t fp_mul(const FpMulSpec& s, uint32_t a, uint32_t b) {
  using C = FpValue::Class;
  const FpValue x = fp_unpack(s.a, a);
  const FpValue z = fp_unpack(s.b, b);
  const bool sign = x.sign != z.sign;
  if (x.cls == C::NaN || z.cls == C::NaN) return fp_nan(s.y);
  if (x.cls == C::Inf || z.cls == C::Inf) {
    if (x.cls == C::Zero || z.cls == C::Zero) return fp_nan(s.y);  // 0 * Inf
    return fp_inf(s.y, sign);
  }
  if (x.cls == C::Zero || z.cls == C::Zero) return fp_zero(s.y, sign);
  return fp_round_pack(s.y, sign, x.sig * z.sig, x.exp + z.exp, s.rounding);
}

void fp_mul(const FpMulSpec& s, const uint32_t* a, const uint32_t* b, uint32_t* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = fp_mul(s, a[i], b[i]);
}

}  // namespace bf::golden
