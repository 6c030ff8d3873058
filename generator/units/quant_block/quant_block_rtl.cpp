// quant.block hardware. Every formula here is the one in
// golden/formats/block_format.hpp (the header comment of quantize_block), on
// the fp32 encoding: field = biased exponent, sig = 24-bit significand,
// ee = max(field, 1). bf16 inputs are the fp32 values whose low 16 mantissa
// bits are zero; those constant zeros are left to synthesis to prune.
#include "generator/units/quant_block/quant_block_rtl.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <stdexcept>

#include "generator/blocks/blocks.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/units/quant_block/quant_block_scale.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::quant_block {

using golden::BlockFormat;
using vlog::bits;
using vlog::lit;

namespace {

constexpr int kSig = 24;  // fp32 significand width incl. hidden bit

struct Shape {
  BlockFormat f;
  int in_w;          // input element width (32 or 16)
  int in_man;        // input mantissa bits (23 or 7)
  int scale_w;       // scale field width
  int elem_w;        // element code width
  int rand_w;        // random bits per element (0 unless stochastic)
  bool bfp_clamped;  // BFP with a shared exponent narrower than fp32's
};

Shape shape_of(const golden::QuantBlockParams& p) {
  Shape s;
  s.f = p.block_format();
  s.in_w = p.input_width();
  s.in_man = s.in_w == 32 ? 23 : 7;
  s.scale_w = s.f.scale_bits();
  s.elem_w = s.f.elem_bits();
  s.rand_w = p.stochastic() ? p.stochastic_bits : 0;
  s.bfp_clamped = s.f.kind == BlockFormat::Kind::Bfp && s.f.exp_bits < 8;
  return s;
}

// Unpacks one input element into sign, field, sig, ee (golden notation).
struct Unpacked {
  std::string sign, field, mant, hidden, sig, ee;
};
Unpacked unpack(vlog::Module& m, const Shape& s) {
  Unpacked u;
  u.sign = m.wire("sign", 1);
  m.assign(u.sign, bits("x_i", s.in_w - 1, s.in_w - 1));
  u.field = m.wire("field", 8, "biased exponent");
  m.assign(u.field, bits("x_i", s.in_w - 2, s.in_w - 9));
  u.mant = m.wire("mant", s.in_man);
  m.assign(u.mant, bits("x_i", s.in_man - 1, 0));
  u.hidden = m.wire("hidden", 1, "field != 0: normal number");
  m.assign(u.hidden, "|" + u.field);
  u.sig = m.wire("sig", kSig, "significand, |x| = sig * 2^(ee - 150)");
  m.assign(u.sig, s.in_man == 23 ? vlog::concat({u.hidden, u.mant})
                                 : vlog::concat({u.hidden, u.mant, lit(kSig - 1 - s.in_man, 0)}));
  u.ee = m.wire("ee", 8, "max(field, 1)");
  m.assign(u.ee, fmt::format("{} ? {} : 8'd1", u.hidden, u.field));
  return u;
}

blocks::RoundShift round_spec(const Shape& s, const Unpacked& u, const std::string& r, int r_w,
                              int r_min, int kept_w) {
  blocks::RoundShift rs;
  rs.sig = u.sig;
  rs.sig_width = kSig;
  rs.shift = r;
  rs.shift_width = r_w;
  rs.r_min = r_min;
  rs.kept_width = kept_w;
  rs.mode = s.f.rounding;
  rs.cap = blocks::round_shift_cap(kSig, s.f.rounding, s.f.stochastic_bits);
  if (s.rand_w) {
    rs.rand = "rand_i";
    rs.stoch_bits = s.rand_w;
  }
  return rs;
}

// MX integer element: n = round_shift_right(sig, S + 25 - b - ee), clipped
// to b bits. b is one of `widths`, picked by sel_i (past the list: the last;
// one width: a constant, no sel_i); the code is the b-bit code, zero-extended
// to the widest field. One such quantizer per position serves every width
// (opal.quantizer) instead of one fixed-width copy per width and position.
void mx_int_element_widths(vlog::Module& m, const Shape& s, const Unpacked& u,
                           const std::vector<int>& widths, int sel_w) {
  const int bmax = *std::max_element(widths.begin(), widths.end());
  // A per-width constant, chosen by sel_i (the widths are few and fixed).
  const auto by_width = [&](const std::string& name, int w, const std::string& doc, auto value) {
    std::string e = lit(w, value(widths.back()));
    for (int j = static_cast<int>(widths.size()) - 2; j >= 0; --j)
      e = fmt::format("(sel_i == {}) ? {} : {}", lit(sel_w, static_cast<uint64_t>(j)),
                      lit(w, value(widths[static_cast<std::size_t>(j)])), e);
    m.wire(name, w, doc);
    m.assign(name, e);
    return name;
  };
  const auto max_pos = [](int b) { return (uint64_t{1} << (b - 1)) - 1; };
  m.comment(fmt::format("MX integer element, b = {}{}: n = round(sig >> (S + 25 - b - ee))",
                        fmt::join(widths, "/"), widths.size() > 1 ? " by sel_i" : ""));
  const std::string shift_base =
      by_width("shift_base", 10, "25 - b", [](int b) { return static_cast<uint64_t>(25 - b); });
  const std::string r = m.wire("r", 10, fmt::format("shift; >= 24 - {} since S >= ee - 1", bmax));
  m.assign(r, fmt::format("{{2'b0, scale_i}} + {} - {{2'b0, {}}}", shift_base, u.ee));
  const std::string n = blocks::round_shift(m, "rnd", round_spec(s, u, r, 10, 24 - bmax, bmax));
  const std::string limit = by_width("max_pos", bmax + 1, "2^(b-1) - 1", max_pos);
  if (s.f.int_encoding == golden::IntEncoding::SignMagnitude) {
    const std::string sign_bit = by_width("sign_bit", bmax, "the sign's place: 2^(b-1)",
                                          [](int b) { return uint64_t{1} << (b - 1); });
    const std::string mag = m.wire("mag", bmax, "saturated magnitude");
    m.assign(mag, fmt::format("({0} > {1}) ? {2} : {3}", n, limit, bits(limit, bmax - 1, 0),
                              bits(n, bmax - 1, 0)));
    m.assign("code_o",
             fmt::format("{} | ({{{}{{{} & (|{})}}}} & {})", mag, bmax, u.sign, mag, sign_bit),
             "sign-magnitude; zero has no sign");
    const std::string unused = m.wire("unused_max_pos_top", 1);
    m.assign(unused, bits(limit, bmax, bmax), "always 0: 2^(b-1) - 1 < 2^b");
  } else {
    const std::string mask =
        by_width("code_mask", bmax, "2^b - 1", [](int b) { return (uint64_t{1} << b) - 1; });
    const std::string lim = m.wire("lim", bmax + 1, "2^(b-1) for negatives, 2^(b-1)-1 else");
    m.assign(lim, fmt::format("{} + {{{}'b0, {}}}", limit, bmax, u.sign));
    const std::string mag = m.wire("mag", bmax + 1, "saturated magnitude");
    m.assign(mag, fmt::format("({0} > {1}) ? {1} : {0}", n, lim));
    const std::string neg = m.wire("neg", bmax + 1);
    m.assign(neg, "-" + mag);
    m.assign("code_o",
             fmt::format("({} ? {} : {}) & {}", u.sign, bits(neg, bmax - 1, 0),
                         bits(mag, bmax - 1, 0), mask),
             "two's complement in b bits");
    const std::string unused = m.wire("unused_mag_top", 1);
    m.assign(unused, bits(mag, bmax, bmax) + " ^ " + bits(neg, bmax, bmax),
             "above every width's field");
  }
}

// MX float element: q = max(t, emin) - M with t = L - se the element
// exponent; code_mag = (u << M) + n with u = max(t, emin) - emin.
void mx_float_element(vlog::Module& m, const Shape& s, const Unpacked& u) {
  const auto& ef = s.f.elem_float;
  const int E = ef.exp_bits, M = ef.man_bits, emin = ef.emin(), emax = ef.emax();
  m.comment(fmt::format("MX float element e{}m{}: emin {}, emax {}, max code 0x{:x}", E, M, emin,
                        emax, ef.max_normal_code()));
  const std::string zero = m.wire("zero", 1);
  m.assign(zero, fmt::format("~{} & ~(|{})", u.hidden, u.mant));
  const std::string lz = blocks::leading_zeros(m, "lzc", u.mant, s.in_man);
  const int lz_w = vlog::bits_for(static_cast<uint64_t>(s.in_man));
  // t + 512, so the comparisons below are unsigned: t = field - S (normal) or
  // -(S + lz) (subnormal input, whose leading one sits lz places lower).
  constexpr int kOff = 512;
  const std::string tb = m.wire("t_off", 11, "element exponent t = L - se, plus 512");
  m.assign(tb,
           fmt::format(
               "{0} ? ({{3'b0, {1}}} + {2} - {{3'b0, scale_i}}) : ({2} - {{3'b0, scale_i}} - {3})",
               u.hidden, u.field, lit(11, kOff), vlog::zext(lz, lz_w, 11)));
  const int u_w = vlog::bits_for(static_cast<uint64_t>(emax - emin));
  const std::string uexp = m.wire("u", 11, "max(t, emin) - emin (0 for zero inputs)");
  m.assign(uexp, fmt::format("({0} | ({1} <= {2})) ? 11'd0 : ({1} - {2})", zero, tb,
                             lit(11, kOff + emin)));
  // r = u + S + (emin - M + 23) - ee >= 0 (block_format.hpp); 11 bits hold it.
  const std::string r = m.wire("r", 11, "shift");
  m.assign(r, fmt::format("{} + {{3'b0, scale_i}} + {} - {{3'b0, {}}}", uexp,
                          lit(11, emin - M + 23), u.ee));
  const int r_min = std::min(23 - M, 22 + emin - M);
  const std::string n = blocks::round_shift(m, "rnd", round_spec(s, u, r, 11, r_min, M + 1));
  const int cm_w = std::max(u_w + M, M + 2) + 1;
  const std::string cm = m.wire("code_mag", cm_w, "(u << M) + n: normals, subnormals, carry");
  m.assign(cm, fmt::format("{{{}, {}}} + {}", bits(uexp, cm_w - M - 1, 0), lit(M, 0),
                           vlog::zext(n, M + 2, cm_w)));
  const std::string unused = m.wire("unused_u_hi", 1);
  m.assign(unused, "|" + bits(uexp, 10, cm_w - M), "u <= emax - emin");
  const uint64_t maxc = ef.max_normal_code();
  const std::string sat = m.wire("code_sat", E + M, "saturate at the max normal");
  m.assign(sat, fmt::format("({} > {}) ? {} : {}", cm, lit(cm_w, maxc), lit(E + M, maxc),
                            bits(cm, E + M - 1, 0)));
  m.assign("code_o", vlog::concat({u.sign, sat}), "the input's sign is always kept");
}

// BFP element: n = round_shift_right(sig, se - m + 151 - ee), clipped to
// 2^m - 1; sign-magnitude, zero unsigned.
void bfp_element(vlog::Module& m, const Shape& s, const Unpacked& u) {
  const int mb = s.f.man_bits, w = s.f.exp_bits, bias_w = (1 << (w - 1)) - 1;
  const uint64_t max_mag = (uint64_t{1} << mb) - 1;
  m.comment(fmt::format("BFP element: {} magnitude bits, shared exponent {} bits (bias {})", mb, w,
                        bias_w));
  std::string n, sat_flag;
  if (!s.bfp_clamped) {
    // s = max(maxfield, 1) >= ee, so r = s - ee + 24 - m >= 24 - m.
    const std::string r = m.wire("r", 9, "shift = s - ee + 24 - m");
    m.assign(r, fmt::format("{{1'b0, scale_i}} + {} - {{1'b0, {}}}", lit(9, 24 - mb), u.ee));
    n = blocks::round_shift(m, "rnd", round_spec(s, u, r, 9, 24 - mb, mb));
  } else {
    // A narrow shared exponent clamped from above leaves r < 0: saturate.
    constexpr int kOff = 256;
    const std::string rb = m.wire("r_off", 10, "r + 256");
    m.assign(rb, fmt::format("{{{}'b0, scale_i}} + {} - {{2'b0, {}}}", 10 - w,
                             lit(10, kOff + 151 - mb - bias_w), u.ee));
    sat_flag = m.wire("r_neg", 1, "exponent clamped from above");
    m.assign(sat_flag, fmt::format("{} < {}", rb, lit(10, kOff)));
    const std::string r = m.wire("r", 10);
    m.assign(r, fmt::format("{0} ? 10'd0 : ({1} - {2})", sat_flag, rb, lit(10, kOff)));
    n = blocks::round_shift(m, "rnd", round_spec(s, u, r, 10, 0, kSig));
  }
  const int n_w = s.bfp_clamped ? kSig + 1 : mb + 1;
  const std::string over = sat_flag.empty() ? fmt::format("({} > {})", n, lit(n_w, max_mag))
                                            : fmt::format("({} > {}) | ({} & ~{})", n,
                                                          lit(n_w, max_mag), sat_flag, "zero_in");
  if (!sat_flag.empty()) {
    m.wire("zero_in", 1);
    m.assign("zero_in", fmt::format("~{} & ~(|{})", u.hidden, u.mant));
  }
  const std::string mag = m.wire("mag", mb, "clipped magnitude");
  m.assign(mag, fmt::format("{} ? {} : {}", over, lit(mb, max_mag), bits(n, mb - 1, 0)));
  m.assign("code_o", fmt::format("{{{} & (|{}), {}}}", u.sign, mag, mag),
           "sign-magnitude; zero has no sign");
}

vlog::Module element_module(const Shape& s, const std::string& name,
                            const std::vector<std::string>& header) {
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back("One element of golden::quantize_block: scale field in, element code out.");
  m.header.push_back("Combinational.");
  m.input("x_i", s.in_w, "input element (fp32/bf16 encoding)");
  m.input("scale_i", s.scale_w, "block scale field (MX: S, BFP: stored exponent s)");
  if (s.rand_w) m.input("rand_i", s.rand_w, "random bits for stochastic rounding");
  m.output("code_o", s.elem_w, "element code");
  const Unpacked u = unpack(m, s);
  m.blank();
  switch (s.f.kind) {
    case BlockFormat::Kind::MxInt:
      mx_int_element_widths(m, s, u, {s.f.int_bits}, 0);
      break;
    case BlockFormat::Kind::MxFloat:
      mx_float_element(m, s, u);
      break;
    case BlockFormat::Kind::Bfp:
      bfp_element(m, s, u);
      break;
  }
  return m;
}

vlog::Module mxint_widths_element_module(const Shape& s, const std::vector<int>& widths,
                                         const std::string& name,
                                         const std::vector<std::string>& header) {
  const int bmax = *std::max_element(widths.begin(), widths.end());
  const int sel_w = vlog::bits_for(static_cast<uint64_t>(widths.size() - 1));
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "One element of golden::quantize_block, MX integer at {} bits by sel_i: scale field in,",
      fmt::join(widths, "/")));
  m.header.push_back("element code out. Combinational.");
  m.input("x_i", s.in_w, "input element (fp32/bf16 encoding)");
  m.input("scale_i", s.scale_w, "block scale field S");
  m.input(
      "sel_i", sel_w,
      fmt::format("width: widths[sel_i] of {}, past the list the last", fmt::join(widths, "/")));
  m.output("code_o", bmax, "the b-bit element code, zero-extended");
  const Unpacked u = unpack(m, s);
  m.blank();
  mx_int_element_widths(m, s, u, widths, sel_w);
  return m;
}

vlog::Module top_module(const golden::QuantBlockParams& p, const Shape& s, const std::string& name,
                        const std::string& elem_name, const std::vector<std::string>& header) {
  const int k = p.block;
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(fmt::format("Block quantizer: {} x {} in, {} scale + {} x {}-bit codes out.",
                                 k, p.input, s.f.name(), k, s.elem_w));
  m.header.push_back(fmt::format("Latency {} cycle(s) (pipeline_stages + 1), one block per cycle.",
                                 p.pipeline_stages + 1));
  m.header.push_back("Handshake: a global stall; everything advances when out_ready_i is high or");
  m.header.push_back("the output register is empty.");
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("x_i", k * s.in_w, fmt::format("element i at x_i[{}*i +: {}]", s.in_w, s.in_w));
  if (s.rand_w)
    m.input("rand_i", k * s.rand_w,
            fmt::format("element i's {} random bits at rand_i[{}*i +: {}]", s.rand_w, s.rand_w,
                        s.rand_w));
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("scale_o", s.scale_w, "shared scale field (all ones: NaN block)");
  m.output("elems_o", k * s.elem_w,
           fmt::format("element i at elems_o[{}*i +: {}]", s.elem_w, s.elem_w));

  blocks::StreamShell shell(m);

  // Stage A: exponent fields, NaN/Inf detection, max-exponent tree.
  m.blank();
  m.comment("Stage A: shared exponent = max over the exponent fields (golden: quantize_block)");
  std::vector<std::string> fields;
  for (int i = 0; i < k; ++i) {
    const std::string f = m.wire(fmt::format("field_{}", i), 8);
    m.assign(f, bits("x_i", i * s.in_w + s.in_w - 2, i * s.in_w + s.in_w - 9));
    fields.push_back(f);
  }
  const BlockScale reduced = block_scale(m, s.f, fields);
  const std::string scale = reduced.scale;

  // Optional register between the reduction and the element quantizers.
  std::string x = "x_i", rnd = "rand_i", sc = scale, nan = reduced.nan;
  if (p.pipeline_stages >= 1) {
    std::vector<blocks::StreamShell::Reg> regs = {
        {"x_q1", "x_i", k * s.in_w}, {"scale_q1", scale, s.scale_w}, {"nan_q1", reduced.nan, 1}};
    if (s.rand_w) {
      regs.push_back({"rand_q1", "rand_i", k * s.rand_w});
      rnd = "rand_q1";
    }
    shell.stage("Stage register after the shared-exponent reduction (pipeline_stages >= 1).", regs);
    x = "x_q1", sc = "scale_q1", nan = "nan_q1";
  }

  // Stage B: k element quantizers.
  m.blank();
  m.comment("Stage B: element quantizers");
  m.wire("codes", k * s.elem_w);
  for (int i = 0; i < k; ++i) {
    vlog::Instance inst{elem_name, fmt::format("u_elem_{}", i), {}, ""};
    inst.connections.push_back({"x_i", vlog::part(x, i * s.in_w, s.in_w)});
    inst.connections.push_back({"scale_i", sc});
    if (s.rand_w) inst.connections.push_back({"rand_i", vlog::part(rnd, i * s.rand_w, s.rand_w)});
    inst.connections.push_back({"code_o", vlog::part("codes", i * s.elem_w, s.elem_w)});
    m.add(inst);
  }
  m.wire("scale_d", s.scale_w);
  m.assign("scale_d",
           fmt::format("{} ? {} : {}", nan, vlog::hex_lit(s.scale_w, (1u << s.scale_w) - 1), sc),
           "NaN block: all-ones scale");
  m.wire("elems_d", k * s.elem_w);
  m.assign("elems_d", fmt::format("{} ? {} : codes", nan, lit(k * s.elem_w, 0)),
           "NaN block: codes are 0");

  shell.output({{"scale_q", "scale_d", s.scale_w}, {"elems_q", "elems_d", k * s.elem_w}});
  m.assign("scale_o", "scale_q");
  m.assign("elems_o", "elems_q");
  return m;
}

}  // namespace

vlog::Module build_element_module(const golden::QuantBlockParams& p, const std::string& name,
                                  const std::vector<std::string>& header) {
  return element_module(shape_of(p), name, header);
}

vlog::Module build_mxint_widths_element_module(const golden::QuantBlockParams& p,
                                               const std::vector<int>& widths,
                                               const std::string& name,
                                               const std::vector<std::string>& header) {
  if (p.block_format().kind != BlockFormat::Kind::MxInt || widths.size() < 2)
    throw std::logic_error("mxint widths element: an MX integer format and two or more widths");
  return mxint_widths_element_module(shape_of(p), widths, name, header);
}

std::vector<vlog::Module> build_rtl(const golden::QuantBlockParams& p, const std::string& top,
                                    const std::vector<std::string>& header) {
  const Shape s = shape_of(p);
  const std::string elem = top + "_elem";
  return {element_module(s, elem, header), top_module(p, s, top, elem, header)};
}

}  // namespace bf::quant_block
