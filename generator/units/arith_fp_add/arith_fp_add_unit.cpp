// arith.fp_add: the Design (ports, vectors, model) and its registration.
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
using golden::FpAddParams;
using golden::FpAddSpec;

class FpAddDesign : public Design {
 public:
  FpAddDesign(FpAddParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), s_(p_.spec()) {}

  std::string unit_name() const override { return "arith.fp_add"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    const bool piped = p_.pipeline_stages >= 1;
    const std::string core = top_ + "_core";
    auto core_mod = blocks::fp_add_module(s_, core, generated_header(*this, core), piped);
    const int w = s_.f.width();
    TopSpec t;
    t.name = top_;
    t.core = core;
    t.core_pipelined = piped;
    t.lanes = p_.lanes;
    t.a_width = t.b_width = t.y_width = w;
    t.a_doc = t.b_doc = s_.f.name() + " operands";
    t.y_doc = s_.f.name() + " sums";
    t.header = generated_header(*this, top_);
    t.header.push_back("");
    t.header.push_back(
        fmt::format("{} lane(s) of y = a + b ({}, {}).", p_.lanes, s_.f.name(), p_.rounding));
    t.header.push_back(
        fmt::format("Latency {} cycle(s) (pipeline_stages + 1), one transaction "
                    "per cycle; a global stall on out_ready_i.",
                    latency()));
    return {core_mod, top_module(t)};
  }

  std::vector<PortSpec> data_inputs() const override {
    return {lane_port("a_i", "a", p_.lanes, s_.f, s_.f.name() + " operands"),
            lane_port("b_i", "b", p_.lanes, s_.f, s_.f.name() + " operands")};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {lane_port("y_o", "y", p_.lanes, s_.f, s_.f.name() + " sums")};
  }
  int latency() const override { return p_.pipeline_stages + 1; }
  Operations operations() const override { return {static_cast<double>(p_.lanes), "add"}; }

  PortValues emulate(const PortValues& in) const override {
    const int w = s_.f.width();
    BitVec y(p_.lanes * w);
    for (int i = 0; i < p_.lanes; ++i) {
      const auto a = static_cast<uint32_t>(in[0].get(i * w, w));
      const auto b = static_cast<uint32_t>(in[1].get(i * w, w));
      y.set(i * w, w, golden::fp_add(s_, a, b));
    }
    return {y};
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override;

  nlohmann::ordered_json metrics() const override {
    const auto plan = blocks::fp_add_plan(s_);
    return {{"operation", fmt::format("{} + {}", s_.f.name(), s_.f.name())},
            {"path",
             "single (swap by magnitude, align with guard/round/sticky, add, "
             "normalize, round)"},
            {"guard_bits", 3},
            {"overflow_logic", plan.may_overflow}};
  }

 private:
  void add_pairs(std::vector<TestVector>& out, const std::vector<std::pair<uint32_t, uint32_t>>& ps,
                 const std::string& label) const {
    const int w = s_.f.width();
    for (std::size_t i = 0; i < ps.size(); i += static_cast<std::size_t>(p_.lanes)) {
      std::vector<uint32_t> a, b;
      for (int l = 0; l < p_.lanes; ++l) {
        const std::size_t k = i + static_cast<std::size_t>(l);
        a.push_back(k < ps.size() ? ps[k].first : 0u);
        b.push_back(k < ps.size() ? ps[k].second : 0u);
      }
      out.push_back({{pack(a, w), pack(b, w)}, label});
    }
  }
  // A partner for a at exponent distance d (b's L = L_a - d), with a biased
  // mantissa: for distances inside the sticky window, the bits that fall off
  // are often exactly a half (ties) or zero.
  uint32_t partner(uint32_t a, int d, std::mt19937_64& rng) const;

  FpAddParams p_;
  std::string top_;
  FpAddSpec s_;
};

// floor(log2 |x|) of a finite nonzero code (subnormals included).
int code_l(const FloatFormat& f, uint32_t code) {
  const int M = f.man_bits;
  const uint32_t mag = code & ((1u << (f.exp_bits + M)) - 1);
  const int field = static_cast<int>(mag >> M);
  if (field != 0) return field - f.bias();
  int top = M - 1;
  while (top > 0 && !((mag >> top) & 1u)) --top;
  return f.emin() - (M - top);
}

uint32_t FpAddDesign::partner(uint32_t a, int d, std::mt19937_64& rng) const {
  const FloatFormat& f = s_.f;
  const int M = f.man_bits;
  const bool sign = rng() & 1;
  const golden::FpValue v = golden::fp_unpack(f, a);
  const int la = v.cls == golden::FpValue::Class::Finite ? code_l(f, a) : 0;
  uint32_t frac = random_frac(f, rng);
  const int r = static_cast<int>(rng() % 4);
  if (d >= 1 && d <= M && r < 2) {
    // The low d bits of b's significand fall below a's quantum: make them a
    // half (100..0) or zero.
    const uint32_t low = (1u << d) - 1;
    frac = (frac & ~low) | (r == 0 ? 1u << (d - 1) : 0u);
  }
  return make_code(f, sign, la - d, frac);
}

std::vector<TestVector> FpAddDesign::corner_cases() const {
  const FloatFormat& f = s_.f;
  const uint32_t sgn = 1u << (f.exp_bits + f.man_bits);
  std::vector<TestVector> v;
  std::vector<std::pair<uint32_t, uint32_t>> ps;
  const auto sp = special_codes(f);
  for (uint32_t a : sp)
    for (uint32_t b : sp) ps.push_back({a, b});
  add_pairs(v, ps, "special + special (zeros, subnormals, extremes, Inf, NaN)");

  ps.clear();
  std::mt19937_64 rng(5);
  for (uint32_t a : sp) {
    ps.push_back({a, a ^ sgn});  // x + (-x) = +0
    ps.push_back({a ^ sgn, a});
  }
  for (int k = 0; k < 40; ++k) {
    const uint32_t a = random_code(f, rng);
    ps.push_back({a, a ^ sgn});
    ps.push_back({a, (a ^ sgn) + 1});  // one ulp apart: full cancellation
    ps.push_back({a, (a ^ sgn) - 1});
  }
  add_pairs(v, ps, "x + (-x), one-ulp cancellation");

  ps.clear();
  // Every alignment distance 0 .. p + 6, with ties below the quantum.
  for (int d = 0; d <= f.man_bits + 7; ++d)
    for (int k = 0; k < 6; ++k) {
      const uint32_t a = make_code(f, k & 1, static_cast<int>(rng() % 9) - 4, random_frac(f, rng));
      ps.push_back({a, partner(a, d, rng)});
    }
  add_pairs(v, ps, "every alignment distance, ties and sticky bits");

  ps.clear();
  const uint32_t maxc = f.max_normal_code();
  ps.push_back({maxc, maxc});
  ps.push_back({maxc | sgn, maxc | sgn});
  ps.push_back({maxc, maxc - 1});
  ps.push_back({maxc, make_code(f, false, f.emax() - f.man_bits - 1, 0)});  // half ulp: tie
  ps.push_back({maxc, make_code(f, false, f.emax() - f.man_bits - 1, 1)});  // above half
  ps.push_back({maxc, make_code(f, false, f.emax() - f.man_bits - 2, 0)});
  ps.push_back({make_code(f, false, f.emin(), 0), make_code(f, true, f.emin() - 1, 0)});
  ps.push_back({make_code(f, false, f.emin(), 0), 1u | sgn});  // min normal - min subnormal
  ps.push_back({make_code(f, false, f.emin(), 1), make_code(f, true, f.emin(), 0)});
  add_pairs(v, ps, "overflow, the normal/subnormal boundary");
  return v;
}

TestVector FpAddDesign::random_case(std::mt19937_64& rng) const {
  const FloatFormat& f = s_.f;
  const int M = f.man_bits;
  const uint32_t sgn = 1u << (f.exp_bits + M);
  std::vector<uint32_t> a, b;
  for (int l = 0; l < p_.lanes; ++l) {
    const int r = static_cast<int>(rng() % 100);
    uint32_t x = random_code(f, rng);
    uint32_t y;
    if (r < 25) {  // same exponent: cancellation
      y = partner(x, 0, rng);
      if (rng() % 3 == 0) y = (x ^ sgn) + static_cast<uint32_t>(rng() % 5) - 2u;
    } else if (r < 40) {  // distance 1 (the near path of a dual-path adder)
      y = partner(x, 1, rng);
    } else if (r < 65) {  // inside the guard/sticky window
      y = partner(x, 2 + static_cast<int>(rng() % (M + 4)), rng);
    } else if (r < 72) {  // far apart: only the sticky bit remains
      y = partner(x, M + 4 + static_cast<int>(rng() % 40), rng);
    } else if (r < 80) {  // both near the top: overflow
      x = make_code(f, false, f.emax() - static_cast<int>(rng() % 2), random_frac(f, rng));
      y = make_code(f, false, f.emax() - static_cast<int>(rng() % 3), random_frac(f, rng));
      if (rng() & 1) x ^= sgn, y ^= sgn;
    } else if (r < 88) {  // subnormal range
      x = make_code(f, rng() & 1, f.emin() - static_cast<int>(rng() % (M + 1)),
                    random_frac(f, rng));
      y = make_code(f, rng() & 1, f.emin() - static_cast<int>(rng() % (M + 1)) + 1,
                    random_frac(f, rng));
    } else {
      y = random_code(f, rng);
    }
    if (rng() & 1) std::swap(x, y);
    a.push_back(x);
    b.push_back(y & ((sgn << 1) - 1));
  }
  return {{pack(a, f.width()), pack(b, f.width())}, "random"};
}

std::string default_name(const FpAddParams& p) {
  return fmt::format("arith_fp_add_{}{}_{}{}_p{}", p.format, p.subnormals ? "" : "_ftz",
                     p.rounding == "nearest_even"   ? "rne"
                     : p.rounding == "nearest_away" ? "rna"
                                                    : "rtz",
                     p.lanes > 1 ? fmt::format("_l{}", p.lanes) : "", p.pipeline_stages);
}

const UnitRegistration registration(make_unit<FpAddParams>(
    "arith.fp_add",
    "floating-point adder: lanes x (a + b) in one format, single path, one rounding",
    [](const FpAddParams& p, std::string top) {
      return std::make_unique<FpAddDesign>(p, std::move(top));
    },
    default_name,
    {
        // bf16 with truncation, a register after the add, two lanes.
        "format = \"bf16\"\nrounding = \"truncate\"\npipeline_stages = 1\nlanes = 2",
        // fp16 with flushed subnormals and ties away from zero.
        "format = \"fp16\"\nrounding = \"nearest_away\"\nsubnormals = false",
    }));

}  // namespace
}  // namespace bf::fp_operand_io
