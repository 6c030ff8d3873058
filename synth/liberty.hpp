#pragma once
// The cell library the flows map onto: where the shipped one is, and what a
// Liberty file says about its cells, in the units the flows use (um^2, ns,
// fF, fJ, nW, V) whatever units the file declares. The subset read is what
// area, timing-free gate-level simulation and energy need: area, leakage,
// dont_use, pin directions, capacitances and functions, flip-flop groups,
// timing arcs (kept as tables for reports) and internal energy tables.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bf::synth {

// Area of the NAND2 cell of cells.lib (NanGate NAND2_X1), the unit of nand2_eq.
inline constexpr double kNand2AreaUm2 = 0.798;

// A lookup table of one or two variables (NLDM): values[i1 * n2 + i2].
struct LibertyTable {
  std::string variable_1, variable_2;  // e.g. input_net_transition, total_output_net_capacitance
  std::vector<double> index_1, index_2;
  std::vector<double> values;
  // Bilinear interpolation (linear extrapolation outside the indices) at
  // the table's variables: x1 for variable_1, x2 for variable_2. A table
  // without a second index ignores x2; a scalar table returns its value.
  double lookup(double x1, double x2) const;
  // The value at input transition `transition_ns` and output load
  // `load_ff`, whichever of its variables is which.
  double at(double transition_ns, double load_ff) const;
};

struct LibertyPowerArc {
  std::string related_pin;                 // empty: any input / the pin itself (clock pins)
  std::optional<LibertyTable> rise, fall;  // energy (fJ) per output (or pin) transition
};

struct LibertyTimingArc {
  std::string related_pin, timing_type, timing_sense;
  std::optional<LibertyTable> cell_rise, cell_fall;  // ns
};

struct LibertyPin {
  std::string name;
  std::string direction;  // input, output, inout, internal
  double capacitance_ff = 0;
  std::string function;  // Liberty expression, outputs only
  bool clock = false;
  std::vector<LibertyTimingArc> timing;
  std::vector<LibertyPowerArc> power;
};

struct LibertyFlop {
  std::string iq, iqn;                                // internal state names
  std::string next_state, clocked_on, clear, preset;  // Liberty expressions
};

struct LibertyCell {
  std::string name;
  double area_um2 = 0;
  double leakage_nw = 0;
  bool sequential = false;  // has an ff or latch group
  bool latch = false;
  bool dont_use = false;
  std::optional<LibertyFlop> ff;
  std::vector<LibertyPin> pins;

  const LibertyPin* pin(const std::string& name) const;
  std::vector<const LibertyPin*> inputs() const;
  std::vector<const LibertyPin*> outputs() const;
};

struct LibertyLibrary {
  std::string name;  // library (NAME)
  std::string path;
  double nominal_voltage = 0;  // nom_voltage (V), 0 when absent
  std::map<std::string, LibertyCell> cells;
};

// Reads a Liberty file. Throws std::runtime_error naming the file (and line
// for syntax errors) when it cannot be read, is not Liberty, or has no cells.
LibertyLibrary read_liberty(const std::string& path);
LibertyLibrary parse_liberty_library(const std::string& text, const std::string& origin);

// Cell name -> area and kind (the area flows' view of read_liberty).
std::map<std::string, LibertyCell> read_liberty_cells(const std::string& path);

}  // namespace bf::synth
