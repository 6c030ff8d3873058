#include "generator/units/baseline_bn_fp32/baseline_bn_fp32_rtl.hpp"

#include <fmt/format.h>

#include "generator/blocks/fp_div.hpp"
#include "generator/blocks/fp_modules.hpp"
#include "generator/blocks/fp_sqrt.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::baseline_bn_fp32 {

namespace {

using golden::BnFp32Params;
using vlog::hex_lit;
using vlog::lit;

// fp32 constants of the datapath.
constexpr uint32_t kOne = 0x3f800000u;

// The operator modules a lane instantiates.
struct Operators {
  vlog::Module mul, add, sqrt, div;
};

void separator(vlog::Module& m) { m.blank(); }

// An operator instance with its comment (printed right above it).
void op(vlog::Module& m, const vlog::Module& child, const std::string& name,
        std::vector<std::pair<std::string, std::string>> connections, const std::string& comment) {
  m.add(vlog::instance_of(child, name, connections, comment));
}

// The statistics: the input registers (x and x*x, or gamma and beta on a
// LOAD beat), the sums S and Q, gamma and beta.
void lane_statistics(vlog::Module& m, const Operators& ops) {
  m.wire("sq", 32, "x * x");
  op(m, ops.mul, "u_sq", {{"a_i", "x_i"}, {"b_i", "x_i"}, {"y_o", "sq"}},
     "x * x for Q (golden: bn_fp32_stats, each square rounded to fp32 before it is added)");

  separator(m);
  m.comment("Stage 1 registers: x and x * x, or on a LOAD beat gamma and beta (the lane's");
  m.comment("constants ride in them to the state update point).");
  m.reg("a_q1", 32, "x, or gamma on a LOAD beat");
  m.reg("b_q1", 32, "x * x, or beta on a LOAD beat");
  auto in = vlog::register_bank("en_i", "");
  in.regs.push_back({"a_q1", "op_load_i ? gamma_i : x_i", ""});
  in.regs.push_back({"b_q1", "op_load_i ? beta_i : sq", ""});
  m.add(in);

  separator(m);
  m.comment(
      "S = x_0 + ... and Q = x_0 * x_0 + ..., serial from +0 (golden: bn_fp32_stats step 1);");
  m.comment("a LOAD clears them. Reset acts as a LOAD of gamma = beta = +0.");
  m.reg("s_q", 32, "S, fp32");
  m.reg("q_q", 32, "Q, fp32");
  m.reg("gamma_q", 32);
  m.reg("beta_q", 32);
  m.wire("s_sum", 32, "S + x");
  m.wire("q_sum", 32, "Q + x * x");
  op(m, ops.add, "u_s", {{"a_i", "s_q"}, {"b_i", "a_q1"}, {"y_o", "s_sum"}}, "");
  op(m, ops.add, "u_q", {{"a_i", "q_q"}, {"b_i", "b_q1"}, {"y_o", "q_sum"}}, "");
  const std::string zero = lit(32, 0);
  auto sums = vlog::register_bank("load_i | stat_i", "");
  sums.regs.push_back({"s_q", fmt::format("load_i ? {} : s_sum", zero), zero});
  sums.regs.push_back({"q_q", fmt::format("load_i ? {} : q_sum", zero), zero});
  m.add(sums);
  auto consts = vlog::register_bank("load_i", "");
  consts.regs.push_back({"gamma_q", "a_q1", zero});
  consts.regs.push_back({"beta_q", "b_q1", zero});
  m.add(consts);
}

// The scalar datapath, one register per operation, advanced by FINISH beats
// (finish_i). It needs no alignment registers: its inputs S, Q and inv_n are
// constant while it runs, so register k holds its final value after k
// FINISH beats, and the unit reads inv_std only after all of them.
void lane_scalar(vlog::Module& m, const BnFp32Params& p, const Operators& ops) {
  m.comment(fmt::format(
      "Scalar datapath (golden: bn_fp32_stats steps 2-3), a register after each operation, "
      "advanced by FINISH beats: the register k operations deep is final after k of them, "
      "inv_std after {}.",
      p.finish_beats()));
  for (const char* n : {"mean_q", "qn_q", "msq_q", "var_q", "ve_q", "sd_q", "inv_std_q"})
    m.reg(n, 32);
  m.wire("mean_d", 32);
  m.wire("qn_d", 32);
  op(m, ops.mul, "u_mean", {{"a_i", "s_q"}, {"b_i", "inv_n_i"}, {"y_o", "mean_d"}},
     "mean = S * inv_n");
  op(m, ops.mul, "u_qn", {{"a_i", "q_q"}, {"b_i", "inv_n_i"}, {"y_o", "qn_d"}}, "Q * inv_n");
  m.wire("msq_d", 32);
  op(m, ops.mul, "u_msq", {{"a_i", "mean_q"}, {"b_i", "mean_q"}, {"y_o", "msq_d"}}, "mean * mean");
  m.wire("msq_neg", 32, "-(mean * mean): a subtraction is the addition of the negation");
  m.assign("msq_neg", "{~msq_q[31], msq_q[30:0]}");
  m.wire("diff", 32);
  op(m, ops.add, "u_var", {{"a_i", "qn_q"}, {"b_i", "msq_neg"}, {"y_o", "diff"}},
     "Q * inv_n - mean * mean");
  m.wire("var_d", 32);
  m.assign("var_d",
           fmt::format("(diff[31] & (diff[30:0] <= {})) ? {} : diff", hex_lit(31, 0x7f800000u),
                       lit(32, 0)),
           "var = max(diff, +0): negative (-0 and -Inf too) -> +0, NaN stays");
  m.wire("ve_d", 32);
  op(m, ops.add, "u_ve",
     {{"a_i", "var_q"}, {"b_i", hex_lit(32, golden::lightnorm::kBnEps)}, {"y_o", "ve_d"}},
     "var + eps (fp32 1e-5)");
  m.wire("sd_d", 32);
  std::vector<std::pair<std::string, std::string>> sq{{"a_i", "ve_q"}, {"y_o", "sd_d"}};
  if (p.sqrt_stages > 0) sq.insert(sq.begin(), {{"clk_i", "clk_i"}, {"en_i", "finish_i"}});
  op(m, ops.sqrt, "u_sqrt", sq,
     fmt::format("sqrt(var + eps), {} register cut(s) inside", p.sqrt_stages));
  m.wire("inv_std_d", 32);
  std::vector<std::pair<std::string, std::string>> dv{
      {"a_i", hex_lit(32, kOne)}, {"b_i", "sd_q"}, {"y_o", "inv_std_d"}};
  if (p.div_stages > 0) dv.insert(dv.begin(), {{"clk_i", "clk_i"}, {"en_i", "finish_i"}});
  op(m, ops.div, "u_div", dv,
     fmt::format("inv_std = 1 / sqrt(var + eps), {} register cut(s) inside", p.div_stages));
  auto chain = vlog::register_bank("finish_i", "no reset: read only when complete");
  for (const char* n : {"mean", "qn", "msq", "var", "ve", "sd", "inv_std"})
    chain.regs.push_back({fmt::format("{}_q", n), fmt::format("{}_d", n), ""});
  m.add(chain);
}

// The normalize datapath, one register per operation, moved by the unit's
// global enable. A NORM beat reads mean in stage 1 and inv_std, gamma and
// beta in stage 2 (the state registers are written when a beat leaves stage
// 1, so the beat behind it cannot change them under it) and carries gamma
// and beta to the operations that need them.
void lane_normalize(vlog::Module& m, const Operators& ops) {
  m.comment("Normalize (golden: bn_fp32_normalize): y = ((x - mean) * inv_std) * gamma + beta,");
  m.comment("a register after each operation but the last (the unit's output register).");
  m.wire("mean_neg", 32, "-mean");
  m.assign("mean_neg", "{~mean_q[31], mean_q[30:0]}");
  m.wire("t_d", 32);
  op(m, ops.add, "u_t", {{"a_i", "a_q1"}, {"b_i", "mean_neg"}, {"y_o", "t_d"}}, "x - mean");
  m.reg("t_q2", 32);
  m.add(vlog::Registers{"clk_i", "rst_ni", "en_i", {{"t_q2", "t_d", ""}}, ""});
  m.wire("u_d", 32);
  op(m, ops.mul, "u_u", {{"a_i", "t_q2"}, {"b_i", "inv_std_q"}, {"y_o", "u_d"}},
     "(x - mean) * inv_std");
  for (const char* n : {"u_q3", "gamma_q3", "beta_q3"}) m.reg(n, 32);
  m.add(
      vlog::Registers{"clk_i",
                      "rst_ni",
                      "en_i",
                      {{"u_q3", "u_d", ""}, {"gamma_q3", "gamma_q", ""}, {"beta_q3", "beta_q", ""}},
                      ""});
  m.wire("v_d", 32);
  op(m, ops.mul, "u_v", {{"a_i", "u_q3"}, {"b_i", "gamma_q3"}, {"y_o", "v_d"}}, "... * gamma");
  for (const char* n : {"v_q4", "beta_q4"}) m.reg(n, 32);
  m.add(vlog::Registers{
      "clk_i", "rst_ni", "en_i", {{"v_q4", "v_d", ""}, {"beta_q4", "beta_q3", ""}}, ""});
  op(m, ops.add, "u_y", {{"a_i", "v_q4"}, {"b_i", "beta_q4"}, {"y_o", "y_o"}}, "... + beta");
}

vlog::Module lane_module(const BnFp32Params& p, const std::string& name,
                         std::vector<std::string> header, const Operators& ops) {
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(
      "One channel of baseline.bn_fp32 (golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp): "
      "the statistics S, Q, the scalar datapath mean, var, inv_std, and the normalize "
      "datapath; every operator fp32, nearest even, subnormals exact.");
  m.header.push_back(
      "The beat enters at stage 0 (x_i, gamma_i, beta_i); the state is updated when it leaves "
      "stage 1 (load_i, stat_i, finish_i); y_o is the NORM beat's y in stage 4.");
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("en_i", 1, "the unit's global enable: moves stages 1-4");
  m.input("op_load_i", 1, "the beat entering stage 1 is a LOAD");
  m.input("x_i", 32, "fp32 x of the beat entering stage 1");
  m.input("gamma_i", 32, "fp32 gamma (LOAD)");
  m.input("beta_i", 32, "fp32 beta (LOAD)");
  m.input("inv_n_i", 32, "fp32 1/n of the group");
  m.input("load_i", 1, "a LOAD beat leaves stage 1: clear S and Q, take gamma and beta");
  m.input("stat_i", 1, "a STAT beat leaves stage 1: S += x, Q += x * x");
  m.input("finish_i", 1, "a FINISH beat leaves stage 1: the scalar datapath advances");
  m.output("y_o", 32, "fp32 y of the beat in stage 4");
  separator(m);
  lane_statistics(m, ops);
  separator(m);
  lane_scalar(m, p, ops);
  separator(m);
  lane_normalize(m, ops);
  return m;
}

std::vector<std::string> top_header(const BnFp32Params& p, std::vector<std::string> h) {
  h.push_back("");
  h.push_back(fmt::format(
      "Conventional fp32 batch normalization (forward), {} channel(s) in parallel: bit-exact "
      "with golden::BnFp32Model (golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp), i.e. "
      "golden::lightnorm::bn_fp32_stats and bn_fp32_normalize per channel.",
      p.lanes));
  h.push_back(fmt::format(
      "Per channel group: 1 LOAD (op 0: inv_n, gamma, beta), n STAT (op 1: x), {} FINISH (op "
      "2), n NORM (op 3: x in, y out with norm_o = 1).",
      p.finish_beats()));
  h.push_back(
      "A NORM beat before the statistics are complete (fewer FINISH beats since the last LOAD "
      "or STAT) outputs norm_o = 0 and y = +0, as every other beat does.");
  h.push_back(fmt::format(
      "Latency {}: stage 1 (input registers, the state update point), stages 2-4 (normalize), "
      "the output register; one beat per cycle, a global stall on out_ready_i.",
      BnFp32Params::latency()));
  return h;
}

// The op decode, the FINISH counter and the state-update enables.
void top_control(vlog::Module& m, const BnFp32Params& p, blocks::StreamShell& shell) {
  const int F = p.finish_beats();
  const int cw = vlog::bits_for(static_cast<uint64_t>(F));
  m.localparam("OP_LOAD", "2'd0");
  m.localparam("OP_STAT", "2'd1");
  m.localparam("OP_FINISH", "2'd2");
  m.localparam("OP_NORM", "2'd3");
  m.localparam("FINISH_BEATS", lit(cw, static_cast<uint64_t>(F)),
               "golden: BnFp32Params::finish_beats()");
  separator(m);
  shell.stage("Stage 1: the beat's op and inv_n (each lane registers its own data).",
              {{"op_q1", "op_i", 2}, {"inv_n_q1", "inv_n_i", 32}});
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
  m.reg("inv_n_q", 32, "the group's 1/n");
  m.add(vlog::Registers{"clk_i", "rst_ni", "load_en", {{"inv_n_q", "inv_n_q1", lit(32, 0)}}, ""});
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
  m.wire("norm_d", 1, "a NORM beat with complete statistics");
  m.assign("norm_d", "(op_q1 == OP_NORM) & complete");
}

vlog::Module top_module(const BnFp32Params& p, const std::string& top,
                        std::vector<std::string> header, const vlog::Module& lane) {
  const int L = p.lanes, W = 32 * L;
  vlog::Module m;
  m.name = top;
  m.header = top_header(p, std::move(header));
  const std::string lanes_doc = "; lane l (channel c0 + l) at [32*l +: 32]";
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("op_i", 2, "0 LOAD, 1 STAT, 2 FINISH, 3 NORM");
  m.input("inv_n_i", 32, "fp32 1/n (LOAD)");
  m.input("x_i", W, "fp32 x (STAT, NORM)" + lanes_doc);
  m.input("gamma_i", W, "fp32 gamma (LOAD)" + lanes_doc);
  m.input("beta_i", W, "fp32 beta (LOAD)" + lanes_doc);
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("norm_o", 1, "a NORM beat with complete statistics: y_o holds y");
  m.output("y_o", W, "fp32 y when norm_o, else +0" + lanes_doc);

  blocks::StreamShell::Options control;
  control.heading = "Pipeline control: one global enable moves every stage.";
  blocks::StreamShell shell(m, control);
  separator(m);
  top_control(m, p, shell);

  separator(m);
  m.comment(L == 1 ? std::string("The lane.") : fmt::format("The {} lanes.", L));
  m.wire("op_load", 1, "the beat entering stage 1 is a LOAD");
  m.assign("op_load", "op_i == OP_LOAD");
  m.wire("y_lanes", W, "stage 4's y of every lane");
  vlog::GenerateFor g;
  g.genvar = "l";
  g.count = L;
  g.label = "g_lane";
  auto sel = [&](const std::string& bus) { return vlog::lane(bus, W, "l", 32, 0, 32); };
  g.body = {vlog::instance_of(lane, "u_lane",
                              {{"clk_i", "clk_i"},
                               {"rst_ni", "rst_ni"},
                               {"en_i", "advance"},
                               {"op_load_i", "op_load"},
                               {"x_i", sel("x_i")},
                               {"gamma_i", sel("gamma_i")},
                               {"beta_i", sel("beta_i")},
                               {"inv_n_i", "inv_n_q"},
                               {"load_i", "load_en"},
                               {"stat_i", "stat_en"},
                               {"finish_i", "finish_en"},
                               {"y_o", sel("y_lanes")}})};
  m.add(g);

  const auto norm =
      shell.delay(3, "Stages 2-4: the normalize datapath's registers are inside the lanes.",
                  {blocks::StreamShell::Carry("norm", "norm_d")});
  blocks::StreamShell::OutputOptions out;
  out.comment = "Output register: y of a NORM beat with complete statistics, else +0.";
  shell.output(
      {{"norm_q", norm[0], 1}, {"y_q", fmt::format("{} ? y_lanes : {}", norm[0], lit(W, 0)), W}},
      out);
  m.assign("norm_o", "norm_q");
  m.assign("y_o", "y_q");
  return m;
}

}  // namespace

std::vector<vlog::Module> build_rtl(
    const BnFp32Params& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  Operators ops;
  const std::string mul = top + "_mul", add = top + "_add", sqrt = top + "_sqrt",
                    div = top + "_div", lane = top + "_lane";
  ops.mul = blocks::fp_mul_module(BnFp32Params::mul_spec(), mul, header(mul), false);
  ops.add = blocks::fp_add_module(BnFp32Params::add_spec(), add, header(add), false);
  ops.sqrt = blocks::fp_sqrt_module(BnFp32Params::sqrt_spec(), sqrt, header(sqrt), p.sqrt_stages);
  ops.div = blocks::fp_div_module(BnFp32Params::div_spec(), div, header(div), p.div_stages);
  vlog::Module lane_mod = lane_module(p, lane, header(lane), ops);
  vlog::Module top_mod = top_module(p, top, header(top), lane_mod);
  return {ops.mul, ops.add, ops.sqrt, ops.div, lane_mod, top_mod};
}

}  // namespace bf::baseline_bn_fp32
