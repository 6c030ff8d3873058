#include "generator/blocks/fp_div.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "generator/blocks/fp_recurrence.hpp"
#include "generator/blocks/restoring_divider.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

using golden::FloatFormat;
using vlog::bits;
using vlog::hex_lit;
using vlog::lit;
using vlog::zext;

namespace {

// The rounding step's static part. The quotient {q, sticky} (W = K + 2 bits)
// over 2^K is 2 * A / B for significands A, B in [1, 2), so with
//   exp = exp_a + (exp_b_hi - exp_b)    (never negative)
// a / b = {q, sticky} / 2^(W-2) * 2^(exp - exp_bias) for
//   exp_bias = exp_b_hi + bias_a - bias_b + 1.
FpRoundPack div_round_pack(const golden::FpDivSpec& s, const FpUnpacked& a, const FpUnpacked& b) {
  FpRoundPack rp;
  rp.f = s.y;
  rp.mode = s.rounding;
  rp.sig_width = fp_div_shape(s).quotient_bits + 1;
  rp.exp_bias = b.exp_hi + a.exp_bias - b.exp_bias + 1;
  rp.exp_lo = a.exp_lo;
  rp.exp_hi = a.exp_hi + b.exp_hi - b.exp_lo;
  rp.exp_width = vlog::bits_for(static_cast<uint64_t>(rp.exp_hi));
  return rp;
}

}  // namespace

FpDivShape fp_div_shape(const golden::FpDivSpec& s) {
  FpDivShape sh;
  sh.sig_width = std::max(s.a.man_bits, s.b.man_bits) + 1;
  sh.quotient_bits = s.y.man_bits + 3;
  return sh;
}

vlog::Module fp_div_module(const golden::FpDivSpec& s, const std::string& name,
                           const std::vector<std::string>& header, int cuts) {
  s.validate();
  const FloatFormat &fa = s.a, &fb = s.b, &fy = s.y;
  const FpDivShape shape = fp_div_shape(s);
  const int P = shape.sig_width, rows = shape.quotient_bits, K = rows - 1;
  const std::vector<int> cut_after = recurrence_cuts(rows, cuts);
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(fmt::format("Floating-point divide y = a / b: {} / {} -> {}, {}{}.", fa.name(),
                                 fb.name(), fy.name(), to_string(s.rounding),
                                 fy.subnormals ? "" : ", subnormal results flushed"));
  m.header.push_back("Bit-exact with golden::fp_div (golden/arith/fp_div.hpp).");
  m.header.push_back(fmt::format(
      "Restoring division of the {}-bit significands: {} quotient bits and a sticky bit", P, rows));
  m.header.push_back("from the remainder, rounded once by fp_round_pack.");
  m.header.push_back(cuts > 0 ? fmt::format("{} register stage(s) between rows of the array "
                                            "(latency {}).",
                                            cuts, cuts)
                              : "Combinational.");
  recurrence_ports(
      m, cuts > 0,
      {{"a_i", fa.width(), fa.name() + " dividend"}, {"b_i", fb.width(), fb.name() + " divisor"}},
      fy.width(), fy.name() + " quotient");

  m.blank();
  const FpUnpacked a = fp_unpack(m, "a", "a_i", fa, true);
  m.blank();
  const FpUnpacked b = fp_unpack(m, "b", "b_i", fb, true);

  m.blank();
  m.comment("Special cases (golden: fp_div): NaN, 0 / 0 or Inf / Inf -> NaN;");
  m.comment("Inf / x and x / 0 -> Inf; 0 / x and x / Inf -> signed 0.");
  const std::string sign = m.wire("sign", 1, "sign of the quotient");
  m.assign(sign, a.sign + " ^ " + b.sign);
  const std::string nan = flag_wire(m, "nan",
                                    or_terms({a.is_nan, b.is_nan, and_terms({a.is_zero, b.is_zero}),
                                              and_terms({a.is_inf, b.is_inf})}),
                                    "NaN operand, 0 / 0 or Inf / Inf");
  const std::string inf =
      flag_wire(m, "inf", or_terms({a.is_inf, b.is_zero}), "Inf dividend or zero divisor");
  const std::string zero =
      flag_wire(m, "zero", or_terms({a.is_zero, b.is_inf}), "zero dividend or Inf divisor");

  m.blank();
  FpRoundPack rp = div_round_pack(s, a, b);
  m.comment(fmt::format("Quotient exponent: exp_a - exp_b + {} (bias {}).", b.exp_hi, rp.exp_bias));
  const int ew = rp.exp_width;
  const std::string exp = m.wire("exp", ew);
  m.assign(exp, fmt::format("{} + ({} - {})", zext(a.exp, a.exp_width, ew), lit(ew, b.exp_hi),
                            zext(b.exp, b.exp_width, ew)));

  // Significands left-aligned to a common width (wires only when padded).
  const auto aligned = [&](const FpUnpacked& u, const std::string& name) {
    if (u.sig_width == P) return u.sig;
    m.wire(name, P, fmt::format("{} left-aligned to {} bits", u.sig, P));
    m.assign(name, vlog::concat({u.sig, lit(P - u.sig_width, 0)}));
    return name;
  };
  const std::string sa = aligned(a, "sig_a");
  const std::string sb = aligned(b, "sig_b");
  m.blank();
  m.comment(fmt::format("q = floor({} * 2^{} / {}): {} rows, one quotient bit each, MSB first.", sa,
                        K, sb, rows));
  m.comment(
      fmt::format("Only the first row reads a bit of {} below the initial remainder; later", sa));
  m.comment("rows bring down zeros, so register cuts carry the remainder, not the dividend.");
  // Values that ride along through the cuts; the divisor is carried as b's
  // own significand (the alignment zeros need no register).
  std::vector<Carried> side = {{"sign", sign, 1}, {"nan", nan, 1},  {"inf", inf, 1},
                               {"zero", zero, 1}, {"exp", exp, ew}, {"b_sig", b.sig, b.sig_width}};
  int k = 0;
  const DividerRowHook cut = [&](int rows_done, std::string& rem, std::vector<std::string>& q,
                                 std::string& divisor) {
    if (std::find(cut_after.begin(), cut_after.end(), rows_done) == cut_after.end()) return;
    ++k;
    const int n = static_cast<int>(q.size());
    std::vector<Carried> v = side;
    v.push_back({"div_rem", rem, P});
    v.push_back({"div_quot", n == 1 ? q[0] : vlog::concat(q), n});
    register_cut(
        m, k, v,
        fmt::format("Register cut {}: after {} of the {} quotient rows.", k, rows_done, rows));
    std::copy(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(side.size()), side.begin());
    rem = v[side.size()].now;
    const std::string& quot_q = v[side.size() + 1].now;
    for (int j = 0; j < n; ++j) q[j] = n == 1 ? quot_q : bits(quot_q, n - 1 - j, n - 1 - j);
    const std::string& b_sig = side[5].now;
    divisor = P == b.sig_width ? b_sig : vlog::concat({b_sig, lit(P - b.sig_width, 0)});
  };
  std::string rem;
  const std::string quot =
      restoring_divide(m, "div", vlog::concat({sa, lit(K, 0)}), P + K, sb, P, rows, cut, &rem);

  m.blank();
  m.comment("Sticky: the remainder is nonzero, the quotient is inexact.");
  const std::string sticky = m.wire("sticky", 1);
  m.assign(sticky, "|" + rem);
  const std::string qs = m.wire("quot_sticky", rows + 1, "round-to-odd image of the quotient");
  m.assign(qs, vlog::concat({quot, sticky}));

  m.blank();
  rp.sign = side[0].now;
  rp.sig = qs;
  rp.exp = side[4].now;
  const std::string code = fp_round_pack(m, "rnd", rp);

  m.blank();
  const int Ey = fy.exp_bits, My = fy.man_bits;
  std::string y = code;
  const std::string &sign_q = side[0].now, &nan_q = side[1].now, &inf_q = side[2].now,
                    &zero_q = side[3].now;
  if (zero_q != "1'b0") y = fmt::format("{} ? {{{}, {}}} : {}", zero_q, sign_q, lit(Ey + My, 0), y);
  if (inf_q != "1'b0")
    y = fmt::format("{} ? {{{}, {}}} : {}", inf_q, sign_q,
                    hex_lit(Ey + My, uint64_t{(1u << Ey) - 1} << My), y);
  if (nan_q != "1'b0")
    y = fmt::format("{} ? {} : {}", nan_q, hex_lit(fy.width(), golden::fp_nan(fy)), y);
  m.assign("y_o", y, "specials override the rounded quotient");
  return m;
}

FpRoundPackPlan fp_div_plan(const golden::FpDivSpec& s) {
  vlog::Module scratch;
  const FpUnpacked a = fp_unpack(scratch, "a", "a_i", s.a, true);
  const FpUnpacked b = fp_unpack(scratch, "b", "b_i", s.b, true);
  return fp_round_pack_plan(div_round_pack(s, a, b));
}

}  // namespace bf::blocks
