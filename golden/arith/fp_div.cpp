#include "golden/arith/fp_div.hpp"

#include <bit>

#include "golden/arith/fp_kernels.hpp"

namespace bf::golden {

namespace {

// Width the dividend's significand is scaled to: 62 bits keep 2q + sticky
// within 63 bits for any divisor (significands have at most 24 bits).
constexpr int kNumBits = 62;

uint32_t div_kernel(const fp_detail::Fmt& fa, const fp_detail::Fmt& fb, const fp_detail::Fmt& fy,
                    Rounding mode, uint32_t a, uint32_t b) {
  using C = FpValue::Class;
  const FpValue x = fp_detail::unpack(fa, a);
  const FpValue z = fp_detail::unpack(fb, b);
  const uint32_t sign = x.sign != z.sign ? fy.sign_bit : 0u;
  if (x.cls == C::Finite && z.cls == C::Finite) {
    const int sh = kNumBits - static_cast<int>(std::bit_width(x.sig));
    const uint64_t num = x.sig << sh;
    const uint64_t q = num / z.sig;
    const uint64_t rem = num - q * z.sig;
    return fp_detail::round_pack(fy, sign != 0, (q << 1) | uint64_t{rem != 0},
                                 x.exp - sh - z.exp - 1, mode);
  }
  if (x.cls == C::NaN || z.cls == C::NaN) return fy.nan_code;
  if (x.cls == z.cls) return fy.nan_code;  // 0 / 0, Inf / Inf
  if (x.cls == C::Inf || z.cls == C::Zero) return sign | fy.inf_code;
  return sign;  // 0 / x, x / Inf
}

}  // namespace

void FpDivSpec::validate() const {
  check_result_format(y, "fp_div quotient");
  check_arith_rounding(rounding);
}

uint32_t fp_div(const FpDivSpec& s, uint32_t a, uint32_t b) {
  return div_kernel(fp_detail::Fmt(s.a), fp_detail::Fmt(s.b), fp_detail::Fmt(s.y), s.rounding, a,
                    b);
}

void fp_div(const FpDivSpec& s, const uint32_t* a, const uint32_t* b, uint32_t* y, std::size_t n) {
  const fp_detail::Fmt fa(s.a), fb(s.b), fy(s.y);
  for (std::size_t i = 0; i < n; ++i) y[i] = div_kernel(fa, fb, fy, s.rounding, a[i], b[i]);
}

}  // namespace bf::golden
