#include "generator/blocks/fp_modules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "generator/blocks/blocks.hpp"
#include "generator/blocks/flag_terms.hpp"
#include "generator/blocks/fp_blocks.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

using golden::FloatFormat;
using golden::Rounding;
using vlog::bits;
using vlog::hex_lit;
using vlog::lit;
using vlog::zext;

namespace {

// Registers the listed (name, width) values when pipelined; returns the names
// to use downstream (the _q registers, or the inputs unchanged). Constant
// flags pass through.
std::vector<std::string> stage(vlog::Module& m, bool pipelined,
                               const std::vector<std::pair<std::string, int>>& values,
                               const std::string& comment) {
  std::vector<std::string> out;
  if (!pipelined) {
    for (const auto& v : values) out.push_back(v.first);
    return out;
  }
  m.blank();
  m.comment(comment);
  vlog::Registers regs{"clk_i", "rst_ni", "en_i", {}, ""};
  for (const auto& [name, width] : values) {
    if (name == "1'b0") {
      out.push_back(name);
      continue;
    }
    const std::string q = m.reg(name + "_q", width);
    regs.regs.push_back({q, name, ""});
    out.push_back(q);
  }
  m.add(regs);
  return out;
}

// The static part of the multiplier's rounding step (signal names are set
// by the caller).
FpRoundPack mul_round_pack(const golden::FpMulSpec& s, const FpUnpacked& a, const FpUnpacked& b) {
  FpRoundPack rp;
  rp.f = s.y;
  rp.mode = s.rounding;
  rp.sig_width = a.sig_width + b.sig_width;
  rp.exp_width = vlog::bits_for(static_cast<uint64_t>(a.exp_hi + b.exp_hi));
  rp.exp_bias = a.exp_bias + b.exp_bias;
  rp.exp_lo = a.exp_lo + b.exp_lo;
  rp.exp_hi = a.exp_hi + b.exp_hi;
  return rp;
}

// The adder's rounding step: the normalized frame {carry, p bits, G, R, S}
// with the biased exponent max(field, 1).
FpRoundPack add_round_pack(const golden::FpAddSpec& s) {
  FpRoundPack rp;
  rp.f = s.f;
  rp.mode = s.rounding;
  rp.sig_width = s.f.man_bits + 5;
  rp.exp_width = s.f.exp_bits;
  rp.exp_bias = s.f.bias();
  rp.exp_lo = 1;
  rp.exp_hi = (1 << s.f.exp_bits) - 2;
  rp.low_lead_at_emin = true;  // normalization stops at emin: exact subnormal sums
  return rp;
}

void ports(vlog::Module& m, bool pipelined, int wa, int wb, int wy, const std::string& fa,
           const std::string& fb, const std::string& fy) {
  if (pipelined) {
    m.input("clk_i", 1);
    m.input("en_i", 1, "advance the internal register stage");
  }
  m.input("a_i", wa, fa);
  m.input("b_i", wb, fb);
  m.output("y_o", wy, fy);
}

}  // namespace

vlog::Module fp_mul_module(const golden::FpMulSpec& s, const std::string& name,
                           const std::vector<std::string>& header, bool pipelined) {
  s.validate();
  const FloatFormat &fa = s.a, &fb = s.b, &fy = s.y;
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(fmt::format("Floating-point multiply y = a * b: {} x {} -> {}, {}{}.",
                                 fa.name(), fb.name(), fy.name(), to_string(s.rounding),
                                 fy.subnormals ? "" : ", subnormal results flushed"));
  m.header.push_back("Bit-exact with golden::fp_mul (golden/arith/fp_mul.hpp).");
  m.header.push_back(fmt::format(
      "Product exponents L in [{}, {}] against the result's normal range [{}, {}]:", s.l_min(),
      s.l_max(), fy.emin(), fy.emax()));
  if (s.exact()) {
    m.header.push_back("every product is exact in the result format: no rounding logic.");
  } else if (s.precision_exact()) {
    m.header.push_back(fmt::format(
        "products of {} significand bits fit the result's {}: exact in the normal range;",
        fa.man_bits + fb.man_bits + 2, fy.man_bits + 1));
    m.header.push_back(fy.subnormals ? "rounding logic only for subnormal results, overflow by "
                                       "exponent compare."
                                     : "no rounding logic (results below 2^emin flush, overflow "
                                       "by exponent compare).");
  } else {
    m.header.push_back("normal-range products are rounded.");
  }
  m.header.push_back(pipelined ? "One register stage after the significand product (latency 1)."
                               : "Combinational.");
  ports(m, pipelined, fa.width(), fb.width(), fy.width(), fa.name() + " operand",
        fb.name() + " operand", fy.name() + " product");

  m.blank();
  const FpUnpacked a = fp_unpack(m, "a", "a_i", fa, true);
  m.blank();
  const FpUnpacked b = fp_unpack(m, "b", "b_i", fb, true);

  m.blank();
  m.comment("Special cases (golden: fp_mul): NaN or 0 * Inf -> NaN, Inf -> Inf, 0 -> signed 0.");
  const std::string sign = m.wire("sign", 1, "sign of the product");
  m.assign(sign, a.sign + " ^ " + b.sign);
  const std::string nan = flag_wire(m, "nan",
                                    or_terms({a.is_nan, b.is_nan, and_terms({a.is_inf, b.is_zero}),
                                              and_terms({a.is_zero, b.is_inf})}),
                                    "NaN operand or 0 * Inf");
  const std::string inf = flag_wire(m, "inf", or_terms({a.is_inf, b.is_inf}), "Inf operand");
  const std::string zero = flag_wire(m, "zero", or_terms({a.is_zero, b.is_zero}), "zero operand");

  m.blank();
  m.comment("Significand product (exact) and exponent sum: sig_a * sig_b * 2^(exp - bias).");
  const int pw = a.sig_width + b.sig_width;
  const std::string prod = m.wire("prod", pw, "in [1, 4) * 2^(M_a + M_b) for nonzero operands");
  m.assign(prod,
           fmt::format("{} * {}", zext(a.sig, a.sig_width, pw), zext(b.sig, b.sig_width, pw)));
  const int ew = mul_round_pack(s, a, b).exp_width;
  const std::string exp =
      m.wire("exp", ew, fmt::format("exp_a + exp_b, bias {}", a.exp_bias + b.exp_bias));
  m.assign(exp, fmt::format("{} + {}", zext(a.exp, a.exp_width, ew), zext(b.exp, b.exp_width, ew)));

  const auto q =
      stage(m, pipelined, {{prod, pw}, {exp, ew}, {sign, 1}, {nan, 1}, {inf, 1}, {zero, 1}},
            "Register stage after the product (pipelined).");

  m.blank();
  FpRoundPack rp = mul_round_pack(s, a, b);
  rp.sign = q[2];
  rp.sig = q[0];
  rp.exp = q[1];
  const std::string code = fp_round_pack(m, "rnd", rp);

  m.blank();
  const int Ey = fy.exp_bits, My = fy.man_bits;
  std::string y = code;
  if (q[5] != "1'b0") y = fmt::format("{} ? {{{}, {}}} : {}", q[5], q[2], lit(Ey + My, 0), y);
  if (q[4] != "1'b0")
    y = fmt::format("{} ? {{{}, {}}} : {}", q[4], q[2],
                    hex_lit(Ey + My, uint64_t{(1u << Ey) - 1} << My), y);
  if (q[3] != "1'b0")
    y = fmt::format("{} ? {} : {}", q[3], hex_lit(fy.width(), golden::fp_nan(fy)), y);
  m.assign("y_o", y, "specials override the rounded product");
  return m;
}

vlog::Module fp_add_module(const golden::FpAddSpec& s, const std::string& name,
                           const std::vector<std::string>& header, bool pipelined) {
  s.validate();
  const FloatFormat& f = s.f;
  const int E = f.exp_bits, M = f.man_bits, p = M + 1;
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(fmt::format("Floating-point add y = a + b in {}, {}{}.", f.name(),
                                 to_string(s.rounding),
                                 f.subnormals ? "" : ", subnormals flushed (inputs and result)"));
  m.header.push_back("Bit-exact with golden::fp_add (golden/arith/fp_add.hpp). Single path:");
  m.header.push_back("swap by magnitude, align with guard/round/sticky, add, normalize, round.");
  m.header.push_back(pipelined ? "One register stage after the significand add (latency 1)."
                               : "Combinational.");
  ports(m, pipelined, f.width(), f.width(), f.width(), f.name() + " operand", f.name() + " operand",
        f.name() + " sum");

  m.blank();
  const FpUnpacked a = fp_unpack(m, "a", "a_i", f, false);
  m.blank();
  const FpUnpacked b = fp_unpack(m, "b", "b_i", f, false);

  m.blank();
  m.comment("Special cases (golden: fp_add): NaN or Inf + (-Inf) -> NaN, Inf + x -> Inf.");
  const std::string eff_sub = m.wire("eff_sub", 1, "signs differ: effective subtraction");
  m.assign(eff_sub, a.sign + " ^ " + b.sign);
  const std::string nan =
      flag_wire(m, "nan", or_terms({a.is_nan, b.is_nan, and_terms({a.is_inf, b.is_inf, eff_sub})}),
                "NaN operand or Inf - Inf");
  const std::string inf = flag_wire(m, "inf", or_terms({a.is_inf, b.is_inf}), "Inf operand");
  const std::string unused_zero = m.wire("unused_zero_flags", 1);
  m.assign(unused_zero, a.is_zero + " | " + b.is_zero,
           "zeros need no special case: their sig is 0");
  const std::string inf_sign = m.wire("inf_sign", 1);
  m.assign(inf_sign, fmt::format("{} ? {} : {}", a.is_inf, a.sign, b.sign));

  m.blank();
  m.comment("Swap so that |big| >= |small| (magnitude codes order like the values).");
  const std::string a_ge = m.wire("a_ge_b", 1);
  m.assign(a_ge, fmt::format("{} >= {}", bits("a_i", E + M - 1, 0), bits("b_i", E + M - 1, 0)));
  const std::string big_sig = m.wire("big_sig", p);
  m.assign(big_sig, fmt::format("{} ? {} : {}", a_ge, a.sig, b.sig));
  const std::string big_exp = m.wire("big_exp", E);
  m.assign(big_exp, fmt::format("{} ? {} : {}", a_ge, a.exp, b.exp));
  const std::string big_sign = m.wire("big_sign", 1, "sign of the result unless it is zero");
  m.assign(big_sign, fmt::format("{} ? {} : {}", a_ge, a.sign, b.sign));
  const std::string small_sig = m.wire("small_sig", p);
  m.assign(small_sig, fmt::format("{} ? {} : {}", a_ge, b.sig, a.sig));
  const std::string small_exp = m.wire("small_exp", E);
  m.assign(small_exp, fmt::format("{} ? {} : {}", a_ge, b.exp, a.exp));

  m.blank();
  m.comment("Align the small operand: guard, round and sticky bits below the significand;");
  m.comment("bits shifted further out are ORed into the sticky (a round-to-odd image).");
  const int F = p + 3;  // frame without the carry bit
  const std::string d = m.wire("d", E, "exponent difference >= 0");
  m.assign(d, big_exp + " - " + small_exp);
  const int cw = std::max(E, vlog::bits_for(static_cast<uint64_t>(F)) + 1);
  const int dcw = vlog::bits_for(static_cast<uint64_t>(F));
  const std::string d_ext = zext(d, E, cw);
  const std::string dc = m.wire("d_cap", dcw, fmt::format("min(d, {}): all bits sticky beyond", F));
  {
    const std::string raw = m.wire("d_min", cw);
    m.assign(raw, fmt::format("({0} > {1}) ? {1} : {0}", d_ext, lit(cw, F)));
    m.assign(dc, bits(raw, dcw - 1, 0));
    if (cw > dcw) {
      const std::string u = m.wire("unused_d_min_hi", 1);
      m.assign(u, "|" + bits(raw, cw - 1, dcw), "always 0: capped");
    }
  }
  const std::string aligned = m.wire("aligned", F, "{small_sig, 3'b000} >> min(d, p + 3)");
  m.assign(aligned, fmt::format("{{{}, 3'b000}} >> {}", small_sig, dc));
  const int stw = vlog::bits_for(static_cast<uint64_t>(p));
  const std::string st_n =
      m.wire("sticky_n", stw, "small_sig bits below the frame: min(max(d - 3, 0), p)");
  {
    const std::string raw = m.wire("sticky_raw", cw);
    m.assign(raw, fmt::format("({0} <= {1}) ? {2} : ({0} >= {3}) ? {4} : ({0} - {1})", d_ext,
                              lit(cw, 3), lit(cw, 0), lit(cw, p + 3), lit(cw, p)));
    m.assign(st_n, bits(raw, stw - 1, 0));
    if (cw > stw) {
      const std::string u = m.wire("unused_sticky_raw_hi", 1);
      m.assign(u, "|" + bits(raw, cw - 1, stw), "always 0: at most p");
    }
  }
  const std::string mask = m.wire("sticky_mask", p, "the low sticky_n bits");
  m.assign(mask, fmt::format("~({} << {})", vlog::repeat(p, "1'b1"), st_n));
  const std::string sticky = m.wire("sticky", 1);
  m.assign(sticky, fmt::format("|({} & {})", small_sig, mask));
  const int W = p + 4;
  const std::string small_f = m.wire("small_frame", W);
  m.assign(small_f, fmt::format("{{1'b0, {}, {} | {}}}", bits(aligned, F - 1, 1),
                                bits(aligned, 0, 0), sticky));
  const std::string big_f = m.wire("big_frame", W);
  m.assign(big_f, fmt::format("{{1'b0, {}, 3'b000}}", big_sig));
  const std::string sum = m.wire("sum", W, "|big| +- |small| >= 0, carry at the top");
  m.assign(sum, fmt::format("{0} ? ({1} - {2}) : ({1} + {2})", eff_sub, big_f, small_f));

  const auto q = stage(
      m, pipelined,
      {{sum, W}, {big_exp, E}, {big_sign, 1}, {eff_sub, 1}, {nan, 1}, {inf, 1}, {inf_sign, 1}},
      "Register stage after the significand add (pipelined).");
  const std::string &sum_q = q[0], &exp_q = q[1], &sign_q = q[2], &sub_q = q[3];

  m.blank();
  m.comment("Normalize: shift the leading one to the hidden position, but not below emin");
  m.comment("(such sums are subnormal and exact).");
  const std::string msb = m.wire("carry", 1, "sum in [2, 4): fp_round_pack shifts it right");
  m.assign(msb, bits(sum_q, W - 1, W - 1));
  const std::string lz = leading_zeros(m, "nrm_lzc", bits(sum_q, W - 2, 0), W - 1);
  const int lzw = vlog::bits_for(static_cast<uint64_t>(W - 1));
  const int sw = std::max(lzw, E);
  const std::string lim = m.wire("shift_lim", sw, "exp - 1: the shift that reaches emin");
  m.assign(lim, fmt::format("{} - {}", zext(exp_q, E, sw), lit(sw, 1)));
  const std::string sh_full = m.wire("norm_shift_full", sw);
  m.assign(sh_full, fmt::format("{0} ? {1} : ({2} > {3}) ? {3} : {2}", msb, lit(sw, 0),
                                zext(lz, lzw, sw), lim));
  // min(lz, lim) <= lz fits the count's width: a narrow shifter.
  const std::string sh = m.wire("norm_shift", lzw, "min(lzc, exp - 1), 0 on a carry");
  m.assign(sh, bits(sh_full, lzw - 1, 0));
  if (sw > lzw) {
    const std::string u = m.wire("unused_norm_shift_hi", 1);
    m.assign(u, "|" + bits(sh_full, sw - 1, lzw), "always 0: at most the count");
  }
  const std::string sig_n = m.wire("sig_norm", W);
  m.assign(sig_n, fmt::format("{} << {}", sum_q, sh));
  const std::string exp_n = m.wire("exp_norm", E);
  m.assign(exp_n, fmt::format("{} - {}", exp_q, lzw > E ? bits(sh, E - 1, 0) : zext(sh, lzw, E)));
  if (lzw > E) {
    const std::string u = m.wire("unused_norm_shift_top", 1);
    m.assign(u, "|" + bits(sh, lzw - 1, E), "always 0: the shift is below exp");
  }
  const std::string zero_sum = m.wire("zero_sum", 1);
  m.assign(zero_sum, "~(|" + sum_q + ")");
  const std::string sign_r = m.wire("sign_r", 1, "x + (-x) = +0; -0 + -0 = -0");
  m.assign(sign_r, fmt::format("{} & ~({} & {})", sign_q, zero_sum, sub_q));

  m.blank();
  FpRoundPack rp = add_round_pack(s);
  rp.sign = sign_r;
  rp.sig = sig_n;
  rp.exp = exp_n;
  const std::string code = fp_round_pack(m, "rnd", rp);

  m.blank();
  std::string y = fmt::format("{} ? {{{}, {}}} : {}", zero_sum, sign_r, lit(E + M, 0), code);
  if (q[5] != "1'b0")
    y = fmt::format("{} ? {{{}, {}}} : {}", q[5], q[6],
                    hex_lit(E + M, uint64_t{(1u << E) - 1} << M), y);
  if (q[4] != "1'b0")
    y = fmt::format("{} ? {} : {}", q[4], hex_lit(f.width(), golden::fp_nan(f)), y);
  m.assign("y_o", y, "specials and exact zero sums override the rounded sum");
  return m;
}

FpRoundPackPlan fp_mul_plan(const golden::FpMulSpec& s) {
  vlog::Module scratch;
  const FpUnpacked a = fp_unpack(scratch, "a", "a_i", s.a, true);
  const FpUnpacked b = fp_unpack(scratch, "b", "b_i", s.b, true);
  return fp_round_pack_plan(mul_round_pack(s, a, b));
}

FpRoundPackPlan fp_add_plan(const golden::FpAddSpec& s) {
  return fp_round_pack_plan(add_round_pack(s));
}

int fp_add_tree_depth(int n) {
  int d = 0;
  while ((1 << d) < n) ++d;
  return d;
}

std::string fp_add_tree(vlog::Module& m, const std::string& prefix,
                        const std::vector<std::string>& inputs, const FpAddTree& t) {
  if (inputs.empty()) throw std::logic_error("fp_add_tree: no inputs");
  const bool piped = !t.clk.empty();
  std::vector<std::string> level = inputs;
  int depth = 0;
  while (level.size() > 1) {
    ++depth;
    std::vector<std::string> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
      const std::string y = m.wire(fmt::format("{}_l{}_{}", prefix, depth, i / 2), t.width);
      vlog::Instance inst{t.adder, fmt::format("u_{}_l{}_{}", prefix, depth, i / 2), {}, ""};
      if (piped) {
        inst.connections.push_back({"clk_i", t.clk});
        inst.connections.push_back({"en_i", t.en});
      }
      inst.connections.push_back({"a_i", level[i]});
      inst.connections.push_back({"b_i", level[i + 1]});
      inst.connections.push_back({"y_o", y});
      m.add(inst);
      next.push_back(y);
    }
    if (level.size() % 2) {
      if (piped) {
        // Delay the odd element by the adder's one cycle.
        const std::string q = m.reg(fmt::format("{}_l{}_pass_q", prefix, depth), t.width);
        m.add(vlog::Registers{
            t.clk, "rst_ni", t.en, {{q, level.back(), ""}}, "odd element: delayed like an adder"});
        next.push_back(q);
      } else {
        next.push_back(level.back());
      }
    }
    level = std::move(next);
  }
  return level[0];
}

}  // namespace bf::blocks
