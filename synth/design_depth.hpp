#pragma once
// The logic depth of a hierarchical design across module boundaries: the
// per-module generic netlists stitched, flattened and measured with ltp
// (synth/area_depth.ys). Cached by the top and the keys of its modules.

#include <map>
#include <string>

#include "synth/area_cache.hpp"
#include "synth/job_slots.hpp"
#include "util/process.hpp"

namespace bf::synth {

struct DepthInput {
  std::string key;      // the module's cache key
  std::string netlist;  // path of its generic RTLIL netlist
};

struct DepthResult {
  int logic_depth = 0;
  bool cached = false;
  double seconds = 0;  // Yosys time in this run
};

// `modules`: every module under `top` (top included), by name.
DepthResult design_depth(const std::string& top, const std::map<std::string, DepthInput>& modules,
                         const std::string& work_dir, const AreaCache& cache,
                         const util::ToolBudget& budget, JobSlots* slots);

}  // namespace bf::synth
