#pragma once
// The design-specific sources of a Verilator simulation: a driver that maps
// the design's data ports onto the shared harness (tb/sim/harness.hpp), and
// the CMake project that verilates the RTL and builds both.

#include <string>
#include <vector>

#include "generator/design/design.hpp"

namespace bf::tb {

// The C++ type Verilator gives a port of `width` bits: CData (<= 8), SData
// (<= 16), IData (<= 32), QData (<= 64), else VlWide<ceil(width / 32)>.
std::string verilator_port_type(int width);

// driver.cpp: static checks that each data port has the expected Verilator
// type, the port widths, input/output word mapping, and main().
std::string verilator_driver(const Design& design);

struct VerilatorProject {
  std::string top;                     // TOP_MODULE
  std::vector<std::string> rtl_files;  // absolute paths
  std::string harness_dir;             // holds harness.hpp and vector_file.hpp
  bool trace = false;                  // --trace-fst
  // Large gate-level netlists: the C++ compile dominates and the run is
  // short, so compile without optimization (-O0) and split the model into
  // files the build compiles in parallel.
  bool fast_compile = false;
  // A mapped gate-level netlist: build with -fno-gate. Verilator 5.006's gate
  // optimization (V3Gate) miscompiles some netlists: opal_quantizer's netlist
  // gives wrong codes at -O3 while Icarus and Verilator -O0 agree with the
  // golden model, and -fno-gate alone restores it (same class as upstream
  // verilator#4709 and #4842). Costs about 10% more build time.
  bool netlist = false;
};

// CMakeLists.txt: find_package(verilator), executable bf_sim from driver.cpp,
// verilate(bf_sim ... PREFIX Vtop VERILATOR_ARGS -O3 --x-assign fast
// --x-initial fast [--trace-fst]).
std::string verilator_cmakelists(const VerilatorProject& project);

}  // namespace bf::tb
