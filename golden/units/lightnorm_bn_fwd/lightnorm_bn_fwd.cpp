#include "golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_compare.hpp"
#include "golden/arith/fp_core.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/lightnorm/range_bn_convert.hpp"

namespace bf::golden {

namespace {

using lightnorm::RangeBnParams;
using lightnorm::Reciprocal;

using Convert = lightnorm::RangeBnConvert;

FpAddSpec add_spec(const RangeBnParams& p, const FloatFormat& f) {
  return {f, p.arith_rounding, Overflow::Infinity};
}
FpMulSpec mul_spec(const RangeBnParams& p, const FloatFormat& a, const FloatFormat& b,
                   const FloatFormat& y) {
  return {a, b, y, p.arith_rounding, Overflow::Infinity};
}

}  // namespace

LightnormBfpStorage LnBnFwdParams::storage() const {
  LightnormBfpStorage s;
  s.format = range_bn().io;
  s.bfp.group = bfp_group;
  s.bfp.bits = bfp_bits;
  s.bfp.variant = bfp == "plain" ? LightnormBfp::Variant::Plain : LightnormBfp::Variant::KeepMax;
  return s;
}

int LnBnFwdParams::finish_beats() const {
  const auto p = range_bn();
  return 2 * p.chunks + 4 + (p.reciprocal == Reciprocal::Divider ? div_stages + 1 : 1);
}

void LnBnFwdParams::validate() const {
  const RangeBnParams p = range_bn();  // ParamError on any range BN key
  if (p.reciprocal == Reciprocal::Newton)
    throw ParamError("reciprocal",
                     "reciprocal = newton: the seed table with Newton refinement is golden-only "
                     "for now (range_bn_reciprocal); lightnorm.bn_fwd builds divider or pow2");
  if (p.io.specials != SpecialValues::None)
    throw ParamError("io",
                     fmt::format("io = {}: lightnorm.bn_fwd needs an io format without Inf/NaN "
                                 "(fp10_e5m4, fp12_e5m6, ...): its argmax / argmin flags rely on "
                                 "fp_max never returning a NaN that is neither operand",
                                 p.io.name()));
  // The generator's adders, multipliers and rounding step (generator/blocks/
  // fp_blocks.hpp, fp_round_pack) round into formats with IEEE Inf/NaN only.
  const std::pair<const char*, const FloatFormat*> arith[] = {{"stat", &p.stat}, {"norm", &p.norm}};
  for (const auto& [key, f] : arith)
    if (f->specials != SpecialValues::Ieee)
      throw ParamError(key, fmt::format("{} = {}: lightnorm.bn_fwd's arithmetic rounds into "
                                        "formats with IEEE Inf/NaN only (fp32, bf16, fp16, or a "
                                        "\"+K\" widening of them such as fp16+8 = e5m18)",
                                        key, f->name()));
  if (!has_bfp()) return;
  if (lanes % bfp_group != 0)
    throw ParamError("bfp_group", fmt::format("bfp_group = {}: lanes = {} must be a multiple of "
                                              "it (each beat carries whole BFP groups), or set "
                                              "bfp = \"none\"",
                                              bfp_group, lanes));
  try {
    storage().validate();
  } catch (const std::invalid_argument& e) {
    throw ParamError("bfp_bits", fmt::format("BFP storage of io = {}: {}", p.io.name(), e.what()));
  }
}

LnBnFwdModel::LnBnFwdModel(const LnBnFwdParams& p)
    : p_(p),
      rp_(p.range_bn()),
      lanes_(static_cast<std::size_t>(p.lanes)),
      len_mask_(p.len_bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << p.len_bits) - 1),
      finish_beats_(p.finish_beats()) {
  for (Lane& ln : lanes_) {
    ln.mx.assign(static_cast<std::size_t>(rp_.chunks), 0u);
    ln.mn.assign(static_cast<std::size_t>(rp_.chunks), 0u);
  }
}

const lightnorm::RangeBnStats& LnBnFwdModel::stats(int lane) const {
  return lanes_.at(static_cast<std::size_t>(lane)).stats;
}

// Steps 2-6 of range_bn_stats on the lane's sums, over the complete chunks.
void LnBnFwdModel::compute_stats(Lane& ln) const {
  const FloatFormat& st = rp_.stat;
  const FpAddSpec add = add_spec(rp_, st);
  const FpMulSpec mul = mul_spec(rp_, st, st, st);
  const Convert io_to_stat(rp_, rp_.io, st), fp32_to_stat(rp_, FloatFormat::fp32(), st);
  auto& s = ln.stats;
  s.sum = ln.sum;
  s.sum_max = s.sum_min = fp_zero(st, false);
  for (int c = 0; c < done_; ++c) {
    s.sum_max = fp_add(add, s.sum_max, io_to_stat(ln.mx[static_cast<std::size_t>(c)]));
    s.sum_min = fp_add(add, s.sum_min, io_to_stat(ln.mn[static_cast<std::size_t>(c)]));
  }
  const uint32_t inv_chunks =
      fp_round_pack(st, false, 1, -rp_.log2_chunks(), Rounding::NearestEven);
  s.mean = fp_mul(mul, s.sum, fp32_to_stat(inv_n_));
  const uint32_t pa = fp_mul(mul, s.sum_max, inv_chunks), pb = fp_mul(mul, s.sum_min, inv_chunks);
  s.range = fp_add(add, pa, pb ^ fp_zero(st, true));
  const uint32_t d = fp_add(add, fp_mul(mul, s.range, fp32_to_stat(c_)), fp32_to_stat(rp_.eps));
  s.scale = lightnorm::range_bn_reciprocal(rp_, d);
}

LnBnFwdModel::Output LnBnFwdModel::step(BnOp op, uint64_t len, uint32_t inv_n, uint32_t c,
                                        std::span<const uint32_t> x,
                                        std::span<const uint32_t> gamma,
                                        std::span<const uint32_t> beta) {
  const std::size_t L = lanes_.size();
  if (x.size() != L || gamma.size() != L || beta.size() != L)
    throw std::invalid_argument("LnBnFwdModel::step: x, gamma and beta need one value per lane");
  Output out;
  out.y.assign(L, 0u);
  out.x_hat.assign(L, 0u);
  out.scale.assign(L, 0u);
  out.amax.assign(L, false);
  out.amin.assign(L, false);
  const uint64_t last = (len_ - 1) & len_mask_;  // position of a chunk's last beat
  if (op != BnOp::Norm) {
    npos_ = 0;
    nchunk_ = 0;
    for (Lane& ln : lanes_) ln.found_max = ln.found_min = false;
  }
  switch (op) {
    case BnOp::Load:
      len_ = len & len_mask_;
      inv_n_ = inv_n;
      c_ = c;
      pos_ = 0;
      done_ = 0;
      for (std::size_t l = 0; l < L; ++l) {
        lanes_[l].gamma = gamma[l];
        lanes_[l].beta = beta[l];
        lanes_[l].sum = 0u;
      }
      finishes_ = 0;
      break;
    case BnOp::Stat: {
      const FpAddSpec add = add_spec(rp_, rp_.stat);
      const Convert io_to_stat(rp_, rp_.io, rp_.stat);
      const bool in_chunk = done_ < rp_.chunks;
      for (std::size_t l = 0; l < L; ++l) {
        Lane& ln = lanes_[l];
        ln.sum = fp_add(add, ln.sum, io_to_stat(x[l]));
        if (!in_chunk) continue;
        // range_bn_stats: a later element replaces the extreme only when
        // fp_max / fp_min does not return the current one.
        if (pos_ == 0 || fp_max(rp_.io, ln.run_max, x[l]) != ln.run_max) ln.run_max = x[l];
        if (pos_ == 0 || fp_min(rp_.io, ln.run_min, x[l]) != ln.run_min) ln.run_min = x[l];
        if (pos_ == last) {
          ln.mx[static_cast<std::size_t>(done_)] = ln.run_max;
          ln.mn[static_cast<std::size_t>(done_)] = ln.run_min;
        }
      }
      if (in_chunk) {
        if (pos_ == last) {
          pos_ = 0;
          ++done_;
        } else {
          pos_ = (pos_ + 1) & len_mask_;
        }
      }
      finishes_ = 0;
      break;
    }
    case BnOp::Finish:
      if (finishes_ == finish_beats_) break;
      if (++finishes_ < finish_beats_) break;
      for (Lane& ln : lanes_) compute_stats(ln);
      break;
    case BnOp::Norm: {
      const bool in_chunk = nchunk_ < done_;
      if (complete()) {
        out.norm = true;
        for (std::size_t l = 0; l < L; ++l) {
          Lane& ln = lanes_[l];
          lightnorm::range_bn_normalize(rp_, ln.stats, ln.gamma, ln.beta, x.subspan(l, 1),
                                        std::span<uint32_t>(&out.x_hat[l], 1),
                                        std::span<uint32_t>(&out.y[l], 1));
          out.scale[l] = ln.stats.scale;
          if (!in_chunk) continue;
          const auto ci = static_cast<std::size_t>(nchunk_);
          out.amax[l] = !ln.found_max && x[l] == ln.mx[ci];
          out.amin[l] = !ln.found_min && x[l] == ln.mn[ci];
          ln.found_max = ln.found_max || out.amax[l];
          ln.found_min = ln.found_min || out.amin[l];
        }
      }
      if (nchunk_ < rp_.chunks) {
        if (npos_ == last) {
          npos_ = 0;
          ++nchunk_;
          for (Lane& ln : lanes_) ln.found_max = ln.found_min = false;
        } else {
          npos_ = (npos_ + 1) & len_mask_;
        }
      }
      break;
    }
  }
  return out;
}

}  // namespace bf::golden
