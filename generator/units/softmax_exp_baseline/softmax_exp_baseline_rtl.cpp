// softmax.exp_baseline hardware: the conventional exp / sum / divide softmax,
// formulas of golden/units/softmax_exp_baseline/softmax_exp_baseline.hpp (steps 1-6) on the same
// integers. Real multipliers (`*`) for the interpolation and the
// normalization, a restoring array for the one reciprocal, a 2^Tb-entry table
// per element.
#include "generator/units/softmax_exp_baseline/softmax_exp_baseline_rtl.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "generator/blocks/adder_tree.hpp"
#include "generator/blocks/blocks.hpp"
#include "generator/blocks/const_mul.hpp"
#include "generator/blocks/restoring_divider.hpp"
#include "generator/blocks/vector_stream.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::softmax_exp_baseline {

using golden::SoftmaxExpBaselineShape;
using vlog::bits;
using vlog::lit;

namespace {

int64_t u_full_max(const SoftmaxExpBaselineShape& s) {
  const int64_t a = ((int64_t{1} << s.jd) - 1) * s.c;
  return s.shift <= 0 ? a << -s.shift : (a + (int64_t{1} << (s.shift - 1))) >> s.shift;
}

// <top>_exp: steps 1-4 for one element.
vlog::Module exp_module(const SoftmaxExpBaselineShape& s, const std::string& name,
                        const std::vector<std::string>& header) {
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back("One element of golden::softmax_exp_baseline, steps 2-4: exp(x - max) =");
  m.header.push_back("2^-int(u) * 2^-frac(u), u = (max - x) log2 e; 2^-frac(u) from a table with");
  m.header.push_back("linear interpolation (one multiplier), 2^-int(u) as a shift. Combinational.");
  m.input("x_i", s.w, "logit, offset binary");
  m.input("max_i", s.w, "maximum logit, offset binary");
  m.output("e_o", s.e_w, fmt::format("exp(x - max), {} fraction bits", s.p));

  m.blank();
  m.comment("d = max - x, clamped (only bounds the widths: any larger d saturates u).");
  const std::string d = m.wire("d", s.w);
  m.assign(d, "max_i - x_i");
  std::string dc = d;
  if (s.jd < s.w) {
    dc = m.wire("d_clamped", s.jd);
    m.assign(dc, fmt::format("(|{}) ? {} : {}", bits(d, s.w - 1, s.jd), vlog::repeat(s.jd, "1'b1"),
                             bits(d, s.jd - 1, 0)));
  }
  m.blank();
  m.comment(fmt::format("u = round half up (d * {} / 2^{}), saturated at {} (log2 e ~ {}/2^{}).",
                        s.c, s.shift, s.u_cap, s.c, s.k));
  const std::string a = blocks::const_mul(m, "a", dc, s.jd, static_cast<uint64_t>(s.c), s.a_w);
  std::string uf;
  int uf_w;
  if (s.shift > 0) {
    const std::string ar = m.wire("a_rnd", s.a_w + 1, "a + half");
    m.assign(ar, fmt::format("{} + {}", vlog::zext(a, s.a_w, s.a_w + 1),
                             lit(s.a_w + 1, uint64_t{1} << (s.shift - 1))));
    uf_w = s.a_w + 1 - s.shift;
    uf = m.wire("u_full", uf_w);
    m.assign(uf, bits(ar, s.a_w, s.shift));
    const std::string unused_r = m.wire("unused_a_rnd_lo", 1);
    m.assign(unused_r, "|" + bits(ar, s.shift - 1, 0), "rounded off");
  } else {
    uf_w = s.a_w - s.shift;
    uf = s.shift == 0 ? a : m.wire("u_full", uf_w);
    if (s.shift < 0) m.assign(uf, vlog::concat({a, lit(-s.shift, 0)}), "exact");
  }
  const std::string u = m.wire("u", s.u_w);
  if (u_full_max(s) > s.u_cap) {
    m.assign(u, fmt::format("({} > {}) ? {} : {}", uf, lit(uf_w, static_cast<uint64_t>(s.u_cap)),
                            lit(s.u_w, static_cast<uint64_t>(s.u_cap)),
                            uf_w > s.u_w ? bits(uf, s.u_w - 1, 0) : vlog::zext(uf, uf_w, s.u_w)));
  } else if (uf_w <= s.u_w) {
    m.assign(u, vlog::zext(uf, uf_w, s.u_w), "never reaches the saturation");
  } else {
    m.assign(u, bits(uf, s.u_w - 1, 0), "never reaches the saturation");
    const std::string unused = m.wire("unused_u_full_hi", 1);
    m.assign(unused, "|" + bits(uf, uf_w - 1, s.u_w), "always 0");
  }
  const std::string ui = m.wire("ui", s.ui_w, "int(u)");
  m.assign(ui, bits(u, s.u_w - 1, s.u_frac));

  m.blank();
  m.comment(fmt::format("2^-frac(u): {}-segment table T, slopes D = T[j] - T[j+1].", 1 << s.tb));
  const std::string j = m.wire("seg", s.tb, "table index: top bits of frac(u)");
  m.assign(j, bits(u, s.u_frac - 1, s.lb));
  const std::string lo = m.wire("seg_lo", s.lb, "position inside the segment");
  m.assign(lo, bits(u, s.lb - 1, 0));
  m.reg("tab_t", s.v_w);
  m.reg("tab_d", s.dt_w);
  vlog::Case rom{j, {}};
  const int segs = 1 << s.tb;
  for (int e = 0; e < segs; ++e) {
    rom.items.push_back(
        {e + 1 < segs ? lit(s.tb, static_cast<uint64_t>(e)) : std::string("default"),
         {vlog::set("tab_t", lit(s.v_w, s.table[static_cast<std::size_t>(e)])),
          vlog::set("tab_d", lit(s.dt_w, s.slope[static_cast<std::size_t>(e)]))}});
  }
  m.add(vlog::Combinational{{vlog::Stmt{rom}}, "table ROM (the last entry is the default)"});
  const int ip_w = s.dt_w + s.lb;
  const std::string ip = m.wire("interp_prod", ip_w, "D[j] * lo: the interpolation multiplier");
  m.assign(ip,
           fmt::format("{} * {}", vlog::zext("tab_d", s.dt_w, ip_w), vlog::zext(lo, s.lb, ip_w)));
  const std::string ir = m.wire("interp_rnd", ip_w + 1);
  m.assign(ir, fmt::format("{} + {}", vlog::zext(ip, ip_w, ip_w + 1),
                           lit(ip_w + 1, uint64_t{1} << (s.lb - 1))));
  const std::string unused_i = m.wire("unused_interp_lo", 1);
  m.assign(unused_i, "|" + bits(ir, s.lb - 1, 0), "rounded off");
  const std::string v = m.wire("v", s.v_w, "T[j] - round(D[j] * lo / 2^L)");
  m.assign(v, fmt::format("tab_t - {}", vlog::zext(bits(ir, ip_w, s.lb), s.dt_w + 1, s.v_w)));

  m.blank();
  m.comment(fmt::format("Step 4: e = floor(v * 2^{} / 2^({} + int(u))), the exponent as one shift.",
                        s.p, s.m));
  const int q_w = s.v_w + s.p;
  const std::string q = m.wire("e_shifted", q_w, "shifts past the width give 0");
  m.assign(q, fmt::format("{} >> {}", vlog::concat({v, lit(s.p, 0)}), ui));
  m.assign("e_o", bits(q, q_w - 1, s.m));
  const std::string unused_e = m.wire("unused_e_lo", 1);
  m.assign(unused_e, "|" + bits(q, s.m - 1, 0), "floored off");
  return m;
}

// <top>_norm: step 6 for one element.
vlog::Module norm_module(const SoftmaxExpBaselineShape& s, const std::string& name,
                         const std::vector<std::string>& header) {
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(
      "One element of golden::softmax_exp_baseline, step 6: y = w * R / 2^(M + Q - B)");
  m.header.push_back("on a multiplier, 1.0 saturating. Combinational.");
  m.input("w_i", s.v_w, fmt::format("top bits of the term, e >> {}", s.p - s.m));
  m.input("r_i", s.r_w, fmt::format("reciprocal floor(2^{} / sum)", s.p + s.q));
  m.output("y_o", s.out, fmt::format("softmax output, unsigned Q0.{}", s.out));
  const std::string prod = m.wire("prod", s.prod_w, "w * R");
  m.assign(prod, fmt::format("{} * {}", vlog::zext("w_i", s.v_w, s.prod_w),
                             vlog::zext("r_i", s.r_w, s.prod_w)));
  const int sh = s.m + s.q - s.out;
  const std::string yr = m.wire("y_raw", s.out + 1, "floor(w * R / 2^(M + Q - B)) <= 2^B");
  m.assign(yr, bits(prod, sh + s.out, sh));
  const std::string unused = m.wire("unused_prod", 1);
  m.assign(
      unused,
      fmt::format("(|{}) | (|{})", bits(prod, s.prod_w - 1, sh + s.out + 1), bits(prod, sh - 1, 0)),
      "above: always 0 (w * R <= 2^(M+Q)); below: floored off");
  m.assign("y_o",
           fmt::format("{} ? {} : {}", bits(yr, s.out, s.out), vlog::repeat(s.out, "1'b1"),
                       bits(yr, s.out - 1, 0)),
           "saturate 1.0 to all ones");
  return m;
}

vlog::Module top_module(const golden::SoftmaxExpBaselineParams& p, const SoftmaxExpBaselineShape& s,
                        const std::string& name, const std::string& exp_name,
                        const std::string& norm_name, const std::vector<std::string>& header) {
  const int n = s.n;
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "Conventional softmax over {} logits (signed Q{}.{}) -> {} outputs (unsigned Q0.{}):", n,
      s.w - s.fi, s.fi, n, s.out));
  m.header.push_back(fmt::format(
      "table + interpolation exp, adder tree, one restoring reciprocal, {} multipliers", n));
  m.header.push_back("(golden::softmax_exp_baseline).");
  m.header.push_back(fmt::format(
      "Latency {} cycle(s) (pipeline_stages + divider_stages + 1), one vector per cycle. "
      "Registers:{}{}{}{} output.",
      p.latency(), p.pipeline_stages >= 2 ? " after the max tree," : "",
      p.pipeline_stages >= 3 ? " after the exp terms," : "",
      p.pipeline_stages >= 1 ? " after the sum," : "",
      p.divider_stages > 0 ? fmt::format(" {} inside the reciprocal,", p.divider_stages)
                           : std::string()));
  m.header.push_back("Handshake: a global stall; everything advances when out_ready_i is high or");
  m.header.push_back("the output register is empty.");
  blocks::VectorStream vs(m, n, s.w, s.fi, s.out);
  const auto mxr = vs.maximum(p.pipeline_stages >= 2);
  const std::string x_cur = mxr.x_off, mx = mxr.max;

  m.blank();
  m.comment("Steps 2-4: per element exp(x - max) as a sum term.");
  std::string e_bus = m.wire("e_all", n * s.e_w);
  for (int i = 0; i < n; ++i) {
    vlog::Instance inst{exp_name, fmt::format("u_exp_{}", i), {}, ""};
    inst.connections.push_back({"x_i", vlog::part(x_cur, i * s.w, s.w)});
    inst.connections.push_back({"max_i", mx});
    inst.connections.push_back({"e_o", vlog::part(e_bus, i * s.e_w, s.e_w)});
    m.add(inst);
  }
  if (p.pipeline_stages >= 3) {
    vs.cut("after the exp terms", {{fmt::format("e_q{}", vs.stage() + 1), e_bus, n * s.e_w}});
    e_bus = fmt::format("e_q{}", vs.stage());
  }

  m.blank();
  m.comment(fmt::format("Step 4: sum of the terms, balanced adder tree ({} bits).", s.sum_w));
  std::vector<std::string> es;
  for (int i = 0; i < n; ++i) es.push_back(vlog::part(e_bus, i * s.e_w, s.e_w));
  std::string sum = blocks::adder_tree(m, "sumt", es, s.e_w, s.sum_w);
  m.comment(
      fmt::format("Step 6 operands: the top {} bits of each term, w = e >> {}.", s.v_w, s.p - s.m));
  std::vector<std::string> ws;
  for (int i = 0; i < n; ++i) ws.push_back(bits(e_bus, i * s.e_w + s.p, i * s.e_w + s.p - s.m));
  std::string w_bus = m.wire("w_all", n * s.v_w);
  {
    std::vector<std::string> msb_first(ws.rbegin(), ws.rend());
    m.assign(w_bus, vlog::concat(msb_first));
  }
  if (p.pipeline_stages >= 1) {
    vs.cut("after the sum", {{fmt::format("w_q{}", vs.stage() + 1), w_bus, n * s.v_w},
                             {fmt::format("sum_q{}", vs.stage() + 1), sum, s.sum_w}});
    w_bus = fmt::format("w_q{}", vs.stage());
    sum = fmt::format("sum_q{}", vs.stage());
  }

  m.blank();
  m.comment(fmt::format(
      "Step 5: R = floor(2^{} / sum), restoring array ({} quotient bits{}).", s.p + s.q, s.r_w,
      p.divider_stages > 0 ? fmt::format(", registered in {} places", p.divider_stages)
                           : std::string()));
  // divider_stages cuts split the rows into near-equal groups; each carries
  // the partial remainder, the quotient bits so far, the divisor and the
  // numerators w (the dividend is a constant).
  std::vector<int> cut_after;
  const int groups = p.divider_stages + 1;
  for (int g = 1; g < groups; ++g) cut_after.push_back((s.r_w * g + groups / 2) / groups);
  const auto cut_rows = [&](int rows_done, std::string& rem, std::vector<std::string>& q,
                            std::string& divisor) {
    if (std::find(cut_after.begin(), cut_after.end(), rows_done) == cut_after.end()) return;
    const int st = vs.stage() + 1;
    const int k = static_cast<int>(q.size());
    const std::string rem_q = fmt::format("rcp_rem_q{}", st);
    const std::string quot_q = fmt::format("rcp_quot_q{}", st);
    const std::string div_q = fmt::format("sum_q{}", st);
    const std::string w_q = fmt::format("w_q{}", st);
    vs.cut(fmt::format("inside the reciprocal, after {} of its {} rows", rows_done, s.r_w),
           {{rem_q, rem, s.sum_w},
            {quot_q, k == 1 ? q[0] : vlog::concat(q), k},
            {div_q, divisor, s.sum_w},
            {w_q, w_bus, n * s.v_w}});
    rem = rem_q;
    divisor = div_q;
    w_bus = w_q;
    for (int j = 0; j < k; ++j) q[j] = k == 1 ? quot_q : vlog::bits(quot_q, k - 1 - j, k - 1 - j);
  };
  const std::string recip =
      blocks::restoring_divide(m, "rcp", lit(s.p + s.q + 1, uint64_t{1} << (s.p + s.q)),
                               s.p + s.q + 1, sum, s.sum_w, s.r_w, cut_rows);

  m.blank();
  m.comment("Step 6: per element y = w * R / 2^(M + Q - B).");
  m.wire("y_d", n * s.out);
  for (int i = 0; i < n; ++i) {
    vlog::Instance inst{norm_name, fmt::format("u_norm_{}", i), {}, ""};
    inst.connections.push_back({"w_i", vlog::part(w_bus, i * s.v_w, s.v_w)});
    inst.connections.push_back({"r_i", recip});
    inst.connections.push_back({"y_o", vlog::part("y_d", i * s.out, s.out)});
    m.add(inst);
  }

  vs.output("y_d");
  return m;
}

}  // namespace

std::vector<vlog::Module> build_rtl(const golden::SoftmaxExpBaselineParams& p,
                                    const std::string& top,
                                    const std::vector<std::string>& header) {
  const SoftmaxExpBaselineShape s = golden::softmax_baseline_shape(p);
  const std::string e = top + "_exp", nm = top + "_norm";
  return {exp_module(s, e, header), norm_module(s, nm, header),
          top_module(p, s, top, e, nm, header)};
}

}  // namespace bf::softmax_exp_baseline
