#pragma once
// Area reports with Yosys: synthesize Verilog, map it onto the project cell
// library (synth/cells.lib, NanGate FreePDK45 X1 cell areas) and collect
//   - area in um^2 and NAND2-equivalents (area / 0.798 um^2), cells by type,
//     registers separately (mapped netlist, `stat -liberty`);
//   - transistor count and its NAND2-equivalent (transistors / 4) and logic
//     depth (generic Yosys gate netlist after `synth -flatten`,
//     `stat -tech cmos` and `ltp -noff`).
// The flow is synth/area.ys; run_area() fills it in, runs `yosys -q` as a
// subprocess and parses the reports it writes (JSON where Yosys offers it).

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/process.hpp"

namespace bf::synth {

// Area of the NAND2 cell of cells.lib (NanGate NAND2_X1), the unit of nand2_eq.
inline constexpr double kNand2AreaUm2 = 0.798;
// Transistors per NAND2, the unit of transistor_nand2_eq.
inline constexpr int kNand2Transistors = 4;
// Transistors counted for an async reset/set flip-flop in the generic view,
// which `stat -tech cmos` of Yosys 0.23 does not cost: its 16-transistor
// $_DFF_P_ with one inverter in each latch loop replaced by a NAND2/NOR2
// (+2 transistors each).
inline constexpr int kAsyncFlopTransistors = 20;

struct AreaReport {
  std::string top;
  double area_um2 = 0;                // sum over mapped cells of count * liberty area
  double nand2_eq = 0;                // area_um2 / kNand2AreaUm2
  std::map<std::string, long> cells;  // mapped cell type -> count
  long cell_count = 0;
  long flops = 0;  // sequential cells (DFF, DFFR, DFFS)
  double flop_area_um2 = 0;
  long transistors = 0;            // generic netlist, stat -tech cmos (+ async flops)
  double transistor_nand2_eq = 0;  // transistors / kNand2Transistors
  int logic_depth = 0;             // generic gates on the longest path (ltp -noff)
  std::string yosys_version;       // e.g. "Yosys 0.23 (git sha1 7ce5011c24b)"
  std::string script_hash;         // stable_hash of synth/area.ys (the template)
  std::string liberty_hash;        // stable_hash of synth/cells.lib
  // Unit area of every cell type in `cells` and which of them are flip-flops
  // (from cells.lib), so a report can be printed without the library.
  std::map<std::string, double> cell_area_um2;
  std::set<std::string> flop_types;
};

// Synthesizes `top` from plain Verilog-2005 files with Yosys (flattened) and
// returns its area report. work_dir (created if missing) receives area.ys
// (the filled script), cells.lib, yosys.log, the raw reports and mapped.v.
// Throws std::runtime_error with a one-line message on any failure: bad
// arguments, yosys missing, a Yosys error (message quotes the first ERROR
// line and points at work_dir/yosys.log), cells left unmapped, or reports
// that cannot be parsed. `budget` limits and cancels the Yosys run: a stopped
// run throws util::ToolTimeout or util::ToolCancelled.
AreaReport run_area(const std::vector<std::string>& verilog_files, const std::string& top,
                    const std::string& work_dir, const util::ToolBudget& budget = {});

// Keys: top, area_um2, nand2_eq, cells (type -> count), cell_count, flops,
// flop_area_um2, transistors, transistor_nand2_eq, logic_depth,
// tool {yosys_version, script, script_hash, liberty, liberty_hash}.
nlohmann::ordered_json to_json(const AreaReport& report);

// Human-readable report: totals, then cells by type with count and area,
// combinational cells first and registers separately.
std::string to_table(const AreaReport& report);

// ---- support, exposed for tests and tools ----

// Directory holding area.ys and cells.lib: $BLOCKFORGE_SYNTH_DIR if set, else
// the synth/ directory of the source tree this library was built from.
std::string synth_dir();
std::string area_script_path();
std::string liberty_path();

struct LibertyCell {
  double area_um2 = 0;
  bool sequential = false;  // has an ff group
};
// Cell name -> area and kind, parsed from a Liberty file (the subset used by
// cells.lib: cell (NAME) { area : X; ... ff (...) ... }).
std::map<std::string, LibertyCell> read_liberty_cells(const std::string& path);

// 16-hex-digit FNV-1a 64 digest (same scheme as the generator's config hash).
std::string stable_hash(std::string_view text);

}  // namespace bf::synth
