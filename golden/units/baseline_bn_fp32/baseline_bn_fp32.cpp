#include "golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp"

#include <stdexcept>

#include "golden/lightnorm/range_bn.hpp"

namespace bf::golden {

namespace {

const FloatFormat kFp32 = FloatFormat::fp32();

}  // namespace

FpAddSpec BnFp32Params::add_spec() {
  FpAddSpec s;
  s.f = kFp32;
  s.rounding = Rounding::NearestEven;
  return s;
}

FpMulSpec BnFp32Params::mul_spec() {
  FpMulSpec s;
  s.a = s.b = s.y = kFp32;
  s.rounding = Rounding::NearestEven;
  return s;
}

FpSqrtSpec BnFp32Params::sqrt_spec() {
  FpSqrtSpec s;
  s.a = s.y = kFp32;
  s.rounding = Rounding::NearestEven;
  return s;
}

FpDivSpec BnFp32Params::div_spec() {
  FpDivSpec s;
  s.a = s.b = s.y = kFp32;
  s.rounding = Rounding::NearestEven;
  return s;
}

uint32_t bn_fp32_inv_n(int64_t n) {
  if (n < 1) throw std::invalid_argument("bn_fp32_inv_n: n must be at least 1");
  if (n == 1) return 0x3f800000u;
  // One chunk: range_bn_constants accepts every n >= 2 (below 2^40) and
  // computes inv_n independently of the chunk count.
  lightnorm::RangeBnParams p;
  p.chunks = 1;
  return lightnorm::range_bn_constants(p, n).inv_n;
}

BnFp32Model::BnFp32Model(const BnFp32Params& p)
    : lanes_(static_cast<std::size_t>(p.lanes)), finish_beats_(p.finish_beats()) {}

const lightnorm::BnFp32Stats& BnFp32Model::stats(int lane) const {
  return lanes_.at(static_cast<std::size_t>(lane)).stats;
}

BnFp32Model::Output BnFp32Model::step(BnOp op, uint32_t inv_n, std::span<const uint32_t> x,
                                      std::span<const uint32_t> gamma,
                                      std::span<const uint32_t> beta) {
  const std::size_t L = lanes_.size();
  if (x.size() != L || gamma.size() != L || beta.size() != L)
    throw std::invalid_argument("BnFp32Model::step: x, gamma and beta need one value per lane");
  Output out;
  out.y.assign(L, 0u);
  switch (op) {
    case BnOp::Load:
      inv_n_ = inv_n;
      for (std::size_t l = 0; l < L; ++l) {
        lanes_[l].values.clear();
        lanes_[l].gamma = gamma[l];
        lanes_[l].beta = beta[l];
      }
      finishes_ = 0;
      break;
    case BnOp::Stat:
      for (std::size_t l = 0; l < L; ++l) lanes_[l].values.push_back(x[l]);
      finishes_ = 0;
      break;
    case BnOp::Finish:
      if (finishes_ == finish_beats_) break;
      if (++finishes_ < finish_beats_) break;
      // The last register of the scalar datapath is loaded: the statistics
      // of the sums (+0 + +0 * +0 adds nothing, so no value reads as {+0}).
      for (Lane& ln : lanes_) {
        static constexpr uint32_t kZero[1] = {0u};
        ln.stats = ln.values.empty() ? lightnorm::bn_fp32_stats(kZero, inv_n_)
                                     : lightnorm::bn_fp32_stats(ln.values, inv_n_);
      }
      break;
    case BnOp::Norm:
      if (!complete()) break;
      out.norm = true;
      for (std::size_t l = 0; l < L; ++l)
        lightnorm::bn_fp32_normalize(lanes_[l].stats, lanes_[l].gamma, lanes_[l].beta,
                                     x.subspan(l, 1), std::span<uint32_t>(&out.y[l], 1));
      break;
  }
  return out;
}

}  // namespace bf::golden
