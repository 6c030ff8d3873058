#pragma once
// Static timing with OpenSTA: the critical path and fmax of a design mapped
// by the area flow (synth/area.hpp), at a target clock or, without one, at a
// nominal period that only serves to measure paths.
//
// The constraints (filled into synth/timing.tcl) are the named defaults
// below. The design's ports are assumed to be registered by its
// neighbours: an input changes at the clock edge (kInputDelayNs after it,
// with kInputTransitionNs) and an output must be stable at the next edge
// (kOutputDelayNs before it) while driving kOutputLoadFf. So a path through
// a port gets the whole period, and the neighbour's own clock-to-Q (about
// 0.09 ns in cells.lib) and setup (about 0.03 ns) are NOT charged to it:
// in-to-register and register-to-out paths are optimistic by that much.
// The clock is ideal (no tree: zero latency and skew) with
// kClockTransitionNs at every flop. No wire-load model: a net's load is the
// sum of its pin capacitances (pre-layout; real wires add delay).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "synth/area.hpp"
#include "synth/area_report.hpp"
#include "synth/timing_report.hpp"

namespace bf::synth {

// The clock port of generated designs (lowRISC naming).
inline constexpr const char* kClockPort = "clk_i";
// Period used without a target clock: area-oriented mapping, and a period
// long enough that the worst path passes; it only serves to measure paths.
inline constexpr double kNominalClockNs = 10.0;
// Inputs switch this long after the clock edge (registered by the neighbour).
inline constexpr double kInputDelayNs = 0.0;
// ... with this transition: a minimum-size flop's Q driving a few gates.
inline constexpr double kInputTransitionNs = 0.020;
// Outputs must be stable this long before the next edge.
inline constexpr double kOutputDelayNs = 0.0;
// Load on every output: about two minimum-size flop D pins plus wire
// (cells.lib: INV input 1.7 fF, DFF D 1.14 fF).
inline constexpr double kOutputLoadFf = 4.0;
// Transition of the ideal clock at every flop's clock pin.
inline constexpr double kClockTransitionNs = 0.020;

// The Debian package that provides `sta`.
inline constexpr const char* kOpenStaPackage = "opensta";

struct TimingOptions {
  // The area flow's options (hierarchical by default, cached). Its clock_ns
  // is overwritten with `clock_ns` below (delay-targeted mapping).
  AreaOptions area;
  // Target clock period in ns: the mapping is delay-targeted to it (abc -D)
  // and slacks are against it. 0: area-oriented mapping, timed at
  // kNominalClockNs.
  double clock_ns = 0;
};

struct TimingReport {
  std::string top;
  bool has_clock = false;     // the top has kClockPort; false: a virtual clock
  std::string clock_port;     // kClockPort or empty
  double period_ns = 0;       // the period timed against
  bool target_clock = false;  // period_ns is the user's target (mapping delay-targeted)
  // The worst path: data arrival + setup (or output delay), i.e. period - slack.
  double critical_path_ns = 0;
  double fmax_mhz = 0;  // 1000 / critical_path_ns
  double worst_slack_ns = 0;
  double tns_ns = 0;  // sum of the negative slacks of all endpoints
  long failing_endpoints = 0;
  long endpoints = 0;
  std::string startpoint, endpoint;          // OpenSTA names
  std::string start_register, end_register;  // RTL register names where flops
  std::string path_kind;                     // reg->reg, in->reg, reg->out, in->out
  StaPath path;                              // the worst path, pin by pin
  AreaReport area;                           // the mapping timed
  std::string liberty;                       // file read by OpenSTA
  std::string liberty_name;                  // its library (NAME)
  double nominal_voltage = 0;                // of the library, V
  std::string work_dir;                      // timing/ directory: script, log, path.txt
  double sta_seconds = 0;
  bool paths = true;  // false: OpenSTA found no constrained path
};

// Runs the area flow on the design (work_dir/area) to get its mapped
// netlist, then OpenSTA on it (work_dir/timing). Throws std::runtime_error
// with one line: sta missing (naming the package), a nonpositive clock, an
// area flow failure, an OpenSTA error (its first error line and the log).
TimingReport run_timing(const std::vector<std::string>& verilog_files, const std::string& top,
                        const std::string& work_dir, const TimingOptions& options = {});

// The OpenSTA half alone: times a mapped netlist (`netlist`, top module
// `top`) on the Liberty file `liberty` in `work_dir` at `period_ns`.
// report.area is left empty. For tests and for netlists from elsewhere.
TimingReport time_netlist(const std::string& netlist, const std::string& top,
                          const std::string& liberty, const std::string& work_dir, double period_ns,
                          const util::ToolBudget& budget = {});

// `sta` on PATH, else throws with how to install it.
std::string find_sta();

// Keys: top, clock {port, period_ns, target, transition_ns},
// critical_path_ns, fmax_mhz, worst_slack_ns, tns_ns, failing_endpoints,
// endpoints, path {kind, startpoint, endpoint, start_register,
// end_register, data_arrival_ns, setup_ns, output_delay_ns, points [...]},
// area {area_um2, nand2_eq, flops, mapping}, assumptions {...}, tool
// {liberty, library, nominal_voltage, netlist, work_dir}.
nlohmann::ordered_json to_json(const TimingReport& report);

// Human-readable: the header (library, corner, assumptions), the numbers,
// and the critical path pin by pin.
std::string to_table(const TimingReport& report);

}  // namespace bf::synth
