#pragma once
// Rolling per-module results up the instance tree of a hierarchical design:
// a module's total is its own cells plus its children's totals times their
// instance counts, and a module's instance count is the sum over its parents
// of theirs times how often each instances it.

#include <map>
#include <string>
#include <vector>

#include "synth/area_report.hpp"
#include "synth/module_synth.hpp"

namespace bf::synth {

// Fills report.modules (depth-first from the top, each module once, with
// level, instances, own and total numbers and cache data) and the design
// totals of `report` (area, cells, flops, transistors, unit areas) from the
// results of every module under `top`. The children of each module are
// those of its mapped netlist. Throws when a child has no result.
void roll_up(const std::string& top, const std::map<std::string, ModuleResult>& results,
             AreaReport& report);

}  // namespace bf::synth
