#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_vectors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "generator/design/fp_operand_io.hpp"
#include "golden/formats/small_float_convert.hpp"
#include "golden/lightnorm/range_bn.hpp"

namespace bf::lightnorm_bn_bwd {

namespace {

using golden::BnBwdParams;
using golden::FloatFormat;
using golden::lightnorm::RangeBnParams;

int uniform(std::mt19937_64& rng, int lo, int hi) {
  return lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
}
float gauss(std::mt19937_64& rng, float mean, float std) {
  return std::normal_distribution<float>(mean, std)(rng);
}

// The driver's conversion of an fp32 value into f (the parameters' policy).
uint32_t to_code(const RangeBnParams& p, const FloatFormat& f, float v) {
  return golden::small_encode({f, p.exponent, p.convert_rounding}, golden::fp32_bits(v));
}
uint32_t code(const FloatFormat& f, bool s, int L, uint32_t frac) {
  return fp_operand_io::make_code(f, s, L, frac);
}
uint32_t any_frac(const FloatFormat& f, std::mt19937_64& rng) {
  return fp_operand_io::random_frac(f, rng);
}

// n values of N(mean, std^2) in f.
Channel gaussian(const RangeBnParams& p, const FloatFormat& f, std::mt19937_64& rng, int n,
                 float mean, float std) {
  Channel c(static_cast<std::size_t>(n));
  for (auto& v : c) v = to_code(p, f, gauss(rng, mean, std));
  return c;
}

// A forward input channel x (io) in one of the biased random modes.
Channel random_x(const RangeBnParams& p, std::mt19937_64& rng, int n) {
  const FloatFormat& io = p.io;
  Channel c(static_cast<std::size_t>(n));
  const int mode = static_cast<int>(rng() % 100);
  if (mode < 50)  // Gaussian, mean and spread varied
    return gaussian(p, io, rng, n, gauss(rng, 0, 2), std::ldexp(1.0f, uniform(rng, -6, 4)));
  if (mode < 60) {  // a constant channel: argmax = argmin, range 0
    std::fill(c.begin(), c.end(), fp_operand_io::random_code(io, rng));
    return c;
  }
  if (mode < 75) {  // small integers: ties, the first extreme wins
    for (auto& v : c) v = to_code(p, io, static_cast<float>(uniform(rng, -3, 3)));
    return c;
  }
  for (auto& v : c) v = fp_operand_io::random_code(io, rng);  // anywhere, specials included
  return c;
}

// A gradient channel g (grad) in one of the biased random modes.
Channel random_g(const RangeBnParams& p, std::mt19937_64& rng, int n) {
  const FloatFormat& gf = p.grad;
  Channel c(static_cast<std::size_t>(n));
  const int mode = static_cast<int>(rng() % 100);
  if (mode < 50)
    return gaussian(p, gf, rng, n, gauss(rng, 0, 0.1f) * std::ldexp(1.0f, uniform(rng, -20, 6)),
                    std::ldexp(1.0f, uniform(rng, -20, 6)));
  if (mode < 58) return c;  // zeros: dbeta = dgs = +0
  if (mode < 66) {          // the largest magnitudes
    for (auto& v : c) v = code(gf, rng() & 1, fp_operand_io::l_hi(gf), any_frac(gf, rng));
    return c;
  }
  if (mode < 74) {  // near the subnormal range
    const int lo = fp_operand_io::l_lo(gf);
    for (auto& v : c) v = code(gf, rng() & 1, uniform(rng, lo, lo + 4), any_frac(gf, rng));
    return c;
  }
  for (auto& v : c) v = fp_operand_io::random_code(gf, rng);
  return c;
}

uint32_t random_gamma(const RangeBnParams& p, std::mt19937_64& rng) {
  if (rng() % 8 == 0) return fp_operand_io::random_code(p.io, rng);
  return to_code(p, p.io, gauss(rng, 1, 0.3f));
}

// Flags: each element an argmax or argmin with probability 1/8.
Channel random_flags(std::mt19937_64& rng, int n) {
  Channel c(static_cast<std::size_t>(n));
  for (auto& v : c) v = rng() % 8 == 0 ? 1u : 0u;
  return c;
}

// A random valid range-BN n (n / chunks in 2..max(2, 64 / chunks)).
int random_forward_n(const RangeBnParams& p, std::mt19937_64& rng) {
  return p.chunks * uniform(rng, 2, std::max(2, 64 / p.chunks));
}

// A group from a forward pass over random channels.
Group forward_group(const BnBwdParams& p, std::mt19937_64& rng, int n) {
  const RangeBnParams rb = p.range_bn();
  std::vector<ChannelIn> ch;
  Lanes gamma, scale;
  for (int l = 0; l < p.lanes; ++l) {
    const Channel x = random_x(rb, rng, n);
    gamma.push_back(random_gamma(rb, rng));
    const Forward f = forward_pass(rb, x, gamma.back());
    scale.push_back(f.scale);
    ch.push_back({random_g(rb, rng, n), f.x_hat, f.amax, f.amin});
  }
  const auto k = golden::lightnorm::range_bn_constants(rb, n);
  // Mostly the driver's constants; sometimes others (the unit does not care
  // where they come from).
  const bool other = rng() % 16 == 0;
  const FloatFormat fp32 = FloatFormat::fp32();
  return make_group(p, other ? fp_operand_io::random_code(fp32, rng) : k.inv_n,
                    other ? fp_operand_io::random_code(fp32, rng) : k.c, gamma, scale, ch);
}

// A group of random codes and flags, n in 0..40.
Group code_group(const BnBwdParams& p, std::mt19937_64& rng, int n) {
  const RangeBnParams rb = p.range_bn();
  std::vector<ChannelIn> ch;
  Lanes gamma, scale;
  for (int l = 0; l < p.lanes; ++l) {
    ChannelIn c;
    c.g = random_g(rb, rng, n);
    for (int i = 0; i < n; ++i) c.x_hat.push_back(fp_operand_io::random_code(rb.io, rng));
    c.amax = random_flags(rng, n);
    c.amin = random_flags(rng, n);
    ch.push_back(c);
    gamma.push_back(fp_operand_io::random_code(rb.io, rng));
    scale.push_back(fp_operand_io::random_code(rb.stat, rng));
  }
  const FloatFormat fp32 = FloatFormat::fp32();
  const auto k = golden::lightnorm::range_bn_constants(rb, p.range_bn().chunks * 8);
  const bool other = rng() % 4 == 0;
  return make_group(p, other ? fp_operand_io::random_code(fp32, rng) : k.inv_n,
                    other ? fp_operand_io::random_code(fp32, rng) : k.c, gamma, scale, ch);
}

Group random_correct_group(const BnBwdParams& p, std::mt19937_64& rng) {
  if (rng() % 3 == 0) return code_group(p, rng, rng() % 10 == 0 ? 0 : uniform(rng, 1, 40));
  return forward_group(p, rng, random_forward_n(p.range_bn(), rng));
}

Lanes random_lanes(const BnBwdParams& p, const FloatFormat& f, std::mt19937_64& rng) {
  Lanes v;
  for (int l = 0; l < p.lanes; ++l) v.push_back(fp_operand_io::random_code(f, rng));
  return v;
}

void special_groups(const BnBwdParams& p, Writer& w, std::mt19937_64& rng) {
  const RangeBnParams rb = p.range_bn();
  const int C = rb.chunks;
  auto fwd = [&](int n, auto make_x, auto make_g, auto make_gamma) {
    std::vector<ChannelIn> ch;
    Lanes gamma, scale;
    for (int l = 0; l < p.lanes; ++l) {
      gamma.push_back(make_gamma(l));
      const Forward f = forward_pass(rb, make_x(l, n), gamma.back());
      scale.push_back(f.scale);
      ch.push_back({make_g(l, n), f.x_hat, f.amax, f.amin});
    }
    const auto k = golden::lightnorm::range_bn_constants(rb, n);
    return make_group(p, k.inv_n, k.c, gamma, scale, ch);
  };
  auto gauss_x = [&](int l, int n) {
    return gaussian(rb, rb.io, rng, n, static_cast<float>(l % 3) - 1, 1.0f + l);
  };
  auto gauss_g = [&](int, int n) { return gaussian(rb, rb.grad, rng, n, 0, 0.01f); };
  auto gamma_1 = [&](int) { return to_code(rb, rb.io, gauss(rng, 1, 0.3f)); };

  w.group(fwd(2 * C, gauss_x, gauss_g, gamma_1), "n = 2 * chunks, Gaussian channels");
  w.group(fwd(8 * C, gauss_x, gauss_g, gamma_1), "n = 8 * chunks, Gaussian channels");
  w.group(fwd(
              4 * C,
              [&](int l, int n) {
                return Channel(static_cast<std::size_t>(n), to_code(rb, rb.io, 0.5f + l));
              },
              gauss_g, gamma_1),
          "constant channels: argmax = argmin, both flags on one element");
  w.group(fwd(
              4 * C,
              [&](int, int n) {
                Channel c(static_cast<std::size_t>(n));
                for (auto& v : c) v = to_code(rb, rb.io, static_cast<float>(uniform(rng, -2, 2)));
                return c;
              },
              gauss_g, gamma_1),
          "ties: the first extreme of each chunk is flagged");
  w.group(fwd(
              4 * C, gauss_x, [&](int, int n) { return Channel(static_cast<std::size_t>(n), 0u); },
              gamma_1),
          "zero gradients: dbeta = dgs = +0");
  w.group(fwd(
              4 * C, gauss_x,
              [&](int, int n) {
                Channel c(static_cast<std::size_t>(n));
                for (auto& v : c)
                  v = code(rb.grad, rng() & 1, fp_operand_io::l_hi(rb.grad),
                           any_frac(rb.grad, rng));
                return c;
              },
              gamma_1),
          "the largest gradients");
  w.group(fwd(
              4 * C, gauss_x,
              [&](int, int n) {
                const int lo = fp_operand_io::l_lo(rb.grad);
                Channel c(static_cast<std::size_t>(n));
                for (auto& v : c)
                  v = code(rb.grad, rng() & 1, uniform(rng, lo, lo + 3), any_frac(rb.grad, rng));
                return c;
              },
              gamma_1),
          "subnormal gradients");
  w.group(fwd(
              4 * C,
              [&](int, int n) {
                // A tiny spread: scale is large, g * a saturates dx.
                return gaussian(rb, rb.io, rng, n, 1, 1.0f / 64);
              },
              [&](int, int n) { return gaussian(rb, rb.grad, rng, n, 0, 1e6f); },
              [&](int) { return rb.io.max_normal_code(); }),
          "dx beyond grad's range: the conversion saturates");

  // Random codes with chosen gamma / scale / constants.
  auto codes = [&](int n, const Lanes& gamma, const Lanes& scale, uint32_t inv_n, uint32_t c) {
    Group g = code_group(p, rng, n);
    g.gamma = gamma;
    g.scale = scale;
    g.inv_n = inv_n;
    g.c = c;
    return g;
  };
  const auto k8 = golden::lightnorm::range_bn_constants(rb, 8 * C);
  {  // a * dgs * C * 2^-log2(chunks) near and below stat's smallest normal:
     // g ~ N(0, 1), |x_hat| in [0.5, 2), so dgs ~ sqrt(n) and k ~ scale / chunks.
    for (int r = 0; r < 3; ++r) {
      Lanes gamma, scale;
      for (int l = 0; l < p.lanes; ++l) {
        gamma.push_back(code(rb.io, false, uniform(rng, -1, 0), any_frac(rb.io, rng)));
        const int e = rb.stat.emin() + rb.log2_chunks() + uniform(rng, -4, 2);
        scale.push_back(code(rb.stat, rng() & 1, e, any_frac(rb.stat, rng)));
      }
      Group g = codes(8, gamma, scale, k8.inv_n, k8.c);
      for (auto& lanes : g.g)
        for (auto& v : lanes) v = to_code(rb, rb.grad, gauss(rng, 0, 1));
      for (auto& lanes : g.x_hat)
        for (auto& v : lanes) v = code(rb.io, rng() & 1, uniform(rng, -1, 0), any_frac(rb.io, rng));
      g.dx_g = g.g;
      w.group(g, "k near stat's smallest normal: * 2^-log2(chunks) rounds on the subnormal grid");
    }
  }
  {  // Special gamma and scale.
    const auto sg = fp_operand_io::special_codes(rb.io);
    const auto ss = fp_operand_io::special_codes(rb.stat);
    for (int r = 0; r < 2; ++r) {
      Lanes gamma, scale;
      for (int l = 0; l < p.lanes; ++l) {
        gamma.push_back(sg[static_cast<std::size_t>(3 * l + r) % sg.size()]);
        scale.push_back(ss[static_cast<std::size_t>(5 * l + 7 * r + 1) % ss.size()]);
      }
      w.group(codes(8, gamma, scale, k8.inv_n, k8.c),
              "special gamma and scale (zeros, subnormals, extremes, Inf, NaN)");
    }
  }
  // inv_n and C other than the driver's: 0, Inf, NaN, a random value.
  const uint32_t consts[] = {0u, 0x7f800000u, 0x7fc00000u, code(FloatFormat::fp32(), false, -3, 5)};
  for (uint32_t v : consts) {
    Group g = forward_group(p, rng, 4 * C);
    g.inv_n = v;
    w.group(g, fmt::format("inv_n = 0x{:08x}", v));
    g = forward_group(p, rng, 4 * C);
    g.c = v;
    w.group(g, fmt::format("C = 0x{:08x}", v));
  }
  {  // Every flag combination in every lane: amax, amin, both, neither.
    Group g = code_group(p, rng, 12);
    for (std::size_t i = 0; i < g.amax.size(); ++i)
      for (std::size_t l = 0; l < g.amax[i].size(); ++l) {
        g.amax[i][l] = ((i + l) & 1) ? 1u : 0u;
        g.amin[i][l] = ((i + l) & 2) ? 1u : 0u;
      }
    w.group(g, "flags: amax only, amin only, both, neither");
  }
  w.group(fwd(kChannelsN, gauss_x, gauss_g, gamma_1), "n = 256 Gaussian channels");
}

}  // namespace

Forward forward_pass(const RangeBnParams& p, const Channel& x, uint32_t gamma) {
  const auto k = golden::lightnorm::range_bn_constants(p, static_cast<int64_t>(x.size()));
  const auto s = golden::lightnorm::range_bn_stats(p, k, x);
  Forward f;
  f.scale = s.scale;
  f.x_hat.resize(x.size());
  Channel y(x.size());
  golden::lightnorm::range_bn_normalize(p, s, gamma, 0u, x, f.x_hat, y);
  f.amax.assign(x.size(), 0u);
  f.amin.assign(x.size(), 0u);
  for (int64_t i : s.argmax) f.amax[static_cast<std::size_t>(i)] = 1;
  for (int64_t i : s.argmin) f.amin[static_cast<std::size_t>(i)] = 1;
  return f;
}

std::vector<TestVector> corner_cases(const BnBwdParams& p) {
  std::vector<TestVector> out;
  Writer w(p, out);
  std::mt19937_64 rng(11);
  const RangeBnParams rb = p.range_bn();
  const int F = p.finish_beats();
  const Lanes none(static_cast<std::size_t>(p.lanes), 0u);
  auto g_any = [&] { return random_lanes(p, rb.grad, rng); };

  // From reset: the state is that of a LOAD of zeros.
  w.dx(g_any(), none, none, "after reset: DX before any FINISH is dropped");
  w.finish(F, "after reset: FINISH beats with no STAT");
  w.dx(g_any(), none, none, "after reset: DX with the reset state's coefficients");

  special_groups(p, w, rng);

  // Protocol misuse, each on an otherwise correct group.
  auto group = [&](int n) { return forward_group(p, rng, n); };
  const int n = 2 * rb.chunks;
  Group g = group(n);
  w.load(g, "misuse: one FINISH short");
  w.stats(g, "misuse: one FINISH short");
  w.finish(F - 1, "misuse: one FINISH short");
  w.dxs(g, "misuse: one FINISH short, DX dropped");
  w.finish(1, "misuse: the last FINISH");
  w.dxs(g, "misuse: DX after the last FINISH");

  g = group(n);
  g.finishes = F + 5;
  w.group(g, "misuse: extra FINISH beats");
  g = group(n);
  for (int k = 0; k < 5; ++k) g.dx_g.push_back(g_any());
  w.group(g, "misuse: more DX beats than STAT beats");
  g = group(2 * n);
  g.dx_g.resize(3);
  w.group(g, "misuse: fewer DX beats than STAT beats");

  g = group(n);
  w.load(g, "misuse: STAT after FINISH");
  w.stats(g, "misuse: STAT after FINISH");
  w.finish(3, "misuse: STAT after FINISH");
  w.stat(g_any(), random_lanes(p, rb.io, rng), "misuse: a STAT after 3 FINISH beats");
  w.dxs(g, "misuse: DX dropped (STAT restarted the FINISH count)");
  w.finish(F, "misuse: STAT after FINISH");
  w.dxs(g, "misuse: DX with one more value's coefficients");

  g = group(n);
  w.load(g, "misuse: LOAD mid-group");
  w.stats(g, "misuse: LOAD mid-group");
  w.group(group(n), "misuse: the group after the restart");
  g = group(n);
  g.load = false;
  w.group(g, "misuse: a group without LOAD (sums continue)");
  g = code_group(p, rng, 0);
  w.group(g, "misuse: no STAT beats (dbeta = dgs = +0)");

  g = group(n);
  w.load(g, "misuse: DX between FINISH beats");
  w.stats(g, "misuse: DX between FINISH beats");
  w.finish(F - 2, "misuse: DX between FINISH beats");
  w.dx(g.dx_g[0], g.amax[0], g.amin[0], "misuse: DX between FINISH beats, dropped");
  w.finish(2, "misuse: DX between FINISH beats");
  w.dxs(g, "misuse: DX between FINISH beats");

  g = group(n);
  g.junk = true;
  g.junk_seed = rng();
  w.group(g, "random data on the ports a beat does not read");
  // Back to back: a DX beat directly followed by the next group's LOAD.
  for (int k = 0; k < 3; ++k) w.group(group(n), "back-to-back groups");
  return out;
}

std::vector<TestVector> random_group(const BnBwdParams& p, std::mt19937_64& rng) {
  std::vector<TestVector> out;
  Writer w(p, out);
  const RangeBnParams rb = p.range_bn();
  Group g = random_correct_group(p, rng);
  g.junk = rng() % 4 == 0;
  g.junk_seed = rng();
  if (rng() % 6 != 0) {
    w.group(g, "random group");
    return out;
  }
  const int F = p.finish_beats();
  const Lanes extra_g = random_lanes(p, rb.grad, rng), extra_x = random_lanes(p, rb.io, rng);
  const Lanes none(static_cast<std::size_t>(p.lanes), 0u);
  switch (rng() % 6) {
    case 0:  // too few FINISH beats: the DX beats are dropped
      g.finishes = uniform(rng, 0, F - 1);
      break;
    case 1:  // extra FINISH beats
      g.finishes = F + uniform(rng, 1, 8);
      break;
    case 2:  // more or fewer DX beats
      if (rng() & 1) {
        g.dx_g.resize(rng() % (g.dx_g.size() + 1));
      } else {
        for (int k = uniform(rng, 1, 6); k > 0; --k) g.dx_g.push_back(extra_g);
      }
      break;
    case 3:  // no LOAD: the sums continue from the previous group
      g.load = false;
      break;
    case 4: {  // a STAT beat after some FINISH beats, then the FINISH beats again
      const std::string label = "random group, STAT after FINISH";
      w.load(g, label);
      w.stats(g, label);
      w.finish(uniform(rng, 1, F), label);
      w.stat(extra_g, extra_x, label);
      w.finish(F, label);
      w.dxs(g, label);
      return out;
    }
    default: {  // DX beats between the FINISH beats
      const std::string label = "random group, DX between FINISH";
      w.load(g, label);
      w.stats(g, label);
      const int k = uniform(rng, 0, F);
      w.finish(k, label);
      w.dx(extra_g, none, none, label);
      w.finish(F - k, label);
      w.dxs(g, label);
      return out;
    }
  }
  w.group(g, "random group, perturbed protocol");
  return out;
}

double channels_ops(const BnBwdParams& p) {
  return static_cast<double>(p.lanes) * kChannelsN /
         static_cast<double>(2 * kChannelsN + 1 + p.finish_beats());
}

std::vector<Design::Workload> workloads(const BnBwdParams& p) {
  Design::Workload w;
  w.name = "channels";
  w.doc = fmt::format(
      "channel groups of n = {} per channel: x ~ N(m, s^2) (m ~ N(0, 1), s = 2^U(-2, 2)) "
      "converted into io, its forward pass (range_bn_stats, range_bn_normalize with gamma ~ "
      "N(1, 0.2^2)) for x_hat, scale and the argmax/argmin flags, g ~ N(0, 0.01^2) converted "
      "into grad; the full protocol: 1 LOAD, {} STAT, {} FINISH, {} DX beats; ops = elements "
      "of dx per beat",
      kChannelsN, kChannelsN, p.finish_beats(), kChannelsN);
  w.ops = channels_ops(p);
  return {w};
}

std::vector<TestVector> workload_chunk(const BnBwdParams& p, const std::string& name,
                                       std::mt19937_64& rng) {
  if (name != "channels")
    throw std::logic_error("lightnorm.bn_bwd has one workload, 'channels', not '" + name + "'");
  const RangeBnParams rb = p.range_bn();
  std::vector<ChannelIn> ch;
  Lanes gamma, scale;
  for (int l = 0; l < p.lanes; ++l) {
    const float mean = gauss(rng, 0, 1);
    const float std = std::exp2(std::uniform_real_distribution<float>(-2, 2)(rng));
    const Channel x = gaussian(rb, rb.io, rng, kChannelsN, mean, std);
    gamma.push_back(to_code(rb, rb.io, gauss(rng, 1, 0.2f)));
    const Forward f = forward_pass(rb, x, gamma.back());
    scale.push_back(f.scale);
    ch.push_back({gaussian(rb, rb.grad, rng, kChannelsN, 0, 0.01f), f.x_hat, f.amax, f.amin});
  }
  const auto k = golden::lightnorm::range_bn_constants(rb, kChannelsN);
  std::vector<TestVector> out;
  Writer(p, out).group(make_group(p, k.inv_n, k.c, gamma, scale, ch), "channels");
  return out;
}

}  // namespace bf::lightnorm_bn_bwd
