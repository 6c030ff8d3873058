#include "generator/units/baseline_bf16_dot/baseline_bf16_dot_rtl.hpp"

#include <fmt/format.h>

#include "generator/blocks/fp_modules.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::baseline_bf16_dot {

using vlog::lit;
using vlog::part;

namespace {

// m.blank() spelled as an empty comment (see generator/design/fp_operand_io.cpp: GCC 12
// reports a false -Wmaybe-uninitialized inside std::variant otherwise).
void separator(vlog::Module& m) { m.comment(""); }

vlog::Module top_module(const golden::Bf16DotParams& p, const std::string& top,
                        const std::string& mul, const std::string& tree_add,
                        const std::string& acc_add, std::vector<std::string> header) {
  const int L = p.lanes;
  const int D = p.tree_levels();
  const bool piped = p.pipelined();

  TreeEngine e;
  e.lanes = L;
  e.operand_width = 16;
  e.a_port = "a_i";
  e.a_doc = "bf16 activations";
  e.b_port = "w_i";
  e.b_doc = "bf16 weights (dequantized upstream)";
  e.product_formats = "bf16 x bf16 -> fp32";
  e.mul = mul;
  e.tree_add = tree_add;
  e.acc_add = acc_add;
  e.mul_registered = piped;
  e.tree_pipelined = piped;
  if (p.tree_registered())
    e.tree_register = "Register between the tree and the accumulator (pipeline = balanced).";
  e.header = std::move(header);
  e.header.push_back("");
  e.header.push_back(fmt::format(
      "BF16 dot-product baseline: {} lane(s) of bf16 x bf16 -> fp32 products, a balanced fp32 "
      "adder tree ({} level(s)), an fp32 accumulator (round to nearest even, subnormals {}).",
      L, D, p.flush() ? "flushed" : "exact"));
  e.header.push_back(
      "Weights arrive already dequantized to bf16; the dequantizer is outside this unit.");
  e.header.push_back(
      "Bit-exact with golden::Bf16DotModel (golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp): "
      "per beat "
      "acc = golden::fp_dot_step(acc, a, w);");
  e.header.push_back(
      "a beat with last_i = 1 outputs done_o = 1, y_o = acc and restarts the row from +0; "
      "other beats output done_o = 0, y_o = 0.");
  if (p.tree_registered()) {
    e.header.push_back(fmt::format(
        "pipeline = \"balanced\": latency {} = 1 (multipliers' register stage) + {} (one per "
        "tree level) + 1 (tree sum) + 1 (accumulator).",
        p.latency(), D));
    e.header.push_back("Critical path: the accumulator adder's 1-cycle loop (one fp32 adder).");
  } else if (piped) {
    e.header.push_back(fmt::format(
        "pipeline = \"operators\": latency {} = 1 (multipliers' register stage) + {} (one per "
        "tree level) + 1 (accumulator).",
        p.latency(), D));
    e.header.push_back(
        "Critical path: the last tree adder's second half, then the accumulator adder.");
  } else {
    e.header.push_back(
        "pipeline = \"none\": latency 1; multipliers, tree and accumulator adder are one "
        "combinational path.");
  }
  e.header.push_back(
      "One beat per cycle; the accumulator adder closes a 1-cycle loop, so back-to-back beats "
      "of one row need no stall.");
  return tree_engine_top(e, top);
}

// Valid and last bits of the register stages inside the operators (the
// multipliers' stage first, then one per tree level): their comment.
std::string delay_comment(const TreeEngine& e) {
  if (e.mul_registered && e.tree_pipelined)
    return "Valid and last bits travelling with each beat through the operators' register "
           "stages (stage 1: multipliers, stage 1+k: tree level k).";
  if (e.mul_registered)
    return "Valid and last bits travelling with each beat through the multipliers' register "
           "stage.";
  return "Valid and last bits travelling with each beat through the tree levels' register "
         "stages (stage k: tree level k).";
}

}  // namespace

vlog::Module tree_engine_top(const TreeEngine& e, const std::string& top) {
  const int L = e.lanes;
  const int W = e.operand_width;
  const int D = blocks::fp_add_tree_depth(L);

  vlog::Module m;
  m.name = top;
  m.header = e.header;

  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("last_i", 1, "this beat is the last one of a row");
  m.input(e.a_port, L * W, fmt::format("{}; lane i at {}[{}*i +: {}]", e.a_doc, e.a_port, W, W));
  m.input(e.b_port, L * W, fmt::format("{}; lane i at {}[{}*i +: {}]", e.b_doc, e.b_port, W, W));
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("done_o", 1, "the beat's last_i");
  m.output("y_o", 32, "fp32 dot product of the row when done_o, else 32'd0");

  blocks::StreamShell::Options control;
  control.heading = "Pipeline control: one global enable moves every stage.";
  blocks::StreamShell shell(m, control);

  separator(m);
  m.comment(fmt::format("Products p_i = {} * {} (golden: fp_mul, {}), {} lane(s){}.", e.a_port,
                        e.b_port, e.product_formats, L,
                        e.mul_registered ? ", one register stage inside each" : ""));
  m.wire("prod", L * 32, "lane i at prod[32*i +: 32]");
  std::vector<std::string> products;
  for (int i = 0; i < L; ++i) {
    vlog::Instance inst{e.mul, fmt::format("u_mul_{}", i), {}, ""};
    if (e.mul_registered) {
      inst.connections.push_back({"clk_i", "clk_i"});
      inst.connections.push_back({"en_i", "advance"});
    }
    inst.connections.push_back({"a_i", part(e.a_port, i * W, W)});
    inst.connections.push_back({"b_i", part(e.b_port, i * W, W)});
    inst.connections.push_back({"y_o", part("prod", i * 32, 32)});
    m.add(inst);
    products.push_back(part("prod", i * 32, 32));
  }

  std::string last = "last_i";
  const int operator_stages = (e.mul_registered ? 1 : 0) + (e.tree_pipelined ? D : 0);
  if (operator_stages > 0)
    last = shell.delay(operator_stages, delay_comment(e), {{"last", "last_i", 1, ""}})[0];

  separator(m);
  std::string tree = products[0];
  if (L > 1) {
    m.comment(fmt::format(
        "Adder tree t = golden::fp_sum_tree(p_0 .. p_{}): (p0 + p1), (p2 + p3), ...; an odd last "
        "element passes to the next level{}.",
        L - 1, e.tree_pipelined ? " (delayed by a register like an adder)" : ""));
    blocks::FpAddTree t;
    t.adder = e.tree_add;
    t.width = 32;
    if (e.tree_pipelined) {
      t.clk = "clk_i";
      t.en = "advance";
    }
    tree = blocks::fp_add_tree(m, "tree", products, t);
  } else {
    m.comment("One lane: the tree is the product itself.");
  }
  if (!e.tree_register.empty()) {
    const std::string lq = fmt::format("last_q{}", shell.stages() + 1);
    shell.stage(e.tree_register, {{lq, last, 1}, {"tree_q", tree, 32}});
    last = lq;
    tree = "tree_q";
  }

  separator(m);
  m.comment(
      "Accumulator acc = acc + t (golden: fp_dot_step's fp_add(acc, tree)), combinational in "
      "its 1-cycle loop.");
  m.comment(
      "acc_q doubles as the output register. done_q holds the last bit of the previous beat "
      "(1 after reset), so a beat with done_q = 1 starts a row: it adds t to +0 instead of acc_q.");
  m.reg("done_q", 1);
  m.reg("acc_q", 32);
  m.wire("acc_a", 32, "+0 at a row start, else the running sum");
  m.assign("acc_a", fmt::format("done_q ? {} : acc_q", vlog::hex_lit(32, 0)));
  m.wire("acc_d", 32);
  m.add(
      vlog::Instance{e.acc_add, "u_acc", {{"a_i", "acc_a"}, {"b_i", tree}, {"y_o", "acc_d"}}, ""});
  add_accumulator_output(m, shell, last);
  return m;
}

void add_accumulator_output(vlog::Module& m, blocks::StreamShell& shell, const std::string& last) {
  m.wire("acc_en", 1, "a valid beat enters the output register");
  m.assign("acc_en", "advance & " + shell.valid());

  blocks::StreamShell::OutputOptions out;
  out.comment = "Output register (valid, done) and accumulator.";
  shell.output({}, out);
  m.add(vlog::Registers{"clk_i",
                        "rst_ni",
                        "acc_en",
                        {{"done_q", last, "1'b1"}, {"acc_q", "acc_d", ""}},
                        "only valid beats update the row state"});
  m.assign("done_o", "done_q");
  m.assign("y_o", fmt::format("done_q ? acc_q : {}", vlog::lit(32, 0)));
}

std::vector<vlog::Module> build_rtl(
    const golden::Bf16DotParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  if (p.fused()) return build_fused_rtl(p, top, header);
  const bool piped = p.pipelined();
  // The accumulator adder is always combinational (its loop is one cycle);
  // with pipeline = "operators" the tree adders are a second, pipelined
  // variant of the same operator. Only instantiated modules are emitted.
  const std::string mul = top + "_mul";
  const std::string acc_add = top + "_add";
  const std::string tree_add = piped ? top + "_add_p1" : acc_add;
  std::vector<vlog::Module> mods;
  mods.push_back(blocks::fp_mul_module(p.mul_spec(), mul, header(mul), piped));
  mods.push_back(blocks::fp_add_module(p.add_spec(), acc_add, header(acc_add), false));
  if (piped && p.lanes > 1)
    mods.push_back(blocks::fp_add_module(p.add_spec(), tree_add, header(tree_add), true));
  mods.push_back(top_module(p, top, mul, tree_add, acc_add, header(top)));
  return mods;
}

}  // namespace bf::baseline_bf16_dot
