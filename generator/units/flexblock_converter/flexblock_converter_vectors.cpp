#include "generator/units/flexblock_converter/flexblock_converter_vectors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

namespace bf::flexblock_converter {

namespace fb = golden::flexblock;
using golden::FlexblockConverterParams;

namespace {

constexpr uint32_t kQnan = 0x7fc00000u;
constexpr uint32_t kPosInf = 0x7f800000u;
constexpr uint32_t kNegInf = 0xff800000u;
constexpr uint32_t kMaxFinite = 0x7f7fffffu;

uint32_t bits_of(float v) { return std::bit_cast<uint32_t>(v); }

// One transaction: mode code `code`; the group is `xs` repeated over the
// mode's group_<m> elements, and every element past it is `filler` (what
// the converter must ignore).
TestVector make(const FlexblockConverterParams& p, uint32_t code, const std::vector<uint32_t>& xs,
                uint32_t filler, const std::string& label) {
  const int g = p.group(fb::mode_from_code(code)), n = p.max_group();
  BitVec mode(2), x(n * 32);
  mode.set(0, 2, code);
  for (int i = 0; i < n; ++i)
    x.set(i * 32, 32, i < g ? xs[static_cast<std::size_t>(i) % xs.size()] : filler);
  return {{mode, x},
          fmt::format("mode {} ({}-bit): {}", code, fb::mantissa_bits(fb::mode_from_code(code)),
                      label)};
}

// The groups every mode is tried on; `m` is the mode's magnitude bits.
struct Pattern {
  std::vector<uint32_t> xs;
  std::string label;
};
std::vector<Pattern> patterns(int m) {
  std::vector<Pattern> v;
  v.push_back({{0u}, "all-zero group"});
  v.push_back({{0x80000000u}, "all negative zero"});
  v.push_back(
      {{kMaxFinite, bits_of(1.0f), bits_of(-3.5f), 0x00000001u}, "one element at max finite"});
  v.push_back({{kMaxFinite, 0xff7fffffu}, "fp32 max magnitudes, both signs"});
  v.push_back({{bits_of(1.0f), kQnan}, "quiet NaN in the group"});
  v.push_back({{bits_of(2.0f), 0xffa00001u, bits_of(-1.0f)}, "signalling NaN in the group"});
  v.push_back({{bits_of(1.0f), kPosInf}, "+Inf in the group"});
  v.push_back({{bits_of(-3.0f), kNegInf, bits_of(2.0f)}, "-Inf in the group"});
  v.push_back({{0x00000001u, 0x80000003u, 0x007fffffu, 0x00400000u}, "subnormals only"});
  v.push_back({{0x00800000u, 0x00000001u, 0x807fffffu}, "min normal with subnormals"});
  v.push_back({{bits_of(1.0f), 0x00000001u, 0x00400000u}, "unit max with subnormals"});
  v.push_back({{bits_of(1.0f)}, "every element 1.0"});
  v.push_back({{bits_of(-0.7f)}, "every element -0.7"});
  v.push_back({{bits_of(-1.5f), bits_of(1.5f)}, "alternating signs, equal magnitude"});
  {
    // One huge element, the rest spread far below: most flush to zero.
    std::vector<uint32_t> xs{bits_of(std::ldexp(1.0f, 100))};
    for (int e = 90; e > -120; e -= 7) xs.push_back(bits_of(std::ldexp(e % 2 ? -1.3f : 1.7f, e)));
    v.push_back({xs, "one huge element, tiny ones flushed"});
  }
  {
    // Max 1.0 (s = 127): the element quantum is 2^-(m-1). Values at j + 1/2
    // quanta, even and odd j, both signs (ties for nearest_even).
    std::vector<uint32_t> xs{bits_of(1.0f)};
    const float quantum = std::ldexp(1.0f, -(m - 1));
    for (int j = 0; j < 6; ++j) {
      xs.push_back(bits_of((static_cast<float>(j) + 0.5f) * quantum));
      xs.push_back(bits_of(-(static_cast<float>(j) + 0.5f) * quantum));
    }
    xs.push_back(bits_of(1.0f - 0.5f * quantum));  // a tie just below the top
    v.push_back({xs, "rounding ties at half quanta"});
  }
  v.push_back({{bits_of(1.999999f), bits_of(-1.999999f), bits_of(1.96875f), bits_of(-1.984375f),
                bits_of(1.9921875f), 0x3fffffffu, bits_of(1.0f)},
               "near the top: rounding carry saturates"});
  v.push_back(
      {{bits_of(0.25f), bits_of(-0.125f), bits_of(0.0625f), bits_of(3.0f)}, "powers of two"});
  return v;
}

}  // namespace

std::vector<TestVector> corner_cases(const FlexblockConverterParams& p) {
  std::vector<TestVector> v;
  for (uint32_t code = 0; code < 4; ++code) {
    const fb::Mode mode = fb::mode_from_code(code);
    for (const Pattern& pat : patterns(fb::mantissa_bits(mode)))
      v.push_back(make(p, code, pat.xs, 0u, pat.label));
    // Ramp over the whole group (distinct values per position).
    std::vector<uint32_t> ramp;
    for (int i = 0; i < p.group(mode); ++i)
      ramp.push_back(bits_of(static_cast<float>(i - p.group(mode) / 2) / 4.0f));
    v.push_back(make(p, code, ramp, 0u, "ramp"));
    if (p.group(mode) == p.max_group()) continue;
    // Garbage past the group: none of it may reach the exponent or the codes.
    const std::vector<uint32_t> small{bits_of(1.0f), bits_of(-2.5f), bits_of(0.375f)};
    v.push_back(make(p, code, small, kQnan, "NaN past the group"));
    v.push_back(make(p, code, small, kNegInf, "-Inf past the group"));
    v.push_back(make(p, code, {bits_of(1e-20f), bits_of(-3e-21f)}, kMaxFinite,
                     "max finite past a tiny group"));
    v.push_back(make(p, code, {0u}, kPosInf, "all-zero group, +Inf past it"));
    v.push_back(make(p, code, {0x00000005u}, bits_of(1.0f), "subnormal group, 1.0 past it"));
  }
  return v;
}

TestVector random_case(const FlexblockConverterParams& p, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(0, 99);
  const uint32_t code = static_cast<uint32_t>(rng() & 3u);
  const int g = p.group(fb::mode_from_code(code));
  // A base exponent (mostly around 1, sometimes anywhere, near the subnormal
  // range or near the top), element exponents geometrically below it (close
  // together or spread out), mantissas often with few significant bits
  // (rounding ties), and rare zeros, outliers and Inf/NaN.
  const int r_base = pick(rng);
  int base;
  if (r_base < 70)
    base = std::uniform_int_distribution<int>(100, 154)(rng);
  else if (r_base < 85)
    base = std::uniform_int_distribution<int>(1, 254)(rng);
  else if (r_base < 93)
    base = std::uniform_int_distribution<int>(0, 12)(rng);
  else
    base = std::uniform_int_distribution<int>(240, 254)(rng);
  const int spread = std::uniform_int_distribution<int>(0, 4)(rng) * 3;
  const int zeros = pick(rng) < 20 ? 40 : 4;  // some groups are mostly zero
  std::geometric_distribution<int> geo(spread ? 1.0 / (1 + spread) : 0.9);
  std::vector<uint32_t> xs(static_cast<std::size_t>(g));
  for (auto& x : xs) {
    const int r = pick(rng);
    const uint32_t sign = static_cast<uint32_t>(rng() & 1u) << 31;
    if (r < zeros) {
      x = sign;
      continue;
    }
    int e = base - geo(rng);
    if (r >= 96) e = base + std::uniform_int_distribution<int>(1, 20)(rng);  // heavy tail
    e = std::clamp(e, 0, 254);
    uint32_t mant = static_cast<uint32_t>(rng()) & 0x7fffffu;
    const int keep = std::uniform_int_distribution<int>(0, 23)(rng);
    if (pick(rng) < 40) mant &= ~((1u << (23 - keep)) - 1);
    x = sign | (static_cast<uint32_t>(e) << 23) | mant;
  }
  if (pick(rng) < 2)
    xs[rng() % xs.size()] = (rng() & 1) ? kQnan : kPosInf | static_cast<uint32_t>(rng() & 1u) << 31;

  // Past the group: zeros, random bit patterns (NaN and Inf included) or one
  // huge value.
  const int r_fill = pick(rng);
  const uint32_t fill_one = (rng() & 1) ? kMaxFinite : kPosInf;
  TestVector tv = make(p, code, xs, 0u, "random");
  for (int i = g; i < p.max_group(); ++i) {
    uint32_t f = 0;
    if (r_fill >= 50 && r_fill < 85)
      f = static_cast<uint32_t>(rng());
    else if (r_fill >= 85)
      f = fill_one;
    tv.inputs[1].set(i * 32, 32, f);
  }
  return tv;
}

std::vector<Design::Workload> workloads(const FlexblockConverterParams& p) {
  std::vector<Design::Workload> v;
  for (fb::Mode mode : {fb::Mode::M16, fb::Mode::M8, fb::Mode::M4}) {
    Design::Workload w;
    w.name = "bfp" + fb::mode_name(mode);
    w.doc = fmt::format(
        "one group of {} N(0, 1) values per transaction (a conv layer's activations or "
        "gradients) in the {}-bit mode",
        p.group(mode), fb::mantissa_bits(mode));
    v.push_back(w);
  }
  return v;
}

std::vector<TestVector> workload_chunk(const FlexblockConverterParams& p, const std::string& name,
                                       std::mt19937_64& rng) {
  for (uint32_t code = 0; code < 3; ++code) {
    const fb::Mode mode = fb::mode_from_code(code);
    if (name != "bfp" + fb::mode_name(mode)) continue;
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<uint32_t> xs(static_cast<std::size_t>(p.group(mode)));
    for (auto& x : xs) x = bits_of(normal(rng));
    TestVector v = make(p, code, xs, 0u, name);
    v.label = name;
    return {v};
  }
  throw std::logic_error("flexblock.converter: unknown workload " + name);
}

}  // namespace bf::flexblock_converter
