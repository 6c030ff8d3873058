#include "golden/units/softmax_exp_baseline/softmax_exp_baseline.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

namespace bf::golden {

namespace {

int bits_for(uint64_t v) { return v == 0 ? 1 : static_cast<int>(std::bit_width(v)); }
int clog2(uint64_t n) { return n <= 1 ? 0 : static_cast<int>(std::bit_width(n - 1)); }

// Step 2 before saturation: round half up (d * c / 2^shift), exact for
// shift <= 0.
int64_t scale_diff(int64_t d, int64_t c, int shift) {
  if (shift <= 0) return (d * c) << -shift;
  return (d * c + (int64_t{1} << (shift - 1))) >> shift;
}

}  // namespace

void SoftmaxExpBaselineParams::validate() const {
  if (in_int_bits + in_frac_bits > 24)
    throw ParamError("in_frac_bits", "in_int_bits + in_frac_bits must be at most 24, found " +
                                         std::to_string(in_int_bits + in_frac_bits));
  if (exp_table_bits >= out_bits + 1)
    throw ParamError("exp_table_bits", "exp_table_bits must be at most out_bits");
  // The reciprocal has out_bits + 2 quotient rows (SoftmaxExpBaselineShape::r_w).
  if (divider_stages >= out_bits + 2)
    throw ParamError("divider_stages", "divider_stages must be below the reciprocal's " +
                                           std::to_string(out_bits + 2) +
                                           " quotient rows (out_bits + 2)");
}

SoftmaxExpBaselineShape softmax_baseline_shape(const SoftmaxExpBaselineParams& p) {
  p.validate();
  SoftmaxExpBaselineShape s;
  s.n = p.n;
  s.w = p.in_int_bits + p.in_frac_bits;
  s.fi = p.in_frac_bits;
  s.out = p.out_bits;
  s.k = s.out - 1;
  s.c = std::llround(1.4426950408889634 * static_cast<double>(int64_t{1} << s.k));
  while (s.c % 2 == 0) {
    s.c /= 2;
    --s.k;
  }
  s.u_frac = s.out + 1;
  s.shift = s.fi + s.k - s.u_frac;
  s.tb = p.exp_table_bits;
  s.lb = s.u_frac - s.tb;
  s.m = s.out + 1;
  s.p = s.out + clog2(static_cast<uint64_t>(s.n)) + 1;
  s.q = s.out + 1;
  s.u_int = s.p + 1;
  s.u_cap = static_cast<int64_t>(s.u_int) << s.u_frac;
  s.jd = s.w;
  for (int j = 1; j < s.w; ++j) {
    if (scale_diff((int64_t{1} << j) - 1, s.c, s.shift) >= s.u_cap) {
      s.jd = j;
      break;
    }
  }
  s.a_w = bits_for(static_cast<uint64_t>(((int64_t{1} << s.jd) - 1) * s.c));
  s.u_w = bits_for(static_cast<uint64_t>(s.u_cap));
  s.ui_w = bits_for(static_cast<uint64_t>(s.u_int));
  s.v_w = s.m + 1;
  s.e_w = s.p + 1;
  s.sum_w = s.p + bits_for(static_cast<uint64_t>(s.n));
  s.r_w = s.q + 1;
  s.prod_w = s.v_w + s.r_w;
  const int segs = 1 << s.tb;
  s.table.resize(static_cast<std::size_t>(segs) + 1);
  for (int j = 0; j <= segs; ++j)
    s.table[j] = static_cast<uint32_t>(std::llround(
        std::exp2(static_cast<double>(s.m) - static_cast<double>(j) / static_cast<double>(segs))));
  s.slope.resize(static_cast<std::size_t>(segs));
  uint32_t max_slope = 0;
  for (int j = 0; j < segs; ++j) {
    s.slope[j] = s.table[j] - s.table[j + 1];
    max_slope = std::max(max_slope, s.slope[j]);
  }
  s.dt_w = bits_for(max_slope);
  return s;
}

void softmax_exp_baseline(const SoftmaxExpBaselineShape& s, std::span<const int32_t> x,
                          std::span<uint32_t> y, SoftmaxExpBaselineTrace* trace) {
  const int n = s.n;
  if (static_cast<int>(x.size()) != n || static_cast<int>(y.size()) != n)
    throw std::invalid_argument("softmax_exp_baseline: x and y must hold n elements");
  int32_t m = x[0];
  for (int i = 1; i < n; ++i) m = std::max(m, x[i]);
  const int64_t d_clamp = (int64_t{1} << s.jd) - 1;
  const int64_t lo_mask = (int64_t{1} << s.lb) - 1;
  const int64_t frac_mask = (int64_t{1} << s.u_frac) - 1;
  uint64_t e_buf[256];
  uint64_t sum = 0;
  if (trace) {
    trace->u.clear();
    trace->v.clear();
    trace->e.clear();
  }
  for (int i = 0; i < n; ++i) {
    const int64_t d = std::min<int64_t>(int64_t{m} - x[i], d_clamp);
    const int64_t u = std::min(scale_diff(d, s.c, s.shift), s.u_cap);
    const int64_t frac = u & frac_mask;
    const int64_t j = frac >> s.lb, lo = frac & lo_mask;
    const int64_t interp =
        (static_cast<int64_t>(s.slope[j]) * lo + (int64_t{1} << (s.lb - 1))) >> s.lb;
    const uint32_t v = static_cast<uint32_t>(s.table[j] - interp);
    const int64_t r = s.m + (u >> s.u_frac);
    const uint64_t e = r >= 63 ? 0 : (static_cast<uint64_t>(v) << s.p) >> r;
    e_buf[i] = e;
    sum += e;
    if (trace) {
      trace->u.push_back(u);
      trace->v.push_back(v);
      trace->e.push_back(e);
    }
  }
  const uint64_t recip = (uint64_t{1} << (s.p + s.q)) / sum;
  const uint64_t y_max = (uint64_t{1} << s.out) - 1;
  const int sh = s.m + s.q - s.out;
  for (int i = 0; i < n; ++i) {
    const uint64_t w = e_buf[i] >> (s.p - s.m);
    y[i] = static_cast<uint32_t>(std::min((w * recip) >> sh, y_max));
  }
  if (trace) {
    trace->sum = sum;
    trace->recip = recip;
  }
}

}  // namespace bf::golden
