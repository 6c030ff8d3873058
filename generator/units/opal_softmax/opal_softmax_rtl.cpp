// opal.softmax hardware. Every formula is the one in
// golden/units/opal_softmax/opal_softmax.hpp (steps 1-9 of its header comment), on the same
// integers: x in offset binary (sign bit inverted, so unsigned comparisons and
// differences equal the signed ones), t and z with F and H fraction bits, the
// sum with P fraction bits. No multiplier, no divider, no table.
#include "generator/units/opal_softmax/opal_softmax_rtl.hpp"

#include <fmt/format.h>

#include "generator/blocks/adder_tree.hpp"
#include "generator/blocks/blocks.hpp"
#include "generator/blocks/const_mul.hpp"
#include "generator/blocks/vector_stream.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::opal_softmax {

using golden::OpalSoftmaxShape;
using vlog::bits;
using vlog::lit;

namespace {

// Largest unsaturated t (step 4 applied to the clamped maximum d).
int64_t t_full_max(const OpalSoftmaxShape& s) {
  const int64_t a = ((int64_t{1} << s.jd) - 1) * s.c;
  return s.shift <= 0 ? a << -s.shift : (a + (int64_t{1} << (s.shift - 1))) >> s.shift;
}

// Mitchell antilog of `v` (`v_w` bits, `h` fraction bits, at most v_max):
// declares <prefix>_mant (h + 1 bits) and <prefix>_sh and returns their names.
struct AntilogWires {
  std::string mant, sh;
  int sh_w;
};
AntilogWires antilog(vlog::Module& m, const std::string& prefix, const std::string& v, int v_w,
                     int h, uint64_t v_max) {
  AntilogWires a;
  const int vi_w = v_w - h;
  const uint64_t sh_max = (v_max + (uint64_t{1} << h) - 1) >> h;
  a.sh_w = std::max(vi_w, vlog::bits_for(sh_max));
  a.sh = prefix + "_sh";
  a.mant = prefix + "_mant";
  if (h == 0) {
    m.wire(a.mant, 1, "2^0: exact power of two");
    m.assign(a.mant, "1'b1");
    m.wire(a.sh, a.sh_w);
    m.assign(a.sh, vlog::zext(v, v_w, a.sh_w));
    return a;
  }
  const std::string vf = m.wire(prefix + "_frac", h);
  m.assign(vf, bits(v, h - 1, 0));
  const std::string neg = m.wire(prefix + "_frac_neg", h, "(2^h - frac) mod 2^h");
  m.assign(neg, "-" + vf);
  m.wire(a.mant, h + 1, "mant = 2^h + ((2^h - frac) mod 2^h)");
  m.assign(a.mant, vlog::concat({"1'b1", neg}));
  m.wire(a.sh, a.sh_w, "sh = int + (frac != 0)");
  m.assign(a.sh, fmt::format("{} + {}", vlog::zext(bits(v, v_w - 1, h), vi_w, a.sh_w),
                             vlog::zext("(|" + vf + ")", 1, a.sh_w)));
  return a;
}

// <top>_term: steps 2-6 for one element.
vlog::Module term_module(const OpalSoftmaxShape& s, const std::string& name,
                         const std::vector<std::string>& header) {
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back("One element of golden::opal_softmax, steps 2-6: the scaled difference");
  m.header.push_back("t = round((max - x) * log2 e) and the sum term p = 2^-t (Mitchell antilog).");
  m.header.push_back("Combinational.");
  m.input("x_i", s.w, "logit, offset binary");
  m.input("max_i", s.w, "maximum logit, offset binary");
  m.output("t_o", s.t_w, fmt::format("t, {} fraction bits, saturated at {}", s.f, s.t_cap));
  m.output("p_o", s.p_w, fmt::format("sum term, {} fraction bits", s.p));

  m.blank();
  m.comment("Step 2: d = max - x, clamped (only bounds the widths: any larger d saturates t).");
  const std::string d = m.wire("d", s.w);
  m.assign(d, "max_i - x_i");
  std::string dc = d;
  if (s.jd < s.w) {
    dc = m.wire("d_clamped", s.jd);
    m.assign(dc, fmt::format("(|{}) ? {} : {}", bits(d, s.w - 1, s.jd), vlog::repeat(s.jd, "1'b1"),
                             bits(d, s.jd - 1, 0)));
  }

  m.blank();
  m.comment(fmt::format("Step 3: a = d * {} (log2 e ~ {}/2^{} = {:.8f}), shifts and adds only.",
                        s.c, s.c, s.k, static_cast<double>(s.c) / static_cast<double>(1 << s.k)));
  const std::string a = blocks::const_mul(m, "a", dc, s.jd, static_cast<uint64_t>(s.c), s.a_w);

  m.blank();
  std::string tf;
  int tf_w;
  if (s.shift > 0) {
    m.comment(
        fmt::format("Step 4: t = round half up (a / 2^{}), saturated at {}.", s.shift, s.t_cap));
    const std::string ar = m.wire("a_rnd", s.a_w + 1, "a + half");
    m.assign(ar, fmt::format("{} + {}", vlog::zext(a, s.a_w, s.a_w + 1),
                             lit(s.a_w + 1, uint64_t{1} << (s.shift - 1))));
    tf_w = s.a_w + 1 - s.shift;
    tf = m.wire("t_full", tf_w);
    m.assign(tf, bits(ar, s.a_w, s.shift));
    const std::string unused = m.wire("unused_a_rnd_lo", 1);
    m.assign(unused, "|" + bits(ar, s.shift - 1, 0), "rounded off");
  } else {
    m.comment(fmt::format("Step 4: t = a * 2^{} (exact), saturated at {}.", -s.shift, s.t_cap));
    tf_w = s.a_w - s.shift;
    tf = s.shift == 0 ? a : m.wire("t_full", tf_w);
    if (s.shift < 0) m.assign(tf, vlog::concat({a, lit(-s.shift, 0)}));
  }
  const int64_t tmax = t_full_max(s);
  const std::string t = m.wire("t", s.t_w);
  if (tmax > s.t_cap) {
    m.assign(t, fmt::format("({} > {}) ? {} : {}", tf, lit(tf_w, static_cast<uint64_t>(s.t_cap)),
                            lit(s.t_w, static_cast<uint64_t>(s.t_cap)),
                            tf_w > s.t_w ? bits(tf, s.t_w - 1, 0) : vlog::zext(tf, tf_w, s.t_w)));
  } else if (tf_w <= s.t_w) {
    m.assign(t, vlog::zext(tf, tf_w, s.t_w), "never reaches the saturation");
  } else {
    m.assign(t, bits(tf, s.t_w - 1, 0), "never reaches the saturation");
    const std::string unused = m.wire("unused_t_full_hi", 1);
    m.assign(unused, "|" + bits(tf, tf_w - 1, s.t_w), "always 0");
  }
  m.assign("t_o", t);

  m.blank();
  m.comment("Steps 5-6: p = floor(mant * 2^P / 2^(F + sh)).");
  const auto al = antilog(m, "tal", t, s.t_w, s.f, static_cast<uint64_t>(s.t_cap));
  const int q_w = s.f + 1 + s.p;
  const std::string q = m.wire("p_shifted", q_w);
  m.assign(q, fmt::format("{} >> {}", vlog::concat({al.mant, lit(s.p, 0)}), al.sh));
  m.assign("p_o", bits(q, q_w - 1, s.f));
  if (s.f > 0) {
    const std::string unused = m.wire("unused_p_lo", 1);
    m.assign(unused, "|" + bits(q, s.f - 1, 0), "floored off");
  }
  return m;
}

uint64_t lg_max(const OpalSoftmaxShape& s) {
  return (static_cast<uint64_t>(s.l_max + 1) << s.g) + static_cast<uint64_t>(s.bias);
}

// <top>_out: steps 8-9 for one element.
vlog::Module out_module(const OpalSoftmaxShape& s, const std::string& name,
                        const std::vector<std::string>& header) {
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back("One element of golden::opal_softmax, steps 8-9: z = t + log2(sum) (the");
  m.header.push_back("division as a subtraction in the log domain), y = 2^-z (Mitchell antilog).");
  m.header.push_back("Combinational.");
  m.input("t_i", s.t_w, fmt::format("t, {} fraction bits", s.f));
  m.input("lg_i", s.lg_w, fmt::format("log2(sum), {} fraction bits", s.g));
  m.output("y_o", s.out, fmt::format("softmax output, unsigned Q0.{}", s.out));

  m.blank();
  m.comment(fmt::format("Step 8: z = t * 2^{} + lg * 2^{} ({} fraction bits).", s.h - s.f,
                        s.h - s.g, s.h));
  const auto aligned = [&](const std::string& v, int w, int up) {
    std::vector<std::string> parts;
    if (s.z_w - w - up > 0) parts.push_back(lit(s.z_w - w - up, 0));
    parts.push_back(v);
    if (up > 0) parts.push_back(lit(up, 0));
    return parts.size() == 1 ? v : vlog::concat(parts);
  };
  const std::string z = m.wire("z", s.z_w);
  m.assign(z, fmt::format("{} + {}", aligned("t_i", s.t_w, s.h - s.f),
                          aligned("lg_i", s.lg_w, s.h - s.g)));

  m.blank();
  m.comment(fmt::format("Step 9: y = floor(mant * 2^{} / 2^(H + sh)), 1.0 saturates.", s.out));
  const uint64_t z_max =
      (static_cast<uint64_t>(s.t_cap) << (s.h - s.f)) + (lg_max(s) << (s.h - s.g));
  const auto al = antilog(m, "zal", z, s.z_w, s.h, z_max);
  const int q_w = s.h + 1 + s.out;
  const std::string q = m.wire("y_shifted", q_w, "shifts past the width give 0: underflow");
  m.assign(q, fmt::format("{} >> {}", vlog::concat({al.mant, lit(s.out, 0)}), al.sh));
  const std::string yr = m.wire("y_raw", s.out + 1, "<= 2^B; 2^B only when z = 0");
  m.assign(yr, bits(q, q_w - 1, s.h));
  if (s.h > 0) {
    const std::string unused = m.wire("unused_y_lo", 1);
    m.assign(unused, "|" + bits(q, s.h - 1, 0), "floored off");
  }
  m.assign("y_o",
           fmt::format("{} ? {} : {}", bits(yr, s.out, s.out), vlog::repeat(s.out, "1'b1"),
                       bits(yr, s.out - 1, 0)),
           "saturate 1.0 to all ones");
  return m;
}

// Step 7 in the top module: lg from the sum's leading one.
std::string log2_of_sum(vlog::Module& m, const OpalSoftmaxShape& s, const std::string& sum) {
  m.comment(fmt::format(
      "Step 7: lg = L * 2^{0} + ((r + 1) >> 1) + {1}: L = leading-one position of sum / 2^{2}, "
      "r = the {3} bits after it.",
      s.g, s.bias, s.p, s.g + 1));
  const std::string top = m.wire("sum_int", s.sh_w, "sum >> P: 1 .. n");
  m.assign(top, bits(sum, s.sum_w - 1, s.p));
  const std::string lzc = blocks::leading_zeros(m, "lzc", top, s.sh_w);
  const int cw = vlog::bits_for(static_cast<uint64_t>(s.sh_w));
  const int lw = vlog::bits_for(static_cast<uint64_t>(s.l_max));
  const std::string lf = m.wire("lead_full", cw);
  m.assign(lf, fmt::format("{} - {}", lit(cw, static_cast<uint64_t>(s.sh_w - 1)), lzc));
  const std::string l = m.wire("lead", lw, "L = floor(log2(sum)) - P");
  m.assign(l, lw == cw ? lf : bits(lf, lw - 1, 0));
  if (lw < cw) {
    const std::string unused = m.wire("unused_lead_hi", 1);
    m.assign(unused, "|" + bits(lf, cw - 1, lw), "always 0: L <= floor(log2 n)");
  }
  const int win_w = s.l_max + s.g + 1;
  const std::string win = m.wire("lead_window", win_w, "the bits that can follow the leading one");
  m.assign(win, bits(sum, s.p + s.l_max - 1, s.p - 1 - s.g));
  if (s.p - 1 - s.g > 0) {
    const std::string unused = m.wire("unused_sum_lo", 1);
    m.assign(unused, "|" + bits(sum, s.p - 2 - s.g, 0), "truncated: below the G + 1 bits read");
  }
  const std::string ws = m.wire("lead_window_sh", win_w);
  m.assign(ws, fmt::format("{} >> {}", win, l));
  const std::string r = m.wire("lead_frac", s.g + 1, "r: G + 1 bits after the leading one");
  m.assign(r, bits(ws, s.g, 0));
  const std::string unused = m.wire("unused_lead_window_hi", 1);
  m.assign(unused, "|" + bits(ws, win_w - 1, s.g + 1), "the leading one and above");
  const std::string rr = m.wire("lead_frac_rnd", s.g + 2, "r + 1");
  m.assign(rr, fmt::format("{} + {}", vlog::zext(r, s.g + 1, s.g + 2), lit(s.g + 2, 1)));
  const std::string unused_rr = m.wire("unused_lead_frac_rnd_lsb", 1);
  m.assign(unused_rr, bits(rr, 0, 0), "round half up: (r + 1) >> 1");
  const std::string lg = m.wire("lg", s.lg_w, fmt::format("log2(sum), {} fraction bits", s.g));
  std::string expr =
      fmt::format("{} + {}", vlog::zext(s.g ? vlog::concat({l, lit(s.g, 0)}) : l, lw + s.g, s.lg_w),
                  vlog::zext(bits(rr, s.g + 1, 1), s.g + 1, s.lg_w));
  if (s.bias) expr += " + " + lit(s.lg_w, static_cast<uint64_t>(s.bias));
  m.assign(lg, expr, s.bias ? fmt::format("log_bias = {} / 2^{}", s.bias, s.g) : "");
  return lg;
}

vlog::Module top_module(const golden::OpalSoftmaxParams& p, const OpalSoftmaxShape& s,
                        const std::string& name, const std::string& term_name,
                        const std::string& out_name, const std::vector<std::string>& header,
                        bool embedded) {
  const int n = s.n;
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(
      fmt::format("log2 softmax over {} logits (signed Q{}.{}) -> {} outputs (unsigned Q0.{}).", n,
                  s.w - s.fi, s.fi, n, s.out));
  m.header.push_back("Shifts, adds, comparisons and leading-one detection only: no multiplier,");
  m.header.push_back("no divider, no table (golden::opal_softmax).");
  m.header.push_back(fmt::format(
      "Latency {} cycle(s) (pipeline_stages + 1), one vector per cycle. Registers:{}{}{} output.",
      p.pipeline_stages + 1, p.pipeline_stages >= 2 ? " after the max tree," : "",
      p.pipeline_stages >= 3 ? " after the sum terms," : "",
      p.pipeline_stages >= 1 ? " after log2(sum)," : ""));
  if (embedded) {
    m.header.push_back("Embedded: every stage advances with the parent's en_i.");
  } else {
    m.header.push_back(
        "Handshake: a global stall; everything advances when out_ready_i is high or");
    m.header.push_back("the output register is empty.");
  }
  blocks::VectorStream vs(m, n, s.w, s.fi, s.out, embedded);
  const auto mxr = vs.maximum(p.pipeline_stages >= 2);
  const std::string x_cur = mxr.x_off, mx = mxr.max;

  m.blank();
  m.comment("Steps 2-6: per element, scaled difference t and sum term p.");
  std::string t_bus =
      m.wire("t_all", n * s.t_w, fmt::format("t of element i at [{}*i +: {}]", s.t_w, s.t_w));
  std::string p_bus =
      m.wire("p_all", n * s.p_w, fmt::format("p of element i at [{}*i +: {}]", s.p_w, s.p_w));
  for (int i = 0; i < n; ++i) {
    vlog::Instance inst{term_name, fmt::format("u_term_{}", i), {}, ""};
    inst.connections.push_back({"x_i", vlog::part(x_cur, i * s.w, s.w)});
    inst.connections.push_back({"max_i", mx});
    inst.connections.push_back({"t_o", vlog::part(t_bus, i * s.t_w, s.t_w)});
    inst.connections.push_back({"p_o", vlog::part(p_bus, i * s.p_w, s.p_w)});
    m.add(inst);
  }
  if (p.pipeline_stages >= 3) {
    vs.cut("after the sum terms", {{fmt::format("t_q{}", vs.stage() + 1), t_bus, n * s.t_w},
                                   {fmt::format("p_q{}", vs.stage() + 1), p_bus, n * s.p_w}});
    t_bus = fmt::format("t_q{}", vs.stage());
    p_bus = fmt::format("p_q{}", vs.stage());
  }

  m.blank();
  m.comment(fmt::format("Step 6: sum of the terms, balanced adder tree ({} bits).", s.sum_w));
  std::vector<std::string> ps;
  for (int i = 0; i < n; ++i) ps.push_back(vlog::part(p_bus, i * s.p_w, s.p_w));
  const std::string sum = blocks::adder_tree(m, "sumt", ps, s.p_w, s.sum_w);

  m.blank();
  std::string lg = log2_of_sum(m, s, sum);
  if (p.pipeline_stages >= 1) {
    vs.cut("after log2(sum)", {{fmt::format("t_q{}", vs.stage() + 1), t_bus, n * s.t_w},
                               {fmt::format("lg_q{}", vs.stage() + 1), lg, s.lg_w}});
    t_bus = fmt::format("t_q{}", vs.stage());
    lg = fmt::format("lg_q{}", vs.stage());
  }

  m.blank();
  m.comment("Steps 8-9: per element, z = t + lg and the output antilog.");
  m.wire("y_d", n * s.out);
  for (int i = 0; i < n; ++i) {
    vlog::Instance inst{out_name, fmt::format("u_out_{}", i), {}, ""};
    inst.connections.push_back({"t_i", vlog::part(t_bus, i * s.t_w, s.t_w)});
    inst.connections.push_back({"lg_i", lg});
    inst.connections.push_back({"y_o", vlog::part("y_d", i * s.out, s.out)});
    m.add(inst);
  }

  vs.output("y_d");
  return m;
}

}  // namespace

std::vector<vlog::Module> build_rtl(const golden::OpalSoftmaxParams& p, const std::string& top,
                                    const std::vector<std::string>& header, bool embedded) {
  const OpalSoftmaxShape s = golden::opal_softmax_shape(p);
  const std::string term = top + "_term", out = top + "_out";
  return {term_module(s, term, header), out_module(s, out, header),
          top_module(p, s, top, term, out, header, embedded)};
}

}  // namespace bf::opal_softmax
