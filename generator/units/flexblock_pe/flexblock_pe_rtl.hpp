#pragma once
// The Verilog of FlexBlock's PE (flexblock.pe, multi-mode, and
// flexblock.pe_fixed): the arithmetic of golden/units/flexblock_pe/.
//
//   <top>_mac: the beat's exact integer sum (flexblock_pe_mac.hpp);
//   segment:  exact integer accumulator (segment_sum_bits wide);
//   stage 1:  the finished segment's sum, exponent base and flags;
//   stage 2:  segment_term (leading-zero count, normalize, round) and the
//             fp32 accumulator adder; output register.
// Latency 2: a beat's output leaves two cycles after it is taken.

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/flexblock_pe/flexblock_pe.hpp"

namespace bf::flexblock_pe {

constexpr int kLatency = 2;

// Modules, children first; `header(module)` gives each one's header comment.
std::vector<vlog::Module> build_rtl(
    const golden::FlexblockPeConfig& c, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

}  // namespace bf::flexblock_pe
