#include "golden/arith/fp_mul.hpp"

#include <bit>

#include "golden/arith/fp_kernels.hpp"

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
  return y.subnormals && (a.emin() - a.man_bits) + (b.emin() - b.man_bits) >= y.emin() - y.man_bits;
}

uint32_t fp_mul(const FpMulSpec& s, uint32_t a, uint32_t b) {
  return fp_detail::mul(fp_detail::Fmt(s.a), fp_detail::Fmt(s.b), fp_detail::Fmt(s.y, s.overflow),
                        s.rounding, a, b);
}

void fp_mul(const FpMulSpec& s, const uint32_t* a, const uint32_t* b, uint32_t* y, std::size_t n) {
  const fp_detail::Fmt fa(s.a), fb(s.b), fy(s.y, s.overflow);
  for (std::size_t i = 0; i < n; ++i) y[i] = fp_detail::mul(fa, fb, fy, s.rounding, a[i], b[i]);
}

}  // namespace bf::golden
