#include "golden/arith/fp_sqrt.hpp"

#include <bit>

#include "golden/arith/fp_kernels.hpp"

namespace bf::golden {

namespace {

uint32_t sqrt_kernel(const fp_detail::Fmt& fa, const fp_detail::Fmt& fy, Rounding mode,
                     uint32_t a) {
  using C = FpValue::Class;
  const FpValue x = fp_detail::unpack(fa, a);
  if (x.cls == C::NaN) return fy.nan_code;
  if (x.cls == C::Zero) return x.sign ? fy.sign_bit : 0u;
  if (x.sign) return fy.nan_code;
  if (x.cls == C::Inf) return fy.inf_code;
  // x = sig * 2^exp. Scale sig to 62 bits, or 61 when that leaves the
  // exponent odd: sqrt(n * 2^e) = sqrt(n) * 2^(e / 2) needs e even.
  int sh = 62 - static_cast<int>(std::bit_width(x.sig));
  if ((x.exp - sh) & 1) --sh;
  uint64_t rem = 0;
  const uint64_t r = isqrt_restoring(x.sig << sh, &rem);
  return fp_detail::round_pack(fy, false, (r << 1) | uint64_t{rem != 0}, (x.exp - sh) / 2 - 1,
                               mode);
}

}  // namespace

uint64_t isqrt_restoring(uint64_t n, uint64_t* rem) {
  uint64_t root = 0, r = 0;
  for (int i = 30; i >= 0; --i) {
    r = (r << 2) | ((n >> (2 * i)) & 3u);  // bring down the next two bits
    const uint64_t trial = (root << 2) | 1u;
    const bool fits = r >= trial;
    r -= fits ? trial : 0;
    root = (root << 1) | uint64_t{fits};
  }
  *rem = r;
  return root;
}

void FpSqrtSpec::validate() const {
  check_result_format(y, "fp_sqrt result");
  check_arith_rounding(rounding);
}

uint32_t fp_sqrt(const FpSqrtSpec& s, uint32_t a) {
  return sqrt_kernel(fp_detail::Fmt(s.a), fp_detail::Fmt(s.y), s.rounding, a);
}

void fp_sqrt(const FpSqrtSpec& s, const uint32_t* a, uint32_t* y, std::size_t n) {
  const fp_detail::Fmt fa(s.a), fy(s.y);
  for (std::size_t i = 0; i < n; ++i) y[i] = sqrt_kernel(fa, fy, s.rounding, a[i]);
}

}  // namespace bf::golden
