// arith.fp_minmax: the Design (ports, vectors, model) and its registration.
#include <fmt/format.h>

#include <algorithm>

#include "generator/blocks/fp_minmax.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/verilog/expr.hpp"
#include "golden/units/arith_fp_minmax/arith_fp_minmax.hpp"

namespace bf::fp_operand_io {
namespace {

using golden::FloatFormat;
using golden::FpMinMaxParams;
using golden::FpMinMaxSpec;

class FpMinMaxDesign : public Design {
 public:
  FpMinMaxDesign(FpMinMaxParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), s_(p_.spec()) {}

  std::string unit_name() const override { return "arith.fp_minmax"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override;

  std::vector<PortSpec> data_inputs() const override {
    return {lane_port("a_i", "a", p_.lanes, s_.f, s_.f.name() + " operands"),
            lane_port("b_i", "b", p_.lanes, s_.f, s_.f.name() + " operands")};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {lane_port("y_o", "y", p_.lanes, s_.f, fmt::format("fp_{}(a, b)", p_.op)),
            {"b_taken_o", p_.lanes, "lane i: b lies strictly beyond a (bit i)", {}}};
  }
  int latency() const override { return 1; }
  Operations operations() const override { return {static_cast<double>(p_.lanes), "compare"}; }

  PortValues emulate(const PortValues& in) const override {
    const int w = s_.f.width();
    BitVec y(p_.lanes * w), taken(p_.lanes);
    for (int i = 0; i < p_.lanes; ++i) {
      const auto r = golden::fp_minmax(s_, static_cast<uint32_t>(in[0].get(i * w, w)),
                                       static_cast<uint32_t>(in[1].get(i * w, w)));
      y.set(i * w, w, r.y);
      taken.set(i, 1, r.b_taken ? 1u : 0u);
    }
    return {y, taken};
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override;

  nlohmann::ordered_json metrics() const override {
    return {{"operation", fmt::format("fp_{}({})", p_.op, s_.f.name())},
            {"nan", s_.f.specials != golden::SpecialValues::None},
            {"daz", !s_.f.subnormals}};
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
  // A partner for a: the same code, its negation, one ulp away, a DAZ alias
  // (a subnormal of the same sign when a reads as zero) or another code.
  uint32_t partner(uint32_t a, std::mt19937_64& rng) const;

  FpMinMaxParams p_;
  std::string top_;
  FpMinMaxSpec s_;
};

std::vector<vlog::Module> FpMinMaxDesign::modules() const {
  using vlog::lane;
  const FloatFormat& f = s_.f;
  const int w = f.width(), n = p_.lanes;
  const blocks::FpMinMaxOp op = s_.max ? blocks::FpMinMaxOp::Max : blocks::FpMinMaxOp::Min;
  const vlog::Module node = blocks::fp_minmax_primitive(f, op);
  vlog::Module m;
  m.name = top_;
  m.header = generated_header(*this, top_);
  m.header.push_back("");
  m.header.push_back(
      fmt::format("{} lane(s) of y = fp_{}(a, b) in {}, with b_taken (b strictly "
                  "beyond a).",
                  n, p_.op, f.name()));
  m.header.push_back(
      "Latency 1 cycle (combinational node, registered output), one transaction per cycle; a "
      "global stall on out_ready_i.");
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("a_i", n * w, fmt::format("{} operands; lane i at a_i[{}*i +: {}]", f.name(), w, w));
  m.input("b_i", n * w, fmt::format("{} operands; lane i at b_i[{}*i +: {}]", f.name(), w, w));
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("y_o", n * w, fmt::format("fp_{}(a, b); lane i at y_o[{}*i +: {}]", p_.op, w, w));
  m.output("b_taken_o", n, "lane i: b strictly beyond a");

  blocks::StreamShell shell(m);

  m.blank();
  m.comment(fmt::format("{} lane(s) of {}", n, node.name));
  m.wire("y_d", n * w);
  m.wire("b_taken_d", n);
  vlog::GenerateFor gen{"i", n, "g_lane", {}, ""};
  gen.body.push_back(vlog::instance_of(node, "u_node",
                                       {{"a_i", lane("a_i", n * w, "i", w, 0, w)},
                                        {"b_i", lane("b_i", n * w, "i", w, 0, w)},
                                        {"y_o", lane("y_d", n * w, "i", w, 0, w)},
                                        {"b_taken_o", lane("b_taken_d", n, "i", 1, 0, 1)}}));
  m.add(std::move(gen));
  m.use(node);

  shell.output({{"y_q", "y_d", n * w}, {"b_taken_q", "b_taken_d", n}});
  m.assign("y_o", "y_q");
  m.assign("b_taken_o", "b_taken_q");
  return {m};
}

uint32_t FpMinMaxDesign::partner(uint32_t a, std::mt19937_64& rng) const {
  const FloatFormat& f = s_.f;
  const int M = f.man_bits;
  const uint32_t sgn = 1u << (f.exp_bits + M), mask = (sgn << 1) - 1;
  switch (rng() % 7) {
    case 0:
      return a;
    case 1:
      return a ^ sgn;
    case 2:
      return (a + 1) & mask;
    case 3:
      return (a - 1) & mask;
    case 4:  // a subnormal or zero of either sign: DAZ aliases, -0 vs +0
      return ((rng() & 1) ? sgn : 0u) | (static_cast<uint32_t>(rng()) & ((1u << M) - 1));
    case 5:  // the same magnitude class, other mantissa
      return (a & ~((1u << M) - 1)) | (static_cast<uint32_t>(rng()) & ((1u << M) - 1));
    default:
      return random_code(f, rng);
  }
}

std::vector<TestVector> FpMinMaxDesign::corner_cases() const {
  const FloatFormat& f = s_.f;
  const int M = f.man_bits;
  const uint32_t sgn = 1u << (f.exp_bits + M);
  std::vector<TestVector> v;
  std::vector<std::pair<uint32_t, uint32_t>> ps;
  const auto sp = special_codes(f);
  for (uint32_t a : sp)
    for (uint32_t b : sp) ps.push_back({a, b});
  add_pairs(v, ps, "special x special (zeros, subnormals, extremes, Inf, NaN)");

  ps.clear();
  // -0 / +0 and DAZ aliases of zero (subnormals equal zero when f flushes them).
  const std::vector<uint32_t> tiny = {
      0u, sgn, 1u, sgn | 1u, (1u << M) - 1, sgn | ((1u << M) - 1), 1u << M, sgn | (1u << M)};
  for (uint32_t a : tiny)
    for (uint32_t b : tiny) ps.push_back({a, b});
  add_pairs(v, ps, "signed zeros, subnormals and the smallest normals, every order");

  ps.clear();
  std::mt19937_64 rng(13);
  for (int k = 0; k < 256; ++k) {
    const uint32_t a = random_code(f, rng);
    ps.push_back({a, partner(a, rng)});
  }
  add_pairs(v, ps, "equal codes, negations, one ulp apart");
  return v;
}

TestVector FpMinMaxDesign::random_case(std::mt19937_64& rng) const {
  const FloatFormat& f = s_.f;
  std::vector<uint32_t> a, b;
  for (int l = 0; l < p_.lanes; ++l) {
    const uint32_t x = random_code(f, rng);
    const uint32_t y = rng() % 4 == 0 ? random_code(f, rng) : partner(x, rng);
    const bool swap = rng() & 1;
    a.push_back(swap ? y : x);
    b.push_back(swap ? x : y);
  }
  return {{pack(a, f.width()), pack(b, f.width())}, "random"};
}

std::string default_name(const FpMinMaxParams& p) {
  const FpMinMaxSpec s = p.spec();
  return fmt::format("arith_fp_{}_{}{}", p.op, s.f.name(),
                     p.lanes > 1 ? fmt::format("_l{}", p.lanes) : "");
}

const UnitRegistration registration(make_unit<FpMinMaxParams>(
    "arith.fp_minmax",
    "float compare-select: lanes x fp_max or fp_min (total order, -0 < +0, NaN, DAZ) with a "
    "b-taken flag for running extremes",
    [](const FpMinMaxParams& p, std::string top) {
      return std::make_unique<FpMinMaxDesign>(p, std::move(top));
    },
    default_name,
    {
        // fp32 minimum: NaN, -0 < +0, subnormals exact; two lanes.
        "format = \"fp32\"\nop = \"min\"\nlanes = 2",
        // fp32 maximum.
        "format = \"fp32\"\nop = \"max\"",
        // A format without subnormals: DAZ aliases of zero.
        "format = \"fp16_ftz\"\nop = \"max\"",
        // LightNorm's gradient format, minimum.
        "format = \"fp10_e6m3\"\nop = \"min\"",
        // e4m3: NaN without Inf.
        "format = \"e4m3\"\nop = \"max\"",
    }));

}  // namespace
}  // namespace bf::fp_operand_io
