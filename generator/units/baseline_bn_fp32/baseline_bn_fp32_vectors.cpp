#include "generator/units/baseline_bn_fp32/baseline_bn_fp32_vectors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "generator/design/fp_operand_io.hpp"
#include "generator/units/baseline_bn_fp32/baseline_bn_fp32_beats.hpp"
#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"

namespace bf::baseline_bn_fp32 {

namespace {

using golden::BnFp32Params;
using golden::BnOp;
using golden::FloatFormat;

constexpr uint32_t kSign = 0x80000000u;
constexpr uint32_t kInf = 0x7f800000u;
constexpr uint32_t kQnan = 0x7fc00000u;
constexpr uint32_t kOne = 0x3f800000u;
constexpr uint32_t kMax = 0x7f7fffffu;

uint32_t code(bool s, int L, uint32_t frac = 0) {
  return fp_operand_io::make_code(FloatFormat::fp32(), s, L, frac);
}
uint32_t frac(std::mt19937_64& rng) { return fp_operand_io::random_frac(FloatFormat::fp32(), rng); }
int uniform(std::mt19937_64& rng, int lo, int hi) {
  return lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
}
float gauss(std::mt19937_64& rng, float mean, float std) {
  return std::normal_distribution<float>(mean, std)(rng);
}

// n values of N(mean, std^2).
Channel gaussian(std::mt19937_64& rng, int n, float mean, float std) {
  Channel c(static_cast<std::size_t>(n));
  for (auto& v : c) v = golden::fp32_bits(gauss(rng, mean, std));
  return c;
}

// One channel of n values in one of the biased random data modes.
Channel random_channel(std::mt19937_64& rng, int n) {
  Channel c(static_cast<std::size_t>(n));
  const int mode = static_cast<int>(rng() % 100);
  if (mode < 35) {  // Gaussian, mean and spread varied over decades
    const float scale = std::ldexp(1.0f, uniform(rng, -20, 20));
    return gaussian(rng, n, gauss(rng, 0, 3) * scale,
                    std::ldexp(1.0f, uniform(rng, -6, 3)) * scale);
  }
  if (mode < 45) {  // large mean, tiny spread: the variance cancels (and clamps)
    const float mean =
        std::ldexp(1.0f + static_cast<float>(rng() % 1000) / 1000, uniform(rng, 0, 30));
    return gaussian(rng, n, (rng() & 1) ? mean : -mean,
                    mean * std::ldexp(1.0f, uniform(rng, -26, -8)));
  }
  if (mode < 52) {  // a constant channel
    const uint32_t k = code(rng() & 1, uniform(rng, -30, 30), frac(rng));
    std::fill(c.begin(), c.end(), k);
    return c;
  }
  if (mode < 62) {  // exponents anywhere in a window, both signs
    const int lo = uniform(rng, -150, 120), hi = std::min(127, lo + uniform(rng, 0, 30));
    for (auto& v : c) v = code(rng() & 1, uniform(rng, lo, hi), frac(rng));
    return c;
  }
  if (mode < 70) {  // squares near the overflow or underflow thresholds
    const bool big = rng() & 1;
    for (auto& v : c)
      v = code(rng() & 1, big ? uniform(rng, 58, 70) : uniform(rng, -80, -60), frac(rng));
    return c;
  }
  if (mode < 76) {  // subnormal values
    for (auto& v : c) v = code(rng() & 1, uniform(rng, -149, -127), frac(rng));
    return c;
  }
  if (mode < 82) {  // small integers and zeros: exact sums
    for (auto& v : c) v = rng() % 4 ? code(rng() & 1, uniform(rng, 0, 3)) : (rng() & 1) * kSign;
    return c;
  }
  // Near 1 with a few specials (Inf, NaN, huge) among them.
  for (auto& v : c) {
    v = code(rng() & 1, uniform(rng, -3, 3), frac(rng));
    if (rng() % 16 == 0) {
      const auto sp = fp_operand_io::special_codes(FloatFormat::fp32());
      v = sp[rng() % sp.size()];
    }
  }
  return c;
}

uint32_t random_gamma(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0: {
      const auto sp = fp_operand_io::special_codes(FloatFormat::fp32());
      return sp[rng() % sp.size()];
    }
    case 1:
      return code(rng() & 1, uniform(rng, -40, 40), frac(rng));
    default:
      return golden::fp32_bits(gauss(rng, 1, 0.3f));
  }
}
uint32_t random_beta(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0: {
      const auto sp = fp_operand_io::special_codes(FloatFormat::fp32());
      return sp[rng() % sp.size()];
    }
    case 1:
      return (rng() & 1) * kSign;
    default:
      return golden::fp32_bits(gauss(rng, 0, 0.5f));
  }
}

// 1 <= n <= 64, mostly 8..64.
int random_n(std::mt19937_64& rng) {
  return rng() % 8 == 0 ? uniform(rng, 1, 7) : uniform(rng, 8, 64);
}

// A random group of n values per lane.
Group random_correct_group(const BnFp32Params& p, std::mt19937_64& rng, int n) {
  std::vector<Channel> ch;
  Lanes gamma, beta;
  for (int l = 0; l < p.lanes; ++l) {
    ch.push_back(random_channel(rng, n));
    gamma.push_back(random_gamma(rng));
    beta.push_back(random_beta(rng));
  }
  // Mostly the driver's 1/n; sometimes another constant (the unit does not
  // care where it comes from). No STAT beats (n = 0): the 1/n of 8.
  const uint32_t inv_n = rng() % 16 ? golden::bn_fp32_inv_n(n > 0 ? n : 8)
                                    : code(false, uniform(rng, -10, 2), frac(rng));
  return make_group(p, inv_n, gamma, beta, ch);
}

// The Q * inv_n - mean * mean of a channel before the clamp (fp32 steps of
// bn_fp32_stats), to pick constant channels whose variance rounds below 0.
bool variance_rounds_negative(const Channel& c, uint32_t inv_n) {
  const auto add = BnFp32Params::add_spec();
  const auto mul = BnFp32Params::mul_spec();
  uint32_t s = 0, q = 0;
  for (uint32_t v : c) {
    s = golden::fp_add(add, s, v);
    q = golden::fp_add(add, q, golden::fp_mul(mul, v, v));
  }
  const uint32_t mean = golden::fp_mul(mul, s, inv_n);
  const uint32_t var =
      golden::fp_add(add, golden::fp_mul(mul, q, inv_n), golden::fp_mul(mul, mean, mean) ^ kSign);
  return (var & kSign) != 0 && (var & 0x7fffffffu) != 0 && (var & 0x7fffffffu) <= kInf;
}

void special_groups(const BnFp32Params& p, Writer& w, std::mt19937_64& rng) {
  const int L = p.lanes;
  Lanes ones(static_cast<std::size_t>(L), kOne), zeros(static_cast<std::size_t>(L), 0u);
  auto per_lane = [&](int n, auto make) {
    std::vector<Channel> ch;
    for (int l = 0; l < L; ++l) ch.push_back(make(l, n));
    return ch;
  };
  auto g = [&](int n, const std::vector<Channel>& ch, const std::string& label, const Lanes& gamma,
               const Lanes& beta) {
    w.group(make_group(p, golden::bn_fp32_inv_n(n), gamma, beta, ch), label);
  };
  Lanes gamma, beta;
  for (int l = 0; l < L; ++l) {
    gamma.push_back(golden::fp32_bits(gauss(rng, 1, 0.3f)));
    beta.push_back(golden::fp32_bits(gauss(rng, 0, 0.5f)));
  }

  g(8,
    per_lane(8,
             [&](int l, int n) { return gaussian(rng, n, static_cast<float>(l) - 2, 1.0f + l); }),
    "n = 8 Gaussian channels", gamma, beta);
  for (int n : {1, 2, 3})
    g(n, per_lane(n, [&](int, int k) { return gaussian(rng, k, 0.5f, 2); }),
      fmt::format("n = {}", n), gamma, beta);
  g(8,
    per_lane(8,
             [&](int l, int n) { return Channel(static_cast<std::size_t>(n), (l & 1) * kSign); }),
    "zero channels (+0 and -0): var 0, inv_std = 1/sqrt(eps)", ones, zeros);
  // Constant channels whose variance rounds below zero: the clamp.
  for (int n : {10, 24}) {
    const uint32_t inv_n = golden::bn_fp32_inv_n(n);
    auto ch = per_lane(n, [&](int, int k) {
      for (;;) {
        Channel c(static_cast<std::size_t>(k), code(rng() & 1, uniform(rng, -20, 20), frac(rng)));
        if (variance_rounds_negative(c, inv_n)) return c;
      }
    });
    g(n, ch, fmt::format("constant channels, n = {}: Q/n - mean^2 < 0 clamps to +0", n), gamma,
      beta);
  }
  g(16,
    per_lane(16,
             [&](int l, int n) {
               return gaussian(rng, n, std::ldexp(1.0f, 10 + l), std::ldexp(1.0f, -6 - l));
             }),
    "large mean, small spread: the variance cancels", gamma, beta);
  g(8,
    per_lane(8,
             [&](int l, int n) {
               Channel c = gaussian(rng, n, 0, std::ldexp(1.0f, 60 + 8 * (l % 3)));
               return c;
             }),
    "huge magnitudes: squares overflow (Q = Inf, inv_std = 0)", gamma, beta);
  g(8,
    per_lane(8,
             [&](int l, int n) {
               Channel c(static_cast<std::size_t>(n), kMax);
               if (l & 1) c[3] ^= kSign;
               return c;
             }),
    "the largest finite values: S overflows", gamma, beta);
  g(12,
    per_lane(12, [&](int l,
                     int n) { return gaussian(rng, n, 0, std::ldexp(1.0f, -70 - 10 * (l % 4))); }),
    "tiny magnitudes: squares underflow", gamma, beta);
  g(8,
    per_lane(8,
             [&](int, int n) {
               Channel c(static_cast<std::size_t>(n));
               for (auto& v : c) v = code(rng() & 1, uniform(rng, -149, -127), frac(rng));
               return c;
             }),
    "subnormal values", gamma, beta);
  g(8,
    per_lane(8,
             [&](int l, int n) {
               Channel c = gaussian(rng, n, 1, 1);
               const uint32_t sp[] = {kInf, kInf | kSign, kQnan, 0xffc00001u, 0x7f800001u};
               c[static_cast<std::size_t>(l) % c.size()] = sp[l % 5];
               if (l % 5 == 4) c[7] = kInf | kSign;  // +Inf and -Inf: S = NaN
               return c;
             }),
    "Inf and NaN inputs", gamma, beta);
  {  // Special gamma and beta.
    const auto sp = fp_operand_io::special_codes(FloatFormat::fp32());
    Lanes sg, sb;
    for (int l = 0; l < L; ++l) {
      sg.push_back(sp[static_cast<std::size_t>(3 * l) % sp.size()]);
      sb.push_back(sp[static_cast<std::size_t>(5 * l + 1) % sp.size()]);
    }
    g(8, per_lane(8, [&](int, int n) { return gaussian(rng, n, 0, 1); }),
      "special gamma and beta (zeros, subnormals, extremes, Inf, NaN)", sg, sb);
  }
  for (int n : {64, 256})
    g(n, per_lane(n, [&](int l, int k) { return gaussian(rng, k, gauss(rng, 0, 2), 0.25f + l); }),
      fmt::format("n = {} Gaussian channels", n), gamma, beta);
  // inv_n other than 1/n: 0 (mean 0, var 0), Inf, NaN, a random value.
  for (uint32_t inv_n : {0u, kInf, kQnan, code(false, -3, frac(rng))}) {
    w.group(make_group(p, inv_n, gamma, beta,
                       per_lane(8, [&](int, int n) { return gaussian(rng, n, 1, 2); })),
            fmt::format("inv_n = 0x{:08x}", inv_n));
  }
}

}  // namespace

std::vector<TestVector> corner_cases(const BnFp32Params& p) {
  std::vector<TestVector> out;
  Writer w(p, out);
  std::mt19937_64 rng(11);
  const int F = p.finish_beats();
  auto lanes = [&](auto make) {
    Lanes v;
    for (int l = 0; l < p.lanes; ++l) v.push_back(make(l));
    return v;
  };
  auto any = [&](int) { return code(rng() & 1, uniform(rng, -4, 4), frac(rng)); };

  // From reset: the state is that of a LOAD of zeros.
  w.norm(lanes(any), "after reset: NORM before any FINISH is dropped");
  w.finish(F, "after reset: FINISH beats with no STAT");
  w.norm(lanes(any), "after reset: NORM with the reset state's statistics");

  special_groups(p, w, rng);

  // Protocol misuse, each on an otherwise correct group.
  auto group = [&](int n) { return random_correct_group(p, rng, n); };
  Group g = group(8);
  w.load(g, "misuse: one FINISH short");
  w.stats(g, "misuse: one FINISH short");
  w.finish(F - 1, "misuse: one FINISH short");
  w.norms(g, "misuse: one FINISH short, NORM dropped");
  w.finish(1, "misuse: the last FINISH");
  w.norms(g, "misuse: NORM after the last FINISH");

  g = group(8);
  g.finishes = F + 5;
  w.group(g, "misuse: extra FINISH beats");
  g = group(8);
  for (int k = 0; k < 5; ++k) g.norm.push_back(lanes(any));
  w.group(g, "misuse: more NORM beats than STAT beats");
  g = group(12);
  g.norm.resize(3);
  w.group(g, "misuse: fewer NORM beats than STAT beats");

  g = group(8);
  w.load(g, "misuse: STAT after FINISH");
  w.stats(g, "misuse: STAT after FINISH");
  w.finish(3, "misuse: STAT after FINISH");
  w.stat(lanes(any), "misuse: a STAT after 3 FINISH beats");
  w.norms(g, "misuse: NORM dropped (STAT restarted the FINISH count)");
  w.finish(F, "misuse: STAT after FINISH");
  w.norms(g, "misuse: NORM with 9 values' statistics");

  g = group(6);
  w.load(g, "misuse: LOAD mid-group");
  w.stats(g, "misuse: LOAD mid-group");
  w.group(group(8), "misuse: the group after the restart");
  g = group(5);
  g.load = false;
  w.group(g, "misuse: a group without LOAD (sums continue)");
  g = group(0);
  w.group(g, "misuse: no STAT beats (S = Q = +0)");

  g = group(8);
  w.load(g, "misuse: NORM between FINISH beats");
  w.stats(g, "misuse: NORM between FINISH beats");
  w.finish(F - 2, "misuse: NORM between FINISH beats");
  w.norm(g.norm[0], "misuse: NORM between FINISH beats, dropped");
  w.finish(2, "misuse: NORM between FINISH beats");
  w.norms(g, "misuse: NORM between FINISH beats");

  g = group(8);
  g.junk = true;
  g.junk_seed = rng();
  w.group(g, "random data on the ports a beat does not read");
  // Back to back: a NORM beat directly followed by the next group's LOAD.
  for (int k = 0; k < 3; ++k) w.group(group(8), "back-to-back groups");
  return out;
}

std::vector<TestVector> random_group(const BnFp32Params& p, std::mt19937_64& rng) {
  std::vector<TestVector> out;
  Writer w(p, out);
  Group g = random_correct_group(p, rng, random_n(rng));
  g.junk = rng() % 4 == 0;
  g.junk_seed = rng();
  if (rng() % 6 != 0) {
    w.group(g, "random group");
    return out;
  }
  const int F = p.finish_beats();
  Lanes extra;
  for (int l = 0; l < p.lanes; ++l)
    extra.push_back(code(rng() & 1, uniform(rng, -4, 4), frac(rng)));
  switch (rng() % 6) {
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
    case 3:  // no LOAD: the sums continue from the previous group
      g.load = false;
      break;
    case 4: {  // a STAT beat after some FINISH beats, then the FINISH beats again
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

double channels_ops(const BnFp32Params& p) {
  return static_cast<double>(p.lanes) * kChannelsN /
         static_cast<double>(2 * kChannelsN + 1 + p.finish_beats());
}

std::vector<Design::Workload> workloads(const BnFp32Params& p) {
  Design::Workload w;
  w.name = "channels";
  w.doc = fmt::format(
      "channel groups of n = {} Gaussian values per channel (per-channel mean N(0, 1), std "
      "2^U(-2, 2); gamma N(1, 0.2^2), beta N(0, 0.2^2)), the full protocol: 1 LOAD, {} STAT, {} "
      "FINISH, {} NORM beats; ops = elements normalized per beat",
      kChannelsN, kChannelsN, p.finish_beats(), kChannelsN);
  w.ops = channels_ops(p);
  return {w};
}

std::vector<TestVector> workload_chunk(const BnFp32Params& p, const std::string& name,
                                       std::mt19937_64& rng) {
  if (name != "channels")
    throw std::logic_error("baseline.bn_fp32 has one workload, 'channels', not '" + name + "'");
  std::vector<Channel> ch;
  Lanes gamma, beta;
  for (int l = 0; l < p.lanes; ++l) {
    const float mean = gauss(rng, 0, 1);
    const float std = std::exp2(std::uniform_real_distribution<float>(-2, 2)(rng));
    ch.push_back(gaussian(rng, kChannelsN, mean, std));
    gamma.push_back(golden::fp32_bits(gauss(rng, 1, 0.2f)));
    beta.push_back(golden::fp32_bits(gauss(rng, 0, 0.2f)));
  }
  std::vector<TestVector> out;
  Writer(p, out).group(make_group(p, golden::bn_fp32_inv_n(kChannelsN), gamma, beta, ch),
                       "channels");
  return out;
}

}  // namespace bf::baseline_bn_fp32
