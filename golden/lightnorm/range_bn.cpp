#include "golden/lightnorm/range_bn.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <stdexcept>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_compare.hpp"
#include "golden/arith/fp_core.hpp"
#include "golden/arith/fp_div.hpp"
#include "golden/arith/fp_kernels.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/arith/host_ieee.hpp"
#include "golden/lightnorm/range_bn_convert.hpp"

namespace bf::golden::lightnorm {

namespace {

constexpr int64_t kMaxN = int64_t{1} << 40;

using fp_detail::Fmt;
using Convert = RangeBnConvert;

uint32_t to_format(const RangeBnParams& p, const FloatFormat& from, const FloatFormat& to,
                   uint32_t code) {
  return Convert(p, from, to)(code);
}

FpMulSpec mul_spec(const RangeBnParams& p, const FloatFormat& a, const FloatFormat& b,
                   const FloatFormat& y) {
  return {a, b, y, p.arith_rounding, Overflow::Infinity};
}

// 2^e as a code of f (exact; below f's range it rounds like any result).
uint32_t pow2(const FloatFormat& f, int e) {
  return fp_round_pack(f, false, 1, e, Rounding::NearestEven);
}

// fp32 arithmetic in round to nearest even is the host's IEEE binary32
// arithmetic (golden/arith/host_ieee.hpp: the same results with NaN made
// canonical) under a HostIeeeScope. The element loops below hold a scope and
// build their operators with `host_scope_held`, so those steps (fp32 by
// default: stat and norm) run as host operations; the operators built
// without it are the soft-float kernels, valid under any FPU state.
bool host_fp32(const FloatFormat& result, Rounding mode, bool host_scope_held) {
  return host_scope_held && kHostFloatSupported && result == FloatFormat::fp32() &&
         mode == Rounding::NearestEven;
}

// Arithmetic in one format, named so the steps read like the contract.
struct Arith {
  Arith(const RangeBnParams& p, const FloatFormat& f, bool host_scope_held = false)
      : fmt(f), mode(p.arith_rounding), host(host_fp32(f, mode, host_scope_held)) {}
  uint32_t add(uint32_t a, uint32_t b) const {
    return host ? golden_bits(float_of(a) + float_of(b)) : fp_detail::add(fmt, mode, a, b);
  }
  uint32_t sub(uint32_t a, uint32_t b) const { return add(a, b ^ fmt.sign_bit); }
  uint32_t mul(uint32_t a, uint32_t b) const {
    return host ? golden_bits(float_of(a) * float_of(b))
                : fp_detail::mul(fmt, fmt, fmt, mode, a, b);
  }
  uint32_t neg(uint32_t a) const { return a ^ fmt.sign_bit; }
  Fmt fmt;
  Rounding mode;
  bool host;
};

// A product of operands in their own formats, rounded into y. On the host
// path the operands are widened to fp32 exactly and the host product rounds
// the exact product once into fp32, as the contract does.
struct Mul {
  Mul(const RangeBnParams& p, const FloatFormat& a, const FloatFormat& b, const FloatFormat& y,
      bool host_scope_held = false)
      : fa(a),
        fb(b),
        fy(y),
        mode(p.arith_rounding),
        host(host_fp32(y, mode, host_scope_held)),
        wa(a),
        wb(b) {}
  uint32_t operator()(uint32_t a, uint32_t b) const {
    return host ? golden_bits(wa(a) * wb(b)) : fp_detail::mul(fa, fb, fy, mode, a, b);
  }
  Fmt fa, fb, fy;
  Rounding mode;
  bool host;
  RangeBnValues wa, wb;
};

}  // namespace

std::string_view to_string(Reciprocal r) {
  switch (r) {
    case Reciprocal::Divider:
      return "divider";
    case Reciprocal::Newton:
      return "newton";
    case Reciprocal::Pow2:
      return "pow2";
  }
  return "?";
}

int RangeBnParams::log2_chunks() const { return std::countr_zero(static_cast<unsigned>(chunks)); }

void RangeBnParams::validate() const {
  if (chunks < 1 || chunks > 64 || !std::has_single_bit(static_cast<unsigned>(chunks)))
    throw std::invalid_argument(
        fmt::format("chunks = {}: expected a power of two in 1..64 (default 8)", chunks));
  if (exponent == ExponentPolicy::AuthorsMask)
    throw std::invalid_argument(
        "exponent = authors_mask: the authors' exponent mask yields fp32 values outside the "
        "format, not codes; range BN's arithmetic takes saturate or flush_to_zero");
  if (convert_rounding == Rounding::Stochastic || arith_rounding == Rounding::Stochastic)
    throw std::invalid_argument("stochastic rounding is not a range BN arithmetic mode");
  for (const auto* f : {&io, &grad, &stat, &norm})
    SmallFloatConvert{*f, exponent, convert_rounding}.validate();
  check_result_format(stat, "range BN stat format");
  check_result_format(norm, "range BN norm format");
  if (table_bits < 1 || table_bits > 12)
    throw std::invalid_argument(fmt::format("table_bits = {}: expected 1..12", table_bits));
  if (newton_steps < 0 || newton_steps > 4)
    throw std::invalid_argument(fmt::format("newton_steps = {}: expected 0..4", newton_steps));
}

RangeBnConstants range_bn_constants(const RangeBnParams& p, int64_t n) {
  p.validate();
  if (n < 2 * p.chunks || n % p.chunks != 0 || n >= kMaxN)
    throw std::invalid_argument(fmt::format(
        "n = {}: range BN needs a multiple of chunks = {} with at least 2 values per chunk "
        "(C(n) = 1/sqrt(2 ln(n / chunks)) is infinite at 1), below 2^40",
        n, p.chunks));
  RangeBnConstants k;
  k.n = n;
  // 1/n correctly rounded: 2^63 / n in integers, the remainder as a sticky bit.
  const uint64_t num = uint64_t{1} << 63;
  const uint64_t q = num / static_cast<uint64_t>(n);
  const bool sticky = num % static_cast<uint64_t>(n) != 0;
  k.inv_n = fp_round_pack(FloatFormat::fp32(), false, (q << 1) | (sticky ? 1 : 0), -64,
                          Rounding::NearestEven);
  const double c = 1.0 / std::sqrt(2.0 * std::log(static_cast<double>(n / p.chunks)));
  k.c = fp32_bits(static_cast<float>(c));
  return k;
}

uint32_t range_bn_reciprocal(const RangeBnParams& p, uint32_t d) {
  const FloatFormat& f = p.stat;
  const Arith st(p, p.stat);
  if (p.reciprocal == Reciprocal::Divider)
    return fp_div({f, f, f, p.arith_rounding}, to_format(p, FloatFormat::fp32(), f, 0x3f800000u),
                  d);
  const FpValue v = fp_unpack(f, d);
  if (v.cls == FpValue::Class::NaN) return fp_nan(f);
  if (v.cls == FpValue::Class::Inf) return fp_zero(f, v.sign);
  if (v.cls == FpValue::Class::Zero)
    return f.specials == SpecialValues::Ieee ? fp_inf(f, v.sign) : fp_max_normal(f, v.sign);
  const int msb = std::bit_width(v.sig) - 1;
  const int e = msb + v.exp;  // floor(log2 |d|)
  // The fraction bits below the leading one, as a 32-bit left-aligned field.
  const uint64_t frac = msb == 0 ? 0 : (v.sig << (64 - msb));
  if (p.reciprocal == Reciprocal::Pow2) {
    const int f1 = static_cast<int>(frac >> 63);
    const uint32_t r = pow2(f, -(e + f1));
    return v.sign ? st.neg(r) : r;
  }
  // Newton: the seed is the reciprocal of the bucket's midpoint
  // 1 + (2j + 1) / 2^(t+1), i.e. 2^(t+1) / (2^(t+1) + 2j + 1), scaled by 2^-e.
  const int t = p.table_bits;
  const uint32_t j = static_cast<uint32_t>(frac >> (64 - t));
  const uint32_t den = (1u << (t + 1)) + 2 * j + 1;
  const FloatFormat fp32 = FloatFormat::fp32();
  const uint32_t seed32 =
      fp_div({fp32, fp32, fp32, Rounding::NearestEven},
             fp32_bits(static_cast<float>(1u << (t + 1))), fp32_bits(static_cast<float>(den)));
  uint32_t y = fp_mul(mul_spec(p, fp32, f, f), seed32, pow2(f, -e));
  const uint32_t mag = v.sign ? st.neg(d) : d;
  const uint32_t two = to_format(p, fp32, f, 0x40000000u);
  for (int i = 0; i < p.newton_steps; ++i) y = st.mul(y, st.sub(two, st.mul(mag, y)));
  return v.sign ? st.neg(y) : y;
}

RangeBnStats range_bn_stats(const RangeBnParams& p, const RangeBnConstants& k,
                            std::span<const uint32_t> x) {
  if (static_cast<int64_t>(x.size()) != k.n)
    throw std::invalid_argument(
        fmt::format("range BN: {} values for constants of n = {}", x.size(), k.n));
  const HostIeeeScope ieee;
  const Arith st(p, p.stat, true);
  const FloatFormat fp32 = FloatFormat::fp32();
  RangeBnStats s;
  s.sum = s.sum_max = s.sum_min = fp_zero(p.stat, false);
  const int64_t len = k.n / p.chunks;
  const Convert io_to_stat(p, p.io, p.stat);
  for (int c = 0; c < p.chunks; ++c) {
    int64_t imax = c * len, imin = c * len;
    for (int64_t i = c * len; i < (c + 1) * len; ++i) {
      s.sum = st.add(s.sum, io_to_stat(x[i]));
      // fp_max/fp_min return the first operand on ties: the first extreme.
      if (fp_max(p.io, x[imax], x[i]) != x[imax]) imax = i;
      if (fp_min(p.io, x[imin], x[i]) != x[imin]) imin = i;
    }
    s.argmax.push_back(imax);
    s.argmin.push_back(imin);
    s.sum_max = st.add(s.sum_max, io_to_stat(x[imax]));
    s.sum_min = st.add(s.sum_min, io_to_stat(x[imin]));
  }
  const uint32_t inv_n = to_format(p, fp32, p.stat, k.inv_n);
  const uint32_t c = to_format(p, fp32, p.stat, k.c);
  const uint32_t eps = to_format(p, fp32, p.stat, p.eps);
  const uint32_t inv_chunks = pow2(p.stat, -p.log2_chunks());
  s.mean = st.mul(s.sum, inv_n);
  s.range = st.sub(st.mul(s.sum_max, inv_chunks), st.mul(s.sum_min, inv_chunks));
  s.scale = range_bn_reciprocal(p, st.add(st.mul(s.range, c), eps));
  return s;
}

RangeBnStats range_bn_frozen_stats(const RangeBnParams& p, uint32_t mean, uint32_t sigma) {
  p.validate();
  const Arith st(p, p.stat);
  const FloatFormat fp32 = FloatFormat::fp32();
  RangeBnStats s;
  s.sum = s.sum_max = s.sum_min = s.range = fp_zero(p.stat, false);
  s.mean = to_format(p, fp32, p.stat, mean);
  const uint32_t eps = to_format(p, fp32, p.stat, p.eps);
  s.scale = range_bn_reciprocal(p, st.add(to_format(p, fp32, p.stat, sigma), eps));
  return s;
}

void range_bn_normalize(const RangeBnParams& p, const RangeBnStats& s, uint32_t gamma,
                        uint32_t beta, std::span<const uint32_t> x, std::span<uint32_t> x_hat,
                        std::span<uint32_t> y) {
  if (x_hat.size() != x.size() || y.size() != x.size())
    throw std::invalid_argument("range BN: x, x_hat and y must have the same length");
  const HostIeeeScope ieee;
  const Arith norm(p, p.norm, true);
  const Mul by_scale(p, p.norm, p.stat, p.norm, true);
  const Mul by_gamma(p, p.io, p.io, p.norm, true);
  const Convert io_to_norm(p, p.io, p.norm), norm_to_io(p, p.norm, p.io);
  const uint32_t mean = to_format(p, p.stat, p.norm, s.mean);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const uint32_t t = norm.sub(io_to_norm(x[i]), mean);
    x_hat[i] = norm_to_io(by_scale(t, s.scale));
    y[i] = norm_to_io(norm.add(by_gamma(x_hat[i], gamma), beta));
  }
}

RangeBnGrads range_bn_grad_sums(const RangeBnParams& p, const RangeBnConstants& k,
                                const RangeBnStats& s, uint32_t gamma, std::span<const uint32_t> g,
                                std::span<const uint32_t> x_hat) {
  if (static_cast<int64_t>(g.size()) != k.n || x_hat.size() != g.size())
    throw std::invalid_argument(fmt::format(
        "range BN backward: {} gradients and {} x_hat for n = {}", g.size(), x_hat.size(), k.n));
  const HostIeeeScope ieee;
  const Arith st(p, p.stat, true);
  const FloatFormat fp32 = FloatFormat::fp32();
  const Mul gx(p, p.grad, p.io, p.stat, true);
  const Convert grad_to_stat(p, p.grad, p.stat);
  RangeBnGrads r;
  r.dbeta = r.dgs = fp_zero(p.stat, false);
  for (std::size_t i = 0; i < g.size(); ++i) {
    r.dbeta = st.add(r.dbeta, grad_to_stat(g[i]));
    r.dgs = st.add(r.dgs, gx(g[i], x_hat[i]));
  }
  r.dgamma = to_format(p, p.stat, p.grad, r.dgs);
  r.a = fp_mul(mul_spec(p, p.io, p.stat, p.stat), gamma, s.scale);
  r.b_mu = st.neg(st.mul(st.mul(r.a, r.dbeta), to_format(p, fp32, p.stat, k.inv_n)));
  r.k = st.mul(st.mul(st.mul(r.a, r.dgs), to_format(p, fp32, p.stat, k.c)),
               pow2(p.stat, -p.log2_chunks()));
  return r;
}

struct RangeBnDxElement::Impl {
  Impl(const RangeBnParams& p, const RangeBnGrads& gr, bool host_scope_held)
      : a(gr.a),
        norm(p, p.norm, host_scope_held),
        ga(p, p.grad, p.stat, p.norm, host_scope_held),
        norm_to_grad(p, p.norm, p.grad) {
    const Arith st(p, p.stat);
    b_mu = to_format(p, p.stat, p.norm, gr.b_mu);
    b_max = to_format(p, p.stat, p.norm, st.sub(gr.b_mu, gr.k));
    b_min = to_format(p, p.stat, p.norm, st.add(gr.b_mu, gr.k));
  }
  uint32_t a;
  uint32_t b_mu = 0, b_max = 0, b_min = 0;
  Arith norm;
  Mul ga;
  Convert norm_to_grad;
};

RangeBnDxElement::RangeBnDxElement(const RangeBnParams& p, const RangeBnGrads& gr)
    : impl_(std::make_unique<Impl>(p, gr, false)) {}
RangeBnDxElement::RangeBnDxElement(const RangeBnParams& p, const RangeBnGrads& gr,
                                   UnderHostIeeeScope)
    : impl_(std::make_unique<Impl>(p, gr, true)) {}
RangeBnDxElement::~RangeBnDxElement() = default;
RangeBnDxElement::RangeBnDxElement(RangeBnDxElement&&) noexcept = default;
RangeBnDxElement& RangeBnDxElement::operator=(RangeBnDxElement&&) noexcept = default;

uint32_t RangeBnDxElement::b_mu() const { return impl_->b_mu; }
uint32_t RangeBnDxElement::b_max() const { return impl_->b_max; }
uint32_t RangeBnDxElement::b_min() const { return impl_->b_min; }

uint32_t RangeBnDxElement::operator()(uint32_t g, bool at_max, bool at_min) const {
  const Impl& e = *impl_;
  const uint32_t b = at_max == at_min ? e.b_mu : at_max ? e.b_max : e.b_min;
  return e.norm_to_grad(e.norm.add(e.ga(g, e.a), b));
}

void range_bn_dx(const RangeBnParams& p, const RangeBnStats& s, const RangeBnGrads& gr,
                 std::span<const uint32_t> g, std::span<uint32_t> dx) {
  if (dx.size() != g.size())
    throw std::invalid_argument("range BN backward: g and dx must have the same length");
  const int64_t n = static_cast<int64_t>(g.size());
  if (n % p.chunks != 0 || static_cast<int>(s.argmax.size()) != p.chunks)
    throw std::invalid_argument("range BN backward: statistics of another shape");
  const HostIeeeScope ieee;
  const RangeBnDxElement element(p, gr, RangeBnDxElement::UnderHostIeeeScope{});
  const int64_t len = n / p.chunks;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = i / len;
    dx[i] = element(g[i], s.argmax[c] == i, s.argmin[c] == i);
  }
}

}  // namespace bf::golden::lightnorm
