// The formulas are golden/formats/lightnorm_bfp_storage.hpp's (its header
// comment proves them): E, M, bias B of the element format f; bits = b;
// P = payload bits; for an element with exponent field e, d = E2 - e
// (Plain: Emax - e) and k = b - 1 - d.
#include "generator/units/lightnorm_bfp_codec/lightnorm_bfp_blocks.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

#include "generator/blocks/blocks.hpp"
#include "generator/blocks/primitive.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::lightnorm_bfp {

using golden::LightnormBfpStorage;
using vlog::bits;
using vlog::lit;

namespace {

struct Shape {
  int E, M, W;  // exponent, mantissa and code bits of f
  int b;        // bits
  int P, EW;    // payload and element bits
  bool keep;    // KeepMax
  std::string name;
};

Shape shape_of(const LightnormBfpStorage& st) {
  Shape s{st.format.exp_bits, st.format.man_bits, st.format.width(), st.bfp.bits,
          st.payload_bits(),  st.element_bits(),  st.keep_max(),     st.format.name()};
  // The alignment distances below are compared with b - 1 and b + 1 inside
  // an exponent field, and a code has a mantissa to keep.
  if (s.M < 1 || s.E < vlog::bits_for(static_cast<uint64_t>(s.b + 1)))
    throw std::logic_error("lightnorm_bfp blocks: need M >= 1 and 2^E > bits + 1, got " + s.name);
  return s;
}

std::string suffix(const Shape& s) {
  return fmt::format("{}{}_b{}", s.keep ? "" : "plain_", s.name, s.b);
}

std::string title(const std::string& what, const Shape& s) {
  return fmt::format("{} ({}, bits = {}, {})", what, s.name, s.b, s.keep ? "keep_max" : "plain");
}

// The low `w` bits of a `total`-bit name (the name itself when w == total).
std::string low(const std::string& name, int w, int total) {
  return w == total ? name : bits(name, w - 1, 0);
}

void header_ports(vlog::Module& m, const Shape& s) {
  m.input("emax_i", s.E, "the group's Emax field");
  if (s.keep) m.input("e2_i", s.E, "the group's E2 field (second largest, with multiplicity)");
}

// ---- top-2 reduction ----------------------------------------------------------

vlog::Module top2_leaf_node(int E) {
  vlog::Module m;
  m.name = fmt::format("lightnorm_bfp_top2_leaf_e{}", E);
  m.header = blocks::primitive_header(
      fmt::format("lightnorm_bfp_top2_leaf ({} bits)", E),
      {"Emax and E2 of two exponent fields: the larger and the smaller (equal fields give",
       "E2 = Emax: the maximum counted with multiplicity)."});
  m.input("a_emax_i", E);
  m.input("b_emax_i", E);
  m.output("emax_o", E);
  m.output("e2_o", E);
  m.wire("a_ge", 1);
  m.assign("a_ge", "a_emax_i >= b_emax_i");
  m.assign("emax_o", "a_ge ? a_emax_i : b_emax_i");
  m.assign("e2_o", "a_ge ? b_emax_i : a_emax_i");
  return m;
}

vlog::Module top2_node(int E) {
  vlog::Module m;
  m.name = fmt::format("lightnorm_bfp_top2_node_e{}", E);
  m.header = blocks::primitive_header(
      fmt::format("lightnorm_bfp_top2_node ({} bits)", E),
      {"Emax and E2 of the union of two groups given theirs: Emax is the larger maximum; E2",
       "the larger of the winner's E2 and the loser's Emax (the loser's E2 is at most its",
       "Emax). Ties go to a, which does not change the result."});
  for (const char* side : {"a", "b"}) {
    m.input(fmt::format("{}_emax_i", side), E);
    m.input(fmt::format("{}_e2_i", side), E);
  }
  m.output("emax_o", E);
  m.output("e2_o", E);
  m.wire("a_ge", 1);
  m.assign("a_ge", "a_emax_i >= b_emax_i");
  m.assign("emax_o", "a_ge ? a_emax_i : b_emax_i");
  m.wire("loser_emax", E);
  m.assign("loser_emax", "a_ge ? b_emax_i : a_emax_i");
  m.wire("winner_e2", E);
  m.assign("winner_e2", "a_ge ? a_e2_i : b_e2_i");
  m.assign("e2_o", "(winner_e2 > loser_emax) ? winner_e2 : loser_emax");
  return m;
}

vlog::Module top2_tree(int n, int E) {
  vlog::Module m;
  m.name = fmt::format("lightnorm_bfp_top2_n{}_e{}", n, E);
  m.header = blocks::primitive_header(
      fmt::format("lightnorm_bfp_top2 (n = {}, {} bits)", n, E),
      {"golden::lightnorm_bfp_exponents: the largest and second-largest of n exponent fields,",
       "counted with multiplicity (a lone field has E2 = 0). A balanced tree: level 1 pairs",
       "fields (lightnorm_bfp_top2_leaf), later levels merge pairs (lightnorm_bfp_top2_node)."});
  m.input("emax_i", n * E,
          fmt::format("exponent field e at emax_i[{0}*e +: {0}] (a one-element group's Emax)", E));
  m.output("emax_o", E);
  m.output("e2_o", E);
  const auto part_pass = [](const std::string& bus, int lsb, int w, int) {
    return vlog::part(bus, lsb, w);
  };
  blocks::reduction_tree(m, n,
                         {{"emax", [E](int) { return E; }, part_pass},
                          {"e2", [E](int level) { return level == 0 ? 0 : E; },
                           [E](const std::string& bus, int lsb, int w, int) {
                             return bus.empty() ? lit(E, 0) : vlog::part(bus, lsb, w);
                           }}},
                         [E](int level) { return level == 1 ? top2_leaf_node(E) : top2_node(E); });
  if (n == 1) m.assign("e2_o", lit(E, 0), "one element: E2 = 0");
  return m;
}

}  // namespace

GroupExponents group_exponents(vlog::Module& m, const std::string& prefix,
                               const LightnormBfpStorage& st, const std::string& codes, int n) {
  const Shape s = shape_of(st);
  std::vector<std::string> fields;
  for (int i = 0; i < n; ++i) fields.push_back(vlog::part(codes, i * s.W + s.M, s.E));
  GroupExponents ex;
  if (!s.keep) {
    ex.emax = blocks::max_tree(m, prefix, fields, s.E);
    return ex;
  }
  const vlog::Module tree = top2_tree(n, s.E);
  const std::string bus =
      blocks::bus(m, prefix + "_fields", fields, s.E,
                  fmt::format("exponent field of code i at [{0}*i +: {0}]", s.E));
  ex.emax = m.wire(prefix + "_emax", s.E, "Emax");
  ex.e2 = m.wire(prefix + "_e2", s.E, "E2: second largest, with multiplicity");
  m.add(vlog::instance_of(tree, "u_" + prefix,
                          {{"emax_i", bus}, {"emax_o", ex.emax}, {"e2_o", ex.e2}}));
  m.use(tree);
  return ex;
}

vlog::Module pack_module(const LightnormBfpStorage& st) {
  const Shape s = shape_of(st);
  const int b = s.b, E = s.E, M = s.M;
  vlog::Module m;
  m.name = "lightnorm_bfp_pack_" + suffix(s);
  std::vector<std::string> doc{
      "golden::lightnorm_bfp_pack_element: one code through LightNorm's BFP rule under its",
      "group's header, packed into its element field (lightnorm_bfp_storage.hpp)."};
  if (s.keep) {
    doc.push_back("{sign, flag, payload}: flag = the code's exponent is Emax (payload: its");
    doc.push_back("mantissa); else payload = m < 2^bits, |value| = m * 2^(E2 - bias - bits + 1).");
  } else {
    doc.push_back("{sign, m}: |value| = m * 2^(Emax - bias - bits + 1), m < 2^bits.");
  }
  doc.push_back("Combinational.");
  m.header = blocks::primitive_header(title("lightnorm_bfp_pack", s), doc);
  m.input("code_i", s.W, "element code of " + s.name);
  header_ports(m, s);
  m.output("elem_o", s.EW, s.keep ? "{sign, flag, payload}" : "{sign, m}");

  m.wire("sign", 1);
  m.assign("sign", bits("code_i", s.W - 1, s.W - 1));
  m.wire("e", E, "exponent field");
  m.assign("e", bits("code_i", s.W - 2, M));
  m.wire("mant", M);
  m.assign("mant", bits("code_i", M - 1, 0));
  if (s.keep) {
    m.wire("at_max", 1, "flag: kept whole (so is every element of an all-subnormal group)");
    m.assign("at_max", "e == emax_i");
  }
  m.wire("normal", 1);
  m.assign("normal", "|e");

  m.blank();
  m.comment(
      "Aligned element: m = floor(sig * 2^(k - M)), k = bits - 1 - d (golden: the rule's "
      "truncation)");
  const std::string ref = s.keep ? "e2_i" : "emax_i";
  m.wire("d", E, s.keep ? "E2 - e: >= 0 for an element not at Emax" : "Emax - e >= 0");
  m.assign("d", ref + " - e");
  m.wire("far", 1, "k < 0: the element becomes +0");
  m.assign("far", fmt::format("d > {}", lit(E, b - 1)));
  const int dc_w = vlog::bits_for(static_cast<uint64_t>(b));
  m.wire("dc", dc_w, "min(d, bits): a shift by bits already clears every bit");
  m.assign("dc", fmt::format("far ? {} : {}", lit(dc_w, b), low("d", dc_w, E)));
  // base = floor(sig * 2^(b - 1 - M)) with sig = {normal, mant}: the element
  // at d = 0 keeps b significant bits.
  std::string base;
  if (b - 1 >= M)
    base = b - 1 == M ? "{normal, mant}" : fmt::format("{{normal, mant, {}}}", lit(b - 1 - M, 0));
  else
    base = b == 1 ? "normal" : fmt::format("{{normal, {}}}", bits("mant", M - 1, M - b + 1));
  m.wire("base", b,
         b - 1 == M  ? std::string("sig = {normal, mant}: m at d = 0")
         : b - 1 > M ? fmt::format("sig << {}: m at d = 0", b - 1 - M)
                     : fmt::format("sig >> {} (floor): m at d = 0", M - b + 1));
  m.assign("base", base);
  m.wire("t", b, "floor(sig * 2^(k - M))");
  m.assign("t", "base >> dc");
  m.wire("m", b, "a subnormal's field reads as 0, one below its value's exponent 1: m = 2t");
  m.assign("m", b == 1 ? "normal ? t : 1'b0"
                       : fmt::format("normal ? t : {{{}, 1'b0}}", bits("t", b - 2, 0)));
  if (!s.keep && b - 1 < M) {
    m.wire("unused_mant_lo", 1);
    m.assign("unused_mant_lo", "|" + bits("mant", M - b, 0),
             "below the LSB of every aligned element (k <= bits - 1)");
  }

  m.blank();
  if (s.keep) {
    m.wire("payload", s.P);
    m.assign("payload",
             fmt::format("at_max ? {} : {}", vlog::zext("mant", M, s.P), vlog::zext("m", b, s.P)));
    m.assign("elem_o", "{sign & (at_max | ~far), at_max, payload}",
             "k < 0 drops the sign (+0), as the rule does");
  } else {
    m.assign("elem_o", "{sign & ~far, m}", "k < 0 drops the sign (+0), as the rule does");
  }
  return m;
}

vlog::Module unpack_module(const LightnormBfpStorage& st) {
  const Shape s = shape_of(st);
  const int b = s.b, E = s.E, M = s.M;
  vlog::Module m;
  m.name = "lightnorm_bfp_unpack_" + suffix(s);
  std::vector<std::string> doc{
      "golden::lightnorm_bfp_unpack_element: one element field back to a code of the format."};
  if (s.keep) doc.push_back("flag 1: {sign, Emax, mantissa}; flag 0: the value below.");
  doc.push_back(
      fmt::format("m * 2^({} - bias - bits + 1) truncated into the format: the leading one of m",
                  s.keep ? "E2" : "Emax"));
  doc.push_back("found by a leading-zero count, shifted onto the hidden bit (normal) or onto the");
  doc.push_back("subnormal grid. Combinational.");
  m.header = blocks::primitive_header(title("lightnorm_bfp_unpack", s), doc);
  m.input("elem_i", s.EW, s.keep ? "{sign, flag, payload}" : "{sign, m}");
  header_ports(m, s);
  m.output("code_o", s.W, "element code of " + s.name);

  const std::string ref = s.keep ? "e2_i" : "emax_i";
  m.wire("sign", 1);
  m.assign("sign", bits("elem_i", s.EW - 1, s.EW - 1));
  if (s.keep) {
    m.wire("flag", 1, "the element is at Emax");
    m.assign("flag", bits("elem_i", s.P, s.P));
    m.wire("payload", s.P);
    m.assign("payload", bits("elem_i", s.P - 1, 0));
  }
  const std::string ref_name = s.keep ? "E2" : "Emax";
  m.wire("m", b, fmt::format("|value| = m * 2^({} - bias - {})", ref_name, b - 1));
  m.assign("m", s.keep ? low("payload", b, s.P) : bits("elem_i", b - 1, 0));

  m.blank();
  m.comment(fmt::format(
      "Leading one of m at bit bits-1-lz: exponent field {} - lz when that is >= 1, else a "
      "subnormal",
      ref_name));
  const std::string lz = blocks::leading_zeros(m, "lzc", "m", b);
  const int lz_w = vlog::bits_for(static_cast<uint64_t>(b));
  m.wire("normal", 1);
  m.assign("normal", fmt::format("(|m) & ({} < {})", vlog::zext(lz, lz_w, E), ref));
  const int sh_w = vlog::bits_for(static_cast<uint64_t>(b + 1));
  m.wire("sh", sh_w,
         fmt::format("normal: lz + 1 puts the leading one on the hidden bit; else {} (<= lz < "
                     "bits, or m = 0)",
                     ref_name));
  m.assign("sh", fmt::format("normal ? ({} + {}) : {}", vlog::zext(lz, lz_w, sh_w), lit(sh_w, 1),
                             low(ref, sh_w, E)));
  m.wire("norm", b + 1, "hidden bit at [bits], the fraction below it");
  m.assign("norm", "{1'b0, m} << sh");
  m.wire("exponent", E);
  m.assign("exponent",
           fmt::format("normal ? ({} - {}) : {}", ref, vlog::zext(lz, lz_w, E), lit(E, 0)));
  m.wire("frac", M, "truncated to M bits");
  m.assign("frac", b >= M ? bits("norm", b - 1, b - M)
                          : fmt::format("{{{}, {}}}", bits("norm", b - 1, 0), lit(M - b, 0)));
  m.wire("unused_norm", 1);
  m.assign("unused_norm",
           b > M
               ? fmt::format("norm[{}] | {}{}", b, b - M > 1 ? "|" : "", bits("norm", b - M - 1, 0))
               : fmt::format("norm[{}]", b),
           b > M ? "the hidden bit (implied by the exponent), and the bits truncated away"
                 : "the hidden bit, implied by the exponent");

  m.blank();
  if (s.keep)
    m.assign("code_o", fmt::format("flag ? {{sign, emax_i, {}}} : {{sign, exponent, frac}}",
                                   low("payload", M, s.P)));
  else
    m.assign("code_o", "{sign, exponent, frac}");
  return m;
}

void pack_lanes(vlog::Module& m, const LightnormBfpStorage& st, int n, const std::string& codes,
                const GroupExponents& ex, const std::string& elems) {
  const vlog::Module child = pack_module(st);
  const int W = st.format.width(), EW = st.element_bits();
  std::vector<std::pair<std::string, std::string>> conns{
      {"code_i", vlog::lane(codes, n * W, "i", W, 0, W)}, {"emax_i", ex.emax}};
  if (st.keep_max()) conns.push_back({"e2_i", ex.e2});
  conns.push_back({"elem_o", vlog::lane(elems, n * EW, "i", EW, 0, EW)});
  vlog::GenerateFor gen{"i", n, "g_pack", {}, ""};
  gen.body.push_back(vlog::instance_of(child, "u_pack", conns));
  m.add(std::move(gen));
  m.use(child);
}

void unpack_lanes(vlog::Module& m, const LightnormBfpStorage& st, int n, const std::string& elems,
                  const GroupExponents& ex, const std::string& codes) {
  const vlog::Module child = unpack_module(st);
  const int W = st.format.width(), EW = st.element_bits();
  std::vector<std::pair<std::string, std::string>> conns{
      {"elem_i", vlog::lane(elems, n * EW, "i", EW, 0, EW)}, {"emax_i", ex.emax}};
  if (st.keep_max()) conns.push_back({"e2_i", ex.e2});
  conns.push_back({"code_o", vlog::lane(codes, n * W, "i", W, 0, W)});
  vlog::GenerateFor gen{"i", n, "g_unpack", {}, ""};
  gen.body.push_back(vlog::instance_of(child, "u_unpack", conns));
  m.add(std::move(gen));
  m.use(child);
}

}  // namespace bf::lightnorm_bfp
