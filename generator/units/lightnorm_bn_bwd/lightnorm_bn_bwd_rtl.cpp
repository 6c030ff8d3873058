#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_rtl.hpp"

#include <fmt/format.h>

#include <optional>

#include "generator/blocks/fp_convert.hpp"
#include "generator/blocks/fp_modules.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::lightnorm_bn_bwd {

namespace {

using golden::BnBwdParams;
using golden::FloatFormat;
using golden::lightnorm::RangeBnParams;
using vlog::lit;

// The formats' widths.
struct Widths {
  int io, grad, stat, norm;
};

// The operator modules a lane instantiates. A conversion between equal
// formats is a wire (no module).
struct Operators {
  vlog::Module mul_gx, mul_a, mul_stat, mul_ga, add_stat, add_norm;
  std::optional<vlog::Module> mul_pow2;  // chunks > 1
  std::optional<vlog::Module> grad_to_stat, stat_to_grad, stat_to_norm, norm_to_grad;
};

void separator(vlog::Module& m) { m.blank(); }

// An operator instance with its comment (printed right above it).
void op(vlog::Module& m, const vlog::Module& child, const std::string& name,
        std::vector<std::pair<std::string, std::string>> connections, const std::string& comment) {
  m.add(vlog::instance_of(child, name, connections, comment));
}

// y = the conversion of a by `cvt`, or a itself when the formats agree.
void convert(vlog::Module& m, const std::optional<vlog::Module>& cvt, const std::string& name,
             const std::string& a, const std::string& y, const std::string& comment) {
  if (cvt)
    op(m, *cvt, name, {{"a_i", a}, {"y_o", y}}, comment);
  else
    m.assign(y, a, comment + " (the same format: no conversion)");
}

// The sign bit flipped: negation, and a subtraction as the addition of it.
std::string negated(const std::string& v, int width) {
  return fmt::format("{{~{}[{}], {}}}", v, width - 1, vlog::bits(v, width - 2, 0));
}

// Pass 1: the input registers (g in stat, g * x_hat, g for pass 2, the
// flags; on a LOAD beat scale and gamma), the sums dbeta and dgs, and the
// loaded gamma and scale.
void lane_pass1(vlog::Module& m, const Widths& w, const Operators& ops) {
  m.wire("g_stat", w.stat, "g in stat (a widening: exact)");
  convert(m, ops.grad_to_stat, "u_g_stat", "g_i", "g_stat",
          "g into stat for dbeta (golden: range_bn_grad_sums step 1)");
  m.wire("gx", w.stat, "g * x_hat, rounded into stat");
  op(m, ops.mul_gx, "u_gx", {{"a_i", "g_i"}, {"b_i", "x_hat_i"}, {"y_o", "gx"}},
     "g * x_hat: grad x io -> stat, each product rounded before it is added");

  separator(m);
  m.comment("Stage 1 registers: g in stat and g * x_hat (scale on a LOAD beat: it rides to the");
  m.comment("state update point in s_q1), g itself and the flags for pass 2, gamma on a LOAD.");
  m.reg("s_q1", w.stat, "g in stat, or scale on a LOAD beat");
  m.reg("p_q1", w.stat, "g * x_hat");
  m.reg("g_q1", w.grad, "g (pass 2)");
  m.reg("amax_q1", 1);
  m.reg("amin_q1", 1);
  auto in = vlog::register_bank("en_i", "");
  in.regs.push_back({"s_q1", "op_load_i ? scale_i : g_stat", ""});
  in.regs.push_back({"p_q1", "gx", ""});
  in.regs.push_back({"g_q1", "g_i", ""});
  in.regs.push_back({"amax_q1", "amax_i", ""});
  in.regs.push_back({"amin_q1", "amin_i", ""});
  m.add(in);
  m.reg("gamma_q1", w.io, "gamma of a LOAD beat");
  auto gin = vlog::register_bank("en_i & op_load_i", "only LOAD beats carry gamma");
  gin.regs.push_back({"gamma_q1", "gamma_i", ""});
  m.add(gin);

  separator(m);
  m.comment("dbeta = g_0 + ... and dgs = g_0 * x_hat_0 + ..., serial from +0 in stat (golden:");
  m.comment("range_bn_grad_sums step 1); a LOAD clears them. Reset acts as a LOAD of zeros.");
  m.reg("dbeta_q", w.stat, "dbeta, stat");
  m.reg("dgs_q", w.stat, "dgs = sum g * x_hat, stat");
  m.reg("gamma_q", w.io);
  m.reg("scale_q", w.stat);
  m.wire("dbeta_sum", w.stat, "dbeta + g");
  m.wire("dgs_sum", w.stat, "dgs + g * x_hat");
  op(m, ops.add_stat, "u_dbeta", {{"a_i", "dbeta_q"}, {"b_i", "s_q1"}, {"y_o", "dbeta_sum"}}, "");
  op(m, ops.add_stat, "u_dgs", {{"a_i", "dgs_q"}, {"b_i", "p_q1"}, {"y_o", "dgs_sum"}}, "");
  const std::string zs = lit(w.stat, 0);
  auto sums = vlog::register_bank("load_i | stat_i", "");
  sums.regs.push_back({"dbeta_q", fmt::format("load_i ? {} : dbeta_sum", zs), zs});
  sums.regs.push_back({"dgs_q", fmt::format("load_i ? {} : dgs_sum", zs), zs});
  m.add(sums);
  auto consts = vlog::register_bank("load_i", "");
  consts.regs.push_back({"gamma_q", "gamma_q1", lit(w.io, 0)});
  consts.regs.push_back({"scale_q", "s_q1", zs});
  m.add(consts);
}

// The scalar datapath, one register per operation, advanced by FINISH beats
// (finish_i). Its inputs (the sums, gamma, scale, inv_n, C) are constant
// while it runs, so the register k operations deep is final after k FINISH
// beats; the unit reads it only when all are.
void lane_scalar(vlog::Module& m, const BnBwdParams& p, const Widths& w, const Operators& ops) {
  const RangeBnParams rb = p.range_bn();
  m.comment(fmt::format(
      "Scalar datapath (golden: range_bn_grad_sums step 2, RangeBnDxElement's b), a register "
      "after each operation, advanced by FINISH beats: the register k operations deep is final "
      "after k of them, the last after {}.",
      p.finish_beats()));
  std::vector<std::pair<std::string, int>> chain;
  auto reg = [&](const std::string& n, int width, const std::string& comment = {}) {
    m.reg(n + "_q", width, comment);
    m.wire(n + "_d", width);
    chain.push_back({n, width});
  };
  reg("dgamma", w.grad, "dgamma = dgs in grad (stage 1)");
  convert(m, ops.stat_to_grad, "u_dgamma", "dgs_q", "dgamma_d", "dgamma = convert(dgs) into grad");
  reg("a", w.stat, "a = gamma * scale (stage 1)");
  op(m, ops.mul_a, "u_a", {{"a_i", "gamma_q"}, {"b_i", "scale_q"}, {"y_o", "a_d"}},
     "a = gamma * scale: io x stat -> stat");
  reg("ad", w.stat, "a * dbeta (stage 2)");
  op(m, ops.mul_stat, "u_ad", {{"a_i", "a_q"}, {"b_i", "dbeta_q"}, {"y_o", "ad_d"}}, "a * dbeta");
  reg("ag", w.stat, "a * dgs (stage 2)");
  op(m, ops.mul_stat, "u_ag", {{"a_i", "a_q"}, {"b_i", "dgs_q"}, {"y_o", "ag_d"}}, "a * dgs");
  reg("b_mu", w.stat, "b_mu = -(a * dbeta * inv_n) (stage 3)");
  m.wire("adn", w.stat, "a * dbeta * inv_n");
  op(m, ops.mul_stat, "u_adn", {{"a_i", "ad_q"}, {"b_i", "inv_n_i"}, {"y_o", "adn"}},
     "a * dbeta * inv_n");
  m.assign("b_mu_d", negated("adn", w.stat), "b_mu: the sign flipped (NaN too, as the golden)");
  reg("agc", w.stat, "a * dgs * C (stage 3)");
  op(m, ops.mul_stat, "u_agc", {{"a_i", "ag_q"}, {"b_i", "c_i"}, {"y_o", "agc_d"}}, "a * dgs * C");
  std::string k = "agc_q";
  if (ops.mul_pow2) {
    reg("k", w.stat, "k = a * dgs * C * 2^-log2(chunks) (stage 4)");
    const auto spec = p.pow2_spec();
    op(m, *ops.mul_pow2, "u_k",
       {{"a_i", "agc_q"}, {"b_i", vlog::hex_lit(spec.b.width(), p.pow2_code())}, {"y_o", "k_d"}},
       fmt::format("k = ... * 2^-{} (chunks = {}): the constant has a {}-bit significand, so "
                   "this is exponent arithmetic, rounding like the contract where k underflows",
                   rb.log2_chunks(), rb.chunks, spec.b.man_bits + 1));
    k = "k_q";
  } else {
    m.comment("chunks = 1: k = a * dgs * C (* 2^0 is exact).");
  }
  const int b_stage = ops.mul_pow2 ? 5 : 4;
  reg("b_max", w.stat, fmt::format("b_max = b_mu - k (stage {})", b_stage));
  reg("b_min", w.stat, fmt::format("b_min = b_mu + k (stage {})", b_stage));
  m.wire("k_neg", w.stat, "-k: a subtraction is the addition of the negation");
  m.assign("k_neg", negated(k, w.stat));
  op(m, ops.add_stat, "u_b_max", {{"a_i", "b_mu_q"}, {"b_i", "k_neg"}, {"y_o", "b_max_d"}},
     "b_max = b_mu - k");
  op(m, ops.add_stat, "u_b_min", {{"a_i", "b_mu_q"}, {"b_i", k}, {"y_o", "b_min_d"}},
     "b_min = b_mu + k");
  if (ops.stat_to_norm) {
    for (const char* n : {"b_mu", "b_max", "b_min"}) {
      reg(fmt::format("{}_n", n), w.norm, fmt::format("{} in norm (stage {})", n, b_stage + 1));
      op(m, *ops.stat_to_norm, fmt::format("u_{}_n", n),
         {{"a_i", fmt::format("{}_q", n)}, {"y_o", fmt::format("{}_n_d", n)}},
         fmt::format("{} into norm", n));
    }
  }
  auto bank = vlog::register_bank("finish_i", "no reset: read only when complete");
  for (const auto& [n, width] : chain) bank.regs.push_back({n + "_q", n + "_d", ""});
  m.add(bank);
}

// Pass 2, one register per operation, moved by the unit's global enable. A
// DX beat reads a in stage 1 and b, dgamma and dbeta in stage 2 (the state
// registers are written when a beat leaves stage 1, so the beat behind it
// cannot change them under it) and carries dgamma and dbeta to the output.
void lane_pass2(vlog::Module& m, const Widths& w, const Operators& ops, bool in_norm) {
  m.comment("Pass 2 (golden: RangeBnDxElement): dx = convert(g * a + b) into grad, b by the");
  m.comment("flags; a register after each operation, the last one the unit's output register.");
  m.wire("ga_d", w.norm);
  op(m, ops.mul_ga, "u_ga", {{"a_i", "g_q1"}, {"b_i", "a_q"}, {"y_o", "ga_d"}},
     "g * a: grad x stat -> norm");
  for (auto [n, width] :
       {std::pair<const char*, int>{"ga_q2", w.norm}, {"amax_q2", 1}, {"amin_q2", 1}})
    m.reg(n, width);
  m.add(vlog::Registers{
      "clk_i",
      "rst_ni",
      "en_i",
      {{"ga_q2", "ga_d", ""}, {"amax_q2", "amax_q1", ""}, {"amin_q2", "amin_q1", ""}},
      ""});
  const std::string sfx = in_norm ? "_n_q" : "_q";
  m.wire("b", w.norm, "b_max at an argmax only, b_min at an argmin only, else b_mu");
  m.assign("b", fmt::format("(amax_q2 == amin_q2) ? b_mu{0} : amax_q2 ? b_max{0} : b_min{0}", sfx));
  m.wire("v_d", w.norm);
  op(m, ops.add_norm, "u_v", {{"a_i", "ga_q2"}, {"b_i", "b"}, {"y_o", "v_d"}}, "g * a + b (norm)");
  for (auto [n, width] :
       {std::pair<const char*, int>{"v_q3", w.norm}, {"dgamma_q3", w.grad}, {"dbeta_q3", w.stat}})
    m.reg(n, width);
  m.add(vlog::Registers{
      "clk_i",
      "rst_ni",
      "en_i",
      {{"v_q3", "v_d", ""}, {"dgamma_q3", "dgamma_q", ""}, {"dbeta_q3", "dbeta_q", ""}},
      ""});
  convert(m, ops.norm_to_grad, "u_dx", "v_q3", "dx_o", "dx = convert(g * a + b) into grad");
  m.assign("dgamma_o", "dgamma_q3");
  m.assign("dbeta_o", "dbeta_q3");
}

vlog::Module lane_module(const BnBwdParams& p, const Widths& w, const std::string& name,
                         std::vector<std::string> header, const Operators& ops) {
  const RangeBnParams rb = p.range_bn();
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "One channel of lightnorm.bn_bwd (golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp): "
      "the sums dbeta and dgs, the scalar datapath dgamma, a, b_mu, k, b_max, b_min, and the "
      "dx datapath; io {}, grad {}, stat {}, norm {}, arithmetic rounding {}, conversions {} / "
      "{}.",
      rb.io.name(), rb.grad.name(), rb.stat.name(), rb.norm.name(),
      golden::to_string(rb.arith_rounding), golden::to_string(rb.exponent),
      golden::to_string(rb.convert_rounding)));
  m.header.push_back(
      "The beat enters at stage 0 (g_i, x_hat_i, flags, gamma_i, scale_i); the state is updated "
      "when it leaves stage 1 (load_i, stat_i, finish_i); dx_o is the DX beat's dx in stage 3.");
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("en_i", 1, "the unit's global enable: moves stages 1-3");
  m.input("op_load_i", 1, "the beat entering stage 1 is a LOAD");
  m.input("gamma_i", w.io, "gamma (LOAD), io");
  m.input("scale_i", w.stat, "the forward's scale (LOAD), stat");
  m.input("g_i", w.grad, "g (STAT, DX), grad");
  m.input("x_hat_i", w.io, "x_hat (STAT), io");
  m.input("amax_i", 1, "the element is its chunk's argmax (DX)");
  m.input("amin_i", 1, "the element is its chunk's argmin (DX)");
  m.input("inv_n_i", w.stat, "1/n of the group, stat");
  m.input("c_i", w.stat, "C(n) of the group, stat");
  m.input("load_i", 1, "a LOAD beat leaves stage 1: clear the sums, take gamma and scale");
  m.input("stat_i", 1, "a STAT beat leaves stage 1: dbeta += g, dgs += g * x_hat");
  m.input("finish_i", 1, "a FINISH beat leaves stage 1: the scalar datapath advances");
  m.output("dx_o", w.grad, "dx of the beat in stage 3, grad");
  m.output("dgamma_o", w.grad, "dgamma as the beat in stage 3 read it, grad");
  m.output("dbeta_o", w.stat, "dbeta as the beat in stage 3 read it, stat");
  separator(m);
  lane_pass1(m, w, ops);
  separator(m);
  lane_scalar(m, p, w, ops);
  separator(m);
  lane_pass2(m, w, ops, ops.stat_to_norm.has_value());
  return m;
}

std::vector<std::string> top_header(const BnBwdParams& p, std::vector<std::string> h) {
  h.push_back("");
  h.push_back(fmt::format(
      "LightNorm range batch normalization, backward, {} channel(s) in parallel: bit-exact "
      "with golden::BnBwdModel (golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp), i.e. "
      "golden::lightnorm::range_bn_grad_sums and RangeBnDxElement per channel.",
      p.lanes));
  h.push_back(fmt::format(
      "Per channel group: 1 LOAD (op 0: inv_n, C, gamma, scale), n STAT (op 1: g, x_hat), {} "
      "FINISH (op 2), n DX (op 3: g and the argmax/argmin flags in, dx, dgamma, dbeta out with "
      "valid_o = 1).",
      p.finish_beats()));
  h.push_back(
      "A DX beat before the coefficients are complete (fewer FINISH beats since the last LOAD "
      "or STAT) outputs valid_o = 0 and +0 codes, as every other beat does.");
  h.push_back(fmt::format(
      "Latency {}: stage 1 (input registers, the state update point), stages 2-3 (g * a, + b), "
      "the output register; one beat per cycle, a global stall on out_ready_i.",
      BnBwdParams::latency()));
  return h;
}

// The op decode, the FINISH counter, the constants and the state-update
// enables.
void top_control(vlog::Module& m, const BnBwdParams& p, const Widths& w,
                 const std::optional<vlog::Module>& fp32_to_stat, blocks::StreamShell& shell) {
  const int F = p.finish_beats();
  const int cw = vlog::bits_for(static_cast<uint64_t>(F));
  m.localparam("OP_LOAD", "2'd0");
  m.localparam("OP_STAT", "2'd1");
  m.localparam("OP_FINISH", "2'd2");
  m.localparam("OP_DX", "2'd3");
  m.localparam("FINISH_BEATS", lit(cw, static_cast<uint64_t>(F)),
               "golden: BnBwdParams::finish_beats()");
  separator(m);
  shell.stage("Stage 1: the beat's op, inv_n and C (each lane registers its own data).",
              {{"op_q1", "op_i", 2}, {"inv_n_q1", "inv_n_i", 32}, {"c_q1", "c_i", 32}});
  separator(m);
  m.comment("State updates happen when a beat leaves stage 1, in beat order.");
  m.wire("step", 1, "a beat leaves stage 1");
  m.assign("step", "advance & " + shell.valid());
  m.wire("load_en", 1);
  m.assign("load_en", "step & (op_q1 == OP_LOAD)");
  m.wire("stat_en", 1);
  m.assign("stat_en", "step & (op_q1 == OP_STAT)");
  m.wire("finish_en", 1);
  m.assign("finish_en", "step & (op_q1 == OP_FINISH)");
  m.wire("inv_n_stat", w.stat);
  m.wire("c_stat", w.stat);
  convert(m, fp32_to_stat, "u_inv_n", "inv_n_q1", "inv_n_stat", "1/n into stat");
  convert(m, fp32_to_stat, "u_c", "c_q1", "c_stat", "C into stat");
  m.reg("inv_n_q", w.stat, "the group's 1/n, stat");
  m.reg("c_q", w.stat, "the group's C, stat");
  m.add(vlog::Registers{
      "clk_i",
      "rst_ni",
      "load_en",
      {{"inv_n_q", "inv_n_stat", lit(w.stat, 0)}, {"c_q", "c_stat", lit(w.stat, 0)}},
      ""});
  m.reg("finish_q", cw, "FINISH beats since the last LOAD or STAT, saturating");
  m.wire("complete", 1, "the scalar datapath's registers are all final");
  m.assign("complete", "finish_q == FINISH_BEATS");
  m.add(vlog::Registers{
      "clk_i",
      "rst_ni",
      "load_en | stat_en | (finish_en & ~complete)",
      {{"finish_q", fmt::format("finish_en ? finish_q + {} : {}", lit(cw, 1), lit(cw, 0)),
        lit(cw, 0)}},
      ""});
  m.wire("dx_d", 1, "a DX beat with complete coefficients");
  m.assign("dx_d", "(op_q1 == OP_DX) & complete");
}

vlog::Module top_module(const BnBwdParams& p, const Widths& w, const std::string& top,
                        std::vector<std::string> header, const vlog::Module& lane,
                        const std::optional<vlog::Module>& fp32_to_stat) {
  const int L = p.lanes;
  vlog::Module m;
  m.name = top;
  m.header = top_header(p, std::move(header));
  auto doc = [](int width) {
    return fmt::format("; lane l (channel c0 + l) at [{0}*l +: {0}]", width);
  };
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("op_i", 2, "0 LOAD, 1 STAT, 2 FINISH, 3 DX");
  m.input("inv_n_i", 32, "fp32 1/n (LOAD)");
  m.input("c_i", 32, "fp32 C(n) = 1/sqrt(2 ln(n / chunks)) (LOAD)");
  m.input("gamma_i", w.io * L, "io gamma (LOAD)" + doc(w.io));
  m.input("scale_i", w.stat * L, "stat scale, the forward's (LOAD)" + doc(w.stat));
  m.input("g_i", w.grad * L, "grad g (STAT, DX)" + doc(w.grad));
  m.input("x_hat_i", w.io * L, "io x_hat, the forward's (STAT)" + doc(w.io));
  m.input("amax_i", L, "the element is its chunk's argmax (DX); lane l at [l]");
  m.input("amin_i", L, "the element is its chunk's argmin (DX); lane l at [l]");
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("valid_o", 1, "a DX beat with complete coefficients: dx_o, dgamma_o, dbeta_o hold them");
  m.output("dx_o", w.grad * L, "grad dx when valid_o, else +0" + doc(w.grad));
  m.output("dgamma_o", w.grad * L, "grad dgamma when valid_o, else +0" + doc(w.grad));
  m.output("dbeta_o", w.stat * L, "stat dbeta when valid_o, else +0" + doc(w.stat));

  blocks::StreamShell::Options control;
  control.heading = "Pipeline control: one global enable moves every stage.";
  blocks::StreamShell shell(m, control);
  separator(m);
  top_control(m, p, w, fp32_to_stat, shell);

  separator(m);
  m.comment(L == 1 ? std::string("The lane.") : fmt::format("The {} lanes.", L));
  m.wire("op_load", 1, "the beat entering stage 1 is a LOAD");
  m.assign("op_load", "op_i == OP_LOAD");
  m.wire("dx_lanes", w.grad * L, "stage 3's dx of every lane");
  m.wire("dgamma_lanes", w.grad * L, "stage 3's dgamma of every lane");
  m.wire("dbeta_lanes", w.stat * L, "stage 3's dbeta of every lane");
  vlog::GenerateFor g;
  g.genvar = "l";
  g.count = L;
  g.label = "g_lane";
  auto sel = [&](const std::string& bus, int width) {
    return vlog::lane(bus, width * L, "l", width, 0, width);
  };
  g.body = {vlog::instance_of(lane, "u_lane",
                              {{"clk_i", "clk_i"},
                               {"rst_ni", "rst_ni"},
                               {"en_i", "advance"},
                               {"op_load_i", "op_load"},
                               {"gamma_i", sel("gamma_i", w.io)},
                               {"scale_i", sel("scale_i", w.stat)},
                               {"g_i", sel("g_i", w.grad)},
                               {"x_hat_i", sel("x_hat_i", w.io)},
                               {"amax_i", sel("amax_i", 1)},
                               {"amin_i", sel("amin_i", 1)},
                               {"inv_n_i", "inv_n_q"},
                               {"c_i", "c_q"},
                               {"load_i", "load_en"},
                               {"stat_i", "stat_en"},
                               {"finish_i", "finish_en"},
                               {"dx_o", sel("dx_lanes", w.grad)},
                               {"dgamma_o", sel("dgamma_lanes", w.grad)},
                               {"dbeta_o", sel("dbeta_lanes", w.stat)}})};
  m.add(g);

  const auto dx = shell.delay(2, "Stages 2-3: the dx datapath's registers are inside the lanes.",
                              {blocks::StreamShell::Carry("dx", "dx_d")});
  blocks::StreamShell::OutputOptions out;
  out.comment =
      "Output register: dx, dgamma and dbeta of a DX beat with complete coefficients, else +0.";
  auto gated = [&](const std::string& v, int width) {
    return fmt::format("{} ? {} : {}", dx[0], v, lit(width, 0));
  };
  shell.output({{"valid_q", dx[0], 1},
                {"dx_q", gated("dx_lanes", w.grad * L), w.grad * L},
                {"dgamma_q", gated("dgamma_lanes", w.grad * L), w.grad * L},
                {"dbeta_q", gated("dbeta_lanes", w.stat * L), w.stat * L}},
               out);
  m.assign("valid_o", "valid_q");
  m.assign("dx_o", "dx_q");
  m.assign("dgamma_o", "dgamma_q");
  m.assign("dbeta_o", "dbeta_q");
  return m;
}

}  // namespace

std::vector<vlog::Module> build_rtl(
    const BnBwdParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  const RangeBnParams rb = p.range_bn();
  const Widths w{rb.io.width(), rb.grad.width(), rb.stat.width(), rb.norm.width()};
  const FloatFormat fp32 = FloatFormat::fp32();
  std::vector<vlog::Module> mods;
  auto keep = [&](vlog::Module mod) {
    mods.push_back(mod);
    return mod;
  };
  auto mul = [&](const std::string& n, const golden::FpMulSpec& s) {
    const std::string name = top + "_" + n;
    return keep(blocks::fp_mul_module(s, name, header(name), false));
  };
  auto add = [&](const std::string& n, const golden::FpAddSpec& s) {
    const std::string name = top + "_" + n;
    return keep(blocks::fp_add_module(s, name, header(name), false));
  };
  auto cvt = [&](const FloatFormat& from, const FloatFormat& to,
                 const std::string& n) -> std::optional<vlog::Module> {
    if (from == to) return std::nullopt;
    const std::string name = top + "_" + n;
    return keep(
        blocks::fp_convert_module(from, to, rb.exponent, rb.convert_rounding, name, header(name)));
  };
  Operators ops;
  ops.mul_gx = mul("mul_g_xhat", p.gx_spec());
  ops.mul_a = mul("mul_gamma_scale", p.a_spec());
  ops.mul_stat = mul("mul_stat", p.stat_mul_spec());
  if (rb.chunks > 1) ops.mul_pow2 = mul("mul_pow2", p.pow2_spec());
  ops.mul_ga = mul("mul_g_a", p.ga_spec());
  ops.add_stat = add("add_stat", p.stat_add_spec());
  // norm = stat: the dx adder is the stat adder's module (one definition).
  ops.add_norm = rb.norm == rb.stat ? ops.add_stat : add("add_norm", p.norm_add_spec());
  ops.grad_to_stat = cvt(rb.grad, rb.stat, "grad_to_stat");
  ops.stat_to_grad = cvt(rb.stat, rb.grad, "stat_to_grad");
  ops.stat_to_norm = cvt(rb.stat, rb.norm, "stat_to_norm");
  ops.norm_to_grad = cvt(rb.norm, rb.grad, "norm_to_grad");
  const auto fp32_to_stat = cvt(fp32, rb.stat, "fp32_to_stat");
  vlog::Module lane_mod = lane_module(p, w, top + "_lane", header(top + "_lane"), ops);
  mods.push_back(lane_mod);
  mods.push_back(top_module(p, w, top, header(top), lane_mod, fp32_to_stat));
  return mods;
}

}  // namespace bf::lightnorm_bn_bwd
