#include "golden/arith/fp_compare.hpp"

#include "golden/arith/fp_kernels.hpp"

namespace bf::golden {

namespace {

bool is_nan(const fp_detail::Fmt& f, uint32_t mag) {
  switch (f.specials) {
    case SpecialValues::Ieee:
      return (mag >> f.M) == f.field_ones && (mag & f.man_mask) != 0;
    case SpecialValues::NanOnlyAllOnes:
      return mag == f.mag_mask;
    case SpecialValues::None:
      return false;
  }
  return false;
}

int64_t order_key(const fp_detail::Fmt& f, uint32_t code) {
  uint32_t mag = code & f.mag_mask;
  // Sign-magnitude codes order by magnitude once DAZ subnormals read as zero
  // and NaNs share one magnitude above every other code.
  if (!f.subnormals && (mag >> f.M) == 0) mag = 0;
  const int64_t m = is_nan(f, mag) ? int64_t{f.mag_mask} + 1 : int64_t{mag};
  return (code & f.sign_bit) != 0 ? -m - 1 : m;
}

}  // namespace

int64_t fp_order_key(const FloatFormat& f, uint32_t code) {
  return order_key(fp_detail::Fmt(f), code);
}

int fp_compare(const FloatFormat& f, uint32_t a, uint32_t b) {
  const fp_detail::Fmt k(f);
  const int64_t ka = order_key(k, a), kb = order_key(k, b);
  return (ka > kb) - (ka < kb);
}

uint32_t fp_min(const FloatFormat& f, uint32_t a, uint32_t b) {
  const fp_detail::Fmt k(f);
  if (is_nan(k, a & k.mag_mask) || is_nan(k, b & k.mag_mask)) return k.nan_code;
  return order_key(k, b) < order_key(k, a) ? b : a;
}

uint32_t fp_max(const FloatFormat& f, uint32_t a, uint32_t b) {
  const fp_detail::Fmt k(f);
  if (is_nan(k, a & k.mag_mask) || is_nan(k, b & k.mag_mask)) return k.nan_code;
  return order_key(k, b) > order_key(k, a) ? b : a;
}

}  // namespace bf::golden
