#include "generator/units/flexblock_pe/flexblock_pe_mac.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

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
constexpr int kGroups = kSlots / 4;
// A slot's product (8 bits) shifted by up to 3 nibbles within its group, and
// its sign: 21 bits. A group's sum of four such terms: 23 bits (|sum| <=
// 225 * 0x1111 < 2^20, plus the -1 of each negative term).
constexpr int kSlotTermBits = 21;
constexpr int kGroupSumBits = 23;
// A group's count of negative slots (<= 4) shifted by its base (<= 3 nibbles).
constexpr int kOwedBits = 15;

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
  int w_;              // beat sum and tree operand width
  int lanes_ = 0;      // operands of the final tree (groups or direct lanes)
  int neg_count_ = 0;  // products that may be negative (slots or direct lanes)
};

void MacBuilder::ports() {
  auto& m = m_;
  if (!c_.fixed) {
    m.input("mode_a_i", 2, "A's mantissa mode: 0 = 4, 1 = 8, 2 = 16 bits (3 reads as 16)");
    m.input("mode_b_i", 2, "B's mantissa mode, coded as mode_a_i");
  }
  const std::string layout = c_.fixed ? fmt::format("lane p at [{0}*p +: {0}]", c_.lane_bits())
                                      : std::string("lane p of an m-bit mode at [m*p +: m]");
  m.input("a_i", c_.bus_bits(), "A magnitudes, " + layout);
  m.input("a_sign_i", c_.lanes(), "A signs, lane p at bit p");
  m.input("b_i", c_.bus_bits(), "B magnitudes, " + layout);
  m.input("b_sign_i", c_.lanes(), "B signs, lane p at bit p");
  m.output("beat_sum_o", w_, "the beat's exact sum, two's complement");
}

void MacBuilder::route() {
  auto& m = m_;
  neg_count_ = kSlots;
  m.blank();
  m.comment("Sub-multiplier routing (golden: flexblock::beat_sum). Per mode pair, slot s");
  m.comment("multiplies the A nibble slot_a[s] by the B nibble slot_b[s], is negative when its");
  m.comment("lane's signs differ (slot_neg[s]), and weighs 2^(4 * (route_base[s / 4] +");
  m.comment("route_rel[s])): an m-bit magnitude is m/4 nibbles, so a product of an ma-bit by an");
  m.comment("mb-bit magnitude spans (ma/4)(mb/4) slots; in every mode pair the four slots of a");
  m.comment("group lie within 3 nibbles.");
  m.wire("slot_a", 4 * kSlots, "per slot, its A nibble");
  m.wire("slot_b", 4 * kSlots, "per slot, its B nibble");
  m.wire("slot_neg", kSlots, "per slot, its product's sign");
  m.wire("route_rel", 2 * kSlots, "per slot, 2 bits: nibble offset within its group");
  m.wire("route_base", 2 * kGroups, "per group of 4 slots, 2 bits: the group's nibble offset");
  // A fixed 16-bit PE has one lane: its sign ports are single bits.
  auto sign_bit = [&](const char* port, int lane) {
    return c_.lanes() == 1 ? std::string(port) : bit(port, lane);
  };
  // The selections of one pair: slot 15 first (MSB first in a concatenation).
  auto selects = [&](const Routing& r) {
    std::vector<std::string> a, b, neg;
    for (int sl = kSlots - 1; sl >= 0; --sl) {
      const auto i = static_cast<std::size_t>(sl);
      a.push_back(part("a_i", 4 * r.a_nibble[i], 4));
      b.push_back(part("b_i", 4 * r.b_nibble[i], 4));
      neg.push_back(
          fmt::format("{} ^ {}", sign_bit("a_sign_i", r.lane[i]), sign_bit("b_sign_i", r.lane[i])));
    }
    return std::array<std::string, 3>{vlog::concat(a), vlog::concat(b), vlog::concat(neg)};
  };
  if (c_.fixed) {
    const Routing r = routing(c_.mode, c_.mode);
    m.comment(pair_name(c_.mode, c_.mode) + " (the mode is tied).");
    const auto sel = selects(r);
    m.assign("slot_a", sel[0]);
    m.assign("slot_b", sel[1]);
    m.assign("slot_neg", sel[2]);
    m.assign("route_rel", table(r.rel, 2));
    m.assign("route_base", table(r.base, 2));
    return;
  }
  m.wire("mode_a", 2, "code 3 reads as 16 bits");
  m.assign("mode_a", "(mode_a_i == 2'd3) ? 2'd2 : mode_a_i");
  m.wire("mode_b", 2);
  m.assign("mode_b", "(mode_b_i == 2'd3) ? 2'd2 : mode_b_i");
  m.wire("mode_pair", 4, "{mode_b, mode_a}");
  m.assign("mode_pair", "{mode_b, mode_a}");
  m.reg("slot_a_r", 4 * kSlots);
  m.reg("slot_b_r", 4 * kSlots);
  m.reg("slot_neg_r", kSlots);
  m.reg("route_rel_r", 2 * kSlots);
  m.reg("route_base_r", 2 * kGroups);
  vlog::Case k{"mode_pair", {}};
  for (int b = 0; b < 3; ++b)
    for (int a = 0; a < 3; ++a) {
      const Mode ma = static_cast<Mode>(a), mb = static_cast<Mode>(b);
      const Routing r = routing(ma, mb);
      const auto sel = selects(r);
      const bool last = a == 2 && b == 2;
      vlog::CaseItem item;
      item.label = last ? "default" : lit(4, static_cast<uint64_t>(b * 4 + a));
      item.body = {vlog::comment_stmt(pair_name(ma, mb) +
                                      (last ? " (mode_pair 4'd10; no other value)" : "")),
                   vlog::set("slot_a_r", sel[0]),
                   vlog::set("slot_b_r", sel[1]),
                   vlog::set("slot_neg_r", sel[2]),
                   vlog::set("route_rel_r", table(r.rel, 2)),
                   vlog::set("route_base_r", table(r.base, 2))};
      k.items.push_back(item);
    }
  m.add(vlog::Combinational{{vlog::Stmt{k}}, "the routing of this beat's mode pair"});
  m.assign("slot_a", "slot_a_r");
  m.assign("slot_b", "slot_b_r");
  m.assign("slot_neg", "slot_neg_r");
  m.assign("route_rel", "route_rel_r");
  m.assign("route_base", "route_base_r");
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
  m.blank();
  // The widths never exceed the beat sum's: a fixed PE's narrower sums are
  // exact modulo 2^w, as two's complement sums are.
  const int tb = std::min(kSlotTermBits, w_), gb = std::min(kGroupSumBits, w_);
  m.comment("The 16 sub-multiplier slots; each product placed within its group.");
  m.wire("slot_terms", kSlots * tb, fmt::format("slot s at [{0}*s +: {0}], two's complement", tb));
  m.wire("negs", kSlots, "slot s's product is negative");
  vlog::GenerateFor g;
  g.genvar = "s";
  g.count = kSlots;
  g.label = "g_slot";
  const std::string rel = vlog::lane("route_rel", 2 * kSlots, "s", 2, 0, 2);
  g.body = {
      vlog::Net{"prod", 8, false, false, ""},
      vlog::Net{"neg", 1, false, false, ""},
      vlog::instance_of(mul, "u_mul",
                        {{"a_i", vlog::lane("slot_a", 4 * kSlots, "s", 4, 0, 4)},
                         {"b_i", vlog::lane("slot_b", 4 * kSlots, "s", 4, 0, 4)},
                         {"p_o", "prod"}}),
      vlog::Assign{"neg", vlog::lane("slot_neg", kSlots, "s", 1, 0, 1), ""},
      vlog::Assign{vlog::lane("slot_terms", kSlots * tb, "s", tb, 0, tb),
                   fmt::format("({{{{{0}{{neg}}}}, neg, prod ^ {{8{{neg}}}}}} << {{{1}, 2'b00}}) | "
                               "({{{2}{{neg}}}} & ~({{{2}{{1'b1}}}} << {{{1}, 2'b00}}))",
                               tb - 9, rel, tb),
                   "x << 4 rel, or its ~ (= -x - 1): ~prod shifted in over ones"},
      vlog::Assign{vlog::lane("negs", kSlots, "s", 1, 0, 1), "neg", ""}};
  m.add(g);
  // Level 1: each group's four terms; level 2: the groups, each shifted by
  // its base. Narrow adders inside a group instead of sixteen full-width
  // operands in one tree.
  m.blank();
  m.comment("Group sums (4 slots each), then each shifted by 4 * route_base.");
  lanes_ = kGroups;
  m.wire("terms", kGroups * w_, fmt::format("group g at [{0}*g +: {0}], two's complement", w_));
  for (int grp = 0; grp < kGroups; ++grp) {
    std::vector<std::string> in;
    for (int k = 0; k < 4; ++k) in.push_back(part("slot_terms", (4 * grp + k) * tb, tb));
    const std::string sum = blocks::signed_adder_tree(m, fmt::format("group{}", grp), in, tb, gb);
    const std::string base = fmt::format("{{{}, 2'b00}}", part("route_base", 2 * grp, 2));
    const std::string wide = gb == w_ ? sum : vlog::sext(sum, gb, w_);
    m.assign(part("terms", grp * w_, w_), fmt::format("{} << {}", wide, base));
  }
}

void MacBuilder::direct_lanes() {
  auto& m = m_;
  const int mb = c_.lane_bits();
  lanes_ = neg_count_ = c_.lanes();
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
  std::vector<std::string> terms;
  for (int s = 0; s < lanes_; ++s) terms.push_back(part("terms", s * w_, w_));
  const std::string tree = blocks::signed_adder_tree(m, "tree", terms, w_, w_);
  std::string correction;
  int cw = 0;
  if (neg_count_ == kSlots && lanes_ == kGroups) {
    // A negative slot term is ~x = -x - 1 at its group's scale, so each
    // group owes its count of negative slots times 2^(4 * base).
    m.comment("Beat sum: the groups' tree plus, per group, its negative slots at its base");
    m.comment("(golden: beat_sum).");
    std::vector<std::string> owed;
    for (int grp = 0; grp < kGroups; ++grp) {
      std::vector<std::string> negs;
      for (int k = 0; k < 4; ++k) negs.push_back(bit("negs", 4 * grp + k));
      const std::string count = blocks::adder_tree(m, fmt::format("negcount{}", grp), negs, 1, 3);
      owed.push_back(fmt::format("{} << {{{}, 2'b00}}", zext(count, 3, kOwedBits),
                                 part("route_base", 2 * grp, 2)));
    }
    cw = kOwedBits + 2;
    correction = blocks::adder_tree(m, "owed", owed, kOwedBits, cw);
  } else {
    m.comment("Beat sum: the terms' tree plus one for each negative term (golden: beat_sum).");
    std::vector<std::string> negs;
    for (int s = 0; s < neg_count_; ++s)
      negs.push_back(neg_count_ == 1 ? std::string("negs") : bit("negs", s));
    cw = vlog::bits_for(static_cast<uint64_t>(neg_count_));
    correction = blocks::adder_tree(m, "negcount", negs, 1, cw);
  }
  const std::string ext = cw <= w_ ? zext(correction, cw, w_) : vlog::bits(correction, w_ - 1, 0);
  m.assign("beat_sum_o", fmt::format("{} + {}", tree, ext),
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
  for (int s = 0; s < kSlots; ++s) {
    if (s % 4 == 0) r.base.push_back(r.shift[static_cast<std::size_t>(s)]);
    r.rel.push_back(r.shift[static_cast<std::size_t>(s)] - r.base.back());
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
