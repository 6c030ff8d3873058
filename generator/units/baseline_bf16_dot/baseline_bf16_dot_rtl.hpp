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
