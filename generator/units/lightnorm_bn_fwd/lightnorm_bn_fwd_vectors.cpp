#include "generator/units/lightnorm_bn_fwd/lightnorm_bn_fwd_vectors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "generator/design/fp_operand_io.hpp"
#include "generator/units/lightnorm_bn_fwd/lightnorm_bn_fwd_beats.hpp"
#include "golden/formats/small_float_convert.hpp"

namespace bf::lightnorm_bn_fwd {

namespace {

using golden::BnOp;
using golden::FloatFormat;
using golden::LnBnFwdParams;
using golden::lightnorm::RangeBnParams;

constexpr uint32_t kInf32 = 0x7f800000u, kNan32 = 0x7fc00000u, kSign32 = 0x80000000u;

int uniform(std::mt19937_64& rng, int lo, int hi) {
  return lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
}
float gauss(std::mt19937_64& rng, float mean, float std) {
  return std::normal_distribution<float>(mean, std)(rng);
}

// The formats and the conversion of host floats into them (the parameters'
// policy and rounding, as the tensor-level functions convert fp32 data).
struct Formats {
  explicit Formats(const LnBnFwdParams& p) : rp(p.range_bn()) {}
  uint32_t to(const FloatFormat& f, float v) const {
    const uint32_t b = golden::fp32_bits(v);
    if (f == FloatFormat::fp32()) return b;
    return golden::small_encode({f, rp.exponent, rp.convert_rounding}, b);
  }
  uint32_t io(float v) const { return to(rp.io, v); }
  uint32_t norm(float v) const { return to(rp.norm, v); }
  uint32_t io_code(std::mt19937_64& rng, int lo, int hi) const {
    return fp_operand_io::make_code(rp.io, rng() & 1, uniform(rng, lo, hi),
                                    fp_operand_io::random_frac(rp.io, rng));
  }
  int lo() const { return fp_operand_io::l_lo(rp.io); }
  int hi() const { return fp_operand_io::l_hi(rp.io); }
  uint32_t neg_zero() const { return 1u << (rp.io.width() - 1); }
  RangeBnParams rp;
};

// n values of N(mean, std^2) in io.
Channel gaussian(const Formats& f, std::mt19937_64& rng, int n, float mean, float std) {
  Channel c(static_cast<std::size_t>(n));
  for (auto& v : c) v = f.io(gauss(rng, mean, std));
  return c;
}

// One channel of n values in one of the biased random data modes.
Channel random_channel(const Formats& f, std::mt19937_64& rng, int n) {
  Channel c(static_cast<std::size_t>(n));
  const int mode = static_cast<int>(rng() % 100);
  if (mode < 30) {  // Gaussian, mean and spread varied over the io range
    const float scale = std::ldexp(1.0f, uniform(rng, f.lo() / 2, f.hi() / 2));
    return gaussian(f, rng, n, gauss(rng, 0, 2) * scale,
                    std::ldexp(1.0f, uniform(rng, -4, 2)) * scale);
  }
  if (mode < 38) {  // post-ReLU: half the values +0
    for (auto& v : c) v = f.io(std::max(0.0f, gauss(rng, 0, 1)));
    return c;
  }
  if (mode < 46) {  // a constant channel (range 0: scale = 1 / eps)
    std::fill(c.begin(), c.end(), f.io_code(rng, f.lo(), f.hi()));
    return c;
  }
  if (mode < 60) {  // a few distinct values: ties for the chunk extremes, signed zeros
    const uint32_t set[] = {f.io_code(rng, -2, 2), f.io_code(rng, -2, 2), 0u, f.neg_zero()};
    for (auto& v : c) v = set[rng() % 4];
    return c;
  }
  if (mode < 72) {  // exponents anywhere in a window, both signs
    const int lo = uniform(rng, f.lo(), f.hi()), hi = std::min(f.hi(), lo + uniform(rng, 0, 8));
    for (auto& v : c) v = f.io_code(rng, lo, hi);
    return c;
  }
  if (mode < 78) {  // subnormal values and zeros
    for (auto& v : c) v = rng() % 4 ? f.io_code(rng, f.lo(), f.lo() + f.rp.io.man_bits) : 0u;
    return c;
  }
  if (mode < 84) {  // near the largest values: the sums grow
    for (auto& v : c) v = f.io_code(rng, f.hi() - 2, f.hi());
    return c;
  }
  // Any code of io.
  for (auto& v : c) v = fp_operand_io::random_code(f.rp.io, rng);
  return c;
}

uint32_t random_gamma(const Formats& f, std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0: {
      const auto sp = fp_operand_io::special_codes(f.rp.io);
      return sp[rng() % sp.size()];
    }
    case 1:
      return fp_operand_io::random_code(f.rp.io, rng);
    default:
      return f.io(gauss(rng, 1, 0.3f));
  }
}
uint32_t random_beta(const Formats& f, std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0: {
      const auto sp = fp_operand_io::special_codes(f.rp.norm);
      return sp[rng() % sp.size()];
    }
    case 1:
      return fp_operand_io::random_code(f.rp.norm, rng);
    default:
      return f.norm(gauss(rng, 0, 0.5f));
  }
}
// A random fp32 code for inv_n or C (the unit takes whatever is loaded).
uint32_t random_constant(std::mt19937_64& rng) {
  const FloatFormat f32 = FloatFormat::fp32();
  if (rng() % 4 == 0) {
    const auto sp = fp_operand_io::special_codes(f32);
    return sp[rng() % sp.size()];
  }
  return fp_operand_io::make_code(f32, rng() % 4 == 0, uniform(rng, -30, 10),
                                  fp_operand_io::random_frac(f32, rng));
}

// L: 1 .. max(3, 96 / chunks), mostly >= 2.
int random_len(const Formats& f, std::mt19937_64& rng) {
  return rng() % 10 == 0 ? 1 : uniform(rng, 2, std::max(3, 96 / f.rp.chunks));
}

Group random_correct_group(const LnBnFwdParams& p, const Formats& f, std::mt19937_64& rng,
                           int len) {
  const int n = len * f.rp.chunks;
  std::vector<Channel> ch;
  Lanes gamma, beta;
  for (int l = 0; l < p.lanes; ++l) {
    ch.push_back(random_channel(f, rng, n));
    gamma.push_back(random_gamma(f, rng));
    beta.push_back(random_beta(f, rng));
  }
  Group g = make_group(p, gamma, beta, ch);
  // Mostly the driver's constants; sometimes others (the unit does not care
  // where they come from: negative C, Inf, NaN, zero).
  if (rng() % 12 == 0) g.inv_n = random_constant(rng);
  if (rng() % 8 == 0) g.c = random_constant(rng);
  return g;
}

// A BitVec of random bits (any BFP pattern).
BitVec random_bits(int width, std::mt19937_64& rng) {
  BitVec b(width);
  for (int i = 0; i < width; ++i) b.set_bit(i, (rng() & 1) != 0);
  return b;
}

void special_groups(const LnBnFwdParams& p, const Formats& f, Writer& w, std::mt19937_64& rng) {
  const int L = p.lanes, K = f.rp.chunks;
  auto per_lane = [&](int n, auto make) {
    std::vector<Channel> ch;
    for (int l = 0; l < L; ++l) ch.push_back(make(l, n));
    return ch;
  };
  Lanes gamma, beta, ones(static_cast<std::size_t>(L), f.io(1.0f)),
      zeros(static_cast<std::size_t>(L), 0u);
  for (int l = 0; l < L; ++l) {
    gamma.push_back(f.io(gauss(rng, 1, 0.3f)));
    beta.push_back(f.norm(gauss(rng, 0, 0.5f)));
  }
  auto g = [&](const std::vector<Channel>& ch, const std::string& label, const Lanes& ga,
               const Lanes& be) { w.group(make_group(p, ga, be, ch), label); };

  g(per_lane(
        4 * K,
        [&](int l, int n) { return gaussian(f, rng, n, static_cast<float>(l) - 2, 1.0f + l); }),
    "L = 4 Gaussian channels", gamma, beta);
  g(per_lane(K, [&](int, int n) { return gaussian(f, rng, n, 0.5f, 2); }),
    "L = 1: every element is its chunk's argmax and argmin", gamma, beta);
  g(per_lane(2 * K,
             [&](int l, int n) {
               return Channel(static_cast<std::size_t>(n), (l & 1) ? f.neg_zero() : 0u);
             }),
    "zero channels (+0 and -0): range 0, scale = 1 / eps", ones, zeros);
  g(per_lane(6 * K,
             [&](int l, int n) {
               // Alternating +0 / -0: max is the first +0, min the first -0.
               Channel c(static_cast<std::size_t>(n));
               for (int i = 0; i < n; ++i)
                 c[static_cast<std::size_t>(i)] = ((i + l) & 1) ? f.neg_zero() : 0u;
               return c;
             }),
    "signed zeros: -0 < +0, the first of each", gamma, beta);
  g(per_lane(5 * K,
             [&](int l, int n) {
               // Ties: the extreme value appears several times per chunk.
               const uint32_t hi = f.io(2.0f + static_cast<float>(l)), lo = f.io(-1.0f);
               Channel c(static_cast<std::size_t>(n), f.io(0.5f));
               for (int i = 0; i < n; ++i)
                 if (i % 5 == (l % 5) || i % 5 == 4)
                   c[static_cast<std::size_t>(i)] = hi;
                 else if (i % 5 == 2 || i % 5 == 3)
                   c[static_cast<std::size_t>(i)] = lo;
               return c;
             }),
    "repeated extremes: the first one is flagged", gamma, beta);
  g(per_lane(
        3 * K,
        [&](int, int n) { return Channel(static_cast<std::size_t>(n), f.io_code(rng, -3, 3)); }),
    "constant channels: argmax = argmin = the chunk's first element", gamma, beta);
  g(per_lane(4 * K,
             [&](int, int n) {
               Channel c(static_cast<std::size_t>(n));
               for (auto& v : c) v = f.io_code(rng, f.lo(), f.lo() + f.rp.io.man_bits);
               return c;
             }),
    "subnormal values", gamma, beta);
  g(per_lane(4 * K,
             [&](int, int n) {
               Channel c(static_cast<std::size_t>(n));
               for (auto& v : c)
                 v = (rng() & 1) ? f.rp.io.max_normal_code() : f.io_code(rng, f.hi() - 1, f.hi());
               return c;
             }),
    "the largest values of io", gamma, beta);
  {  // Special gamma and beta.
    const auto sg = fp_operand_io::special_codes(f.rp.io);
    const auto sb = fp_operand_io::special_codes(f.rp.norm);
    Lanes ga, be;
    for (int l = 0; l < L; ++l) {
      ga.push_back(sg[static_cast<std::size_t>(3 * l) % sg.size()]);
      be.push_back(sb[static_cast<std::size_t>(5 * l + 1) % sb.size()]);
    }
    g(per_lane(2 * K, [&](int, int n) { return gaussian(f, rng, n, 0, 1); }),
      "special gamma and beta (zeros, subnormals, extremes, Inf, NaN)", ga, be);
  }
  g(per_lane(std::max(64, K * 2),
             [&](int l, int n) { return gaussian(f, rng, n, gauss(rng, 0, 2), 0.25f + l); }),
    "n = 64 Gaussian channels", gamma, beta);
  // inv_n and C other than the driver's: 0, Inf, NaN, negative (d < 0).
  const uint32_t specials[][2] = {{0u, 0u},
                                  {kInf32, kInf32},
                                  {kNan32, kNan32},
                                  {0x3e000000u, 0x3f000000u | kSign32},
                                  {0x3c800000u, 0x00000001u},
                                  {0x3c800000u, 0x7f7fffffu}};
  for (const auto& k : specials) {
    Group gr = make_group(p, gamma, beta,
                          per_lane(2 * K, [&](int, int n) { return gaussian(f, rng, n, 1, 2); }));
    gr.inv_n = k[0];
    gr.c = k[1];
    w.group(gr, fmt::format("inv_n = 0x{:08x}, C = 0x{:08x}", k[0], k[1]));
  }
  // C scaled over the binades: d sweeps the reciprocal's range (pow2's
  // rounding of log2, the divider's subnormal and overflowing quotients).
  for (int e = -140; e <= 120; e += 20) {
    Group gr = make_group(p, gamma, beta,
                          per_lane(2 * K, [&](int, int n) { return gaussian(f, rng, n, 0, 4); }));
    gr.c = fp_operand_io::make_code(FloatFormat::fp32(), false, e,
                                    fp_operand_io::random_frac(FloatFormat::fp32(), rng));
    w.group(gr, fmt::format("C = 2^{} * m: d across the binades", e));
  }
}

}  // namespace

std::vector<TestVector> corner_cases(const LnBnFwdParams& p) {
  std::vector<TestVector> out;
  Writer w(p, out);
  const Formats f(p);
  std::mt19937_64 rng(11);
  const int F = p.finish_beats();
  auto data = [&](auto make) {
    Lanes v;
    for (int l = 0; l < p.lanes; ++l) v.push_back(make(l));
    return encode_data(p, v);
  };
  auto any = [&](int) { return f.io_code(rng, -4, 4); };

  // From reset: the state is that of a LOAD of zeros (L = 0: no chunk completes).
  w.norm(data(any), "after reset: NORM before any FINISH is dropped");
  w.finish(F, "after reset: FINISH beats with no STAT");
  w.norm(data(any), "after reset: NORM with the reset state's statistics");

  special_groups(p, f, w, rng);

  // Protocol misuse, each on an otherwise correct group.
  auto group = [&](int len) { return random_correct_group(p, f, rng, len); };
  Group g = group(3);
  w.load(g, "misuse: one FINISH short");
  w.stats(g, "misuse: one FINISH short");
  w.finish(F - 1, "misuse: one FINISH short");
  w.norms(g, "misuse: one FINISH short, NORM dropped");
  w.finish(1, "misuse: the last FINISH");
  w.norms(g, "misuse: NORM after the last FINISH");

  g = group(2);
  g.finishes = F + 5;
  w.group(g, "misuse: extra FINISH beats");
  g = group(2);
  for (int k = 0; k < 5; ++k) g.norm.push_back(data(any));
  w.group(g, "misuse: more NORM beats than STAT beats");
  g = group(3);
  g.norm.resize(g.norm.size() / 2);
  w.group(g, "misuse: fewer NORM beats than STAT beats");

  g = group(3);
  g.stat.resize(g.stat.size() - 2);
  w.group(g, "misuse: fewer STAT beats (the last chunk is incomplete)");
  g = group(2);
  for (int k = 0; k < 5; ++k) g.stat.push_back(data(any));
  w.group(g, "misuse: more STAT beats (they only add to S)");
  g = group(3);
  g.len = 2;
  w.group(g, "misuse: L shorter than n / chunks");
  g = group(2);
  g.len = 5;
  w.group(g, "misuse: L longer than n / chunks (chunks incomplete)");
  g = group(2);
  g.len = 0;
  w.group(g, "misuse: L = 0 (2^len_bits: no chunk completes)");

  g = group(2);
  w.load(g, "misuse: STAT after FINISH");
  w.stats(g, "misuse: STAT after FINISH");
  w.finish(3, "misuse: STAT after FINISH");
  w.stat(data(any), "misuse: a STAT after 3 FINISH beats");
  w.norms(g, "misuse: NORM dropped (STAT restarted the FINISH count)");
  w.finish(F, "misuse: STAT after FINISH");
  w.norms(g, "misuse: NORM with one more value's statistics");

  g = group(2);
  w.load(g, "misuse: LOAD mid-group");
  w.stats(g, "misuse: LOAD mid-group");
  w.group(group(2), "misuse: the group after the restart");
  g = group(2);
  g.load = false;
  w.group(g, "misuse: a group without LOAD (statistics continue)");
  g = group(2);
  g.stat.clear();
  w.group(g, "misuse: no STAT beats (S = Smax = Smin = +0)");

  g = group(2);
  w.load(g, "misuse: NORM between FINISH beats");
  w.stats(g, "misuse: NORM between FINISH beats");
  w.finish(F - 2, "misuse: NORM between FINISH beats");
  w.norm(g.norm[0], "misuse: NORM between FINISH beats, dropped");
  w.finish(2, "misuse: NORM between FINISH beats");
  w.norms(g, "misuse: NORM between FINISH beats");

  g = group(2);
  for (auto& x : g.stat) x = random_bits(x.width(), rng);
  g.norm = g.stat;
  w.group(g, "random bits on x_i (every BFP pattern decodes)");
  g = group(2);
  g.junk = true;
  g.junk_seed = rng();
  w.group(g, "random data on the ports a beat does not read");
  // Back to back: a NORM beat directly followed by the next group's LOAD.
  for (int k = 0; k < 3; ++k) w.group(group(2), "back-to-back groups");
  return out;
}

std::vector<TestVector> random_group(const LnBnFwdParams& p, std::mt19937_64& rng) {
  std::vector<TestVector> out;
  Writer w(p, out);
  const Formats f(p);
  Group g = random_correct_group(p, f, rng, random_len(f, rng));
  g.junk = rng() % 4 == 0;
  g.junk_seed = rng();
  if (rng() % 6 != 0) {
    w.group(g, "random group");
    return out;
  }
  const int F = p.finish_beats();
  Lanes extra_codes;
  for (int l = 0; l < p.lanes; ++l) extra_codes.push_back(f.io_code(rng, -4, 4));
  const BitVec extra = encode_data(p, extra_codes);
  switch (rng() % 8) {
    case 0:  // too few FINISH beats: the NORM beats are dropped
      g.finishes = uniform(rng, 0, F - 1);
      break;
    case 1:  // extra FINISH beats
      g.finishes = F + uniform(rng, 1, 8);
      break;
    case 2:  // more or fewer NORM beats
      if (rng() & 1) {
        g.norm.resize(rng() % (g.norm.size() + 1));
      } else {
        for (int k = uniform(rng, 1, 6); k > 0; --k) g.norm.push_back(extra);
      }
      break;
    case 3:  // no LOAD: the statistics continue from the previous group
      g.load = false;
      break;
    case 4:  // another L, or more / fewer STAT beats
      if (rng() & 1) {
        g.len = static_cast<uint64_t>(uniform(rng, 0, static_cast<int>(g.len) + 3));
      } else if (rng() & 1) {
        g.stat.resize(rng() % (g.stat.size() + 1));
      } else {
        for (int k = uniform(rng, 1, 6); k > 0; --k) g.stat.push_back(extra);
      }
      break;
    case 5:  // raw bits on x_i
      for (auto& x : g.stat) x = random_bits(x.width(), rng);
      g.norm = g.stat;
      break;
    case 6: {  // a STAT beat after some FINISH beats, then the FINISH beats again
      w.load(g, "random group, STAT after FINISH");
      w.stats(g, "random group, STAT after FINISH");
      w.finish(uniform(rng, 1, F), "random group, STAT after FINISH");
      w.stat(extra, "random group, STAT after FINISH");
      w.finish(F, "random group, STAT after FINISH");
      w.norms(g, "random group, STAT after FINISH");
      return out;
    }
    default: {  // NORM beats between the FINISH beats
      w.load(g, "random group, NORM between FINISH");
      w.stats(g, "random group, NORM between FINISH");
      const int k = uniform(rng, 0, F);
      w.finish(k, "random group, NORM between FINISH");
      w.norm(extra, "random group, NORM between FINISH");
      w.finish(F - k, "random group, NORM between FINISH");
      w.norms(g, "random group, NORM between FINISH");
      return out;
    }
  }
  w.group(g, "random group, perturbed protocol");
  return out;
}

double channels_ops(const LnBnFwdParams& p) {
  return static_cast<double>(p.lanes) * kChannelsN /
         static_cast<double>(2 * kChannelsN + 1 + p.finish_beats());
}

std::vector<Design::Workload> workloads(const LnBnFwdParams& p) {
  Design::Workload w;
  w.name = "channels";
  w.doc = fmt::format(
      "channel groups of n = {} Gaussian values per channel (per-channel mean N(0, 1), std "
      "2^U(-2, 2), converted into io{}; gamma N(1, 0.2^2) in io, beta N(0, 0.2^2) in norm), the "
      "full protocol: 1 LOAD, {} STAT, {} FINISH, {} NORM beats; ops = elements normalized per "
      "beat (as baseline.bn_fp32's workload)",
      kChannelsN, p.has_bfp() ? ", then BFP groups" : "", kChannelsN, p.finish_beats(), kChannelsN);
  w.ops = channels_ops(p);
  return {w};
}

std::vector<TestVector> workload_chunk(const LnBnFwdParams& p, const std::string& name,
                                       std::mt19937_64& rng) {
  if (name != "channels")
    throw std::logic_error("lightnorm.bn_fwd has one workload, 'channels', not '" + name + "'");
  const Formats f(p);
  std::vector<Channel> ch;
  Lanes gamma, beta;
  for (int l = 0; l < p.lanes; ++l) {
    const float mean = gauss(rng, 0, 1);
    const float std = std::exp2(std::uniform_real_distribution<float>(-2, 2)(rng));
    ch.push_back(gaussian(f, rng, kChannelsN, mean, std));
    gamma.push_back(f.io(gauss(rng, 1, 0.2f)));
    beta.push_back(f.norm(gauss(rng, 0, 0.2f)));
  }
  std::vector<TestVector> out;
  Writer(p, out).group(make_group(p, gamma, beta, ch), "channels");
  return out;
}

}  // namespace bf::lightnorm_bn_fwd
