// arith.fp_div: the Design (ports, vectors, model) and its registration.
#include <fmt/format.h>

#include <algorithm>

#include "generator/blocks/fp_div.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/units/arith_fp_div/arith_fp_div.hpp"

namespace bf::fp_operand_io {
namespace {

using golden::FloatFormat;
using golden::FpDivParams;
using golden::FpDivSpec;

class FpDivDesign : public Design {
 public:
  FpDivDesign(FpDivParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), s_(p_.spec()) {}

  std::string unit_name() const override { return "arith.fp_div"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    const int cuts = p_.pipeline_stages;
    const std::string core = top_ + "_core";
    auto core_mod = blocks::fp_div_module(s_, core, generated_header(*this, core), cuts);
    TopSpec t;
    t.name = top_;
    t.core = core;
    t.core_pipelined = cuts > 0;
    t.core_stages = cuts;
    t.lanes = p_.lanes;
    t.a_width = s_.a.width();
    t.b_width = s_.b.width();
    t.y_width = s_.y.width();
    t.a_doc = s_.a.name() + " dividends";
    t.b_doc = s_.b.name() + " divisors";
    t.y_doc = s_.y.name() + " quotients";
    t.header = generated_header(*this, top_);
    t.header.push_back("");
    t.header.push_back(fmt::format("{} lane(s) of y = a / b ({} / {} -> {}, {}).", p_.lanes,
                                   s_.a.name(), s_.b.name(), s_.y.name(), p_.rounding));
    t.header.push_back(
        fmt::format("Latency {} cycle(s) (pipeline_stages + 1), one transaction "
                    "per cycle; a global stall on out_ready_i.",
                    latency()));
    return {core_mod, top_module(t)};
  }

  std::vector<PortSpec> data_inputs() const override {
    return {lane_port("a_i", "a", p_.lanes, s_.a, s_.a.name() + " dividends"),
            lane_port("b_i", "b", p_.lanes, s_.b, s_.b.name() + " divisors")};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {lane_port("y_o", "y", p_.lanes, s_.y, s_.y.name() + " quotients")};
  }
  int latency() const override { return p_.pipeline_stages + 1; }
  Operations operations() const override { return {static_cast<double>(p_.lanes), "div"}; }

  PortValues emulate(const PortValues& in) const override {
    const int wa = s_.a.width(), wb = s_.b.width(), wy = s_.y.width();
    BitVec y(p_.lanes * wy);
    for (int i = 0; i < p_.lanes; ++i) {
      const auto a = static_cast<uint32_t>(in[0].get(i * wa, wa));
      const auto b = static_cast<uint32_t>(in[1].get(i * wb, wb));
      y.set(i * wy, wy, golden::fp_div(s_, a, b));
    }
    return {y};
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override;

  nlohmann::ordered_json metrics() const override {
    const auto shape = blocks::fp_div_shape(s_);
    const auto plan = blocks::fp_div_plan(s_);
    return {{"operation", fmt::format("{} / {} -> {}", s_.a.name(), s_.b.name(), s_.y.name())},
            {"recurrence", "restoring, radix 2, one quotient bit per row"},
            {"significand_width", shape.sig_width},
            {"quotient_bits", shape.quotient_bits},
            {"sticky_bit", true},
            {"denormalizer", plan.denormalizes},
            {"overflow_logic", plan.may_overflow}};
  }

 private:
  // Pairs of codes, filled into lanes (the last vector padded with 1 / 1).
  void add_pairs(std::vector<TestVector>& out, const std::vector<std::pair<uint32_t, uint32_t>>& ps,
                 const std::string& label) const {
    const uint32_t one_a = make_code(s_.a, false, 0, 0), one_b = make_code(s_.b, false, 0, 0);
    for (std::size_t i = 0; i < ps.size(); i += static_cast<std::size_t>(p_.lanes)) {
      std::vector<uint32_t> a, b;
      for (int l = 0; l < p_.lanes; ++l) {
        const std::size_t k = i + static_cast<std::size_t>(l);
        a.push_back(k < ps.size() ? ps[k].first : one_a);
        b.push_back(k < ps.size() ? ps[k].second : one_b);
      }
      out.push_back({{pack(a, s_.a.width()), pack(b, s_.b.width())}, label});
    }
  }
  // Operands whose quotient has exponent about L (L = L_a - L_b or one less).
  std::pair<uint32_t, uint32_t> quotient_near(int L, std::mt19937_64& rng) const {
    const int la_lo = std::max(l_lo(s_.a), L + l_lo(s_.b)),
              la_hi = std::min(l_hi(s_.a), L + l_hi(s_.b));
    const int la = la_lo > la_hi
                       ? (L < 0 ? l_lo(s_.a) : l_hi(s_.a))
                       : la_lo + static_cast<int>(rng() % static_cast<uint64_t>(la_hi - la_lo + 1));
    const int lb = std::clamp(la - L, l_lo(s_.b), l_hi(s_.b));
    return {make_code(s_.a, rng() & 1, la, random_frac(s_.a, rng)),
            make_code(s_.b, rng() & 1, lb, random_frac(s_.b, rng))};
  }
  // a = b * c exactly (c in y with a short mantissa), so a / b = c: exact
  // quotients, where the sticky bit must stay 0. {0, 0} when b * c is not
  // exact in a's format.
  std::pair<uint32_t, uint32_t> exact_pair(std::mt19937_64& rng) const {
    const uint32_t b = make_code(s_.b, rng() & 1, static_cast<int>(rng() % 9) - 4,
                                 random_frac(s_.b, rng) & ~((1u << (s_.b.man_bits / 2)) - 1));
    const int keep = std::min(s_.y.man_bits, s_.a.man_bits - s_.b.man_bits / 2 - 1);
    uint32_t frac = random_frac(s_.y, rng);
    if (keep < s_.y.man_bits) frac &= keep <= 0 ? 0u : ~((1u << (s_.y.man_bits - keep)) - 1);
    const uint32_t c = make_code(s_.y, rng() & 1, static_cast<int>(rng() % 9) - 4, frac);
    const golden::FpMulSpec up{s_.b, s_.y, s_.a, golden::Rounding::NearestAway};
    const golden::FpMulSpec down{s_.b, s_.y, s_.a, golden::Rounding::Truncate};
    const uint32_t a = golden::fp_mul(up, b, c);
    return a == golden::fp_mul(down, b, c) ? std::pair{a, b} : std::pair{0u, 0u};
  }

  FpDivParams p_;
  std::string top_;
  FpDivSpec s_;
};

std::vector<TestVector> FpDivDesign::corner_cases() const {
  std::vector<TestVector> v;
  std::vector<std::pair<uint32_t, uint32_t>> ps;
  for (uint32_t a : special_codes(s_.a))
    for (uint32_t b : special_codes(s_.b)) ps.push_back({a, b});
  add_pairs(v, ps, "special / special (zeros, subnormals, extremes, Inf, NaN)");

  std::mt19937_64 rng(13);
  ps.clear();
  for (int L = s_.y.emin() - s_.y.man_bits - 3; L <= s_.y.emin() + 1; ++L)
    for (int k = 0; k < 6; ++k) ps.push_back(quotient_near(L, rng));
  // Exact subnormal quotients and ties: the smallest subnormals of a over
  // small powers of two (when a's range reaches y's subnormals).
  const uint32_t two = make_code(s_.b, false, 1, 0), four = make_code(s_.b, false, 2, 0);
  for (uint32_t mag = 1; mag < 8; ++mag) {
    ps.push_back({mag, two});
    ps.push_back({mag, four});
  }
  add_pairs(v, ps, "quotients near 2^emin: subnormal results, flush, round up to min normal");

  ps.clear();
  for (int L = s_.y.emax() - 1; L <= s_.y.emax() + 1; ++L)
    for (int k = 0; k < 8; ++k) ps.push_back(quotient_near(L, rng));
  ps.push_back({s_.a.max_normal_code(), make_code(s_.b, false, 0, 0)});
  ps.push_back({s_.a.max_normal_code(), make_code(s_.b, false, -1, 0)});  // max / 0.5
  ps.push_back({s_.a.max_normal_code(), make_code(s_.b, false, l_lo(s_.b), 0)});
  add_pairs(v, ps, "quotients near max normal: overflow to Inf / saturation");

  ps.clear();
  const uint32_t one_a = make_code(s_.a, false, 0, 0), one_b = make_code(s_.b, false, 0, 0);
  for (int k = 0; k < 48; ++k) {
    const auto [a, b] = exact_pair(rng);
    if (a != 0 || b != 0) ps.push_back({a, b});
  }
  ps.push_back({one_a, one_b});
  // Quotients just below and above 1: the normalization bit flips.
  ps.push_back({one_a, one_b + 1});
  ps.push_back({one_a + 1, one_b});
  ps.push_back({one_a - 1, one_b});
  ps.push_back({one_a, one_b - 1});
  ps.push_back({make_code(s_.a, false, 0, ~0u), make_code(s_.b, false, 0, ~0u)});
  ps.push_back({make_code(s_.a, false, 1, 0) - 1, one_b + 1});  // (2 - ulp) / (1 + ulp)
  add_pairs(v, ps, "exact quotients, quotients near 1");
  return v;
}

TestVector FpDivDesign::random_case(std::mt19937_64& rng) const {
  std::vector<uint32_t> a, b;
  for (int l = 0; l < p_.lanes; ++l) {
    const int r = static_cast<int>(rng() % 100);
    std::pair<uint32_t, uint32_t> ab;
    if (r < 15) {  // around the underflow threshold / subnormal results
      ab = quotient_near(s_.y.emin() - static_cast<int>(rng() % (s_.y.man_bits + 4)) + 1, rng);
    } else if (r < 25) {  // around overflow
      ab = quotient_near(s_.y.emax() - 1 + static_cast<int>(rng() % 3), rng);
    } else if (r < 35) {  // exact quotients
      ab = exact_pair(rng);
      if (ab.first == 0 && ab.second == 0) ab = {random_code(s_.a, rng), random_code(s_.b, rng)};
    } else if (r < 45) {  // a subnormal operand
      const auto sub = [&rng](const FloatFormat& f) {
        const int L = f.emin() - 1 - static_cast<int>(rng() % static_cast<uint64_t>(f.man_bits));
        return make_code(f, rng() & 1, L, random_frac(f, rng));
      };
      ab = (rng() & 1) ? std::pair{sub(s_.a), random_code(s_.b, rng)}
                       : std::pair{random_code(s_.a, rng), sub(s_.b)};
    } else if (r < 55) {  // close significands: quotients near 1, long remainders
      const int L = static_cast<int>(rng() % 9) - 4;
      const uint32_t frac = random_frac(s_.a, rng);
      const int d = s_.a.man_bits - s_.b.man_bits;
      const uint32_t fb = d >= 0 ? frac >> d : frac << -d;
      ab = {make_code(s_.a, rng() & 1, L, frac),
            make_code(s_.b, rng() & 1, L, fb + static_cast<uint32_t>(rng() % 5) - 2u)};
    } else {
      ab = {random_code(s_.a, rng), random_code(s_.b, rng)};
    }
    a.push_back(ab.first);
    b.push_back(ab.second);
  }
  return {{pack(a, s_.a.width()), pack(b, s_.b.width())}, "random"};
}

std::string default_name(const FpDivParams& p) {
  const bool same = p.a_format == p.b_format && p.b_format == p.y_format;
  return fmt::format(
      "arith_fp_div_{}{}_{}{}_p{}",
      same ? p.a_format : fmt::format("{}_by_{}_to_{}", p.a_format, p.b_format, p.y_format),
      p.subnormals ? "" : "_ftz",
      p.rounding == "nearest_even"   ? "rne"
      : p.rounding == "nearest_away" ? "rna"
                                     : "rtz",
      p.lanes > 1 ? fmt::format("_l{}", p.lanes) : "", p.pipeline_stages);
}

const UnitRegistration registration(make_unit<FpDivParams>(
    "arith.fp_div",
    "floating-point divider: lanes x (a / b), restoring significand recurrence with a sticky "
    "remainder bit, one rounding",
    [](const FpDivParams& p, std::string top) {
      return std::make_unique<FpDivDesign>(p, std::move(top));
    },
    default_name,
    {
        // fp32 with three register cuts in the 26-row array, two lanes.
        "pipeline_stages = 3\nlanes = 2",
        // Mixed formats: a wide dividend, a narrow divisor and quotient that
        // overflow and underflow, flushed subnormals, truncation.
        "a_format = \"fp32\"\nb_format = \"e4m3\"\ny_format = \"bf16\"\nrounding = "
        "\"truncate\"\nsubnormals = false",
        // fp16 with ties away from zero (subnormal quotients round on ties).
        "a_format = \"fp16\"\nb_format = \"fp16\"\ny_format = \"fp16\"\nrounding = "
        "\"nearest_away\"\npipeline_stages = 1",
    }));

}  // namespace
}  // namespace bf::fp_operand_io
