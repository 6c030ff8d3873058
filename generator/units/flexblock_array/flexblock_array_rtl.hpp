#pragma once
// The Verilog of flexblock.array (golden/units/flexblock_array/): rows x
// cols PEs with broadcast operands, a drain chain per row and one edge unit
// per row.
//
//   <top>_mac   flexblock.pe's multiply part (flexblock_pe_mac.hpp)
//   <top>_pe    one PE: the mac, its segment accumulator and its drain slot
//   <top>_add   the fp32 adder of an edge unit
//   <top>_edge  one row's edge unit: exponents, segment_term, the row's fp32
//               accumulator memory (cols entries)
//   <top>       the PEs and edge units in generate loops, the captured
//               column exponents, the drain counter, the handshake
// Every state register advances with an accepted beat; the outputs of a
// beat (each row's finished result, if any) leave in the next cycle
// (latency 1).

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/flexblock_array/flexblock_array_params.hpp"

namespace bf::flexblock_array {

constexpr int kLatency = 1;

std::vector<vlog::Module> build_rtl(
    const golden::FlexblockArrayParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

// Width of a row's col_o field.
int col_bits(const golden::FlexblockArrayParams& p);

}  // namespace bf::flexblock_array
