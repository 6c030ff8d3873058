#pragma once
// Simulation models of library cells, generated from the Liberty file
// itself (pin functions and ff groups), so that a mapped netlist can run in
// the same Verilator/Icarus harness as the RTL it was synthesized from, on
// any library: the shipped one or a user's PDK library.

#include <set>
#include <string>

#include "synth/liberty.hpp"

namespace bf::synth {

// One Verilog-2005 module per cell in `cells` (every cell when empty):
// combinational outputs as continuous assigns of their functions; flip-flops
// as an always block on the clock edge with asynchronous clear/preset (clear
// wins when both are active: Q = 0, QN = 1). Models are zero-delay.
// Throws std::runtime_error naming the cell and the library for a cell that
// cannot be modelled (latches, ff banks, state tables, an output without a
// function) or a function that does not parse.
std::string cell_models_verilog(const LibertyLibrary& lib, const std::set<std::string>& cells = {});

}  // namespace bf::synth
