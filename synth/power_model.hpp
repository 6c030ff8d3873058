#pragma once
// Energy of a mapped netlist from its gate-level activity, with the cell
// library's own figures. A pure function of the library, the netlist's
// connectivity and the toggle counts of a simulation (blockforge power runs
// the simulation: tb/toggle_sim.hpp); no tool is involved.
//
// For every instance of every module (the hierarchy is walked from the top;
// toggles are per instance):
//   internal   each output pin of a library cell that drives a net:
//              toggles x E_int, E_int = the pin's internal energy table at
//              the input transition `input_transition_ns` and the net's load
//              (all its pins across the hierarchy), mean of rise and fall,
//              averaged over the pin's arcs (related pins);
//   switching  each input pin of a library cell: toggles x 0.5 x (C_pin +
//              wire_cap_per_fanout_ff) x V^2, so that a net costs
//              0.5 x C_net x V^2 per toggle with C_net = its fanout pins'
//              capacitances + one wire capacitance per fanout; a net's pins
//              inside a module are charged to that module's instance with its
//              toggles. Each output port bit of the top adds
//              output_port_load_ff the same way. V = the library's nom_voltage;
//   clock      every flip-flop every cycle: the internal energy of its clock
//              pin (rise + fall), plus its clock pin's switching energy
//              (toggles x 0.5 x (C_CK + wire) x V^2);
//   leakage    sum of the cells' leakage x simulated time (cycles x clock).
// Output pins that drive nothing (a flop's unused QN) cost no internal
// energy. Energies in fJ, times in ns, power in uW (fJ / ns).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "synth/liberty.hpp"

namespace bf::synth {

// Defaults of blockforge power; each is a named assumption.
// Input transition at which internal energy tables are read: 20 ps, where
// the published figures of the shipped library were characterized.
inline constexpr double kDefaultInputTransitionNs = 0.02;
// Pre-layout wire capacitance per fanout pin (no wire-load model in the
// library): 1 fF, below the 2-3 fF NanGate45's smallest wire-load model
// gives a fanout-1 net of a 5k-gate block, above nothing at all.
inline constexpr double kDefaultWireCapPerFanoutFf = 1.0;
// Load on each output port bit of the design: about one input pin plus its
// wire in the block that reads it.
inline constexpr double kDefaultOutputPortLoadFf = 2.0;
// Clock period when none is given: 1 ns (1 GHz).
inline constexpr double kDefaultPowerClockNs = 1.0;

// Connectivity of a mapped netlist, as Yosys' write_json gives it: nets are
// bit numbers (>= 0), constants negative (kConstBit).
inline constexpr long kConstBit = -1;

struct GateCell {
  std::string name, type;
  std::map<std::string, std::vector<long>> pins;  // pin (port) name -> bits, LSB first
};

struct GatePort {
  std::string name;
  std::string direction;   // input, output, inout
  std::vector<long> bits;  // LSB first
  int offset = 0;          // index of bits[0] (name[offset])
};

struct GateModule {
  std::string name;
  std::vector<GatePort> ports;
  std::vector<GateCell> cells;
};

struct GateNetlist {
  std::string top;
  std::map<std::string, GateModule> modules;
};

// Parses Yosys' write_json output. Modules with the blackbox attribute (the
// library cells read with read_liberty -lib) are left out. Throws
// std::runtime_error for text that is not a Yosys JSON netlist or has no
// module `top`.
GateNetlist parse_yosys_netlist_json(const std::string& text, const std::string& top);

// Toggle counts keyed "<instance>:<signal>" (tb::toggle_key): instance path
// below the top ("" for the top, "u_add._12_" for cell _12_ of instance
// u_add), signal a pin name ("A1") or a port bit ("sum_o[3]"; one-bit ports
// without index).
using ToggleCounts = std::unordered_map<std::string, uint64_t>;

struct PowerOptions {
  double clock_ns = kDefaultPowerClockNs;
  double input_transition_ns = kDefaultInputTransitionNs;
  double wire_cap_per_fanout_ff = kDefaultWireCapPerFanoutFf;
  double output_port_load_ff = kDefaultOutputPortLoadFf;
};

struct EnergySplit {
  double internal_fj = 0, switching_fj = 0, clock_fj = 0, leakage_fj = 0;
  double total_fj() const { return internal_fj + switching_fj + clock_fj + leakage_fj; }
  EnergySplit& operator+=(const EnergySplit& o);
};

// A module's own cells (children excluded), summed over its instances.
struct ModuleEnergy {
  std::string module;
  long instances = 0;
  long cells = 0;  // per instance
  EnergySplit energy;
};

struct PowerReport {
  EnergySplit energy;
  uint64_t cycles = 0;
  double clock_ns = 0;
  double time_ns = 0;  // cycles x clock_ns
  double voltage = 0;
  long cells = 0, flops = 0;  // library cells of the whole design
  uint64_t toggles = 0;       // output pin toggles of all cells
  double leakage_nw = 0;
  std::vector<ModuleEnergy> modules;  // by energy, largest first
  double average_power_uw() const { return time_ns > 0 ? energy.total_fj() / time_ns : 0; }
};

// The energy of `cycles` clock cycles of `netlist` with the activity
// `toggles`. Throws std::runtime_error when a cell is neither a module of the
// netlist nor a cell of `lib`, when a cell pin has no toggle count (the
// simulation and the netlist disagree), or for a library without
// nom_voltage.
PowerReport compute_power(const LibertyLibrary& lib, const GateNetlist& netlist,
                          const ToggleCounts& toggles, uint64_t cycles,
                          const PowerOptions& options = {});

nlohmann::ordered_json to_json(const PowerReport& report);

// Reads `netlist_v` (a mapped gate-level netlist on the cells of
// `liberty_path`) back with Yosys in `work_dir` (read_liberty -lib,
// read_verilog, hierarchy -top, write_json) and returns its connectivity.
GateNetlist read_gate_netlist(const std::string& netlist_v, const std::string& liberty_path,
                              const std::string& top, const std::string& work_dir);

}  // namespace bf::synth
