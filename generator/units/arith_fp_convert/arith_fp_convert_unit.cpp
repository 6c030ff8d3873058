// arith.fp_convert: the Design (ports, vectors, model) and its registration.
#include <fmt/format.h>

#include <algorithm>

#include "generator/blocks/fp_convert.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "golden/units/arith_fp_convert/arith_fp_convert.hpp"

namespace bf::fp_operand_io {
namespace {

using golden::FloatFormat;
using golden::FpConvertParams;
using golden::FpConvertSpec;

// Formats small enough that corner_cases() converts every code.
constexpr int kExhaustiveBits = 12;

class FpConvertDesign : public Design {
 public:
  FpConvertDesign(FpConvertParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), s_(p_.spec()) {}

  std::string unit_name() const override { return "arith.fp_convert"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    const std::string core = top_ + "_core";
    auto core_mod = blocks::fp_convert_module(s_.from, s_.to, s_.exponent, s_.rounding, core,
                                              generated_header(*this, core));
    TopSpec t;
    t.name = top_;
    t.core = core;
    t.lanes = p_.lanes;
    t.a_width = s_.from.width();
    t.b_width = 0;  // unary
    t.y_width = s_.to.width();
    t.a_doc = s_.from.name() + " codes";
    t.y_doc = s_.to.name() + " codes";
    t.header = generated_header(*this, top_);
    t.header.push_back("");
    t.header.push_back(fmt::format("{} lane(s) of y = convert(a) ({} -> {}, {}, {}).", p_.lanes,
                                   s_.from.name(), s_.to.name(), p_.exponent, p_.rounding));
    t.header.push_back(
        "Latency 1 cycle (combinational converter, registered output), one transaction per "
        "cycle; a global stall on out_ready_i.");
    return {core_mod, top_module(t)};
  }

  std::vector<PortSpec> data_inputs() const override {
    return {lane_port("a_i", "a", p_.lanes, s_.from, s_.from.name() + " codes")};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {lane_port("y_o", "y", p_.lanes, s_.to, s_.to.name() + " codes")};
  }
  int latency() const override { return 1; }
  Operations operations() const override { return {static_cast<double>(p_.lanes), "conversion"}; }

  PortValues emulate(const PortValues& in) const override {
    const int wa = s_.from.width(), wy = s_.to.width();
    BitVec y(p_.lanes * wy);
    for (int i = 0; i < p_.lanes; ++i)
      y.set(i * wy, wy, golden::fp_convert(s_, static_cast<uint32_t>(in[0].get(i * wa, wa))));
    return {y};
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override;

  nlohmann::ordered_json metrics() const override {
    const bool exact = blocks::fp_convert_exact(s_.from, s_.to, s_.exponent);
    return {{"operation", fmt::format("{} -> {}", s_.from.name(), s_.to.name())},
            {"identity", s_.from == s_.to},
            {"exact", exact},
            {"rounding_logic", !exact},
            {"saturation_logic", !exact && s_.from.max_normal() > s_.to.max_normal()}};
  }

 private:
  void add_codes(std::vector<TestVector>& out, const std::vector<uint32_t>& codes,
                 const std::string& label) const {
    for (std::size_t i = 0; i < codes.size(); i += static_cast<std::size_t>(p_.lanes)) {
      std::vector<uint32_t> a;
      for (int l = 0; l < p_.lanes; ++l) {
        const std::size_t k = i + static_cast<std::size_t>(l);
        a.push_back(k < codes.size() ? codes[k] : 0u);
      }
      out.push_back({{pack(a, s_.from.width())}, label});
    }
  }
  // A code of `from` at binade L whose fraction bits below to's quantum there
  // (to's mantissa, plus the denormalization below 2^emin(to)) follow `tail`:
  // 0 zero (exact), 1 half - 1 ulp, 2 a tie, 3 half + 1 ulp, else random.
  uint32_t near(bool sign, int L, int tail, std::mt19937_64& rng) const;
  // A binade of `from` near where `to` rounds, saturates or flushes.
  int boundary_binade(std::mt19937_64& rng) const;

  FpConvertParams p_;
  std::string top_;
  FpConvertSpec s_;
};

uint32_t FpConvertDesign::near(bool sign, int L, int tail, std::mt19937_64& rng) const {
  const FloatFormat &f = s_.from, &t = s_.to;
  const int Mf = f.man_bits;
  // Bits of from's fraction that to drops at binade L.
  const int kept = t.man_bits - std::max(0, t.emin() - L);
  const int drop = std::clamp(Mf - kept, 0, Mf);
  uint32_t frac = static_cast<uint32_t>(rng()) & ((1u << Mf) - 1);
  if (drop > 0 && tail <= 3) {
    const uint32_t low = (1u << drop) - 1, half = 1u << (drop - 1);
    const uint32_t pattern[4] = {0u, half - 1u, half, half + 1u};
    frac = (frac & ~low) | (pattern[tail] & low);
  }
  return make_code(f, sign, L, frac);
}

int FpConvertDesign::boundary_binade(std::mt19937_64& rng) const {
  const FloatFormat &f = s_.from, &t = s_.to;
  const int r = static_cast<int>(rng() % 3);
  int L;
  if (r == 0) {  // around to's largest binade: saturation
    L = t.emax() - 1 + static_cast<int>(rng() % 4);
  } else if (r == 1) {  // below to's smallest normal: subnormals, flushing
    L = t.emin() - t.man_bits - 3 + static_cast<int>(rng() % (t.man_bits + 5));
  } else {  // anywhere in to's normal range
    L = t.emin() + static_cast<int>(rng() % static_cast<uint64_t>(t.emax() - t.emin() + 1));
  }
  return std::clamp(L, l_lo(f), l_hi(f));
}

std::vector<TestVector> FpConvertDesign::corner_cases() const {
  const FloatFormat &f = s_.from, &t = s_.to;
  const uint32_t sgn = 1u << (f.exp_bits + f.man_bits);
  std::vector<TestVector> v;
  if (f.width() <= kExhaustiveBits) {
    std::vector<uint32_t> all(std::size_t{1} << f.width());
    for (uint32_t c = 0; c < all.size(); ++c) all[c] = c;
    add_codes(v, all, "every code of " + f.name());
    return v;
  }
  add_codes(v, special_codes(f), "zeros, subnormals, extremes, Inf, NaN");

  std::vector<uint32_t> cs;
  std::mt19937_64 rng(11);
  // to's extremes as codes of from (through fp32, exact), and their neighbours.
  for (uint32_t tc :
       {t.max_normal_code(), uint32_t{1} << t.man_bits, 1u, (uint32_t{1} << t.man_bits) - 1}) {
    const uint32_t x32 = golden::small_to_fp32(t, tc);
    const uint32_t fc = golden::encode_from_fp32(f, x32, golden::Rounding::NearestEven);
    for (uint32_t d = 0; d < 5; ++d) {
      for (uint32_t c : {fc + d, fc - d}) {
        cs.push_back(c & (sgn - 1));
        cs.push_back((c & (sgn - 1)) | sgn);
      }
    }
  }
  add_codes(v, cs, "to's max normal, min normal, min and max subnormal and their neighbours");

  cs.clear();
  // Every binade from below to's subnormals to above its max, each tail.
  for (int L = std::max(l_lo(f), t.emin() - t.man_bits - 3); L <= std::min(l_hi(f), t.emax() + 2);
       ++L)
    for (int tail = 0; tail < 5; ++tail) cs.push_back(near(L & 1, L, tail, rng));
  add_codes(v, cs, "every binade of to's range and beyond, exact, ties and near-ties");

  cs.clear();
  for (int k = 0; k < 64; ++k)
    cs.push_back(near(rng() & 1, boundary_binade(rng), static_cast<int>(rng() % 4), rng));
  add_codes(v, cs, "rounding ties and near-ties at to's boundaries");
  return v;
}

TestVector FpConvertDesign::random_case(std::mt19937_64& rng) const {
  const FloatFormat& f = s_.from;
  std::vector<uint32_t> a;
  for (int l = 0; l < p_.lanes; ++l) {
    const int r = static_cast<int>(rng() % 100);
    if (r < 35) {
      a.push_back(random_code(f, rng));
    } else if (r < 75) {
      a.push_back(near(rng() & 1, boundary_binade(rng), static_cast<int>(rng() % 5), rng));
    } else if (r < 95) {  // ties anywhere in from's range
      const int L =
          l_lo(f) + static_cast<int>(rng() % static_cast<uint64_t>(l_hi(f) - l_lo(f) + 1));
      a.push_back(near(rng() & 1, L, static_cast<int>(rng() % 4), rng));
    } else {
      const auto sp = special_codes(f);
      a.push_back(sp[rng() % sp.size()]);
    }
  }
  return {{pack(a, f.width())}, "random"};
}

std::string rounding_tag(const std::string& r) {
  return r == "nearest_even" ? "rne" : r == "nearest_away" ? "rna" : "rtz";
}

std::string default_name(const FpConvertParams& p) {
  const FpConvertSpec s = p.spec();
  return fmt::format("arith_fp_convert_{}_to_{}_{}_{}{}", s.from.name(), s.to.name(),
                     p.exponent == "saturate" ? "sat" : "ftz", rounding_tag(p.rounding),
                     p.lanes > 1 ? fmt::format("_l{}", p.lanes) : "");
}

const UnitRegistration registration(make_unit<FpConvertParams>(
    "arith.fp_convert",
    "float format conversion: lanes x convert(a), range BN's Convert (widening exact, "
    "narrowing rounds and saturates)",
    [](const FpConvertParams& p, std::string top) {
      return std::make_unique<FpConvertDesign>(p, std::move(top));
    },
    default_name,
    {
        // Widening: LightNorm's fp10 into fp32 (no rounding logic).
        "from = \"fp10_e5m4\"\nto = \"fp32\"",
        // Gradients: fp32 into fp10 1-6-3, ties to even, two lanes.
        "from = \"fp32\"\nto = \"fp10_e6m3\"\nrounding = \"nearest_even\"\nlanes = 2",
        // The "+8" normalize format back into io, ties away.
        "from = \"fp10_e5m4+8\"\nto = \"fp10_e5m4\"\nrounding = \"nearest_away\"",
        // Hardware without subnormal logic.
        "from = \"fp32\"\nto = \"fp10_e5m4\"\nexponent = \"flush_to_zero\"\nrounding = "
        "\"nearest_even\"",
        // IEEE specials on both sides.
        "from = \"fp32\"\nto = \"bf16\"\nrounding = \"nearest_even\"",
        "from = \"fp32\"\nto = \"fp16_ftz\"\nrounding = \"nearest_away\"",
        // Widening with equal exponent fields (the code copied).
        "from = \"fp10_e5m4\"\nto = \"fp10_e5m4+8\"",
    }));

}  // namespace
}  // namespace bf::fp_operand_io
