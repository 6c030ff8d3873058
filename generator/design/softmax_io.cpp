#include "generator/design/softmax_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "golden/accuracy/softmax_accuracy.hpp"

namespace bf::softmax {

namespace {

std::string describe_logit(uint64_t code, int width, int frac) {
  const int64_t v = static_cast<int64_t>(code << (64 - width)) >> (64 - width);
  return fmt::format("{:.6g} (code {})", std::ldexp(static_cast<double>(v), -frac), v);
}

}  // namespace

PortSpec input_port(const VectorIo& io) {
  const int w = io.width();
  PortSpec x{"x_i",
             io.n * w,
             fmt::format("{} logits, signed Q{}.{}", io.n, io.int_bits, io.frac_bits),
             {}};
  for (int i = 0; i < io.n; ++i)
    x.fields.push_back({fmt::format("x[{}]", i), i * w, w,
                        [w, f = io.frac_bits](uint64_t v) { return describe_logit(v, w, f); }});
  return x;
}

PortSpec output_port(const VectorIo& io) {
  const int b = io.out_bits;
  PortSpec y{"y_o", io.n * b, fmt::format("{} outputs, unsigned Q0.{}", io.n, b), {}};
  for (int i = 0; i < io.n; ++i)
    y.fields.push_back({fmt::format("y[{}]", i), i * b, b, [b](uint64_t v) {
                          return fmt::format("{:.6g}", std::ldexp(static_cast<double>(v), -b));
                        }});
  return y;
}

std::vector<int32_t> unpack_logits(const VectorIo& io, const BitVec& x) {
  const int w = io.width();
  std::vector<int32_t> out(static_cast<std::size_t>(io.n));
  for (int i = 0; i < io.n; ++i) {
    const uint64_t c = x.get(i * w, w);
    out[static_cast<std::size_t>(i)] =
        static_cast<int32_t>(static_cast<int64_t>(c << (64 - w)) >> (64 - w));
  }
  return out;
}

BitVec pack_outputs(const VectorIo& io, std::span<const uint32_t> y) {
  BitVec b(io.n * io.out_bits);
  for (int i = 0; i < io.n; ++i)
    b.set(i * io.out_bits, io.out_bits, y[static_cast<std::size_t>(i)]);
  return b;
}

TestVector make_vector(const VectorIo& io, const std::vector<int32_t>& codes, std::string label) {
  const int w = io.width();
  BitVec x(io.n * w);
  for (int i = 0; i < io.n; ++i) {
    const int32_t c =
        std::clamp(codes[static_cast<std::size_t>(i) % codes.size()], io.min_code(), io.max_code());
    x.set(i * w, w, static_cast<uint64_t>(static_cast<uint32_t>(c)) & ((uint64_t{1} << w) - 1));
  }
  return {{x}, std::move(label)};
}

std::vector<TestVector> common_corner_cases(const VectorIo& io) {
  const int n = io.n;
  const int32_t lo = io.min_code(), hi = io.max_code(), one = int32_t{1} << io.frac_bits;
  std::vector<TestVector> v;
  const auto filled = [n](int32_t value) {
    return std::vector<int32_t>(static_cast<std::size_t>(n), value);
  };
  v.push_back(make_vector(io, {0}, "all logits 0: uniform"));
  v.push_back(make_vector(io, {hi}, "all logits at the positive extreme"));
  v.push_back(make_vector(io, {lo}, "all logits at the negative extreme"));
  {
    auto x = filled(lo);
    x.back() = hi;
    v.push_back(make_vector(io, x, "one dominant logit (max - min): output saturates at 1.0"));
    x = filled(lo);
    x.front() = hi;
    v.push_back(make_vector(io, x, "dominant first element, all others at the minimum"));
  }
  v.push_back(make_vector(io, {hi, lo}, "alternating extremes"));
  {
    auto x = filled(lo);
    x[0] = x[static_cast<std::size_t>(n - 1)] = 0;
    v.push_back(make_vector(io, x, "two equal maxima, the rest far below"));
  }
  {
    auto x = filled(0);
    for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = i;
    v.push_back(make_vector(io, x, "ramp by one LSB"));
    for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = -i * one;
    v.push_back(make_vector(io, x, "ramp by 1.0 down from 0"));
    for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = hi - i * (one / 4 ? one / 4 : 1);
    v.push_back(make_vector(io, x, "ramp by 0.25 down from the maximum"));
    for (int i = 0; i < n; ++i)
      x[static_cast<std::size_t>(i)] = static_cast<int32_t>(std::lround(-i * std::log(2.0) * one));
    v.push_back(make_vector(io, x, "geometric: each term half the previous"));
  }
  for (int k = 1; k < n; k *= 2) {
    auto x = filled(lo);
    for (int i = 0; i < k; ++i) x[static_cast<std::size_t>(i * (n / k))] = 0;
    v.push_back(
        make_vector(io, x, fmt::format("{} equal maxima, rest underflow: sum = {}.0", k, k)));
  }
  {
    auto x = filled(0);
    x[static_cast<std::size_t>(n / 2)] = 1;
    v.push_back(make_vector(io, x, "one logit one LSB above equal others"));
    x = filled(-one);
    x[0] = 0;
    v.push_back(make_vector(io, x, "one logit 1.0 above equal others"));
  }
  {
    auto x = filled(0);
    for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = lo + (i % 7);
    v.push_back(make_vector(io, x, "all logits within a few LSB of the minimum"));
  }
  return v;
}

TestVector random_vector(const VectorIo& io, std::mt19937_64& rng) {
  const int n = io.n;
  const double one = std::ldexp(1.0, io.frac_bits);
  const double lo = io.min_code(), hi = io.max_code();
  std::vector<int32_t> x(static_cast<std::size_t>(n));
  std::uniform_int_distribution<int> pick(0, 99);
  std::uniform_int_distribution<int32_t> code(io.min_code(), io.max_code());
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> gauss(0.0, 1.0);
  const auto put = [&](std::size_t i, double real_code) {
    x[i] = static_cast<int32_t>(std::clamp(std::round(real_code), lo, hi));
  };
  const int mode = pick(rng);
  if (mode < 20) {
    for (auto& c : x) c = code(rng);
  } else if (mode < 45) {
    // Tight or wide cluster: spread 2^-10 .. 2^4 (real units).
    const double center = lo + unit(rng) * (hi - lo);
    const double sigma = std::ldexp(1.0, static_cast<int>(unit(rng) * 15) - 10) * one;
    for (std::size_t i = 0; i < x.size(); ++i) put(i, center + sigma * gauss(rng));
  } else if (mode < 65) {
    // Attention-like: Gaussian scores, a few peaks, random offset.
    const double sigma = (1.0 + 2.0 * unit(rng)) * one;
    const double offset = (unit(rng) - 0.5) * (hi - lo) * 0.5;
    std::vector<double> s(x.size());
    for (auto& e : s) e = offset + sigma * gauss(rng);
    const int peaks = 1 + static_cast<int>(unit(rng) * 3);
    for (int k = 0; k < peaks; ++k) s[rng() % x.size()] += (4.0 + 6.0 * unit(rng)) * one;
    for (std::size_t i = 0; i < x.size(); ++i) put(i, s[i]);
  } else if (mode < 75) {
    // Few distinct values: ties for the maximum and in the sum.
    int32_t vals[4];
    const int nv = 1 + static_cast<int>(unit(rng) * 4);
    const double base = lo + unit(rng) * (hi - lo);
    for (int k = 0; k < nv; ++k)
      vals[k] = static_cast<int32_t>(std::clamp(std::round(base - unit(rng) * 8 * one), lo, hi));
    for (auto& c : x) c = vals[rng() % static_cast<uint64_t>(nv)];
  } else if (mode < 85) {
    // One dominant logit, the rest 0..20 below it.
    const double top = lo + 20 * one + unit(rng) * (hi - lo - 20 * one);
    for (std::size_t i = 0; i < x.size(); ++i) put(i, top - unit(rng) * 20 * one);
    put(rng() % x.size(), top + unit(rng) * one);
  } else if (mode < 95) {
    // At the range ends.
    for (auto& c : x)
      c = (rng() & 1) ? io.max_code() - static_cast<int32_t>(rng() % 8)
                      : io.min_code() + static_cast<int32_t>(rng() % 8);
  } else {
    // Differences on a coarse grid (multiples of 1/4 or 1): exact sums.
    const double step = (rng() & 1) ? one : one / 4;
    const double top = unit(rng) * hi;
    for (std::size_t i = 0; i < x.size(); ++i) put(i, top - step * static_cast<double>(rng() % 24));
  }
  return make_vector(io, x, "random");
}

Design::Workload attention_workload() {
  return {"attention",
          "attention-like score rows: sigma * N(0,1), sigma ~ U(1,3) per row, 1..3 peaks of "
          "+U(4,10) (the softmax-report's distribution), rounded to the input format"};
}

std::vector<TestVector> attention_chunk(const VectorIo& io, const std::string& name,
                                        std::mt19937_64& rng) {
  if (name != "attention")
    throw std::logic_error("softmax units have one workload, 'attention', not '" + name + "'");
  const auto logits = make_logits(LogitDist::Attention, io.n, 1, rng());
  return {make_vector(io, quantize_logits(logits, io.int_bits, io.frac_bits), "attention row")};
}

}  // namespace bf::softmax
