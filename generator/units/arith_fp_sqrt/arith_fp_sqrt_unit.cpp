// arith.fp_sqrt: the Design (ports, vectors, model) and its registration.
#include <fmt/format.h>

#include <algorithm>

#include "generator/blocks/fp_sqrt.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/units/arith_fp_sqrt/arith_fp_sqrt.hpp"

namespace bf::fp_operand_io {
namespace {

using golden::FloatFormat;
using golden::FpSqrtParams;
using golden::FpSqrtSpec;

class FpSqrtDesign : public Design {
 public:
  FpSqrtDesign(FpSqrtParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), s_(p_.spec()) {}

  std::string unit_name() const override { return "arith.fp_sqrt"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    const int cuts = p_.pipeline_stages;
    const std::string core = top_ + "_core";
    auto core_mod = blocks::fp_sqrt_module(s_, core, generated_header(*this, core), cuts);
    TopSpec t;
    t.name = top_;
    t.core = core;
    t.core_pipelined = cuts > 0;
    t.core_stages = cuts;
    t.lanes = p_.lanes;
    t.a_width = s_.a.width();
    t.b_width = 0;  // unary
    t.y_width = s_.y.width();
    t.a_doc = s_.a.name() + " operands";
    t.y_doc = s_.y.name() + " roots";
    t.header = generated_header(*this, top_);
    t.header.push_back("");
    t.header.push_back(fmt::format("{} lane(s) of y = sqrt(a) ({} -> {}, {}).", p_.lanes,
                                   s_.a.name(), s_.y.name(), p_.rounding));
    t.header.push_back(
        fmt::format("Latency {} cycle(s) (pipeline_stages + 1), one transaction "
                    "per cycle; a global stall on out_ready_i.",
                    latency()));
    return {core_mod, top_module(t)};
  }

  std::vector<PortSpec> data_inputs() const override {
    return {lane_port("a_i", "a", p_.lanes, s_.a, s_.a.name() + " operands")};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {lane_port("y_o", "y", p_.lanes, s_.y, s_.y.name() + " roots")};
  }
  int latency() const override { return p_.pipeline_stages + 1; }
  Operations operations() const override { return {static_cast<double>(p_.lanes), "sqrt"}; }

  PortValues emulate(const PortValues& in) const override {
    const int wa = s_.a.width(), wy = s_.y.width();
    BitVec y(p_.lanes * wy);
    for (int i = 0; i < p_.lanes; ++i)
      y.set(i * wy, wy, golden::fp_sqrt(s_, static_cast<uint32_t>(in[0].get(i * wa, wa))));
    return {y};
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override;

  nlohmann::ordered_json metrics() const override {
    const auto shape = blocks::fp_sqrt_shape(s_);
    const auto plan = blocks::fp_sqrt_plan(s_);
    return {{"operation", fmt::format("sqrt {} -> {}", s_.a.name(), s_.y.name())},
            {"recurrence", "restoring, radix 2, one root bit per row"},
            {"root_bits", shape.root_bits},
            {"sticky_bit", true},
            {"denormalizer", plan.denormalizes},
            {"overflow_logic", plan.may_overflow}};
  }

 private:
  // Codes, filled into lanes (the last vector padded with 1).
  void add_codes(std::vector<TestVector>& out, const std::vector<uint32_t>& cs,
                 const std::string& label) const {
    const uint32_t one = make_code(s_.a, false, 0, 0);
    for (std::size_t i = 0; i < cs.size(); i += static_cast<std::size_t>(p_.lanes)) {
      std::vector<uint32_t> a;
      for (int l = 0; l < p_.lanes; ++l) {
        const std::size_t k = i + static_cast<std::size_t>(l);
        a.push_back(k < cs.size() ? cs[k] : one);
      }
      out.push_back({{pack(a, s_.a.width())}, label});
    }
  }
  // c * c for a root c with a short mantissa (exact in a's format, when it
  // is: the root is then exact and the sticky bit must stay 0), or a code
  // next to it (+-1 ulp: the remainder is small but nonzero). 0 when the
  // square is not exact.
  uint32_t square(std::mt19937_64& rng, int L, int ulps) const {
    const int keep = std::max(0, std::min(s_.y.man_bits, (s_.a.man_bits - 1) / 2));
    uint32_t frac = random_frac(s_.y, rng);
    frac &= keep == 0 ? 0u : ~((1u << (s_.y.man_bits - keep)) - 1);
    const uint32_t c = make_code(s_.y, false, L, frac);
    const golden::FpMulSpec up{s_.y, s_.y, s_.a, golden::Rounding::NearestAway};
    const golden::FpMulSpec down{s_.y, s_.y, s_.a, golden::Rounding::Truncate};
    const uint32_t a = golden::fp_mul(up, c, c);
    if (a != golden::fp_mul(down, c, c) || a == 0) return 0;
    return a + static_cast<uint32_t>(ulps);
  }

  FpSqrtParams p_;
  std::string top_;
  FpSqrtSpec s_;
};

std::vector<TestVector> FpSqrtDesign::corner_cases() const {
  const FloatFormat& f = s_.a;
  std::vector<TestVector> v;
  add_codes(v, special_codes(f), "specials (signed zeros, subnormals, extremes, Inf, NaN)");

  std::vector<uint32_t> cs;
  // Both exponent parities at every binade boundary: 2^L - ulp, 2^L, 2^L + ulp.
  for (int L = l_lo(f); L <= l_hi(f); ++L) {
    const uint32_t p = make_code(f, false, L, 0);
    cs.push_back(p);
    if (p > 1) cs.push_back(p - 1);
    cs.push_back(p + 1);
  }
  add_codes(v, cs, "every binade: 2^L and its neighbours (odd and even exponents)");

  cs.clear();
  std::mt19937_64 rng(17);
  for (int k = 0; k < 64; ++k) {
    const int L = static_cast<int>(rng() % 21) - 10;
    for (int ulps : {0, -1, 1}) {
      const uint32_t a = square(rng, L, ulps);
      if (a != 0) cs.push_back(a);
    }
  }
  if (f.man_bits >= 2) cs.push_back(make_code(f, false, 1, 1u << (f.man_bits - 2)));  // 2.5
  if (f.man_bits >= 3) cs.push_back(make_code(f, false, 1, 1u << (f.man_bits - 3)));  // 1.5^2
  cs.push_back(f.max_normal_code());
  add_codes(v, cs, "perfect squares and their neighbours");
  return v;
}

TestVector FpSqrtDesign::random_case(std::mt19937_64& rng) const {
  const FloatFormat& f = s_.a;
  const uint32_t sgn = 1u << (f.exp_bits + f.man_bits);
  std::vector<uint32_t> a;
  for (int l = 0; l < p_.lanes; ++l) {
    const int r = static_cast<int>(rng() % 100);
    uint32_t x;
    if (r < 15) {  // perfect squares and their neighbours
      x = square(rng, static_cast<int>(rng() % 41) - 20, static_cast<int>(rng() % 3) - 1);
      if (x == 0) x = random_code(f, rng) & ~sgn;
    } else if (r < 30) {  // subnormal operands
      x = make_code(f, false, f.emin() - 1 - static_cast<int>(rng() % f.man_bits),
                    random_frac(f, rng));
    } else if (r < 40) {  // the whole range, either sign
      x = random_code(f, rng);
    } else {  // positive operands anywhere (random_code biases exponents near 0)
      x = make_code(
          f, false,
          l_lo(f) + static_cast<int>(rng() % static_cast<uint64_t>(l_hi(f) - l_lo(f) + 1)),
          random_frac(f, rng));
      if (r < 60) x = random_code(f, rng) & ~sgn;
    }
    a.push_back(x);
  }
  return {{pack(a, f.width())}, "random"};
}

std::string default_name(const FpSqrtParams& p) {
  return fmt::format(
      "arith_fp_sqrt_{}{}_{}{}_p{}",
      p.a_format == p.y_format ? p.a_format : fmt::format("{}_to_{}", p.a_format, p.y_format),
      p.subnormals ? "" : "_ftz",
      p.rounding == "nearest_even"   ? "rne"
      : p.rounding == "nearest_away" ? "rna"
                                     : "rtz",
      p.lanes > 1 ? fmt::format("_l{}", p.lanes) : "", p.pipeline_stages);
}

const UnitRegistration registration(make_unit<FpSqrtParams>(
    "arith.fp_sqrt",
    "floating-point square root: lanes x sqrt(a), restoring root recurrence with a sticky "
    "remainder bit, one rounding",
    [](const FpSqrtParams& p, std::string top) {
      return std::make_unique<FpSqrtDesign>(p, std::move(top));
    },
    default_name,
    {
        // fp32 with four register cuts in the 26-row array, two lanes.
        "pipeline_stages = 4\nlanes = 2",
        // fp32 roots into bf16 (a 13-row array sized by the operand), flushed
        // subnormals, truncation.
        "a_format = \"fp32\"\ny_format = \"bf16\"\nrounding = \"truncate\"\nsubnormals = false",
        // fp32 roots into fp16: roots below 2^-14 are subnormal or zero and
        // roots above 2^16 overflow (the denormalizer and overflow logic of
        // fp_round_pack), ties away from zero.
        "a_format = \"fp32\"\ny_format = \"fp16\"\nrounding = \"nearest_away\"\npipeline_stages = "
        "2",
    }));

}  // namespace
}  // namespace bf::fp_operand_io
