#pragma once
// The cell library a synthesis run maps onto, prepared for Yosys: the
// shipped synth/cells.lib or a user's Liberty file (a PDK library), with the
// cells the user wants avoided removed, and the facts the scripts need.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "synth/liberty.hpp"

namespace bf::synth {

struct MappingLibrary {
  std::string source;      // the file it came from
  std::string text;        // what work directories get as cells.lib
  LibertyLibrary library;  // parsed from `text`
  // hilomap arguments ("CELL PIN") of the library's tie-high / tie-low
  // cells; empty when it has none (constants then stay nets tied in the
  // netlist).
  std::string tie_high, tie_low;
  bool has_plain_flop = false;   // rising-edge D flop without clear/preset
  bool has_async_clear = false;  // ... with an asynchronous clear
  bool has_async_preset = false;
  // Area of the smallest 2-input NAND, the unit of NAND2-equivalents (the
  // shipped library's when this one has none).
  double nand2_area_um2 = kNand2AreaUm2;
};

// Reads `liberty` (empty: the shipped library) and removes the cells named
// in `dont_use` and those the library marks dont_use. Throws
// std::runtime_error naming the file and the fix when the file is missing or
// not Liberty, a dont_use name is not a cell of it, or no usable cell is
// left.
MappingLibrary prepare_mapping_library(const std::string& liberty,
                                       const std::vector<std::string>& dont_use);

// `text` without the cell groups named in `cells` (comments and layout of
// the rest kept). Throws when one of them is not found.
std::string remove_liberty_cells(const std::string& text, const std::set<std::string>& cells,
                                 const std::string& origin);

// The mapping placeholders of the area scripts (synth/area_module.ys):
// FLOP_LEGALIZE, ABC_OPTIONS, TIE_CELLS, shared by the flows.
std::map<std::string, std::string> mapping_script_values(const MappingLibrary& lib, double clock_ns,
                                                         bool async_reset_to_sync);

}  // namespace bf::synth
