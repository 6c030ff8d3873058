#pragma once
// Verilog for baseline.bf16_dot: <top>_mul (bf16 x bf16 -> fp32 multiplier,
// instantiated `lanes` times), <top>_add (fp32 adder, used for every tree
// node and for the accumulator) and <top> (lanes, balanced adder tree,
// accumulator, valid/last pipeline, handshake). accumulation = "fused":
// baseline_bf16_dot_fused_rtl.cpp (<top>_prod, <top>_align_w16/_w24,
// <top>_normalize, <top>).

#include <functional>
#include <string>
#include <vector>

#include "generator/blocks/stream_shell.hpp"
#include "generator/verilog/module.hpp"
#include "golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp"

namespace bf::baseline_bf16_dot {

// `header(module_name)` gives the generated-file comment block of a module.
std::vector<vlog::Module> build_rtl(
    const golden::Bf16DotParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

// The top module of the tree engine, shared with baseline.fp32_mac: `lanes`
// multipliers (module `mul`, ports a_i, b_i, y_o), a balanced tree of `tree_add`
// adders (blocks::fp_add_tree, the order of golden::fp_sum_tree) and one
// combinational `acc_add` accumulator adder closing a 1-cycle loop, i.e.
// acc = golden::fp_dot_step(acc, a, b) per beat, with the row state of
// add_accumulator_output(). The products and the accumulator are fp32; the
// unit chooses the operand ports and where the registers go.
struct TreeEngine {
  int lanes = 1;
  int operand_width = 16;  // bits per lane of each operand port
  // Operand ports and their documentation (the lane layout is appended).
  std::string a_port = "a_i", a_doc;
  std::string b_port = "b_i", b_doc;
  std::string product_formats;         // "bf16 x bf16 -> fp32", for the products' comment
  std::string mul, tree_add, acc_add;  // module names
  bool mul_registered = false;         // the multipliers' internal register stage
  bool tree_pipelined = false;  // every tree level's register stage (adders' and pass-throughs')
  // Not empty: a register between the tree and the accumulator, with this comment.
  std::string tree_register;
  std::vector<std::string> header;  // the whole header comment of the top module
};
vlog::Module tree_engine_top(const TreeEngine& e, const std::string& top);

// The end of both engines' top module: the accumulator enable, the stream
// output register and the row state (done_q, acc_q <- acc_d, which the
// caller declares and drives), done_o and y_o. `last` carries the beat's
// last bit to the output stage.
void add_accumulator_output(vlog::Module& m, blocks::StreamShell& shell, const std::string& last);

// accumulation = "fused" (called by build_rtl).
std::vector<vlog::Module> build_fused_rtl(
    const golden::Bf16DotParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

}  // namespace bf::baseline_bf16_dot
