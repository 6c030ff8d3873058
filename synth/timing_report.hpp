#pragma once
// Reading what the timing flow (synth/timing.hpp) gets back: the
// "bf_result" lines and the worst path OpenSTA prints (report_checks
// -format full -fields {slew cap input_pins nets fanout}), and the facts of the mapped
// gate-level netlist the report needs (top ports, which register a flop
// instance drives).

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bf::synth {

// One line of the worst path: a pin (with the cell it belongs to and the net
// it drives) or a port.
struct TimingPoint {
  std::string pin;   // OpenSTA name: u_acc_add/_1549_/ZN, a port: a_i
  std::string cell;  // library cell, "in"/"out" for ports
  char edge = ' ';   // '^' rise, 'v' fall
  double slew_ns = 0;
  double incr_ns = 0;     // delay of this step
  double arrival_ns = 0;  // time at this pin
  std::string net;        // net driven (output pins, input ports)
  int fanout = 0;
  double load_ff = 0;         // capacitance on that net
  std::string register_name;  // flop pins: the register (Q net) of the flop
};

struct StaPath {
  std::vector<TimingPoint> points;  // launch pin (flop CK or input port) .. endpoint
  double data_arrival_ns = 0;
  double setup_ns = 0;         // library setup time of the endpoint flop (0: port)
  double output_delay_ns = 0;  // output external delay (port endpoints)
  double required_ns = 0;
  double slack_ns = 0;
};

// Parses one path of report_checks (-format full -fields {slew cap input_pins nets
// fanout}). Throws std::runtime_error naming `origin` when no path is found.
StaPath parse_sta_path(const std::string& text, const std::string& origin);

// "bf_result KEY VALUE" lines of the log -> KEY -> VALUE.
std::map<std::string, std::string> parse_sta_results(const std::string& log);

// The first line of OpenSTA output that reports an error ("Error: ...") or
// a cell it could not find ("... not found. Creating black box ..."),
// trimmed; empty when none.
std::string first_sta_error(const std::string& log);

// What the timing report needs from a Yosys-written gate-level netlist.
struct NetlistFacts {
  // Per module: port names in order, inputs among them.
  std::map<std::string, std::vector<std::string>> inputs;
  // module -> instance -> instantiated module or cell type.
  std::map<std::string, std::map<std::string, std::string>> instances;
  // module -> instance -> pin -> connected expression (escapes removed).
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> pins;

  // The cell type of a hierarchical instance path ("u_a/_12_") below `top`;
  // empty when unknown.
  std::string type_of(const std::string& top, const std::string& path) const;
  // The net connected to `pin` of the instance at `path`, prefixed with the
  // instance path of its module ("u_a/acc_q[3]"); empty when unknown.
  std::string net_of(const std::string& top, const std::string& path, const std::string& pin) const;
};

// Reads the netlist file (Yosys write_verilog output). Throws when it cannot
// be read.
NetlistFacts read_netlist_facts(const std::string& path);

// A name without Verilog / OpenSTA escapes: "\\item_q[3] " -> "item_q[3]",
// "g\\[3\\].u" -> "g[3].u".
std::string unescape_name(const std::string& name);

}  // namespace bf::synth
