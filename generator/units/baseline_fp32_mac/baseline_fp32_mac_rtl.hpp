#pragma once
// Verilog for baseline.fp32_mac: <top>_mul (fp32 x fp32 -> fp32 multiplier,
// instantiated `lanes` times, with its register stage when pipeline =
// "registered"), <top>_add (combinational fp32 adder, every tree node and the
// accumulator) and <top>, baseline.bf16_dot's tree engine
// (baseline_bf16_dot::tree_engine_top) with fp32 operand ports a_i, b_i.

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/baseline_fp32_mac/baseline_fp32_mac.hpp"

namespace bf::baseline_fp32_mac {

// `header(module_name)` gives the generated-file comment block of a module.
std::vector<vlog::Module> build_rtl(
    const golden::Fp32MacParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

}  // namespace bf::baseline_fp32_mac
