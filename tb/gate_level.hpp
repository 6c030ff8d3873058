#pragma once
// Gate-level simulation: the netlist the area, timing and power flows map a
// design onto, made ready to run in the same harness as the RTL, so that
// every figure blockforge reports is of a netlist shown to be the design.

#include <string>
#include <vector>

#include "synth/area.hpp"
#include "synth/mapping_library.hpp"

namespace bf::tb {

struct GateLevelFiles {
  synth::AreaReport area;          // the synthesis run that made the netlist
  std::vector<std::string> files;  // the netlist, then the models of its cells
  synth::MappingLibrary library;   // the library it was mapped onto (dont_use removed)
};

// Synthesizes `top` from `rtl_files` with `options` (the same run `area`
// does, served from its cache) into work_dir/area, and writes the simulation
// models of the library cells the netlist uses to work_dir/cells.v
// (synth::cell_models_verilog). Throws std::runtime_error from synthesis, or
// naming a cell that cannot be simulated.
GateLevelFiles gate_level_files(const std::vector<std::string>& rtl_files, const std::string& top,
                                const std::string& work_dir, const synth::AreaOptions& options);

}  // namespace bf::tb
