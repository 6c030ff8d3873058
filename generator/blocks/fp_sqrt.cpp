#include "generator/blocks/fp_sqrt.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "generator/blocks/fp_recurrence.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

using golden::FloatFormat;
using vlog::bits;
using vlog::hex_lit;
using vlog::lit;
using vlog::zext;

namespace {

// The rounding step's static part. With c = exp_bias_a mod 2 (so that
// exp_bias_a + c is even), t = exp_a + c halves exactly into the result's
// exponent: floor((exp_a - bias_a) / 2) = (t >> 1) - (bias_a + c) / 2, and the
// parity of the unbiased exponent is t[0]. {root, sticky} (W = K + 2 bits)
// over 2^K is 2 * sqrt(significand), hence the + 1 in the bias.
FpRoundPack sqrt_round_pack(const golden::FpSqrtSpec& s, const FpUnpacked& a) {
  const int c = a.exp_bias & 1;
  FpRoundPack rp;
  rp.f = s.y;
  rp.mode = s.rounding;
  rp.sig_width = fp_sqrt_shape(s).root_bits + 1;
  rp.exp_bias = (a.exp_bias + c) / 2 + 1;
  rp.exp_lo = (a.exp_lo + c) >> 1;
  rp.exp_hi = (a.exp_hi + c) >> 1;
  rp.exp_width = vlog::bits_for(static_cast<uint64_t>(a.exp_hi + c)) - 1;
  return rp;
}

// Where the radicand's variable bits come from: R[hi:lo] = src[hi-lo:0]; the
// bits below lo are zero (src empty: every remaining bit is zero).
struct RadicandSource {
  std::string src;
  int hi = 0, lo = 0;
  std::string bit(int b) const { return src.empty() || b < lo ? "1'b0" : vlog::bit(src, b - lo); }
};

}  // namespace

FpSqrtShape fp_sqrt_shape(const golden::FpSqrtSpec& s) {
  FpSqrtShape sh;
  sh.root_bits = std::max(s.y.man_bits + 2, (s.a.man_bits + 1) / 2) + 1;
  return sh;
}

vlog::Module fp_sqrt_module(const golden::FpSqrtSpec& s, const std::string& name,
                            const std::vector<std::string>& header, int cuts) {
  s.validate();
  const FloatFormat &fa = s.a, &fy = s.y;
  const int rows = fp_sqrt_shape(s).root_bits, K = rows - 1;
  const std::vector<int> cut_after = recurrence_cuts(rows, cuts);
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(fmt::format("Floating-point square root y = sqrt(a): {} -> {}, {}{}.",
                                 fa.name(), fy.name(), to_string(s.rounding),
                                 fy.subnormals ? "" : ", subnormal results flushed"));
  m.header.push_back("Bit-exact with golden::fp_sqrt (golden/arith/fp_sqrt.hpp).");
  m.header.push_back(fmt::format(
      "Restoring square root: {} root bits and a sticky bit from the remainder,", rows));
  m.header.push_back("rounded once by fp_round_pack.");
  m.header.push_back(cuts > 0 ? fmt::format("{} register stage(s) between rows of the array "
                                            "(latency {}).",
                                            cuts, cuts)
                              : "Combinational.");
  recurrence_ports(m, cuts > 0, {{"a_i", fa.width(), fa.name() + " operand"}}, fy.width(),
                   fy.name() + " root");

  m.blank();
  const FpUnpacked a = fp_unpack(m, "a", "a_i", fa, true);

  m.blank();
  m.comment("Special cases (golden: fp_sqrt): NaN or negative -> NaN, +-0 -> +-0, +Inf -> +Inf.");
  const std::string nan =
      flag_wire(m, "nan", or_terms({a.is_nan, and_terms({a.sign, "~" + a.is_zero})}),
                "NaN or a negative nonzero operand");
  const std::string inf = a.is_inf;
  const std::string zero = a.is_zero;

  m.blank();
  FpRoundPack rp = sqrt_round_pack(s, a);
  const int c = a.exp_bias & 1;
  const int tw = rp.exp_width + 1;
  std::string t = a.exp;
  if (c) {
    t = m.wire("exp_t", tw, "exp + 1: the bias becomes even");
    m.assign(t, fmt::format("{} + {}", zext(a.exp, a.exp_width, tw), lit(tw, 1)));
  }
  m.comment(fmt::format("Halve the exponent (bias {}); an odd one doubles the significand.",
                        rp.exp_bias));
  const std::string odd = m.wire("odd", 1, "the unbiased exponent is odd");
  m.assign(odd, vlog::bit(t, 0));
  const std::string exp = m.wire("exp", rp.exp_width);
  m.assign(exp, bits(t, tw - 1, 1));

  m.blank();
  const int pa = a.sig_width, lo = 2 * K + 2 - (pa + 1);
  m.comment(fmt::format("Radicand R = {} * 2^{} (odd: doubled), R[{}:{}] = rad, lower bits 0.",
                        a.sig, lo, 2 * K + 1, lo));
  const std::string rad = m.wire("rad", pa + 1);
  m.assign(rad, fmt::format("{} ? {{{}, 1'b0}} : {{1'b0, {}}}", odd, a.sig, a.sig));
  RadicandSource R{rad, 2 * K + 1, lo};

  m.blank();
  m.comment(fmt::format(
      "r = floor(sqrt(R)): {} rows, one root bit each, MSB first; row t brings down R[2i+1:2i]",
      rows));
  m.comment("(i = K - t) and keeps rem - (4 * root + 1) when that does not borrow.");
  std::vector<Carried> side = {{"sign", a.sign, 1},
                               {"nan", nan, 1},
                               {"inf", inf, 1},
                               {"zero", zero, 1},
                               {"exp", exp, rp.exp_width}};
  std::vector<std::string> root;  // root bits so far, MSB first
  std::string rem;                // partial remainder, t + 1 bits before row t (none before row 0)
  int k = 0;
  for (int tr = 0; tr <= K; ++tr) {
    const int i = K - tr;
    const std::string row = fmt::format("sq_r{}", i);
    const int cw = tr == 0 ? 2 : tr + 3;
    const std::string cur =
        m.wire(row + "_cur", cw, "partial remainder, next two radicand bits in");
    std::vector<std::string> cur_parts;
    if (tr > 0) cur_parts.push_back(rem);
    cur_parts.push_back(R.bit(2 * i + 1));
    cur_parts.push_back(R.bit(2 * i));
    m.assign(cur, vlog::concat(cur_parts));
    std::vector<std::string> trial = root;
    trial.push_back("2'b01");
    const std::string diff = m.wire(row + "_diff", cw + 1, "cur - (4 * root + 1); MSB = borrow");
    m.assign(diff, fmt::format("{} - {}", zext(cur, cw, cw + 1),
                               zext(vlog::concat(trial), tr + 2, cw + 1)));
    const std::string qi = m.wire(row + "_q", 1);
    m.assign(qi, "~" + vlog::bit(diff, cw));
    root.push_back(qi);
    const std::string next = m.wire(row + "_rem", tr + 2, "<= 2 * root");
    m.assign(next, fmt::format("{} ? {} : {}", qi, bits(diff, tr + 1, 0), bits(cur, tr + 1, 0)));
    if (tr > 0) {
      const std::string unused = m.wire("unused_" + row + "_top", 1);
      m.assign(unused, vlog::bit(diff, tr + 2) + " ^ " + vlog::bit(cur, tr + 2),
               "the kept remainder is at most 2 * root: its top bit is 0");
    }
    rem = next;
    const int done = tr + 1;
    if (std::find(cut_after.begin(), cut_after.end(), done) == cut_after.end()) continue;
    // Register cut: remainder, root so far, the radicand bits rows below
    // still read (those above 2i - 1 are consumed), and the side values.
    ++k;
    std::vector<Carried> v = side;
    v.push_back({"sq_rem", rem, tr + 2});
    v.push_back({"sq_root", done == 1 ? root[0] : vlog::concat(root), done});
    const int rest_hi = 2 * i - 1;
    const bool rad_left = !R.src.empty() && rest_hi >= R.lo;
    if (rad_left) v.push_back({"rad", bits(R.src, rest_hi - R.lo, 0), rest_hi - R.lo + 1});
    register_cut(m, k, v,
                 fmt::format("Register cut {}: after {} of the {} root rows.", k, done, rows));
    std::copy(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(side.size()), side.begin());
    rem = v[side.size()].now;
    const std::string& root_q = v[side.size() + 1].now;
    for (int j = 0; j < done; ++j) root[j] = done == 1 ? root_q : vlog::bit(root_q, done - 1 - j);
    R = rad_left ? RadicandSource{v[side.size() + 2].now, rest_hi, R.lo} : RadicandSource{};
  }

  m.blank();
  m.comment("Sticky: R != r^2, the root is inexact.");
  const std::string r = m.wire("sq_root", rows);
  m.assign(r, vlog::concat(root));
  const std::string sticky = m.wire("sticky", 1);
  m.assign(sticky, "|" + rem);
  const std::string rs = m.wire("root_sticky", rows + 1, "round-to-odd image of the root");
  m.assign(rs, vlog::concat({r, sticky}));

  m.blank();
  rp.sign = "1'b0";
  rp.sig = rs;
  rp.exp = side[4].now;
  const std::string code = fp_round_pack(m, "rnd", rp);

  m.blank();
  const int Ey = fy.exp_bits, My = fy.man_bits;
  const std::string &sign_q = side[0].now, &nan_q = side[1].now, &inf_q = side[2].now,
                    &zero_q = side[3].now;
  std::string y = fmt::format("{} ? {{{}, {}}} : {}", zero_q, sign_q, lit(Ey + My, 0), code);
  if (inf_q != "1'b0")
    y = fmt::format("{} ? {} : {}", inf_q, hex_lit(fy.width(), uint64_t{(1u << Ey) - 1} << My), y);
  if (nan_q != "1'b0")
    y = fmt::format("{} ? {} : {}", nan_q, hex_lit(fy.width(), golden::fp_nan(fy)), y);
  m.assign("y_o", y, "specials override the rounded root");
  return m;
}

FpRoundPackPlan fp_sqrt_plan(const golden::FpSqrtSpec& s) {
  vlog::Module scratch;
  const FpUnpacked a = fp_unpack(scratch, "a", "a_i", s.a, true);
  return fp_round_pack_plan(sqrt_round_pack(s, a));
}

}  // namespace bf::blocks
