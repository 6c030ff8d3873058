// arith.fp_mul: the Design (ports, vectors, model) and its registration.
#include <fmt/format.h>

#include <algorithm>

#include "generator/blocks/fp_modules.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "golden/units/arith_fp_add/arith_fp_add.hpp"
#include "golden/units/arith_fp_mul/arith_fp_mul.hpp"

namespace bf::fp_operand_io {
namespace {

using golden::FloatFormat;
using golden::FpMulParams;
using golden::FpMulSpec;

class FpMulDesign : public Design {
 public:
  FpMulDesign(FpMulParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), s_(p_.spec()) {}

  std::string unit_name() const override { return "arith.fp_mul"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    const bool piped = p_.pipeline_stages >= 1;
    const std::string core = top_ + "_core";
    auto core_mod = blocks::fp_mul_module(s_, core, generated_header(*this, core), piped);
    TopSpec t;
    t.name = top_;
    t.core = core;
    t.core_pipelined = piped;
    t.lanes = p_.lanes;
    t.a_width = s_.a.width();
    t.b_width = s_.b.width();
    t.y_width = s_.y.width();
    t.a_doc = s_.a.name() + " operands";
    t.b_doc = s_.b.name() + " operands";
    t.y_doc = s_.y.name() + " products";
    t.header = generated_header(*this, top_);
    t.header.push_back("");
    t.header.push_back(fmt::format("{} lane(s) of y = a * b ({} x {} -> {}, {}).", p_.lanes,
                                   s_.a.name(), s_.b.name(), s_.y.name(), p_.rounding));
    t.header.push_back(
        fmt::format("Latency {} cycle(s) (pipeline_stages + 1), one transaction "
                    "per cycle; a global stall on out_ready_i.",
                    latency()));
    return {core_mod, top_module(t)};
  }

  std::vector<PortSpec> data_inputs() const override {
    return {lane_port("a_i", "a", p_.lanes, s_.a, s_.a.name() + " operands"),
            lane_port("b_i", "b", p_.lanes, s_.b, s_.b.name() + " operands")};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {lane_port("y_o", "y", p_.lanes, s_.y, s_.y.name() + " products")};
  }
  int latency() const override { return p_.pipeline_stages + 1; }
  Operations operations() const override { return {static_cast<double>(p_.lanes), "multiply"}; }

  PortValues emulate(const PortValues& in) const override {
    const int wa = s_.a.width(), wb = s_.b.width(), wy = s_.y.width();
    BitVec y(p_.lanes * wy);
    for (int i = 0; i < p_.lanes; ++i) {
      const auto a = static_cast<uint32_t>(in[0].get(i * wa, wa));
      const auto b = static_cast<uint32_t>(in[1].get(i * wb, wb));
      y.set(i * wy, wy, golden::fp_mul(s_, a, b));
    }
    return {y};
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override;

  nlohmann::ordered_json metrics() const override {
    const auto plan = blocks::fp_mul_plan(s_);
    return {{"operation", fmt::format("{} x {} -> {}", s_.a.name(), s_.b.name(), s_.y.name())},
            {"product_exponent_range", {s_.l_min(), s_.l_max()}},
            {"result_normal_range", {s_.y.emin(), s_.y.emax()}},
            {"precision_exact", s_.precision_exact()},
            {"always_exact", s_.exact()},
            {"may_overflow", s_.may_overflow()},
            {"may_underflow", s_.may_underflow()},
            {"rounding_increment", plan.rounds},
            {"denormalizer", plan.denormalizes},
            {"overflow_logic", plan.may_overflow}};
  }

 private:
  // Pairs of codes, filled into lanes (the last vector padded with 1 * 1).
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
  // Operands whose product has exponent about L (split between a and b).
  std::pair<uint32_t, uint32_t> product_near(int L, std::mt19937_64& rng) const {
    const int la_lo = std::max(l_lo(s_.a), L - l_hi(s_.b)),
              la_hi = std::min(l_hi(s_.a), L - l_lo(s_.b));
    const int la = la_lo > la_hi
                       ? std::clamp(L / 2, l_lo(s_.a), l_hi(s_.a))
                       : la_lo + static_cast<int>(rng() % static_cast<uint64_t>(la_hi - la_lo + 1));
    const int lb = std::clamp(L - la, l_lo(s_.b), l_hi(s_.b));
    return {make_code(s_.a, rng() & 1, la, random_frac(s_.a, rng)),
            make_code(s_.b, rng() & 1, lb, random_frac(s_.b, rng))};
  }

  FpMulParams p_;
  std::string top_;
  FpMulSpec s_;
};

std::vector<TestVector> FpMulDesign::corner_cases() const {
  std::vector<TestVector> v;
  std::vector<std::pair<uint32_t, uint32_t>> ps;
  for (uint32_t a : special_codes(s_.a))
    for (uint32_t b : special_codes(s_.b)) ps.push_back({a, b});
  add_pairs(v, ps, "special x special (zeros, subnormals, extremes, Inf, NaN)");

  // Products around the result's underflow threshold and subnormal range,
  // and around its overflow threshold, with all-ones / tie / random mantissas.
  std::mt19937_64 rng(11);
  ps.clear();
  for (int L = s_.y.emin() - s_.y.man_bits - 3; L <= s_.y.emin() + 1; ++L)
    for (int k = 0; k < 6; ++k) ps.push_back(product_near(L, rng));
  add_pairs(v, ps, "products near 2^emin: subnormal results, flush, round up to min normal");
  ps.clear();
  for (int L = s_.y.emax() - 1; L <= s_.y.emax() + 1; ++L)
    for (int k = 0; k < 8; ++k) ps.push_back(product_near(L, rng));
  // max * max, max * 1, (2 - ulp) * (2 - ulp) at the top binade.
  ps.push_back({s_.a.max_normal_code(), s_.b.max_normal_code()});
  ps.push_back({s_.a.max_normal_code(), make_code(s_.b, false, 0, 0)});
  add_pairs(v, ps, "products near max normal: overflow to Inf / saturation");
  ps.clear();
  // Rounding ties: (1 + 2^-1) * (1 + odd/2^M) style products whose dropped
  // bits are exactly one half (when the product needs rounding at all).
  for (int k = 0; k < 24; ++k) {
    const uint32_t fa = 1u << (s_.a.man_bits - 1);
    const uint32_t fb = static_cast<uint32_t>(rng()) | 1u;
    ps.push_back({make_code(s_.a, k & 1, 0, fa), make_code(s_.b, k & 2, k % 5 - 2, fb)});
  }
  add_pairs(v, ps, "rounding ties and near-ties");
  return v;
}

TestVector FpMulDesign::random_case(std::mt19937_64& rng) const {
  std::vector<uint32_t> a, b;
  for (int l = 0; l < p_.lanes; ++l) {
    const int r = static_cast<int>(rng() % 100);
    std::pair<uint32_t, uint32_t> ab;
    if (r < 20) {  // around the underflow threshold / subnormal results
      ab = product_near(s_.y.emin() - static_cast<int>(rng() % (s_.y.man_bits + 4)) + 1, rng);
    } else if (r < 30) {  // around overflow
      ab = product_near(s_.y.emax() - 1 + static_cast<int>(rng() % 3), rng);
    } else if (r < 40) {  // a subnormal operand
      const auto sub = [&rng](const FloatFormat& f) {
        const int L = f.emin() - 1 - static_cast<int>(rng() % static_cast<uint64_t>(f.man_bits));
        return make_code(f, rng() & 1, L, random_frac(f, rng));
      };
      if (rng() & 1) {
        ab = {sub(s_.a), random_code(s_.b, rng)};
      } else {
        ab = {random_code(s_.a, rng), sub(s_.b)};
      }
    } else {
      ab = {random_code(s_.a, rng), random_code(s_.b, rng)};
    }
    a.push_back(ab.first);
    b.push_back(ab.second);
  }
  return {{pack(a, s_.a.width()), pack(b, s_.b.width())}, "random"};
}

std::string default_name(const FpMulParams& p) {
  return fmt::format("arith_fp_mul_{}x{}_{}{}_{}{}_p{}", p.a_format, p.b_format, p.y_format,
                     p.subnormals ? "" : "_ftz",
                     p.rounding == "nearest_even"   ? "rne"
                     : p.rounding == "nearest_away" ? "rna"
                                                    : "rtz",
                     p.lanes > 1 ? fmt::format("_l{}", p.lanes) : "", p.pipeline_stages);
}

const UnitRegistration registration(make_unit<FpMulParams>(
    "arith.fp_mul",
    "floating-point multiplier: lanes x (a * b), parametric operand/result formats, one rounding",
    [](const FpMulParams& p, std::string top) {
      return std::make_unique<FpMulDesign>(p, std::move(top));
    },
    default_name,
    {
        // The full rounding path: 8 x 24 significand bits into 24, subnormal
        // operands and results, a register after the product.
        "a_format = \"bf16\"\nb_format = \"fp32\"\ny_format = \"fp32\"\npipeline_stages = 1",
        // Flushed subnormals, truncation, a narrow result that overflows and
        // underflows, an operand without Inf, two lanes.
        "a_format = \"e4m3\"\nb_format = \"bf16\"\ny_format = \"fp16\"\nrounding = "
        "\"truncate\"\nsubnormals = false\nlanes = 2",
    }));

}  // namespace
}  // namespace bf::fp_operand_io
