#include "generator/units/flexblock_pe/flexblock_pe_mac.hpp"

#include <fmt/format.h>

#include "generator/blocks/adder_tree.hpp"
#include "generator/blocks/primitive.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::flexblock_pe {

namespace fb = golden::flexblock;
using fb::Mode;
using golden::FlexblockPeConfig;
using vlog::bit;
using vlog::hex_lit;
using vlog::lit;
using vlog::part;
using vlog::zext;

namespace {

constexpr int kSlots = fb::kSubMultipliers;

// The unsigned w x w multiplier every lane or slot instantiates.
vlog::Module multiplier(int w) {
  vlog::Module m;
  m.name = fmt::format("mul_u{0}x{0}", w);
  m.header = blocks::primitive_header(
      fmt::format("mul_u{0}x{0} (unsigned {0} x {0} -> {1} bits)", w, 2 * w),
      {"One sub-multiplier / lane multiplier of a FlexBlock PE: p = a * b."});
  m.input("a_i", w);
  m.input("b_i", w);
  m.output("p_o", 2 * w);
  m.assign("p_o", fmt::format("{} * {}", zext("a_i", w, 2 * w), zext("b_i", w, 2 * w)));
  return m;
}

// A routing field packed as a constant: slot s at [width*s +: width].
std::string table(const std::vector<int>& v, int width) {
  uint64_t x = 0;
  for (std::size_t s = 0; s < v.size(); ++s)
    x |= static_cast<uint64_t>(v[s]) << (width * static_cast<int>(s));
  return hex_lit(width * static_cast<int>(v.size()), x);
}

std::string pair_name(Mode a, Mode b) {
  return fmt::format("A {}-bit x B {}-bit: {} lane{}", fb::mantissa_bits(a), fb::mantissa_bits(b),
                     fb::products_per_beat(a, b), fb::products_per_beat(a, b) > 1 ? "s" : "");
}

class MacBuilder {
 public:
  MacBuilder(const FlexblockPeConfig& c, vlog::Module& m) : c_(c), m_(m), w_(c.beat_sum_bits()) {}

  void build() {
    ports();
    if (!c_.fixed || !c_.direct_multipliers) {
      route();
      sub_multiplier_slots();
    } else {
      direct_lanes();
    }
    beat_sum();
  }

 private:
  void ports();
  void route();
  void sub_multiplier_slots();
  void direct_lanes();
  void beat_sum();
  // One product's tree operand: {neg, mag ^ {neg}} (= -mag - 1 when negative).
  std::vector<vlog::GenItem> signed_term(const std::string& mag, const std::string& neg,
                                         const std::string& var);

  const FlexblockPeConfig& c_;
  vlog::Module& m_;
  int w_;          // beat sum and tree operand width
  int lanes_ = 0;  // tree operands (slots or direct lanes)
};

void MacBuilder::ports() {
  auto& m = m_;
  if (!c_.fixed) {
    m.input("mode_a_i", 2, "A's mantissa mode: 0 = 4, 1 = 8, 2 = 16 bits (3 reads as 16)");
    m.input("mode_b_i", 2, "B's mantissa mode, coded as mode_a_i");
  }
  const std::string layout =
      c_.fixed ? fmt::format("lane p at [{0}*p +: {0}]", c_.lane_bits())
               : std::string("lane p of an m-bit mode at [m*p +: m]");
  m.input("a_i", c_.bus_bits(), "A magnitudes, " + layout);
  m.input("a_sign_i", c_.lanes(), "A signs, lane p at bit p");
  m.input("b_i", c_.bus_bits(), "B magnitudes, " + layout);
  m.input("b_sign_i", c_.lanes(), "B signs, lane p at bit p");
  m.output("beat_sum_o", w_, "the beat's exact sum, two's complement");
}

void MacBuilder::route() {
  auto& m = m_;
  lanes_ = kSlots;
  m.blank();
  m.comment("Sub-multiplier routing (golden: flexblock::beat_sum). Slot s multiplies A nibble");
  m.comment("route_a[s] by B nibble route_b[s], shifts the product by 4 * route_sh[s] and takes");
  m.comment("the sign of lane route_lane[s]: an m-bit magnitude is m/4 nibbles, so a product");
  m.comment("of an ma-bit by an mb-bit magnitude spans (ma/4)(mb/4) slots.");
  m.wire("route_a", 4 * kSlots, "per slot, 4 bits");
  m.wire("route_b", 4 * kSlots, "per slot, 4 bits");
  m.wire("route_sh", 3 * kSlots, "per slot, 3 bits: nibble offset i + j");
  m.wire("route_lane", 4 * kSlots, "per slot, 4 bits");
  if (c_.fixed) {
    const Routing r = routing(c_.mode, c_.mode);
    m.comment(pair_name(c_.mode, c_.mode) + " (the mode is tied).");
    m.assign("route_a", table(r.a_nibble, 4));
    m.assign("route_b", table(r.b_nibble, 4));
    m.assign("route_sh", table(r.shift, 3));
    m.assign("route_lane", table(r.lane, 4));
    return;
  }
  m.wire("mode_a", 2, "code 3 reads as 16 bits");
  m.assign("mode_a", "(mode_a_i == 2'd3) ? 2'd2 : mode_a_i");
  m.wire("mode_b", 2);
  m.assign("mode_b", "(mode_b_i == 2'd3) ? 2'd2 : mode_b_i");
  m.wire("mode_pair", 4, "{mode_b, mode_a}");
  m.assign("mode_pair", "{mode_b, mode_a}");
  m.reg("route_a_r", 4 * kSlots);
  m.reg("route_b_r", 4 * kSlots);
  m.reg("route_sh_r", 3 * kSlots);
  m.reg("route_lane_r", 4 * kSlots);
  vlog::Case k{"mode_pair", {}};
  for (int b = 0; b < 3; ++b)
    for (int a = 0; a < 3; ++a) {
      const Mode ma = static_cast<Mode>(a), mb = static_cast<Mode>(b);
      const Routing r = routing(ma, mb);
      const bool last = a == 2 && b == 2;
      vlog::CaseItem item;
      item.label = last ? "default" : lit(4, static_cast<uint64_t>(b * 4 + a));
      item.body = {vlog::comment_stmt(pair_name(ma, mb) +
                                      (last ? " (mode_pair 4'd10; no other value)" : "")),
                   vlog::set("route_a_r", table(r.a_nibble, 4)),
                   vlog::set("route_b_r", table(r.b_nibble, 4)),
                   vlog::set("route_sh_r", table(r.shift, 3)),
                   vlog::set("route_lane_r", table(r.lane, 4))};
      k.items.push_back(item);
    }
  m.add(vlog::Combinational{{vlog::Stmt{k}}, "the routing table of this beat's mode pair"});
  m.assign("route_a", "route_a_r");
  m.assign("route_b", "route_b_r");
  m.assign("route_sh", "route_sh_r");
  m.assign("route_lane", "route_lane_r");
}

std::vector<vlog::GenItem> MacBuilder::signed_term(const std::string& mag, const std::string& neg,
                                                   const std::string& var) {
  return {vlog::Assign{vlog::lane("terms", lanes_ * w_, var, w_, 0, w_),
                       fmt::format("{{{0}, {1} ^ {{{2}{{{0}}}}}}}", neg, mag, w_ - 1),
                       "x, or ~x = -x - 1 when negative"},
          vlog::Assign{vlog::lane("negs", lanes_, var, 1, 0, 1), neg, ""}};
}

void MacBuilder::sub_multiplier_slots() {
  auto& m = m_;
  const vlog::Module mul = multiplier(4);
  m.use(mul);
  const int frame = w_ - 1;  // magnitude frame of a shifted slot product
  // The routing indexes 16 nibbles and 16 signs; a fixed PE's narrower buses
  // are widened with zeros that no slot of its tied mode reads.
  std::string a = "a_i", b = "b_i", as = "a_sign_i", bs = "b_sign_i";
  if (c_.bus_bits() < fb::kBusBits) {
    m.blank();
    m.comment("The buses on the 16-slot grid (the tied mode reads only their low parts).");
    a = m.wire("a_bus", fb::kBusBits);
    m.assign(a, zext("a_i", c_.bus_bits(), fb::kBusBits));
    b = m.wire("b_bus", fb::kBusBits);
    m.assign(b, zext("b_i", c_.bus_bits(), fb::kBusBits));
    as = m.wire("a_sign", kSlots);
    m.assign(as, zext("a_sign_i", c_.lanes(), kSlots));
    bs = m.wire("b_sign", kSlots);
    m.assign(bs, zext("b_sign_i", c_.lanes(), kSlots));
  }
  m.blank();
  m.comment("The 16 sub-multiplier slots.");
  m.wire("terms", kSlots * w_, fmt::format("slot s at [{0}*s +: {0}], two's complement", w_));
  m.wire("negs", kSlots, "slot s's product is negative");
  vlog::GenerateFor g;
  g.genvar = "s";
  g.count = kSlots;
  g.label = "g_slot";
  const std::string idx_a = vlog::lane("route_a", 4 * kSlots, "s", 4, 0, 4);
  const std::string idx_b = vlog::lane("route_b", 4 * kSlots, "s", 4, 0, 4);
  const std::string sh = vlog::lane("route_sh", 3 * kSlots, "s", 3, 0, 3);
  const std::string ln = vlog::lane("route_lane", 4 * kSlots, "s", 4, 0, 4);
  g.body = {vlog::Net{"a_nib", 4, false, false, ""},
            vlog::Net{"b_nib", 4, false, false, ""},
            vlog::Net{"prod", 8, false, false, ""},
            vlog::Net{"mag", frame, false, false, ""},
            vlog::Net{"neg", 1, false, false, ""},
            vlog::Assign{"a_nib", fmt::format("{}[{{{}, 2'b00}} +: 4]", a, idx_a), ""},
            vlog::Assign{"b_nib", fmt::format("{}[{{{}, 2'b00}} +: 4]", b, idx_b), ""},
            vlog::instance_of(mul, "u_mul", {{"a_i", "a_nib"}, {"b_i", "b_nib"}, {"p_o", "prod"}}),
            vlog::Assign{"mag", fmt::format("{} << {{{}, 2'b00}}", zext("prod", 8, frame), sh), ""},
            vlog::Assign{"neg", fmt::format("{1}[{0}] ^ {2}[{0}]", ln, as, bs), ""}};
  for (auto& item : signed_term("mag", "neg", "s")) g.body.push_back(std::move(item));
  m.add(g);
}

void MacBuilder::direct_lanes() {
  auto& m = m_;
  const int mb = c_.lane_bits();
  lanes_ = c_.lanes();
  const vlog::Module mul = multiplier(mb);
  m.use(mul);
  const int frame = w_ - 1;
  m.blank();
  m.comment(fmt::format("{} lane multipliers of {} x {} bits.", lanes_, mb, mb));
  m.wire("terms", lanes_ * w_, fmt::format("lane p at [{0}*p +: {0}], two's complement", w_));
  m.wire("negs", lanes_, "lane p's product is negative");
  vlog::GenerateFor g;
  g.genvar = "p";
  g.count = lanes_;
  g.label = "g_lane";
  g.body = {
      vlog::Net{"prod", 2 * mb, false, false, ""},
      vlog::Net{"mag", frame, false, false, ""},
      vlog::Net{"neg", 1, false, false, ""},
      vlog::instance_of(mul, "u_mul",
                        {{"a_i", vlog::lane("a_i", lanes_ * mb, "p", mb, 0, mb)},
                         {"b_i", vlog::lane("b_i", lanes_ * mb, "p", mb, 0, mb)},
                         {"p_o", "prod"}}),
      vlog::Assign{"mag", frame == 2 * mb ? std::string("prod") : zext("prod", 2 * mb, frame), ""},
      vlog::Assign{"neg",
                   fmt::format("{} ^ {}", vlog::lane("a_sign_i", lanes_, "p", 1, 0, 1),
                               vlog::lane("b_sign_i", lanes_, "p", 1, 0, 1)),
                   ""}};
  for (auto& item : signed_term("mag", "neg", "p")) g.body.push_back(std::move(item));
  m.add(g);
}

void MacBuilder::beat_sum() {
  auto& m = m_;
  m.blank();
  m.comment("Beat sum: the terms' tree plus one for each negative term (golden: beat_sum).");
  std::vector<std::string> terms, negs;
  for (int s = 0; s < lanes_; ++s) {
    terms.push_back(part("terms", s * w_, w_));
    negs.push_back(lanes_ == 1 ? std::string("negs") : bit("negs", s));
  }
  const std::string tree = blocks::signed_adder_tree(m, "tree", terms, w_, w_);
  const int cw = vlog::bits_for(static_cast<uint64_t>(lanes_));
  const std::string count = blocks::adder_tree(m, "negcount", negs, 1, cw);
  m.assign("beat_sum_o", fmt::format("{} + {}", tree, zext(count, cw, w_)),
           "exact: |sum| < 2^" + std::to_string(w_ - 1));
}

}  // namespace

Routing routing(Mode ma, Mode mb) {
  const int na = fb::nibbles(ma), nb = fb::nibbles(mb), per_product = na * nb;
  Routing r;
  for (int s = 0; s < kSlots; ++s) {
    const int p = s / per_product, rest = s % per_product, i = rest / nb, j = rest % nb;
    r.a_nibble.push_back(p * na + i);
    r.b_nibble.push_back(p * nb + j);
    r.shift.push_back(i + j);
    r.lane.push_back(p);
  }
  return r;
}

vlog::Module build_mac_module(const FlexblockPeConfig& c, const std::string& name,
                              const std::vector<std::string>& header) {
  vlog::Module m;
  m.name = name;
  m.header = header;
  MacBuilder(c, m).build();
  return m;
}

}  // namespace bf::flexblock_pe
