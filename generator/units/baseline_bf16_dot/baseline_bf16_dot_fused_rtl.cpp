// Verilog for baseline.bf16_dot with accumulation = "fused": the hardware
// twin of golden::bf16_fused_step (golden/units/baseline_bf16_dot/
// baseline_bf16_dot.hpp, steps 1-6). Modules:
//   <top>_prod         one lane: bf16 x bf16 exact product, its leading
//                      exponent and special flags [register: pipelined]
//   <top>_align_w<W>   one term: shift right to the largest exponent, keep
//                      F + 1 bits, one's complement when negative
//   add_tree_s_...     the integer sum (blocks::signed_adder_tree)
//   <top>_normalize    |S|, leading-zero count, left shift, one rounding
//   <top>              lanes, maximum exponent, accumulator, specials,
//                      handshake
#include <fmt/format.h>

#include "generator/blocks/adder_tree.hpp"
#include "generator/blocks/blocks.hpp"
#include "generator/blocks/fp_blocks.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/units/baseline_bf16_dot/baseline_bf16_dot_rtl.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::baseline_bf16_dot {

using vlog::bits;
using vlog::hex_lit;
using vlog::lit;
using vlog::part;
using vlog::zext;

namespace {

void separator(vlog::Module& m) { m.comment(""); }

// Static widths of the fused datapath.
struct Geometry {
  int lanes = 0;
  int F = 0;        // fused_fraction_bits
  int K = 0;        // exponent offset: lead = floor(log2 |t|) + K
  int ew = 0;       // width of a biased leading exponent
  int lead_hi = 0;  // its largest value
  int acc_off = 0;  // acc lead = acc exp + acc_off
  int tw = 0;       // aligned term, two's complement: F + 2
  int cw = 0;       // number of negative terms
  int sw = 0;       // the integer sum S
  int mw = 0;       // |S|
  golden::FloatFormat bf16, fp32;
  bool normalize = false;  // ieee: subnormal operands normalized on unpack
};

Geometry geometry(const golden::Bf16DotParams& p) {
  Geometry g;
  g.lanes = p.lanes;
  g.F = p.fused_fraction_bits;
  g.bf16 = p.bf16();
  g.fp32 = p.fp32();
  g.normalize = !p.flush();
  // fp_unpack: |x| = sig/2^M * 2^(exp - bias); normalized: bias + M, exp up
  // to max field + M (golden: floor(log2 |x|) = exp - bias for sig's MSB set).
  const int M = g.bf16.man_bits;
  const int bias_a = g.normalize ? g.bf16.bias() + M : g.bf16.bias();
  const int hi_a = g.normalize ? 254 + M : 254;
  const int bias_c = g.normalize ? g.fp32.bias() + g.fp32.man_bits : g.fp32.bias();
  const int hi_c = g.normalize ? 254 + g.fp32.man_bits : 254;
  g.K = 2 * bias_a;
  g.acc_off = g.K - bias_c;
  g.lead_hi = std::max(2 * hi_a + 1, hi_c + g.acc_off);
  g.ew = vlog::bits_for(static_cast<uint64_t>(g.lead_hi));
  g.tw = g.F + 2;
  g.cw = vlog::bits_for(static_cast<uint64_t>(g.lanes + 1));
  const uint64_t one = 1;
  g.sw = vlog::bits_for(static_cast<uint64_t>(g.lanes + 2) << (g.F + 1)) + 1;
  g.mw = vlog::bits_for(static_cast<uint64_t>(g.lanes + 1) * ((one << (g.F + 1)) - 1));
  return g;
}

// One lane: golden steps 1-2 and the product's leading exponent.
vlog::Module prod_module(const Geometry& g, const std::string& name,
                         std::vector<std::string> header, bool piped) {
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(
      "One lane of the fused dot product (golden::bf16_fused_step steps 1, 2, 4): the exact "
      "bf16 x bf16 product, never rounded,");
  m.header.push_back(
      "normalized to its leading one at bit 15, its leading exponent floor(log2 |p|) + " +
      std::to_string(g.K) + " (0 for a zero product) and its special flags.");
  if (piped) m.header.push_back("One resetless register stage on the outputs (latency 1).");
  if (piped) {
    m.input("clk_i", 1);
    m.input("en_i", 1, "advance the register stage");
  }
  m.input("a_i", 16, "bf16 activation");
  m.input("b_i", 16, "bf16 weight");
  m.output("sig_o", 16, "|a*b| with its leading one at bit 15 (0 for a zero product)");
  m.output("lead_o", g.ew, fmt::format("floor(log2 |a*b|) + {}, 0 for a zero product", g.K));
  m.output("sign_o", 1, "sign(a) ^ sign(b)");
  m.output("zero_o", 1, "a or b is zero (flushed subnormals included)");
  m.output("inf_o", 1, "a or b is Inf");
  m.output("nan_o", 1, "a or b is NaN, or Inf * 0");

  separator(m);
  const auto a = blocks::fp_unpack(m, "a", "a_i", g.bf16, g.normalize);
  const auto b = blocks::fp_unpack(m, "b", "b_i", g.bf16, g.normalize);
  separator(m);
  m.comment("Exact product of the 8-bit significands: leading one at bit 15 or 14.");
  m.wire("zero", 1);
  m.assign("zero", a.is_zero + " | " + b.is_zero);
  m.wire("prod", 16);
  m.assign("prod", fmt::format("{} * {}", zext(a.sig, 8, 16), zext(b.sig, 8, 16)));
  m.wire("top", 1, "the product is in [2, 4): its leading one is at bit 15");
  m.assign("top", "prod[15]");
  m.wire("sig", 16);
  m.assign("sig", fmt::format("zero ? {} : top ? prod : {{prod[14:0], 1'b0}}", lit(16, 0)));
  const int ew = g.ew;
  m.wire("lead", ew, "exp_a + exp_b + top, the biases summing to the offset");
  m.assign("lead", fmt::format("zero ? {} : {} + {} + {}", lit(ew, 0), zext(a.exp, a.exp_width, ew),
                               zext(b.exp, b.exp_width, ew), zext("top", 1, ew)));
  m.wire("sign", 1);
  m.assign("sign", a.sign + " ^ " + b.sign);
  m.wire("inf", 1);
  m.assign("inf", a.is_inf + " | " + b.is_inf);
  m.wire("nan", 1);
  m.assign("nan", fmt::format("{} | {} | ({} & {}) | ({} & {})", a.is_nan, b.is_nan, a.is_inf,
                              b.is_zero, a.is_zero, b.is_inf));
  const std::vector<std::pair<std::string, int>> outs = {{"sig", 16}, {"lead", ew}, {"sign", 1},
                                                         {"zero", 1}, {"inf", 1},   {"nan", 1}};
  if (piped) {
    separator(m);
    m.comment("Register stage (no reset: the parent's valid bits qualify the data).");
    vlog::Registers regs{"clk_i", "rst_ni", "en_i", {}, ""};
    for (const auto& [n, w] : outs) {
      m.reg(n + "_q", w);
      regs.regs.push_back({n + "_q", n, ""});
    }
    m.add(regs);
  }
  for (const auto& o : outs) m.assign(o.first + "_o", piped ? o.first + "_q" : o.first);
  return m;
}

// One term: golden step 4 (truncating alignment) and the sign of step 5.
vlog::Module align_module(const Geometry& g, const std::string& name, int w,
                          std::vector<std::string> header) {
  const int F = g.F, kw = F + 1;
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "One term of the fused sum (golden::bf16_fused_step steps 4-5): m = floor(|t| * 2^(F - "
      "Emax)), F = {}, kept in {} bits;",
      F, kw));
  m.header.push_back(
      "bits shifted out are truncated (no sticky bit). term_o = sign ? ~m : m (two's "
      "complement -m - 1; the parent adds the number of negative terms).");
  m.input("sig_i", w, fmt::format("|t| with its leading one at bit {} (0 for a zero term)", w - 1));
  m.input("sign_i", 1);
  m.input("lead_i", g.ew, "floor(log2 |t|) + offset");
  m.input("emax_i", g.ew, "the largest lead of the beat (>= lead_i)");
  m.output("term_o", g.tw, "sign ? ~{1'b0, m} : {1'b0, m}");

  separator(m);
  const int dw = vlog::bits_for(static_cast<uint64_t>(kw));
  m.wire("gap", g.ew, "emax - lead: how far below the largest term");
  m.assign("gap", "emax_i - lead_i");
  m.wire("shift", dw, fmt::format("min(gap, {}): at {} every bit is gone", kw, kw));
  m.assign("shift", fmt::format("(gap > {}) ? {} : gap[{}:0]", lit(g.ew, static_cast<uint64_t>(kw)),
                                lit(dw, static_cast<uint64_t>(kw)), dw - 1));
  m.wire("base", kw, "sig_i with its leading one at bit F (weight 2^Emax when gap = 0)");
  if (kw >= w) {
    m.assign("base", kw == w ? "sig_i" : vlog::concat({"sig_i", lit(kw - w, 0)}));
  } else {
    m.assign("base", bits("sig_i", w - 1, w - kw), "low bits below 2^(Emax - F) truncated");
    m.wire("unused_sig_lo", w - kw);
    m.assign("unused_sig_lo", bits("sig_i", w - kw - 1, 0));
  }
  m.wire("mag", kw, "m = floor(base / 2^shift)");
  m.assign("mag", "base >> shift");
  m.assign("term_o", fmt::format("{{{}{{sign_i}}}} ^ {{1'b0, mag}}", g.tw));
  return m;
}

// Golden step 6: |S| normalized and rounded once.
vlog::Module normalize_module(const Geometry& g, const std::string& name,
                              std::vector<std::string> header) {
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "The single normalization and rounding of the fused sum (golden::bf16_fused_step step 6): "
      "acc' = fp_round_pack(fp32, S < 0, |S|, Emax - {}, nearest_even).",
      g.F));
  m.header.push_back("y_o is only meaningful when zero_o = 0 (S = 0 gives +0 in the parent).");
  m.input("sum_i", g.sw, "S, two's complement");
  m.input("emax_i", g.ew, fmt::format("Emax + {}", g.K));
  m.output("zero_o", 1, "S = 0");
  m.output("y_o", 32, "fp32 code of S * 2^(Emax - F)");

  separator(m);
  const int sw = g.sw, mw = g.mw;
  m.assign("zero_o", fmt::format("sum_i == {}", lit(sw, 0)));
  m.wire("sign", 1);
  m.assign("sign", bits("sum_i", sw - 1, sw - 1));
  m.wire("neg", sw);
  m.assign("neg", "-sum_i");
  m.wire("mag", mw, "|S| (fits: at most (lanes + 1) * (2^(F+1) - 1))");
  m.assign("mag", fmt::format("sign ? {} : {}", bits("neg", mw - 1, 0), bits("sum_i", mw - 1, 0)));
  m.wire("unused_hi", 2 * (sw - mw));
  m.assign("unused_hi", vlog::concat({bits("neg", sw - 1, mw), bits("sum_i", sw - 1, mw)}));
  const std::string lz = blocks::leading_zeros(m, "lzc", "mag", mw);
  const int lw = vlog::bits_for(static_cast<uint64_t>(mw));
  m.wire("sig", mw, "|S| with its leading one at the top bit");
  m.assign("sig", "mag << " + lz);
  // |S| * 2^(Emax - F) = sig / 2^(mw - 2) * 2^(exp - bias) with
  // exp = (Emax + K) + mw - lz and bias = K + F + 2.
  const int exp_hi = g.lead_hi + mw;
  const int xw = vlog::bits_for(static_cast<uint64_t>(exp_hi));
  m.wire("exp", xw,
         fmt::format("emax + {} - lz: the exponent of sig, biased by {}", mw, g.K + g.F + 2));
  m.assign("exp", fmt::format("{} + {} - {}", zext("emax_i", g.ew, xw),
                              lit(xw, static_cast<uint64_t>(mw)), zext(lz, lw, xw)));
  blocks::FpRoundPack rp;
  rp.f = g.fp32;
  rp.mode = golden::Rounding::NearestEven;
  rp.sign = "sign";
  rp.sig = "sig";
  rp.sig_width = mw;
  rp.exp = "exp";
  rp.exp_width = xw;
  rp.exp_bias = g.K + g.F + 2;
  rp.exp_lo = 0;
  rp.exp_hi = exp_hi;
  separator(m);
  const std::string code = blocks::fp_round_pack(m, "rnd", rp);
  m.assign("y_o", code);
  return m;
}

vlog::Module fused_top(const golden::Bf16DotParams& p, const Geometry& g, const std::string& top,
                       const std::string& prod, const std::string& align_p,
                       const std::string& align_c, const std::string& norm,
                       std::vector<std::string> header) {
  const int L = p.lanes, ew = g.ew, tw = g.tw;
  const bool piped = p.pipelined();
  const bool balanced = p.pipeline == "balanced";
  vlog::Module m;
  m.name = top;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(
      fmt::format("BF16 dot-product baseline, fused: {} exact bf16 x bf16 product(s) and the fp32 "
                  "accumulator aligned to the largest exponent ({} bits kept below it, the rest "
                  "truncated),",
                  L, g.F));
  m.header.push_back(
      fmt::format("summed in one integer adder tree and rounded once to nearest even into the fp32 "
                  "accumulator per beat (subnormals {}).",
                  p.flush() ? "flushed" : "exact"));
  m.header.push_back(
      "Weights arrive already dequantized to bf16; the dequantizer is outside this unit.");
  m.header.push_back(
      "Bit-exact with golden::Bf16DotModel (golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp): "
      "per beat acc = golden::bf16_fused_step(acc, a, w);");
  m.header.push_back(
      "a beat with last_i = 1 outputs done_o = 1, y_o = acc and restarts the row from +0; "
      "other beats output done_o = 0, y_o = 0.");
  if (!piped)
    m.header.push_back(
        "pipeline = \"none\": latency 1; products, alignment, sum and rounding are one "
        "combinational path.");
  else if (!balanced)
    m.header.push_back(
        "pipeline = \"operators\": latency 2 = 1 (products' register) + 1 (accumulator).");
  else
    m.header.push_back(
        "pipeline = \"balanced\": latency 3 = 1 (products' register) + 1 (products' maximum "
        "exponent) + 1 (accumulator).");
  m.header.push_back(
      "One beat per cycle; alignment, sum and rounding close the accumulator's 1-cycle loop.");

  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("last_i", 1, "this beat is the last one of a row");
  m.input("a_i", L * 16, "bf16 activations; lane i at a_i[16*i +: 16]");
  m.input("w_i", L * 16, "bf16 weights (dequantized upstream); lane i at w_i[16*i +: 16]");
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("done_o", 1, "the beat's last_i");
  m.output("y_o", 32, "fp32 dot product of the row when done_o, else 32'd0");

  blocks::StreamShell::Options control;
  control.heading = "Pipeline control: one global enable moves every stage.";
  blocks::StreamShell shell(m, control);

  // Lane buses.
  struct Bus {
    std::string name;
    int width;
  };
  std::vector<Bus> buses = {{"p_sig", 16}, {"p_lead", ew}, {"p_sign", 1},
                            {"p_zero", 1}, {"p_inf", 1},   {"p_nan", 1}};
  separator(m);
  m.comment(fmt::format(
      "Products (golden: bf16_fused_step steps 1, 2, 4), {} lane(s){}; lane i of each bus at "
      "[w*i +: w].",
      L, piped ? ", one register stage inside each" : ""));
  for (const auto& b : buses) m.wire(b.name, L * b.width);
  {
    vlog::GenerateFor gen;
    gen.genvar = "i";
    gen.count = L;
    gen.label = "g_lane";
    vlog::Instance inst{prod, "u_prod", {}, ""};
    if (piped) {
      inst.connections.push_back({"clk_i", "clk_i"});
      inst.connections.push_back({"en_i", "advance"});
    }
    inst.connections.push_back({"a_i", vlog::lane("a_i", L * 16, "i", 16, 0, 16)});
    inst.connections.push_back({"b_i", vlog::lane("w_i", L * 16, "i", 16, 0, 16)});
    const char* ports[] = {"sig_o", "lead_o", "sign_o", "zero_o", "inf_o", "nan_o"};
    for (std::size_t k = 0; k < buses.size(); ++k)
      inst.connections.push_back({ports[k], vlog::lane(buses[k].name, L * buses[k].width, "i",
                                                       buses[k].width, 0, buses[k].width)});
    gen.body.push_back(inst);
    m.add(gen);
  }

  std::string last = "last_i";
  if (piped)
    last = shell.delay(1,
                       "Valid and last bits travelling with each beat through the products' "
                       "register stage.",
                       {{"last", "last_i", 1, ""}})[0];

  std::vector<std::string> leads;
  for (int i = 0; i < L; ++i) leads.push_back(part("p_lead", i * ew, ew));
  std::string pmax;
  if (balanced) {
    separator(m);
    m.comment("Largest product exponent (golden step 4, the products' part of Emax).");
    pmax = blocks::max_tree(m, "pmax", leads, ew);
    const int k = shell.stages() + 1;
    std::vector<blocks::StreamShell::Reg> regs;
    const std::string lq = fmt::format("last_q{}", k);
    regs.emplace_back(lq, last, 1);
    for (auto& b : buses) {
      const std::string q = fmt::format("{}_q{}", b.name, k);
      regs.emplace_back(q, b.name, L * b.width);
      b.name = q;
    }
    const std::string pq = fmt::format("pmax_q{}", k);
    regs.emplace_back(pq, pmax, ew);
    shell.stage("Register after the products' maximum exponent (pipeline = balanced).", regs);
    last = lq;
    pmax = pq;
    leads.clear();
    for (int i = 0; i < L; ++i) leads.push_back(part(buses[1].name, i * ew, ew));
  }
  const std::string& p_sig = buses[0].name;
  const std::string& p_lead = buses[1].name;
  const std::string& p_sign = buses[2].name;
  const std::string& p_zero = buses[3].name;
  const std::string& p_inf = buses[4].name;
  const std::string& p_nan = buses[5].name;

  separator(m);
  m.comment(
      "Accumulator term. acc_q doubles as the output register; done_q holds the last bit of the "
      "previous beat (1 after reset),");
  m.comment("so a beat with done_q = 1 starts a row from +0 instead of acc_q.");
  m.reg("done_q", 1);
  m.reg("acc_q", 32);
  m.wire("acc_a", 32, "+0 at a row start, else the running sum");
  m.assign("acc_a", fmt::format("done_q ? {} : acc_q", hex_lit(32, 0)));
  const auto c = blocks::fp_unpack(m, "acc", "acc_a", g.fp32, g.normalize);
  m.wire("acc_mag", 24, "significand, 0 for a zero accumulator");
  m.assign("acc_mag",
           g.normalize ? fmt::format("{} ? {} : {}", c.is_zero, lit(24, 0), c.sig) : c.sig);
  m.wire("acc_lead", ew, fmt::format("floor(log2 |acc|) + {}, 0 for a zero accumulator", g.K));
  m.assign("acc_lead",
           fmt::format("{} ? {} : {} + {}", c.is_zero, lit(ew, 0), zext(c.exp, c.exp_width, ew),
                       lit(ew, static_cast<uint64_t>(g.acc_off))));

  separator(m);
  m.comment("Emax: the largest leading exponent of the beat's nonzero terms (golden step 4).");
  std::string emax;
  if (balanced) {
    emax = m.wire("emax", ew);
    m.assign(emax, fmt::format("({0} > acc_lead) ? {0} : acc_lead", pmax));
  } else {
    std::vector<std::string> all = leads;
    all.push_back("acc_lead");
    emax = blocks::max_tree(m, "emax", all, ew);
  }

  separator(m);
  m.comment(fmt::format(
      "Alignment (golden step 4): every term truncated to {} bits below Emax, one's complement "
      "when negative.",
      g.F));
  m.wire("term", L * tw, "lane i at term[w*i +: w]");
  {
    vlog::GenerateFor gen;
    gen.genvar = "i";
    gen.count = L;
    gen.label = "g_align";
    gen.body.push_back(vlog::Instance{align_p,
                                      "u_align",
                                      {{"sig_i", vlog::lane(p_sig, L * 16, "i", 16, 0, 16)},
                                       {"sign_i", vlog::lane(p_sign, L, "i", 1, 0, 1)},
                                       {"lead_i", vlog::lane(p_lead, L * ew, "i", ew, 0, ew)},
                                       {"emax_i", emax},
                                       {"term_o", vlog::lane("term", L * tw, "i", tw, 0, tw)}},
                                      ""});
    m.add(gen);
  }
  m.wire("acc_term", tw);
  m.add(vlog::Instance{align_c,
                       "u_align_acc",
                       {{"sig_i", "acc_mag"},
                        {"sign_i", c.sign},
                        {"lead_i", "acc_lead"},
                        {"emax_i", emax},
                        {"term_o", "acc_term"}},
                       ""});

  separator(m);
  m.comment(
      "One integer sum (golden step 5): S = sum of the one's-complement terms + the number of "
      "negative terms.");
  std::vector<std::string> signs;
  // With one lane p_sign is a plain wire, which cannot take a bit select.
  for (int i = 0; i < L; ++i) signs.push_back(L == 1 ? p_sign : vlog::bit(p_sign, i));
  signs.push_back(c.sign);
  const std::string negs = blocks::adder_tree(m, "negs", signs, 1, g.cw);
  std::vector<std::string> terms;
  for (int i = 0; i < L; ++i) terms.push_back(part("term", i * tw, tw));
  terms.push_back("acc_term");
  m.wire("negs_term", tw);
  m.assign("negs_term", zext(negs, g.cw, tw));
  terms.push_back("negs_term");
  const std::string sum = blocks::signed_adder_tree(m, "sum", terms, tw, g.sw);

  separator(m);
  m.comment("Normalization and the one rounding (golden step 6).");
  m.wire("sum_zero", 1, "S = 0: +0");
  m.wire("rounded", 32);
  m.add(
      vlog::Instance{norm,
                     "u_normalize",
                     {{"sum_i", sum}, {"emax_i", emax}, {"zero_o", "sum_zero"}, {"y_o", "rounded"}},
                     ""});

  separator(m);
  m.comment("Specials and zeros (golden steps 2, 3, 6).");
  m.wire("pinf", 1, "a +Inf term");
  m.assign("pinf", fmt::format("(|({} & ~{})) | ({} & ~{})", p_inf, p_sign, c.is_inf, c.sign));
  m.wire("ninf", 1, "a -Inf term");
  m.assign("ninf", fmt::format("(|({} & {})) | ({} & {})", p_inf, p_sign, c.is_inf, c.sign));
  m.wire("nan", 1, "a NaN operand or acc, Inf * 0, or +Inf and -Inf");
  m.assign("nan", fmt::format("(|{}) | {} | (pinf & ninf)", p_nan, c.is_nan));
  m.wire("all_zero", 1, "every term is zero");
  m.assign("all_zero", fmt::format("(&{}) & {}", p_zero, c.is_zero));
  m.wire("zero_sign", 1, "every term is -0");
  m.assign("zero_sign", fmt::format("(&{}) & {}", p_sign, c.sign));
  m.wire("acc_d", 32);
  m.assign("acc_d", fmt::format("nan ? {} : pinf ? {} : ninf ? {} : all_zero ? {{zero_sign, {}}} "
                                ": sum_zero ? {} : rounded",
                                hex_lit(32, 0x7fc00000), hex_lit(32, 0x7f800000),
                                hex_lit(32, 0xff800000), lit(31, 0), hex_lit(32, 0)));
  add_accumulator_output(m, shell, last);
  return m;
}

}  // namespace

std::vector<vlog::Module> build_fused_rtl(
    const golden::Bf16DotParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  const Geometry g = geometry(p);
  const std::string prod = top + "_prod";
  const std::string align_p = top + "_align_w16";
  const std::string align_c = top + "_align_w24";
  const std::string norm = top + "_normalize";
  std::vector<vlog::Module> mods;
  mods.push_back(prod_module(g, prod, header(prod), p.pipelined()));
  mods.push_back(align_module(g, align_p, 16, header(align_p)));
  mods.push_back(align_module(g, align_c, 24, header(align_c)));
  mods.push_back(normalize_module(g, norm, header(norm)));
  mods.push_back(fused_top(p, g, top, prod, align_p, align_c, norm, header(top)));
  return mods;
}

}  // namespace bf::baseline_bf16_dot
