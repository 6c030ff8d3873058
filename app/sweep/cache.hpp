#pragma once
// The content-addressed point cache of a sweep: DIR/points/<key>/result.json.
//
// A point's key is a 64-bit content hash (16 hex digits, util::Hasher) of
//   - the unit name, top module name and canonical parameters (every field:
//     Design::params_json(), so formatting of the sweep file does not matter),
//   - the unit's version (UnitInfo::version) and blockforge's version,
//   - every generated Verilog file (name and bytes),
//   - the area flow: Yosys' version, synth/area.ys and synth/cells.lib,
//   - whether the point is verified and, if so, the vector count, the seed
//     and Verilator's version.
// The time limit is not part of the key. The runner stores ok rows and
// verification mismatches, not tool errors or timeouts (runner.hpp).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/sweep/runner.hpp"
#include "generator/design/design.hpp"

namespace bf::sweep {

// The versions of the tools behind a sweep's numbers, queried once per sweep.
struct ToolVersions {
  std::string blockforge;  // "blockforge 0.1.0"
  std::string yosys;       // `yosys -V`, e.g. "Yosys 0.23 (git sha1 7ce5011c24b, ...)"
  std::string verilator;   // `verilator --version`; empty when the sweep does not verify
  // Hash of synth/area.ys and synth/cells.lib (they change the area numbers).
  std::string area_flow;
};

// Runs `yosys -V` (and `verilator --version` when `verify`) with their output
// in scratch_dir; a missing tool reads "<tool>: not found" (its points then
// fail with the tool's own error).
ToolVersions query_tool_versions(const std::string& scratch_dir, bool verify);

struct KeyInputs {
  bool verify = false;
  std::size_t vectors = 0;
  uint64_t seed = 1;
  // The timing/library settings of the run (RunOptions::timing, clock_ns,
  // liberty, with the library's hash); empty for the default area flow, so
  // those keys are unchanged.
  std::string flow;
};

// The generated Verilog of a design, in memory: (file name, text) per module,
// exactly what write_rtl writes.
std::vector<std::pair<std::string, std::string>> rtl_sources(const Design& design);

std::string point_key(const Design& design, const std::string& unit_version,
                      const std::vector<std::pair<std::string, std::string>>& rtl,
                      const KeyInputs& inputs, const ToolVersions& tools);

// The stored row of a point, or nullopt when there is none (or it is
// unreadable or belongs to another key: then the point is recomputed).
std::optional<Row> load_cached_row(const std::string& result_path, const std::string& key);

// Stores a finished row (atomic: temporary + rename).
void store_row(const std::string& result_path, const Row& row);

}  // namespace bf::sweep
