#include "golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <utility>

#include "golden/arith/fp_core.hpp"

namespace bf::golden {

namespace {

// The constant operand of * 2^-log2(chunks) when stat holds it exactly: the
// narrowest float the operators take (one mantissa bit, no subnormals) whose
// normal range reaches 2^-6 (chunks <= 64).
const FloatFormat kPow2Format =
    FloatFormat::custom(4, 1, SpecialValues::None, /*subnormals=*/false);

}  // namespace

void BnBwdParams::validate() const {
  const auto p = range_bn();
  // The operators (generator/blocks/fp_modules.hpp) round into formats with
  // IEEE specials only; a format without them (every code finite, overflow
  // saturating) would need a saturating rounding step they do not have.
  const std::pair<const char*, const FloatFormat*> results[] = {{"stat", &p.stat},
                                                                {"norm", &p.norm}};
  for (const auto& [key, f] : results)
    if (f->specials != SpecialValues::Ieee)
      throw ParamError(key, fmt::format("{} = '{}': lightnorm.bn_bwd's adders and multipliers "
                                        "round into formats with IEEE specials (Inf, NaN); name "
                                        "one with the _ieee suffix (e.g. \"fp10_e5m4_ieee+8\" "
                                        "for e5m12) or use fp32, bf16 or fp16",
                                        key, f->name()));
}

lightnorm::RangeBnParams BnBwdParams::range_bn() const { return lightnorm::range_bn_params(rb); }

int BnBwdParams::finish_beats() const {
  const auto p = range_bn();
  return 4 + (p.chunks > 1 ? 1 : 0) + (p.norm != p.stat ? 1 : 0);
}

FpMulSpec BnBwdParams::gx_spec() const {
  const auto p = range_bn();
  return {p.grad, p.io, p.stat, p.arith_rounding, Overflow::Infinity};
}

FpMulSpec BnBwdParams::a_spec() const {
  const auto p = range_bn();
  return {p.io, p.stat, p.stat, p.arith_rounding, Overflow::Infinity};
}

FpMulSpec BnBwdParams::stat_mul_spec() const {
  const auto p = range_bn();
  return {p.stat, p.stat, p.stat, p.arith_rounding, Overflow::Infinity};
}

FpAddSpec BnBwdParams::stat_add_spec() const {
  const auto p = range_bn();
  return {p.stat, p.arith_rounding, Overflow::Infinity};
}

uint32_t BnBwdParams::pow2_code() const {
  const auto p = range_bn();
  const uint32_t in_stat = fp_round_pack(p.stat, false, 1, -p.log2_chunks(), Rounding::NearestEven);
  if (decode(p.stat, in_stat) != std::ldexp(1.0, -p.log2_chunks())) return in_stat;
  return static_cast<uint32_t>(kPow2Format.bias() - p.log2_chunks()) << kPow2Format.man_bits;
}

FpMulSpec BnBwdParams::pow2_spec() const {
  const auto p = range_bn();
  const uint32_t in_stat = fp_round_pack(p.stat, false, 1, -p.log2_chunks(), Rounding::NearestEven);
  const bool exact = decode(p.stat, in_stat) == std::ldexp(1.0, -p.log2_chunks());
  return {p.stat, exact ? kPow2Format : p.stat, p.stat, p.arith_rounding, Overflow::Infinity};
}

FpMulSpec BnBwdParams::ga_spec() const {
  const auto p = range_bn();
  return {p.grad, p.stat, p.norm, p.arith_rounding, Overflow::Infinity};
}

FpAddSpec BnBwdParams::norm_add_spec() const {
  const auto p = range_bn();
  return {p.norm, p.arith_rounding, Overflow::Infinity};
}

BnBwdModel::BnBwdModel(const BnBwdParams& p)
    : rb_(p.range_bn()),
      lanes_(static_cast<std::size_t>(p.lanes)),
      finish_beats_(p.finish_beats()) {}

const lightnorm::RangeBnGrads& BnBwdModel::grads(int lane) const {
  return lanes_.at(static_cast<std::size_t>(lane)).grads;
}

BnBwdModel::Output BnBwdModel::step(const Beat& b) {
  const std::size_t L = lanes_.size();
  for (std::size_t size :
       {b.gamma.size(), b.scale.size(), b.g.size(), b.x_hat.size(), b.amax.size(), b.amin.size()})
    if (size != L) throw std::invalid_argument("BnBwdModel::step: one value per lane and port");
  Output out;
  out.dx.assign(L, 0u);
  out.dgamma.assign(L, 0u);
  out.dbeta.assign(L, 0u);
  switch (b.op) {
    case BnBwdOp::Load:
      inv_n_ = b.inv_n;
      c_ = b.c;
      for (std::size_t l = 0; l < L; ++l) {
        lanes_[l].g.clear();
        lanes_[l].x_hat.clear();
        lanes_[l].gamma = b.gamma[l];
        lanes_[l].scale = b.scale[l];
      }
      finishes_ = 0;
      break;
    case BnBwdOp::Stat:
      for (std::size_t l = 0; l < L; ++l) {
        lanes_[l].g.push_back(b.g[l]);
        lanes_[l].x_hat.push_back(b.x_hat[l]);
      }
      finishes_ = 0;
      break;
    case BnBwdOp::Finish:
      if (finishes_ == finish_beats_) break;
      if (++finishes_ < finish_beats_) break;
      // The last register of the scalar datapath is loaded: the contract's
      // coefficients of the sums, with the loaded constants.
      for (Lane& ln : lanes_) {
        lightnorm::RangeBnConstants k;
        k.n = static_cast<int64_t>(ln.g.size());
        k.inv_n = inv_n_;
        k.c = c_;
        lightnorm::RangeBnStats s;
        s.scale = ln.scale;
        ln.grads = lightnorm::range_bn_grad_sums(rb_, k, s, ln.gamma, ln.g, ln.x_hat);
        ln.dx.emplace(rb_, ln.grads);
      }
      break;
    case BnBwdOp::Dx:
      if (!complete()) break;
      out.valid = true;
      for (std::size_t l = 0; l < L; ++l) {
        const Lane& ln = lanes_[l];
        out.dx[l] = (*ln.dx)(b.g[l], b.amax[l] != 0, b.amin[l] != 0);
        out.dgamma[l] = ln.grads.dgamma;
        out.dbeta[l] = ln.grads.dbeta;
      }
      break;
  }
  return out;
}

}  // namespace bf::golden
