#include "tests/units/lightnorm_bn_bwd/bn_bwd_test_util.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <vector>

#include "generator/config/config.hpp"
#include "generator/design/registry.hpp"
#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_beats.hpp"
#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_core.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/formats/small_float_convert.hpp"
#include "golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp"

namespace bf::bn_bwd_test {

namespace {

using golden::BnBwdOp;
using golden::BnBwdParams;
using golden::FloatFormat;
using golden::Rounding;
using golden::lightnorm::RangeBnParams;
using lightnorm_bn_bwd::BeatIn;
using Lanes = std::vector<uint32_t>;

// The unit's datapath, recomputed from the golden operators, with one
// deliberate change.
class WrongModel {
 public:
  WrongModel(Wrong w, const BnBwdParams& p)
      : w_(w), p_(p), rb_(p.range_bn()), lanes_(static_cast<std::size_t>(p.lanes)) {}

  struct Out {
    bool valid = false;
    Lanes dx, dgamma, dbeta;
  };

  Out step(const BeatIn& b) {
    const std::size_t L = lanes_.size();
    Out out{false, Lanes(L, 0u), Lanes(L, 0u), Lanes(L, 0u)};
    const int F = p_.finish_beats();
    switch (b.op) {
      case BnBwdOp::Load:
        inv_n_ = convert(FloatFormat::fp32(), rb_.stat, b.inv_n, rb_.convert_rounding);
        c_ = convert(FloatFormat::fp32(), rb_.stat, b.c, rb_.convert_rounding);
        for (std::size_t l = 0; l < L; ++l) lanes_[l] = Lane{0, 0, b.gamma[l], b.scale[l], {}};
        finishes_ = 0;
        break;
      case BnBwdOp::Stat:
        for (std::size_t l = 0; l < L; ++l) {
          Lane& ln = lanes_[l];
          ln.dbeta = golden::fp_add(p_.stat_add_spec(), ln.dbeta,
                                    convert(rb_.grad, rb_.stat, b.g[l], rb_.convert_rounding));
          ln.dgs = golden::fp_add(p_.stat_add_spec(), ln.dgs,
                                  golden::fp_mul(p_.gx_spec(), b.g[l], b.x_hat[l]));
        }
        finishes_ = 0;
        break;
      case BnBwdOp::Finish:
        if (finishes_ < F && ++finishes_ == F)
          for (Lane& ln : lanes_) ln.co = coefficients(ln);
        break;
      case BnBwdOp::Dx: {
        const bool complete = finishes_ == F;
        if (!complete && !(w_ == Wrong::StaleDx && have_old_)) break;
        out.valid = true;
        for (std::size_t l = 0; l < L; ++l) {
          const Lane& ln = lanes_[l];
          const Coeffs& co = complete ? ln.co : old_[l];
          out.dx[l] = dx(co, b.g[l], b.amax[l] != 0, b.amin[l] != 0);
          out.dgamma[l] = co.dgamma;
          out.dbeta[l] = co.dbeta;
        }
        break;
      }
    }
    if (b.op == BnBwdOp::Finish && finishes_ == F) {
      have_old_ = true;
      old_.clear();
      for (const Lane& ln : lanes_) old_.push_back(ln.co);
    }
    return out;
  }

 private:
  struct Coeffs {
    uint32_t dgamma = 0, dbeta = 0, a = 0, b_mu = 0, b_max = 0, b_min = 0;
  };
  struct Lane {
    uint32_t dbeta = 0, dgs = 0, gamma = 0, scale = 0;
    Coeffs co;
  };

  uint32_t convert(const FloatFormat& from, const FloatFormat& to, uint32_t code,
                   Rounding r) const {
    if (from == to) return code;
    return golden::small_encode({to, rb_.exponent, r}, golden::small_to_fp32(from, code));
  }

  Coeffs coefficients(const Lane& ln) const {
    const auto mul = p_.stat_mul_spec();
    const auto add = p_.stat_add_spec();
    const uint32_t sign = 1u << (rb_.stat.width() - 1);
    Coeffs co;
    co.dbeta = ln.dbeta;
    co.dgamma =
        convert(rb_.stat, rb_.grad, ln.dgs,
                w_ == Wrong::DgammaNearestEven ? Rounding::NearestEven : rb_.convert_rounding);
    co.a = golden::fp_mul(p_.a_spec(), ln.gamma, ln.scale);
    co.b_mu = w_ == Wrong::MeanTermOrder
                  ? golden::fp_mul(mul, co.a, golden::fp_mul(mul, ln.dbeta, inv_n_))
                  : golden::fp_mul(mul, golden::fp_mul(mul, co.a, ln.dbeta), inv_n_);
    co.b_mu ^= sign;
    uint32_t k = golden::fp_mul(mul, golden::fp_mul(mul, co.a, ln.dgs), c_);
    if (w_ != Wrong::NoChunkScale) {
      const uint32_t pow2 =
          golden::fp_round_pack(rb_.stat, false, 1, -rb_.log2_chunks(), Rounding::NearestEven);
      const uint32_t scaled = golden::fp_mul(mul, k, pow2);
      const double v = golden::decode(rb_.stat, scaled);
      const bool tiny = v != 0 && std::abs(v) < std::ldexp(1.0, rb_.stat.emin());
      k = w_ == Wrong::FlushTinyK && tiny ? (scaled & sign) : scaled;
    }
    const uint32_t b_max = golden::fp_add(add, co.b_mu, k ^ sign);
    const uint32_t b_min = golden::fp_add(add, co.b_mu, k);
    const bool in_stat = w_ == Wrong::DxAddInStat;
    const FloatFormat& to = in_stat ? rb_.stat : rb_.norm;
    co.b_max =
        convert(rb_.stat, to, w_ == Wrong::SwappedExtremes ? b_min : b_max, rb_.convert_rounding);
    co.b_min =
        convert(rb_.stat, to, w_ == Wrong::SwappedExtremes ? b_max : b_min, rb_.convert_rounding);
    co.b_mu = convert(rb_.stat, to, co.b_mu, rb_.convert_rounding);
    return co;
  }

  uint32_t dx(const Coeffs& co, uint32_t g, bool at_max, bool at_min) const {
    uint32_t b = at_max == at_min ? co.b_mu : at_max ? co.b_max : co.b_min;
    if (w_ == Wrong::BothFlagsMax && at_max && at_min) b = co.b_max;
    const bool in_stat = w_ == Wrong::DxAddInStat;
    const FloatFormat& f = in_stat ? rb_.stat : rb_.norm;
    golden::FpMulSpec ms = p_.ga_spec();
    ms.y = f;
    golden::FpAddSpec as = p_.norm_add_spec();
    as.f = f;
    const uint32_t v = golden::fp_add(as, golden::fp_mul(ms, g, co.a), b);
    return convert(f, rb_.grad, v,
                   w_ == Wrong::DxNearestEven ? Rounding::NearestEven : rb_.convert_rounding);
  }

  Wrong w_;
  BnBwdParams p_;
  RangeBnParams rb_;
  std::vector<Lane> lanes_;
  uint32_t inv_n_ = 0, c_ = 0;
  int finishes_ = 0;
  bool have_old_ = false;
  std::vector<Coeffs> old_;
};

}  // namespace

std::string wrong_name(Wrong w) {
  switch (w) {
    case Wrong::None:
      return "none";
    case Wrong::SwappedExtremes:
      return "swapped extremes";
    case Wrong::BothFlagsMax:
      return "both flags take b_max";
    case Wrong::NoChunkScale:
      return "no 2^-log2(chunks)";
    case Wrong::FlushTinyK:
      return "k flushed below 2^emin";
    case Wrong::MeanTermOrder:
      return "b_mu in another order";
    case Wrong::DxAddInStat:
      return "g * a + b in stat";
    case Wrong::DxNearestEven:
      return "dx rounded to nearest even";
    case Wrong::StaleDx:
      return "stale DX";
    case Wrong::DgammaNearestEven:
      return "dgamma rounded to nearest even";
  }
  return "?";
}

int disagreements(const std::string& params_toml, Wrong w) {
  const auto d =
      load_design_text("unit = \"lightnorm.bn_bwd\"\n[params]\n" + params_toml + "\n", "t.toml");
  const auto p =
      cfg::read_params<BnBwdParams>(toml::parse(params_toml), "t.toml", "lightnorm.bn_bwd");
  WrongModel wrong(w, p);
  auto model = d->stream_model();
  const int L = p.lanes;
  const int gw = p.range_bn().grad.width(), sw = p.range_bn().stat.width();
  int differ = 0;
  for (const auto& tv : d->corner_cases()) {
    const auto want = model->step(tv.inputs);
    const auto got = wrong.step(lightnorm_bn_bwd::from_ports(p, tv.inputs));
    bool same = got.valid == (want[0].get(0, 1) != 0);
    for (int l = 0; l < L; ++l) {
      const auto li = static_cast<std::size_t>(l);
      same = same && got.dx[li] == want[1].get(gw * l, gw) &&
             got.dgamma[li] == want[2].get(gw * l, gw) && got.dbeta[li] == want[3].get(sw * l, sw);
    }
    differ += !same;
  }
  return differ;
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (auto i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

}  // namespace bf::bn_bwd_test
