#include "golden/units/opal_softmax/opal_softmax.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace bf::golden {

namespace {

int bits_for(uint64_t v) { return v == 0 ? 1 : static_cast<int>(std::bit_width(v)); }

int64_t round_log2e(int k) {
  // log2(e) to double precision; k <= 16 keeps the product exact.
  return std::llround(1.4426950408889634 * static_cast<double>(int64_t{1} << k));
}

// Step 4 before saturation.
int64_t scale_diff(int64_t d, int64_t c, int shift) {
  const int64_t a = d * c;
  if (shift <= 0) return a << -shift;
  return (a + (int64_t{1} << (shift - 1))) >> shift;
}

}  // namespace

void OpalSoftmaxParams::validate() const {
  if (in_int_bits + in_frac_bits > 24)
    throw ParamError("in_frac_bits", "in_int_bits + in_frac_bits must be at most 24, found " +
                                         std::to_string(in_int_bits + in_frac_bits));
  if (sum_frac_bits <= log_frac_bits)
    throw ParamError("sum_frac_bits",
                     "sum_frac_bits must exceed log_frac_bits (the bits after the sum's leading "
                     "one are read down to 2^-(log_frac_bits+1)); found sum_frac_bits = " +
                         std::to_string(sum_frac_bits) +
                         ", log_frac_bits = " + std::to_string(log_frac_bits));
}

OpalSoftmaxShape opal_softmax_shape(const OpalSoftmaxParams& p) {
  return opal_softmax_shape(p, round_log2e(p.log2e_frac_bits), p.log2e_frac_bits);
}

OpalSoftmaxShape opal_softmax_shape(const OpalSoftmaxParams& p, int64_t c, int k) {
  p.validate();
  if (c < 1 || k < 0 || k > 16) throw std::invalid_argument("opal_softmax_shape: bad constant");
  OpalSoftmaxShape s;
  s.n = p.n;
  s.w = p.in_int_bits + p.in_frac_bits;
  s.fi = p.in_frac_bits;
  s.k = k;
  s.c = c;
  s.f = p.exp_frac_bits;
  s.g = p.log_frac_bits;
  s.bias = p.log_bias;
  s.h = std::max(s.f, s.g);
  s.p = p.sum_frac_bits;
  s.out = p.out_bits;
  s.shift = s.fi + s.k - s.f;
  s.t_int = std::max(s.p, s.out) + 1;
  s.t_cap = static_cast<int64_t>(s.t_int) << s.f;
  s.t_w = bits_for(static_cast<uint64_t>(s.t_cap));
  // Smallest clamp 2^jd - 1 that still saturates t: every d above it
  // saturates too (t is monotone in d).
  s.jd = s.w;
  for (int j = 1; j < s.w; ++j) {
    if (scale_diff((int64_t{1} << j) - 1, s.c, s.shift) >= s.t_cap) {
      s.jd = j;
      break;
    }
  }
  s.a_w = bits_for(static_cast<uint64_t>(((int64_t{1} << s.jd) - 1) * s.c));
  s.p_w = s.p + 1;
  s.sh_w = bits_for(static_cast<uint64_t>(s.n));
  s.sum_w = s.p + s.sh_w;
  s.l_max = s.sh_w - 1;
  const uint64_t lg_max =
      (static_cast<uint64_t>(s.l_max + 1) << s.g) + static_cast<uint64_t>(s.bias);
  s.lg_w = bits_for(lg_max);
  s.z_w = bits_for((static_cast<uint64_t>(s.t_cap) << (s.h - s.f)) + (lg_max << (s.h - s.g)));
  return s;
}

void opal_softmax(const OpalSoftmaxShape& s, std::span<const int32_t> x, std::span<uint32_t> y,
                  OpalSoftmaxTrace* trace) {
  const int n = s.n;
  if (static_cast<int>(x.size()) != n || static_cast<int>(y.size()) != n)
    throw std::invalid_argument("opal_softmax: x and y must hold n elements");
  // 1. maximum
  int32_t m = x[0];
  for (int i = 1; i < n; ++i) m = std::max(m, x[i]);
  // 2.-6. scaled differences and sum terms
  const int64_t d_clamp = (int64_t{1} << s.jd) - 1;
  int64_t t_buf[256];
  uint64_t sum = 0;
  if (trace) trace->p.clear();
  for (int i = 0; i < n; ++i) {
    const int64_t d = std::min<int64_t>(int64_t{m} - x[i], d_clamp);
    const int64_t t = std::min(scale_diff(d, s.c, s.shift), s.t_cap);
    t_buf[i] = t;
    const Antilog al = mitchell_antilog(t, s.f);
    const int64_t r = s.f + al.sh;  // right shift of mant * 2^P
    const uint64_t term = r >= 63 ? 0 : (static_cast<uint64_t>(al.mant) << s.p) >> r;
    sum += term;
    if (trace) trace->p.push_back(term);
  }
  // 7. log2 of the sum: leading one and the G + 1 bits after it
  const uint64_t top = sum >> s.p;  // 1 .. n
  const int l = static_cast<int>(std::bit_width(top)) - 1;
  const uint64_t r = (sum >> (l + s.p - 1 - s.g)) & ((uint64_t{1} << (s.g + 1)) - 1);
  const int64_t lg = (static_cast<int64_t>(l) << s.g) + static_cast<int64_t>((r + 1) >> 1) + s.bias;
  // 8.-9. subtract in the log domain, antilog to the output format
  const uint64_t y_max = (uint64_t{1} << s.out) - 1;
  for (int i = 0; i < n; ++i) {
    const int64_t z = (t_buf[i] << (s.h - s.f)) + (lg << (s.h - s.g));
    const Antilog al = mitchell_antilog(z, s.h);
    const int64_t sh = s.h + al.sh;
    const uint64_t v = sh > s.out + s.h ? 0 : (static_cast<uint64_t>(al.mant) << s.out) >> sh;
    y[i] = static_cast<uint32_t>(std::min(v, y_max));
  }
  if (trace) {
    trace->max = m;
    trace->t.assign(t_buf, t_buf + n);
    trace->sum = sum;
    trace->lg = lg;
  }
}

}  // namespace bf::golden
