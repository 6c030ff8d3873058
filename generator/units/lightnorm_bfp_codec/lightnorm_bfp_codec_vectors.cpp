#include "generator/units/lightnorm_bfp_codec/lightnorm_bfp_codec_vectors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "golden/formats/lightnorm_bfp_storage.hpp"
#include "golden/formats/small_float_convert.hpp"

namespace bf::lightnorm_bfp_codec {

using golden::FloatFormat;
using golden::LightnormBfpCodecParams;

namespace {

struct Codes {
  FloatFormat f;
  uint32_t top, mm;  // largest exponent field, mantissa mask
  explicit Codes(const FloatFormat& fmt)
      : f(fmt), top((1u << fmt.exp_bits) - 1), mm((1u << fmt.man_bits) - 1) {}
  uint32_t operator()(uint32_t sign, uint32_t e, uint32_t mant) const {
    return sign << (f.width() - 1) | std::min(e, top) << f.man_bits | (mant & mm);
  }
};

std::vector<uint32_t> fill(const std::vector<uint32_t>& xs, int g) {
  std::vector<uint32_t> v(static_cast<std::size_t>(g));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = xs[i % xs.size()];
  return v;
}

struct Group {
  std::vector<uint32_t> xs;  // repeated over the group
  std::string label;
};

// Groups of codes every mode is tried on (b = bits).
std::vector<Group> corner_groups(const Codes& c, int b) {
  const uint32_t top = c.top, mm = c.mm;
  const auto below = [](int e, int by) { return static_cast<uint32_t>(std::max(0, e - by)); };
  std::vector<Group> v = {
      {{c(0, 0, 0)}, "all +0"},
      {{c(1, 0, 0)}, "all -0"},
      {{c(0, 7, 3), c(0, 0, 0), c(0, 0, 0)}, "one nonzero"},
      {{c(1, 0, 1), c(0, 0, 0), c(1, 0, 0)}, "one subnormal among zeros (Emax = 0)"},
      {{c(0, 0, mm), c(1, 0, 1), c(0, 0, mm >> 1)}, "subnormals only: kept whole"},
      {{c(0, 1, 0), c(1, 0, mm), c(0, 0, 1), c(1, 0, 0)}, "min normal over subnormals (E2 = 0)"},
      {{c(0, 3, 0), c(1, 2, mm), c(0, 0, mm), c(1, 0, 1), c(1, 0, 0)},
       "subnormals and -0 below a small E2"},
      {{c(0, 9, 5), c(1, 9, mm), c(0, 8, mm), c(1, 3, 1)}, "tie at Emax: E2 = Emax"},
      {{c(1, 6, 2)}, "every element at Emax"},
      {{c(0, top, mm), c(1, top, mm)}, "max magnitudes, both signs"},
      {{c(0, top, mm), c(1, top - 1, mm), c(0, top - 1, 0), c(1, 0, mm)}, "max with neighbours"},
      {{c(0, 20, 1), c(0, 12, mm), c(1, below(13, b), mm), c(1, below(12, b), mm), c(1, 0, 0),
        c(0, 1, mm)},
       "k = 0 (sign kept) and k = -1 (+0) below E2 = 12"},
      {{c(0, 25, 0), c(1, 24, mm), c(1, 23, mm), c(0, 22, 5), c(1, 21, mm), c(0, 20, mm),
        c(1, 19, 3), c(0, 18, mm)},
       "staircase: every k from bits - 1 down"},
  };
  {
    std::vector<uint32_t> ramp;
    for (uint32_t e = 0; e <= top; ++e) ramp.push_back(c(e & 1u, e, e * 5u));
    v.push_back({ramp, "every exponent field"});
  }
  return v;
}

// A biased random group: a base exponent (anywhere, near 0, near the top),
// exponents close below it (geometric; some far below, k < 0), ties at the
// top, zeros of both signs, max magnitudes, mantissas with few set bits.
std::vector<uint32_t> random_group(const Codes& c, int g, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(0, 99);
  const int r = pick(rng);
  const uint32_t base = r < 60   ? std::uniform_int_distribution<uint32_t>(0, c.top)(rng)
                        : r < 80 ? std::uniform_int_distribution<uint32_t>(0, 4)(rng)
                                 : c.top - std::uniform_int_distribution<uint32_t>(0, 2)(rng);
  std::geometric_distribution<int> geo(pick(rng) < 50 ? 0.6 : 0.15);
  const int zeros = pick(rng) < 15 ? 50 : 6;  // some groups are mostly zero
  std::vector<uint32_t> x(static_cast<std::size_t>(g));
  for (auto& code : x) {
    const uint32_t sign = rng() & 1u;
    const int t = pick(rng);
    if (t < zeros) {
      code = c(sign, 0, 0);
    } else if (t >= 97) {
      code = c(sign, c.top, c.mm);
    } else {
      const int e = std::max(0, static_cast<int>(base) - (t >= 80 ? 0 : geo(rng)));
      uint32_t mant = static_cast<uint32_t>(rng()) & c.mm;
      if (pick(rng) < 30)
        mant &= ~((1u << std::uniform_int_distribution<int>(0, c.f.man_bits)(rng)) - 1);
      code = c(sign, static_cast<uint32_t>(e), mant);
    }
  }
  return x;
}

// A packed bus with the given header and element fields (element i =
// elems[i % size]).
TestVector raw_bus(const LightnormBfpCodecParams& p, uint32_t emax, uint32_t e2,
                   const std::vector<uint32_t>& elems, const std::string& label) {
  const golden::LightnormBfpStorage s = p.storage();
  const int E = s.format.exp_bits, EW = s.element_bits(), H = s.header_bits();
  BitVec bus(s.group_bits());
  bus.set(0, E, emax);
  if (s.keep_max()) bus.set(E, E, e2);
  for (int i = 0; i < p.group; ++i)
    bus.set(H + i * EW, EW, elems[static_cast<std::size_t>(i) % elems.size()]);
  return {{bus}, label};
}

// Buses no encoder writes (decode only): every m's leading-one position at
// the normal/subnormal boundary and around it, payload bits the element's
// kind ignores, E2 above Emax, all ones.
std::vector<TestVector> raw_buses(const LightnormBfpCodecParams& p) {
  const golden::LightnormBfpStorage s = p.storage();
  const int b = p.bits, P = s.payload_bits(), EW = s.element_bits();
  const uint32_t top = (1u << s.format.exp_bits) - 1, ones = (1u << EW) - 1;
  const uint32_t sign = 1u << (EW - 1), flag = s.keep_max() ? 1u << P : 0u;
  std::vector<TestVector> v;
  std::vector<uint32_t> ms;  // every leading-one position, with ones and zeros below
  for (int j = 0; j < b; ++j) {
    ms.push_back(1u << j);
    ms.push_back((2u << j) - 1);
    ms.push_back(sign | (1u << j) | 1u);
  }
  for (uint32_t ref : {0u, 1u, 2u, static_cast<uint32_t>(b - 1), static_cast<uint32_t>(b),
                       static_cast<uint32_t>(b + 1), top - 1, top})
    v.push_back(raw_bus(p, s.keep_max() ? top : ref, ref, ms,
                        fmt::format("m at every leading-one position, reference field {}", ref)));
  v.push_back(raw_bus(p, 0, 0, {0u}, "all-zero bus"));
  v.push_back(raw_bus(p, top, top, {ones}, "all-ones bus"));
  if (s.keep_max()) {
    v.push_back(raw_bus(p, 3, 17, {flag | 5u, 9u, sign | 1u}, "E2 above Emax"));
    v.push_back(raw_bus(p, 12, 9, {flag | ((1u << P) - 1), sign | flag, (1u << P) - 1},
                        "every payload bit set, both kinds"));
  }
  return v;
}

}  // namespace

BitVec bus_of(const std::vector<uint8_t>& bytes, int width) {
  BitVec v(width);
  for (int j = 0; j < width; j += 8)
    v.set(j, std::min(8, width - j), bytes[static_cast<std::size_t>(j / 8)]);
  return v;
}

std::vector<uint8_t> bytes_of(const BitVec& bus) {
  std::vector<uint8_t> bytes(static_cast<std::size_t>(bus.width() + 7) / 8);
  for (int j = 0; j < bus.width(); j += 8)
    bytes[static_cast<std::size_t>(j / 8)] =
        static_cast<uint8_t>(bus.get(j, std::min(8, bus.width() - j)));
  return bytes;
}

TestVector group_vector(const LightnormBfpCodecParams& p, const std::vector<uint32_t>& codes,
                        const std::string& label) {
  const golden::LightnormBfpStorage s = p.storage();
  if (!p.encode()) return {{bus_of(golden::lightnorm_bfp_encode(s, codes), s.group_bits())}, label};
  const int W = s.format.width();
  BitVec x(p.group * W);
  for (int i = 0; i < p.group; ++i) x.set(i * W, W, codes[static_cast<std::size_t>(i)]);
  return {{x}, label};
}

std::vector<TestVector> corner_cases(const LightnormBfpCodecParams& p) {
  const Codes c(p.float_format());
  std::vector<TestVector> v;
  for (const Group& grp : corner_groups(c, p.bits))
    v.push_back(group_vector(p, fill(grp.xs, p.group), grp.label));
  if (!p.encode())
    for (TestVector& t : raw_buses(p)) v.push_back(std::move(t));
  return v;
}

TestVector random_case(const LightnormBfpCodecParams& p, std::mt19937_64& rng) {
  const Codes c(p.float_format());
  if (p.encode() || rng() % 4 != 0) return group_vector(p, random_group(c, p.group, rng), "random");
  // A quarter of the decoder's vectors: any bits, the header often small
  // (subnormal results) or E2 near Emax.
  const golden::LightnormBfpStorage s = p.storage();
  BitVec bus(s.group_bits());
  for (int j = 0; j < bus.width(); j += 64) {
    const int n = std::min(64, bus.width() - j);
    bus.set(j, n, rng() & (n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1));
  }
  const int E = s.format.exp_bits;
  if (rng() % 2) bus.set(s.keep_max() ? E : 0, E, rng() % (static_cast<uint64_t>(p.bits) + 3));
  return {{bus}, "random bits"};
}

std::vector<Design::Workload> workloads(const LightnormBfpCodecParams& p) {
  Design::Workload w;
  w.name = "gaussian";
  w.doc = fmt::format(
      "one channel group of {} N(0, 1) feature values per transaction, converted to {} "
      "(saturate, truncate) as LightNorm's BN input{}",
      p.group, p.format, p.encode() ? "" : ", stored by the encoder");
  return {w};
}

std::vector<TestVector> workload_chunk(const LightnormBfpCodecParams& p, const std::string& name,
                                       std::mt19937_64& rng) {
  if (name != "gaussian") throw std::logic_error("lightnorm.bfp_codec: unknown workload " + name);
  golden::SmallFloatConvert conv;
  conv.f = p.float_format();
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<uint32_t> codes(static_cast<std::size_t>(p.group));
  for (auto& x : codes) x = golden::small_encode(conv, std::bit_cast<uint32_t>(normal(rng)));
  return {group_vector(p, codes, name)};
}

}  // namespace bf::lightnorm_bfp_codec
