#pragma once
// Area reports with Yosys: synthesize Verilog, map it onto the project cell
// library (synth/cells.lib, NanGate FreePDK45 X1 cell areas) and collect
//   - area in um^2 and NAND2-equivalents (area / 0.798 um^2), cells by type,
//     registers separately (mapped netlist, `stat -liberty`);
//   - transistor count and its NAND2-equivalent (transistors / 4) and logic
//     depth (generic Yosys gate netlist, `stat -tech cmos` and `ltp -noff`).
//
// Two flows (synth/README.md):
//   hierarchical (default): each unique module is synthesized once with its
//     child modules as black boxes (synth/area_module.ys), results are cached
//     by content across designs and runs, and the design's numbers are sums
//     over its instance tree; logic depth comes from the per-module generic
//     netlists stitched together and flattened (synth/area_depth.ys).
//   flat: the whole design with `synth -flatten` in one Yosys run
//     (synth/area.ys), as blockforge always did.

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "synth/area_report.hpp"
#include "synth/job_slots.hpp"
#include "synth/liberty.hpp"
#include "util/process.hpp"

namespace bf::synth {

enum class AreaMode { Hierarchical, Flat };

// Whether synth runs its SAT-based `share` pass (resource sharing of
// multipliers, shifters, ... under mutually exclusive conditions) by default.
// Off: on the shipped designs it bought at most 1.0% of area (hierarchical;
// 0.9% flat, the mux-heavy opal_quantizer) at a cost of up to 4x the Yosys
// time of a design (synth/README.md has the table).
inline constexpr bool kDefaultShare = false;

struct AreaOptions {
  AreaMode mode = AreaMode::Hierarchical;
  bool share = kDefaultShare;
  // Hierarchical only. use_cache false: synthesize every module and keep
  // nothing. cache_dir empty: default_cache_dir().
  bool use_cache = true;
  std::string cache_dir;
  // Hierarchical only: Yosys processes run at once for this design.
  int jobs = 1;
  // Optional cap shared with other designs run at the same time (in addition
  // to `jobs`); must outlive the call.
  JobSlots* slots = nullptr;
  // One deadline for all Yosys runs of the call, and cancellation: a stopped
  // run throws util::ToolTimeout or util::ToolCancelled.
  util::ToolBudget budget;

  // The cell library to map onto (a Liberty file); empty: the shipped
  // synth/cells.lib. Cells named in dont_use (and those the library marks
  // dont_use) are removed from the copy synthesis sees.
  std::string liberty;
  std::vector<std::string> dont_use;
  // Delay-targeted mapping: ABC maps for this clock period (abc -D, in ns);
  // 0: the default area-oriented mapping. Part of every cache key.
  double clock_ns = 0;
  // Map asynchronous resets through logic onto plain flops (Yosys
  // async2sync), for libraries without resettable flops. The netlist then
  // resets on a clock edge while rst_ni is low.
  bool async_reset_to_sync = false;
};

// Synthesizes `top` from plain Verilog-2005 files and returns its area
// report. work_dir (created if missing) receives the filled scripts, logs,
// reports and mapped netlists (synth/README.md, "Work directory"); earlier
// results in it are removed first. Throws std::runtime_error with a one-line
// message on any failure: bad arguments, yosys missing, a Yosys error
// (quoting the first ERROR line and pointing at the yosys.log), a missing
// child module, cells left unmapped, or reports that cannot be parsed.
AreaReport run_area(const std::vector<std::string>& verilog_files, const std::string& top,
                    const std::string& work_dir, const AreaOptions& options = {});

// Where the hierarchical flow caches module results when the caller names no
// directory: $BLOCKFORGE_CACHE, else $XDG_CACHE_HOME/blockforge/synth, else
// $HOME/.cache/blockforge/synth. Throws when none of them is set.
std::string default_cache_dir();

// ---- support, exposed for tests and tools ----

// Directory holding the scripts and cells.lib: $BLOCKFORGE_SYNTH_DIR if set,
// else the synth/ directory of the source tree this library was built from.
std::string synth_dir();
std::string area_script_path();  // the flat flow's script (synth/area.ys)
std::string liberty_path();
// stable_hash of every script and the cell library together: what a result
// computed by either flow depends on besides the RTL and Yosys' version.
std::string flow_hash();

// 16-hex-digit FNV-1a 64 digest (same scheme as the generator's config hash).
std::string stable_hash(std::string_view text);

}  // namespace bf::synth
