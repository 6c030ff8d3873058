#pragma once
// The cell library the area flows map onto: where it is, and the cell areas
// and kinds read back from it to sum a mapped netlist.

#include <map>
#include <string>

namespace bf::synth {

// Area of the NAND2 cell of cells.lib (NanGate NAND2_X1), the unit of nand2_eq.
inline constexpr double kNand2AreaUm2 = 0.798;

struct LibertyCell {
  double area_um2 = 0;
  bool sequential = false;  // has an ff group
};

// Cell name -> area and kind, parsed from a Liberty file (the subset used by
// cells.lib: cell (NAME) { area : X; ... ff (...) ... }).
std::map<std::string, LibertyCell> read_liberty_cells(const std::string& path);

}  // namespace bf::synth
