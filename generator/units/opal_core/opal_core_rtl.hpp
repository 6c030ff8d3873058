#pragma once
// Verilog for opal.core (golden/units/opal_core/opal_core.hpp): one opal.quantizer (all
// activation widths, selection shared) writing an activation buffer, `rows`
// opal.pe instances
// (the embedded variant, stalled by the core's global advance) reading it
// beat by beat, and a token pipeline that keeps load and beat transactions in
// order at the PEs' latency.
//
// The activation buffer is a memory of max_blocks words, one quantized block
// per word (LSB first: scale[7:0], outlier indices, outlier values, codes by
// position, mode), without per-entry reset. params.buffer chooses what holds
// it, behind one port interface:
//   flops: <top>_act_mem, generated: `reg [W-1:0] mem [0:D-1]` (inferred
//     flip-flops or latches, whatever synthesis makes of it);
//   sram:  an instance of the macro named params.sram_macro (default
//     opal_core_act_sram), a black box to Yosys; the design output carries
//     <sram_macro>.v, a behavioural simulation model of it
//     (vlog::Module::simulation_model), for verify. `blockforge area` does
//     not handle black boxes yet: it stops with an error (the hierarchical
//     scan does not list black-box modules, the flat flow finds a cell not in
//     cells.lib).
// The interface (D = max_blocks, A = max(1, ceil(log2 D)), W = word width):
//   input  clk_i             rising edge
//   input  we_i              write wdata_i to word waddr_i at the edge
//   input  [A-1:0] waddr_i
//   input  [W-1:0] wdata_i
//   input  re_i              read word raddr_i at the edge into rdata_o
//   input  [A-1:0] raddr_i
//   output [W-1:0] rdata_o   registered: holds the last read word; a read of
//                            the word being written returns the new word
//                            (write-through), a real macro without that needs
//                            a bypass wrapper
// No reset, no chip select beyond we_i/re_i (both low: the macro idles).
// The core reads one cycle ahead: at every block end and on every write it
// reads the slot the next beat uses, so rdata_o holds that slot's block
// whenever a beat is taken, and the core's cycle behaviour (latency, in_ready)
// is the same as with a combinational read. Before the first load rdata_o is
// ignored: the core reads zero blocks (golden: the buffer resets to zero
// blocks; every slot the read side can reach after a load was written).

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/opal_core/opal_core.hpp"

namespace bf::opal_core {

int latency(const golden::OpalCoreParams& p);

// W: the bits of one buffer word (one quantized block).
int buffer_word_bits(const golden::OpalCoreParams& p);

std::vector<vlog::Module> build_rtl(
    const golden::OpalCoreParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

}  // namespace bf::opal_core
