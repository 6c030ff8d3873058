#include "golden/units/baseline_fp32_mac/baseline_fp32_mac.hpp"

namespace bf::golden {

FpMulSpec Fp32MacParams::mul_spec() const {
  FpMulSpec s;
  s.a = FloatFormat::fp32();
  s.b = FloatFormat::fp32();
  s.y = FloatFormat::fp32();
  s.rounding = Rounding::NearestEven;
  return s;
}

FpAddSpec Fp32MacParams::add_spec() const {
  FpAddSpec s;
  s.f = FloatFormat::fp32();
  s.rounding = Rounding::NearestEven;
  return s;
}

int Fp32MacParams::tree_levels() const {
  int d = 0;
  while ((1 << d) < lanes) ++d;
  return d;
}

Fp32MacModel::Fp32MacModel(const Fp32MacParams& p)
    : mul_(p.mul_spec()),
      add_(p.add_spec()),
      lanes_(static_cast<std::size_t>(p.lanes)),
      acc_(fp_zero(add_.f, false)) {}

Fp32MacModel::Output Fp32MacModel::step(bool last, const uint32_t* a, const uint32_t* b) {
  acc_ = fp_dot_step(mul_, add_, acc_, a, b, lanes_);
  Output out;
  if (last) {
    out.done = true;
    out.y = acc_;
    acc_ = fp_zero(add_.f, false);
  }
  return out;
}

uint32_t fp32_mac_row(const Fp32MacParams& p, const uint32_t* a, const uint32_t* b, std::size_t n) {
  const FpAddSpec add = p.add_spec();
  return fp_dot(p.mul_spec(), add, fp_zero(add.f, false), a, b, n,
                static_cast<std::size_t>(p.lanes));
}

}  // namespace bf::golden
