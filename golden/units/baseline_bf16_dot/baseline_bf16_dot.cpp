#include "golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp"

namespace bf::golden {

FpMulSpec Bf16DotParams::mul_spec() const {
  FpMulSpec s;
  s.a = FloatFormat::bf16();
  s.b = FloatFormat::bf16();
  s.y = FloatFormat::fp32();
  s.a.subnormals = s.b.subnormals = s.y.subnormals = subnormals;
  s.rounding = Rounding::NearestEven;
  return s;
}

FpAddSpec Bf16DotParams::add_spec() const {
  FpAddSpec s;
  s.f = FloatFormat::fp32();
  s.f.subnormals = subnormals;
  s.rounding = Rounding::NearestEven;
  return s;
}

int Bf16DotParams::tree_levels() const {
  int d = 0;
  while ((1 << d) < lanes) ++d;
  return d;
}

int Bf16DotParams::latency() const {
  return pipelined() ? tree_levels() + 2 + (tree_registered() ? 1 : 0) : 1;
}

Bf16DotModel::Bf16DotModel(const Bf16DotParams& p)
    : mul_(p.mul_spec()),
      add_(p.add_spec()),
      lanes_(static_cast<std::size_t>(p.lanes)),
      acc_(fp_zero(add_.f, false)) {}

Bf16DotModel::Output Bf16DotModel::step(bool last, const uint32_t* a, const uint32_t* w) {
  acc_ = fp_dot_step(mul_, add_, acc_, a, w, lanes_);
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
  return fp_dot(p.mul_spec(), add, fp_zero(add.f, false), a, w, n,
                static_cast<std::size_t>(p.lanes));
}

}  // namespace bf::golden
