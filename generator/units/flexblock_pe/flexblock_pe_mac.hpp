#pragma once
// The multiply part of FlexBlock's PE as its own module, <name>: one beat's
// exact integer sum (golden::flexblock::beat_sum), combinational. flexblock.pe
// and flexblock.pe_fixed instantiate it before their segment accumulator, and
// flexblock.array in every PE, so the area report shows what the modes cost
// in the multipliers apart from the accumulation they share.
//
//   16 sub-multiplier slots of 4b x 4b (multi-mode, or the fixed PE with
//   multiplier = "sub_multipliers"), routed per mode pair by a constant
//   table and summed in two levels (four slots within 3 nibbles of each
//   other, then the four groups at their offsets: the published "two scaling
//   levels"), or P direct m x m multipliers (fixed PE) in one tree; each
//   product enters as x or ~x (its sign), and the count of negative terms is
//   added once, so no term needs its own negation (-x = ~x + 1).
//
// Ports: [mode_a_i, mode_b_i] (multi-mode only), a_i, a_sign_i, b_i,
// b_sign_i as flexblock.pe's, beat_sum_o (beat_sum_bits, two's complement).

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/flexblock_pe/flexblock_pe.hpp"

namespace bf::flexblock_pe {

vlog::Module build_mac_module(const golden::FlexblockPeConfig& c, const std::string& name,
                              const std::vector<std::string>& header);

// The sub-multiplier routing of one mode pair: slot s multiplies A nibble
// a_nibble[s] by B nibble b_nibble[s], shifts the product left by
// 4 * shift[s] and takes lane lane[s]'s sign. Its sum over the slots is
// golden::flexblock::beat_sum (a test checks it for every pair). The shift
// splits into the group's (slots 4g .. 4g+3) base[g] = shift[4g] and the
// slot's rel[s] = shift[s] - base[s / 4], both at most 3 in every pair.
struct Routing {
  std::vector<int> a_nibble, b_nibble, shift, lane;
  std::vector<int> rel, base;
};
Routing routing(golden::flexblock::Mode ma, golden::flexblock::Mode mb);

}  // namespace bf::flexblock_pe
