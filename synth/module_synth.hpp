#pragma once
// Synthesis of one module of a hierarchical area run (synth/area_module.ys),
// its children black boxes, served from the cache when its key is known.
//
// Key = hash of: the module's text (comments removed), the port lists of its
// children, the filled script (which carries the share option), cells.lib,
// and Yosys' version. Nothing else can change the module's result; in
// particular not the design it sits in, so designs that share a module (or
// only its body: generated headers differ) share the work.

#include <map>
#include <string>

#include "synth/area_cache.hpp"
#include "synth/job_slots.hpp"
#include "synth/liberty.hpp"
#include "synth/netlist_stats.hpp"
#include "util/process.hpp"

namespace bf::synth {

struct ModuleJob {
  std::string name;
  std::string text;  // module.v: directives + module, no comments
  std::map<std::string, std::string> children_interfaces;  // child -> port list text
  bool share = false;
  // FLOP_LEGALIZE, ABC_OPTIONS, TIE_CELLS of the script
  // (mapping_script_values): what the library and the options ask for.
  std::map<std::string, std::string> mapping;
};

struct ModuleResult {
  MappedCells mapped;                    // own library cells
  std::map<std::string, long> children;  // child module -> instances (mapped netlist)
  long transistors = 0;                  // own generic netlist
  std::string generic_netlist;           // path of its generic RTLIL netlist
  std::string mapped_netlist;            // path of its mapped Verilog netlist
  std::string key;
  bool cached = false;
  double seconds = 0;        // Yosys time in this run
  double synth_seconds = 0;  // Yosys time when it was synthesized
  std::string note;          // why an existing cache entry was not used, if one was not
};

struct ModuleContext {
  const AreaCache& cache;
  const std::map<std::string, LibertyCell>& library;
  const std::string& liberty_text;
  const util::ToolBudget& budget;
  JobSlots* slots = nullptr;
};

// The cache key of `job` (see above).
std::string module_key(const ModuleJob& job, const std::string& script_template,
                       const std::string& liberty_text);

// The module's result: from the cache, else synthesized in work_dir (created)
// and stored. Throws std::runtime_error (one line, pointing at the log),
// util::ToolTimeout or util::ToolCancelled.
ModuleResult synthesize_module(const ModuleJob& job, const std::string& work_dir,
                               const ModuleContext& ctx);

}  // namespace bf::synth
