#include "tests/units/lightnorm_bn_fwd/bn_fwd_test_util.hpp"

#include <fmt/format.h>

#include "generator/design/fp_operand_io.hpp"
#include "generator/design/registry.hpp"
#include "generator/units/lightnorm_bn_fwd/lightnorm_bn_fwd_beats.hpp"
#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_compare.hpp"
#include "golden/arith/fp_core.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/formats/small_float_convert.hpp"

namespace bf::bn_fwd_test {

using golden::BnOp;
using golden::FloatFormat;
using golden::LnBnFwdModel;
using golden::LnBnFwdParams;
using golden::lightnorm::RangeBnParams;
using golden::lightnorm::Reciprocal;

std::string hex(uint32_t v) { return fmt::format("0x{:08x}", v); }

GroupOut run_group(LnBnFwdModel& m, const LnBnFwdParams& p, uint64_t len, uint32_t inv_n,
                   uint32_t c, const Lanes& gamma, const Lanes& beta,
                   const std::vector<Channel>& channels) {
  const Lanes z(static_cast<std::size_t>(p.lanes), 0u);
  GroupOut out;
  m.step(BnOp::Load, len, inv_n, c, z, gamma, beta);
  const std::size_t n = channels[0].size();
  auto beat = [&](std::size_t i) {
    Lanes x;
    for (const auto& ch : channels) x.push_back(ch[i]);
    return x;
  };
  for (std::size_t i = 0; i < n; ++i) m.step(BnOp::Stat, 0, 0, 0, beat(i), z, z);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, 0, 0, z, z, z);
  for (std::size_t i = 0; i < n; ++i)
    out.norm.push_back(m.step(BnOp::Norm, 0, 0, 0, beat(i), z, z));
  return out;
}

std::string wrong_name(Wrong w) {
  switch (w) {
    case Wrong::None:
      return "none";
    case Wrong::LastExtreme:
      return "last extreme flagged";
    case Wrong::ZeroEqual:
      return "-0 == +0 in the extremes";
    case Wrong::NoChunkScale:
      return "range not divided by chunks";
    case Wrong::NoEps:
      return "no eps";
    case Wrong::PartialChunk:
      return "incomplete chunk in Smax / Smin";
    case Wrong::FoldedScale:
      return "scale * gamma folded";
    case Wrong::StaleNorm:
      return "NORM with stale statistics";
    case Wrong::Pow2Floor:
      return "pow2 without the rounding bit";
  }
  return "?";
}

namespace {

// A conversion as range_bn.cpp's (widening exact, narrowing by the policy).
uint32_t convert(const RangeBnParams& p, const FloatFormat& from, const FloatFormat& to,
                 uint32_t code) {
  if (from == to) return code;
  const uint32_t f32 = from == FloatFormat::fp32() ? code : golden::small_to_fp32(from, code);
  return golden::small_encode({to, p.exponent, p.convert_rounding}, f32);
}

// The unit's protocol with one wrong datapath (the unit's own for None).
class WrongModel {
 public:
  WrongModel(const LnBnFwdParams& p, Wrong w)
      : p_(p), rp_(p.range_bn()), w_(w), lanes_(static_cast<std::size_t>(p.lanes)) {
    mask_ = (uint64_t{1} << p.len_bits) - 1;
    for (auto& ln : lanes_)
      ln.mx = ln.mn = std::vector<uint32_t>(static_cast<std::size_t>(rp_.chunks));
    for (auto& ln : lanes_) ln.chunk_vals.resize(static_cast<std::size_t>(rp_.chunks));
  }

  LnBnFwdModel::Output step(BnOp op, uint64_t len, uint32_t inv_n, uint32_t c, const Lanes& x,
                            const Lanes& gamma, const Lanes& beta) {
    const std::size_t L = lanes_.size();
    LnBnFwdModel::Output out;
    out.y.assign(L, 0u);
    out.x_hat.assign(L, 0u);
    out.scale.assign(L, 0u);
    out.amax.assign(L, false);
    out.amin.assign(L, false);
    const uint64_t last = (len_ - 1) & mask_;
    if (op != BnOp::Norm) {
      npos_ = 0;
      nchunk_ = 0;
      for (auto& ln : lanes_) ln.found_max = ln.found_min = false;
    }
    const FpAddSpec_ add{rp_};
    switch (op) {
      case BnOp::Load:
        len_ = len & mask_;
        inv_n_ = inv_n;
        c_ = c;
        pos_ = 0;
        done_ = 0;
        for (std::size_t l = 0; l < L; ++l) {
          lanes_[l].gamma = gamma[l];
          lanes_[l].beta = beta[l];
          lanes_[l].sum = 0;
        }
        finishes_ = 0;
        break;
      case BnOp::Stat: {
        const bool in_chunk = done_ < rp_.chunks;
        for (std::size_t l = 0; l < L; ++l) {
          Lane& ln = lanes_[l];
          ln.sum = add.stat(ln.sum, convert(rp_, rp_.io, rp_.stat, x[l]));
          if (!in_chunk) continue;
          if (pos_ == 0) ln.chunk_vals[static_cast<std::size_t>(done_)].clear();
          ln.chunk_vals[static_cast<std::size_t>(done_)].push_back(x[l]);
          if (pos_ == 0 || beyond(x[l], ln.run_max, true)) ln.run_max = x[l];
          if (pos_ == 0 || beyond(x[l], ln.run_min, false)) ln.run_min = x[l];
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
            pos_ = (pos_ + 1) & mask_;
          }
        }
        finishes_ = 0;
        break;
      }
      case BnOp::Finish:
        if (finishes_ < p_.finish_beats() && ++finishes_ == p_.finish_beats())
          for (auto& ln : lanes_) stats(ln);
        break;
      case BnOp::Norm: {
        const bool complete = finishes_ == p_.finish_beats();
        const bool in_chunk = nchunk_ < done_;
        if (complete || w_ == Wrong::StaleNorm) {
          out.norm = true;
          for (std::size_t l = 0; l < L; ++l) {
            Lane& ln = lanes_[l];
            normalize(ln, x[l], out.x_hat[l], out.y[l]);
            out.scale[l] = ln.scale;
            if (!in_chunk) continue;
            const auto ci = static_cast<std::size_t>(nchunk_);
            if (w_ == Wrong::LastExtreme) {
              // The last element of the chunk's STAT values with the extreme's code.
              const auto& v = ln.chunk_vals[ci];
              int lmax = -1, lmin = -1;
              for (std::size_t i = 0; i < v.size(); ++i) {
                if (v[i] == ln.mx[ci]) lmax = static_cast<int>(i);
                if (v[i] == ln.mn[ci]) lmin = static_cast<int>(i);
              }
              out.amax[l] = static_cast<int>(npos_) == lmax && x[l] == ln.mx[ci];
              out.amin[l] = static_cast<int>(npos_) == lmin && x[l] == ln.mn[ci];
            } else {
              out.amax[l] = !ln.found_max && x[l] == ln.mx[ci];
              out.amin[l] = !ln.found_min && x[l] == ln.mn[ci];
            }
            ln.found_max = ln.found_max || out.amax[l];
            ln.found_min = ln.found_min || out.amin[l];
          }
        }
        if (nchunk_ < rp_.chunks) {
          if (npos_ == last) {
            npos_ = 0;
            ++nchunk_;
            for (auto& ln : lanes_) ln.found_max = ln.found_min = false;
          } else {
            npos_ = (npos_ + 1) & mask_;
          }
        }
        break;
      }
    }
    return out;
  }

 private:
  struct FpAddSpec_ {
    explicit FpAddSpec_(const RangeBnParams& p) : rp(p) {}
    uint32_t stat(uint32_t a, uint32_t b) const {
      return golden::fp_add({rp.stat, rp.arith_rounding, golden::Overflow::Infinity}, a, b);
    }
    const RangeBnParams& rp;
  };
  struct Lane {
    uint32_t gamma = 0, beta = 0, sum = 0, run_max = 0, run_min = 0;
    std::vector<uint32_t> mx, mn;
    std::vector<std::vector<uint32_t>> chunk_vals;
    uint32_t mean = 0, scale = 0;
    bool found_max = false, found_min = false;
  };

  // x lies strictly beyond the extreme (ZeroEqual: -0 and +0 tie).
  bool beyond(uint32_t x, uint32_t ext, bool max) const {
    const uint32_t zmask = (1u << (rp_.io.width() - 1)) - 1;
    if (w_ == Wrong::ZeroEqual && (x & zmask) == 0 && (ext & zmask) == 0) return false;
    return max ? golden::fp_max(rp_.io, ext, x) != ext : golden::fp_min(rp_.io, ext, x) != ext;
  }
  uint32_t mul(uint32_t a, uint32_t b) const {
    return golden::fp_mul(
        {rp_.stat, rp_.stat, rp_.stat, rp_.arith_rounding, golden::Overflow::Infinity}, a, b);
  }

  void stats(Lane& ln) const {
    const FloatFormat& st = rp_.stat;
    const FpAddSpec_ add{rp_};
    uint32_t smax = 0, smin = 0;
    int k = done_;
    for (int c = 0; c < k; ++c) {
      smax = add.stat(smax, convert(rp_, rp_.io, st, ln.mx[static_cast<std::size_t>(c)]));
      smin = add.stat(smin, convert(rp_, rp_.io, st, ln.mn[static_cast<std::size_t>(c)]));
    }
    if (w_ == Wrong::PartialChunk && done_ < rp_.chunks && pos_ > 0) {
      smax = add.stat(smax, convert(rp_, rp_.io, st, ln.run_max));
      smin = add.stat(smin, convert(rp_, rp_.io, st, ln.run_min));
    }
    const uint32_t inv_chunks = w_ == Wrong::NoChunkScale
                                    ? convert(rp_, FloatFormat::fp32(), st, 0x3f800000u)
                                    : golden::fp_round_pack(st, false, 1, -rp_.log2_chunks(),
                                                            golden::Rounding::NearestEven);
    ln.mean = mul(ln.sum, convert(rp_, FloatFormat::fp32(), st, inv_n_));
    const uint32_t range =
        add.stat(mul(smax, inv_chunks), mul(smin, inv_chunks) ^ golden::fp_zero(st, true));
    uint32_t d = mul(range, convert(rp_, FloatFormat::fp32(), st, c_));
    if (w_ != Wrong::NoEps) d = add.stat(d, convert(rp_, FloatFormat::fp32(), st, rp_.eps));
    if (w_ == Wrong::Pow2Floor && rp_.reciprocal == Reciprocal::Pow2) {
      // Clear every fraction bit of d: the reciprocal sees f1 = 0.
      const auto v = golden::fp_unpack(st, d);
      if (v.cls == golden::FpValue::Class::Finite &&
          (d >> st.man_bits & ((1u << st.exp_bits) - 1)) != 0)
        d &= ~((1u << st.man_bits) - 1);
    }
    ln.scale = golden::lightnorm::range_bn_reciprocal(rp_, d);
  }

  void normalize(const Lane& ln, uint32_t x, uint32_t& x_hat, uint32_t& y) const {
    const FloatFormat& nf = rp_.norm;
    const golden::FpAddSpec na{nf, rp_.arith_rounding, golden::Overflow::Infinity};
    const uint32_t mean = convert(rp_, rp_.stat, nf, ln.mean);
    const uint32_t t =
        golden::fp_add(na, convert(rp_, rp_.io, nf, x), mean ^ golden::fp_zero(nf, true));
    const uint32_t u = golden::fp_mul(
        {nf, rp_.stat, nf, rp_.arith_rounding, golden::Overflow::Infinity}, t, ln.scale);
    x_hat = convert(rp_, nf, rp_.io, u);
    uint32_t v;
    if (w_ == Wrong::FoldedScale) {
      const uint32_t sg =
          golden::fp_mul({rp_.stat, rp_.io, nf, rp_.arith_rounding, golden::Overflow::Infinity},
                         ln.scale, ln.gamma);
      v = golden::fp_mul({nf, nf, nf, rp_.arith_rounding, golden::Overflow::Infinity}, t, sg);
    } else {
      v = golden::fp_mul({rp_.io, rp_.io, nf, rp_.arith_rounding, golden::Overflow::Infinity},
                         x_hat, ln.gamma);
    }
    y = convert(rp_, nf, rp_.io, golden::fp_add(na, v, ln.beta));
  }

  LnBnFwdParams p_;
  RangeBnParams rp_;
  Wrong w_;
  std::vector<Lane> lanes_;
  uint64_t mask_, len_ = 0, pos_ = 0, npos_ = 0;
  uint32_t inv_n_ = 0, c_ = 0;
  int done_ = 0, nchunk_ = 0, finishes_ = 0;
};

}  // namespace

int disagreements(const std::string& params_toml, Wrong w) {
  const auto d =
      load_design_text("unit = \"lightnorm.bn_fwd\"\n[params]\n" + params_toml, "t.toml");
  // The parameters back from the design's canonical JSON.
  LnBnFwdParams p;
  const auto j = d->params_json();
  p.lanes = j["lanes"];
  p.len_bits = j["len_bits"];
  p.div_stages = j["div_stages"];
  p.bfp = j["bfp"];
  p.bfp_group = j["bfp_group"];
  p.bfp_bits = j["bfp_bits"];
  p.rb.chunks = j["chunks"];
  p.rb.io = j["io"];
  p.rb.grad = j["grad"];
  p.rb.stat = j["stat"];
  p.rb.norm = j["norm"];
  p.rb.exponent = j["exponent"];
  p.rb.convert_rounding = j["convert_rounding"];
  p.rb.arith_rounding = j["arith_rounding"];
  p.rb.reciprocal = j["reciprocal"];
  auto model = d->stream_model();
  WrongModel wrong(p, w);
  const auto rp = p.range_bn();
  int diff = 0;
  for (const auto& tv : d->corner_cases()) {
    const auto want = model->step(tv.inputs);
    const auto& in = tv.inputs;
    Lanes gamma, beta;
    for (int l = 0; l < p.lanes; ++l) {
      gamma.push_back(static_cast<uint32_t>(in[5].get(l * rp.io.width(), rp.io.width())));
      beta.push_back(static_cast<uint32_t>(in[6].get(l * rp.norm.width(), rp.norm.width())));
    }
    const auto o =
        wrong.step(static_cast<BnOp>(in[0].get(0, 2)), in[1].get(0, p.len_bits),
                   static_cast<uint32_t>(in[2].get(0, 32)), static_cast<uint32_t>(in[3].get(0, 32)),
                   lightnorm_bn_fwd::decode_data(p, in[4]), gamma, beta);
    BitVec norm(1), amax(p.lanes), amin(p.lanes);
    norm.set(0, 1, o.norm);
    for (int l = 0; l < p.lanes; ++l) {
      amax.set_bit(l, o.amax[static_cast<std::size_t>(l)]);
      amin.set_bit(l, o.amin[static_cast<std::size_t>(l)]);
    }
    const PortValues got{
        norm,
        o.norm ? lightnorm_bn_fwd::encode_data(p, o.y) : BitVec(lightnorm_bn_fwd::data_width(p)),
        fp_operand_io::pack(o.x_hat, rp.io.width()),
        amax,
        amin,
        fp_operand_io::pack(o.scale, rp.stat.width())};
    if (!(got == want)) ++diff;
  }
  return diff;
}

}  // namespace bf::bn_fwd_test
