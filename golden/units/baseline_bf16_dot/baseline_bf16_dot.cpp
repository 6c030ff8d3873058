#include "golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp"

#include <algorithm>
#include <bit>
#include <vector>

namespace bf::golden {

FloatFormat Bf16DotParams::bf16() const {
  FloatFormat f = FloatFormat::bf16();
  f.subnormals = !flush();
  return f;
}

FloatFormat Bf16DotParams::fp32() const {
  FloatFormat f = FloatFormat::fp32();
  f.subnormals = !flush();
  return f;
}

FpMulSpec Bf16DotParams::mul_spec() const {
  FpMulSpec s;
  s.a = bf16();
  s.b = bf16();
  s.y = fp32();
  s.rounding = Rounding::NearestEven;
  return s;
}

FpAddSpec Bf16DotParams::add_spec() const {
  FpAddSpec s;
  s.f = fp32();
  s.rounding = Rounding::NearestEven;
  return s;
}

int Bf16DotParams::tree_levels() const {
  int d = 0;
  while ((1 << d) < lanes) ++d;
  return d;
}

int Bf16DotParams::latency() const {
  if (fused()) return pipeline == "none" ? 1 : pipeline == "operators" ? 2 : 3;
  return pipelined() ? tree_levels() + 2 + (tree_registered() ? 1 : 0) : 1;
}

uint32_t bf16_fused_step(const Bf16DotParams& p, uint32_t acc, const uint32_t* a, const uint32_t* w,
                         std::size_t n, Rounding mode) {
  const FloatFormat bf = p.bf16(), f32 = p.fp32();
  const int F = p.fused_fraction_bits;
  // A nonzero finite term: |t| = sig * 2^exp.
  struct Term {
    bool sign;
    uint64_t sig;
    int exp;
  };
  std::vector<Term> terms;
  terms.reserve(n + 1);
  bool nan = false, pinf = false, ninf = false, all_zero_neg = true;
  auto add_special = [&](bool sign) { (sign ? ninf : pinf) = true; };
  // Step 1-3: decode, specials, zero signs.
  for (std::size_t i = 0; i < n; ++i) {
    const FpValue x = fp_unpack(bf, a[i] & 0xffffu), y = fp_unpack(bf, w[i] & 0xffffu);
    const bool sign = x.sign != y.sign;
    using C = FpValue::Class;
    if (x.cls == C::NaN || y.cls == C::NaN) {
      nan = true;
    } else if (x.cls == C::Inf || y.cls == C::Inf) {
      if (x.cls == C::Zero || y.cls == C::Zero)
        nan = true;  // Inf * 0
      else
        add_special(sign);
    } else if (x.cls == C::Zero || y.cls == C::Zero) {
      all_zero_neg = all_zero_neg && sign;
      continue;
    } else {
      terms.push_back({sign, x.sig * y.sig, x.exp + y.exp});
    }
    all_zero_neg = false;
  }
  const FpValue c = fp_unpack(f32, acc);
  switch (c.cls) {
    case FpValue::Class::NaN:
      nan = true;
      break;
    case FpValue::Class::Inf:
      add_special(c.sign);
      break;
    case FpValue::Class::Zero:
      all_zero_neg = all_zero_neg && c.sign;
      break;
    case FpValue::Class::Finite:
      terms.push_back({c.sign, c.sig, c.exp});
      break;
  }
  if (nan || (pinf && ninf)) return fp_nan(f32);
  if (pinf || ninf) return fp_inf(f32, ninf);
  if (terms.empty()) return fp_zero(f32, all_zero_neg);
  // Step 4: Emax = max floor(log2 |t|); m_t = floor(|t| * 2^(F - Emax)).
  auto lead = [](const Term& t) { return static_cast<int>(std::bit_width(t.sig)) - 1 + t.exp; };
  int emax = lead(terms[0]);
  for (const Term& t : terms) emax = std::max(emax, lead(t));
  // Step 5: S = sum of the signed, truncated terms (|S| < 2^(F+1) * 65).
  int64_t s = 0;
  for (const Term& t : terms) {
    const int k = t.exp + F - emax;  // m = sig * 2^k, floored
    const uint64_t m = k >= 0 ? t.sig << k : (-k >= 64 ? 0 : t.sig >> -k);
    s += t.sign ? -static_cast<int64_t>(m) : static_cast<int64_t>(m);
  }
  // Step 6: one rounding.
  if (s == 0) return fp_zero(f32, false);
  const uint64_t mag = s < 0 ? static_cast<uint64_t>(-s) : static_cast<uint64_t>(s);
  return fp_round_pack(f32, s < 0, mag, emax - F, mode);
}

uint32_t bf16_dot_step(const Bf16DotParams& p, uint32_t acc, const uint32_t* a, const uint32_t* w) {
  const std::size_t n = static_cast<std::size_t>(p.lanes);
  if (p.fused()) return bf16_fused_step(p, acc, a, w, n);
  return fp_dot_step(p.mul_spec(), p.add_spec(), acc, a, w, n);
}

Bf16DotModel::Bf16DotModel(const Bf16DotParams& p)
    : p_(p),
      mul_(p.mul_spec()),
      add_(p.add_spec()),
      lanes_(static_cast<std::size_t>(p.lanes)),
      acc_(fp_zero(add_.f, false)) {}

Bf16DotModel::Output Bf16DotModel::step(bool last, const uint32_t* a, const uint32_t* w) {
  acc_ = p_.fused() ? bf16_fused_step(p_, acc_, a, w, lanes_)
                    : fp_dot_step(mul_, add_, acc_, a, w, lanes_);
  Output out;
  if (last) {
    out.done = true;
    out.y = acc_;
    acc_ = fp_zero(add_.f, false);
  }
  return out;
}

uint32_t bf16_dot_row(const Bf16DotParams& p, const uint32_t* a, const uint32_t* w, std::size_t n) {
  const FpAddSpec add = p.add_spec();
  const std::size_t L = static_cast<std::size_t>(p.lanes);
  if (!p.fused()) return fp_dot(p.mul_spec(), add, fp_zero(add.f, false), a, w, n, L);
  uint32_t acc = fp_zero(add.f, false);
  std::vector<uint32_t> ca(L), cw(L);
  for (std::size_t b = 0; b < n; b += L) {
    for (std::size_t i = 0; i < L; ++i) {
      ca[i] = b + i < n ? a[b + i] : 0u;
      cw[i] = b + i < n ? w[b + i] : 0u;
    }
    acc = bf16_fused_step(p, acc, ca.data(), cw.data(), L);
  }
  return acc;
}

}  // namespace bf::golden
