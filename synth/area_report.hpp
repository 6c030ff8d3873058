#pragma once
// What an area run reports, and how it is printed (JSON and a table).

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "synth/liberty.hpp"

namespace bf::synth {

// Transistors per NAND2, the unit of transistor_nand2_eq.
inline constexpr int kNand2Transistors = 4;
// Transistors counted for an async reset/set flip-flop in the generic view,
// which `stat -tech cmos` of Yosys 0.23 does not cost: its 16-transistor
// $_DFF_P_ with one inverter in each latch loop replaced by a NAND2/NOR2
// (+2 transistors each).
inline constexpr int kAsyncFlopTransistors = 20;

// One unique module of a hierarchical run. "own" counts the module's own
// cells (its child instances are black boxes); "total" one instance with
// everything below it.
struct ModuleArea {
  std::string name;
  int level = 0;                         // depth below the top where the module is first met
  long instances = 0;                    // in the whole design
  std::map<std::string, long> children;  // child module -> instances in one instance
  double own_area_um2 = 0;
  long own_cells = 0;
  long own_flops = 0;
  long own_transistors = 0;
  double total_area_um2 = 0;
  long total_cells = 0;
  long total_flops = 0;
  long total_transistors = 0;
  bool cached = false;       // served from the cache in this run
  double seconds = 0;        // Yosys wall time spent on it in this run (0 when cached)
  double synth_seconds = 0;  // Yosys wall time when it was synthesized
  std::string key;           // its cache key
};

struct AreaReport {
  std::string top;
  std::string mode;                       // "hierarchical" or "flat"
  double area_um2 = 0;                    // sum over mapped cells of count * liberty area
  double nand2_eq = 0;                    // area_um2 / nand2_area_um2
  double nand2_area_um2 = kNand2AreaUm2;  // the library's smallest 2-input NAND
  std::map<std::string, long> cells;      // mapped cell type -> count (whole design)
  long cell_count = 0;
  long flops = 0;  // sequential cells (DFF, DFFR, DFFS)
  double flop_area_um2 = 0;
  long transistors = 0;            // generic netlist, stat -tech cmos (+ async flops)
  double transistor_nand2_eq = 0;  // transistors / kNand2Transistors
  int logic_depth = 0;             // generic gates on the longest path (ltp -noff)
  bool share = false;              // whether synth ran its `share` pass
  std::string yosys_version;       // e.g. "Yosys 0.23 (git sha1 7ce5011c24b)"
  std::string script_hash;         // stable_hash of the script template(s) used
  std::string liberty_hash;        // stable_hash of synth/cells.lib
  // Unit area of every cell type in `cells` and which of them are flip-flops
  // (from cells.lib), so a report can be printed without the library.
  std::map<std::string, double> cell_area_um2;
  std::set<std::string> flop_types;

  // Hierarchical runs: every unique module under the top, top first, in
  // depth-first order. Empty for flat runs.
  std::vector<ModuleArea> modules;
  long cache_hits = 0;    // modules served from the cache
  long cache_misses = 0;  // modules synthesized in this run
  int yosys_runs = 0;     // Yosys processes started by this run
  double seconds = 0;     // wall time of the whole run
  std::string cache_dir;  // empty: no cache
  // Things the user may want to know that did not stop the run (a corrupt
  // cache entry that was recomputed, ...), one line each.
  std::vector<std::string> notes;

  // The mapped gate-level netlist of the whole design (every module's
  // mapped netlist, children included), in the work directory: what timing,
  // power and gate-level simulation use.
  std::string netlist;
  std::string liberty = "synth/cells.lib";  // the library mapped onto
  std::string liberty_name;                 // its library (NAME)
  double clock_ns = 0;                      // delay target of the mapping, 0: none
  std::vector<std::string> dont_use;
};

// Keys: top, mode, area_um2, nand2_eq, cells (type -> count), cell_count,
// flops, flop_area_um2, transistors, transistor_nand2_eq, logic_depth,
// seconds, yosys_runs, cache_hits, cache_misses, modules (hierarchical: one
// object per unique module), notes, tool {yosys_version, script,
// script_hash, liberty, liberty_hash, share, cache}.
nlohmann::ordered_json to_json(const AreaReport& report);

// Human-readable report: totals, the per-module breakdown (hierarchical),
// then cells by type with count and area, registers separately.
std::string to_table(const AreaReport& report);

}  // namespace bf::synth
