#include "tests/units/baseline_bn_fp32/bn_fp32_test_util.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>

#include "generator/design/registry.hpp"
#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_div.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/arith/fp_sqrt.hpp"

namespace bf::bn_fp32_test {

using golden::BnFp32Model;
using golden::BnFp32Params;
using golden::BnOp;

namespace {

constexpr uint32_t kSign = 0x80000000u;

// A stream model of the protocol with one of the wrong datapaths.
class WrongModel {
 public:
  WrongModel(Wrong w, int lanes, int finish_beats)
      : w_(w), lanes_(static_cast<std::size_t>(lanes)), finish_beats_(finish_beats) {
    // The operators' specs, changed by the variants that change an operator.
    add_ = BnFp32Params::add_spec();
    mul_ = BnFp32Params::mul_spec();
    sqrt_ = BnFp32Params::sqrt_spec();
    div_ = BnFp32Params::div_spec();
    if (w == Wrong::FlushSubnormals) {
      add_.f.subnormals = false;
      mul_.a.subnormals = mul_.b.subnormals = mul_.y.subnormals = false;
      sqrt_.a.subnormals = sqrt_.y.subnormals = false;
      div_.a.subnormals = div_.b.subnormals = div_.y.subnormals = false;
    }
    if (w == Wrong::TruncatedRoot) sqrt_.rounding = golden::Rounding::Truncate;
  }

  // norm bit and y per lane.
  std::pair<bool, Lanes> step(BnOp op, uint32_t inv_n, const Lanes& x, const Lanes& gamma,
                              const Lanes& beta) {
    Lanes y(lanes_.size(), 0u);
    switch (op) {
      case BnOp::Load:
        inv_n_ = inv_n;
        for (std::size_t l = 0; l < lanes_.size(); ++l) lanes_[l] = {{}, gamma[l], beta[l], 0, 0};
        finishes_ = 0;
        break;
      case BnOp::Stat:
        for (std::size_t l = 0; l < lanes_.size(); ++l) lanes_[l].values.push_back(x[l]);
        finishes_ = 0;
        break;
      case BnOp::Finish:
        if (finishes_ < finish_beats_ && ++finishes_ == finish_beats_)
          for (auto& ln : lanes_) stats(ln);
        break;
      case BnOp::Norm:
        if (finishes_ < finish_beats_ && w_ != Wrong::StaleNorm) break;
        for (std::size_t l = 0; l < lanes_.size(); ++l) y[l] = normalize(lanes_[l], x[l]);
        return {true, y};
    }
    return {false, y};
  }

 private:
  struct Lane {
    std::vector<uint32_t> values;
    uint32_t gamma = 0, beta = 0, mean = 0, inv_std = 0;
  };
  uint32_t add(uint32_t a, uint32_t b) const { return golden::fp_add(add_, a, b); }
  uint32_t mul(uint32_t a, uint32_t b) const { return golden::fp_mul(mul_, a, b); }

  void stats(Lane& ln) const {
    uint32_t s = 0, q = 0;
    for (uint32_t v : ln.values) {
      s = add(s, v);
      const float fq = std::bit_cast<float>(q), fv = std::bit_cast<float>(v);
      if (w_ == Wrong::FusedSquares && std::isfinite(fq) && std::isfinite(fv))
        q = std::bit_cast<uint32_t>(static_cast<float>(static_cast<double>(fq) + 1.0 * fv * fv));
      else
        q = add(q, mul(v, v));
    }
    ln.mean = mul(s, inv_n_);
    uint32_t var = add(mul(q, inv_n_), mul(ln.mean, ln.mean) ^ kSign);
    if (w_ == Wrong::TwoPassVariance) {
      uint32_t d2 = 0;
      for (uint32_t v : ln.values) {
        const uint32_t d = add(v, ln.mean ^ kSign);
        d2 = add(d2, mul(d, d));
      }
      var = mul(d2, inv_n_);
    }
    if (w_ != Wrong::NoClamp && (var & kSign) && (var & ~kSign) <= 0x7f800000u) var = 0;
    const uint32_t ve = w_ == Wrong::NoEps ? var : add(var, golden::lightnorm::kBnEps);
    ln.inv_std = golden::fp_div(div_, kOne, golden::fp_sqrt(sqrt_, ve));
  }

  uint32_t normalize(const Lane& ln, uint32_t x) const {
    const uint32_t t = add(x, ln.mean ^ kSign);
    if (w_ == Wrong::FoldedScale) return add(mul(t, mul(ln.inv_std, ln.gamma)), ln.beta);
    return add(mul(mul(t, ln.inv_std), ln.gamma), ln.beta);
  }

  Wrong w_;
  std::vector<Lane> lanes_;
  int finish_beats_;
  int finishes_ = 0;
  uint32_t inv_n_ = 0;
  golden::FpAddSpec add_;
  golden::FpMulSpec mul_;
  golden::FpSqrtSpec sqrt_;
  golden::FpDivSpec div_;
};

}  // namespace

std::string hex(uint32_t v) { return fmt::format("0x{:08x}", v); }

BnFp32Params params(int lanes, int sqrt_stages, int div_stages) {
  BnFp32Params p;
  p.lanes = lanes;
  p.sqrt_stages = sqrt_stages;
  p.div_stages = div_stages;
  return p;
}

uint32_t random_code(std::mt19937_64& rng, int lo, int hi) {
  const uint32_t sign = static_cast<uint32_t>(rng() & 1) << 31;
  const auto e = static_cast<uint32_t>(127 + lo + static_cast<int>(rng() % (hi - lo + 1)));
  return sign | (e << 23) | static_cast<uint32_t>(rng() & 0x7fffff);
}

uint32_t any_code(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0:
      return static_cast<uint32_t>(rng());  // anything, NaN and Inf included
    case 1:
      return static_cast<uint32_t>(rng() & 0x807fffffu);  // subnormal or zero
    default:
      return random_code(rng, -10, 10);
  }
}

std::vector<Lanes> run_group(const BnFp32Params& p, uint32_t inv_n, const Lanes& gamma,
                             const Lanes& beta, const std::vector<Channel>& channels) {
  BnFp32Model m(p);
  const Lanes z(static_cast<std::size_t>(p.lanes), 0u);
  m.step(BnOp::Load, inv_n, z, gamma, beta);
  const std::size_t n = channels[0].size();
  auto beat = [&](std::size_t i) {
    Lanes x;
    for (const auto& c : channels) x.push_back(c[i]);
    return x;
  };
  for (std::size_t i = 0; i < n; ++i) m.step(BnOp::Stat, 0, beat(i), z, z);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, z, z, z);
  std::vector<Lanes> y;
  for (std::size_t i = 0; i < n; ++i) {
    auto out = m.step(BnOp::Norm, 0, beat(i), z, z);
    if (!out.norm) throw std::logic_error("run_group: a NORM beat was dropped");
    y.push_back(out.y);
  }
  return y;
}

golden::lightnorm::BnFp32Stats stats_of(BnFp32Model& m, const Channel& c, uint32_t inv_n) {
  const Lanes z = {0u};
  m.step(BnOp::Load, inv_n, z, Lanes{kOne}, z);
  for (uint32_t v : c) m.step(BnOp::Stat, 0, Lanes{v}, z, z);
  for (int k = 0; k < 20 && !m.complete(); ++k) m.step(BnOp::Finish, 0, z, z, z);
  return m.stats(0);
}

// volatile: every operation rounded to fp32 on its own, never contracted
// into a fused multiply-add.
std::vector<uint32_t> host_bn(const Channel& c, uint32_t inv_n, uint32_t gamma, uint32_t beta) {
  const float in = std::bit_cast<float>(inv_n), g = std::bit_cast<float>(gamma),
              b = std::bit_cast<float>(beta);
  volatile float s = 0, q = 0;
  for (uint32_t v : c) {
    const float x = std::bit_cast<float>(v);
    volatile float sq = x * x;
    s = s + x;
    q = q + sq;
  }
  volatile float mean = s * in, qn = q * in, m2 = mean * mean;
  float var = qn - m2;
  if (std::signbit(var)) var = 0;
  volatile float ve = var + 1e-5f;
  volatile float sd = std::sqrt(static_cast<float>(ve));
  volatile float inv_std = 1.0f / sd;
  std::vector<uint32_t> y;
  for (uint32_t v : c) {
    volatile float t = std::bit_cast<float>(v) - mean;
    volatile float u = t * inv_std;
    volatile float w = u * g;
    y.push_back(std::bit_cast<uint32_t>(w + b));
  }
  return y;
}

float host_raw_variance(const Channel& c, uint32_t inv_n) {
  const float in = std::bit_cast<float>(inv_n);
  volatile float s = 0, q = 0;
  for (uint32_t v : c) {
    const float x = std::bit_cast<float>(v);
    volatile float sq = x * x;
    s = s + x;
    q = q + sq;
  }
  volatile float mean = s * in, qn = q * in, m2 = mean * mean;
  return qn - m2;
}

std::string wrong_name(Wrong w) {
  switch (w) {
    case Wrong::None:
      return "none";
    case Wrong::NoClamp:
      return "no variance clamp";
    case Wrong::NoEps:
      return "eps = 0";
    case Wrong::TwoPassVariance:
      return "two-pass variance";
    case Wrong::FoldedScale:
      return "inv_std * gamma folded";
    case Wrong::FlushSubnormals:
      return "subnormals flushed";
    case Wrong::TruncatedRoot:
      return "square root truncates";
    case Wrong::StaleNorm:
      return "early NORM uses stale statistics";
    case Wrong::FusedSquares:
      return "fused x * x + Q";
  }
  return "?";
}

int disagreements(const std::string& params_toml, Wrong w) {
  const auto d =
      load_design_text("unit = \"baseline.bn_fp32\"\n[params]\n" + params_toml + "\n", "t.toml");
  const int lanes = d->data_inputs()[2].width / 32;
  const int finish_beats = static_cast<int>(d->metrics()["finish_beats"]);
  WrongModel wrong(w, lanes, finish_beats);
  auto model = d->stream_model();
  int differ = 0;
  for (const auto& tv : d->corner_cases()) {
    Lanes x, g, b;
    for (int l = 0; l < lanes; ++l) {
      x.push_back(static_cast<uint32_t>(tv.inputs[2].get(32 * l, 32)));
      g.push_back(static_cast<uint32_t>(tv.inputs[3].get(32 * l, 32)));
      b.push_back(static_cast<uint32_t>(tv.inputs[4].get(32 * l, 32)));
    }
    const auto want = model->step(tv.inputs);
    const auto got = wrong.step(static_cast<BnOp>(tv.inputs[0].get(0, 2)),
                                static_cast<uint32_t>(tv.inputs[1].get(0, 32)), x, g, b);
    bool same = got.first == (want[0].get(0, 1) != 0);
    for (int l = 0; l < lanes; ++l)
      same = same && got.second[static_cast<std::size_t>(l)] == want[1].get(32 * l, 32);
    differ += !same;
  }
  return differ;
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (auto i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

}  // namespace bf::bn_fp32_test
