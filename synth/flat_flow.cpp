#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "synth/flows.hpp"
#include "synth/mapping_library.hpp"
#include "synth/netlist_stats.hpp"
#include "synth/yosys_run.hpp"
#include "util/files.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

// Files written into the work directory (names fixed by area.ys).
constexpr const char* kScriptFile = "area.ys";

}  // namespace

AreaReport run_flat_area(const std::vector<std::string>& files, const std::string& top,
                         const fs::path& work, const AreaOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string script_template = read_script_template(kScriptFile);
  const MappingLibrary lib = prepare_mapping_library(options.liberty, options.dont_use);
  const auto& library = lib.library.cells;
  std::map<std::string, std::string> values =
      mapping_script_values(lib, options.clock_ns, options.async_reset_to_sync);
  std::string reads;
  for (const auto& f : files) reads += fmt::format("read_verilog \"{}\"\n", f);
  if (!reads.empty()) reads.pop_back();
  values["READ_VERILOG"] = reads;
  values["TOP"] = top;
  values["SYNTH_OPTIONS"] = options.share ? "" : "-noshare";
  util::write_text((work / kScriptFile).string(), fill_template(script_template, values));
  util::write_text((work / kLibertyFile).string(), lib.text);

  {
    std::optional<JobSlots::Hold> slot;
    if (options.slots) slot.emplace(*options.slots, options.budget);
    run_yosys(work, kScriptFile, fmt::format("area of '{}'", top), options.budget);
  }

  AreaReport r;
  r.top = top;
  r.mode = "flat";
  r.share = options.share;
  r.script_hash = stable_hash(script_template);
  r.liberty_hash = stable_hash(lib.text);
  set_library_fields(r, lib, options);
  r.yosys_runs = 1;

  // Mapped netlist: cells, area, registers.
  const std::string what = fmt::format("area of '{}'", top);
  const nlohmann::json area_stat = read_json_report(work, kAreaStatJson);
  r.yosys_version = area_stat.value("creator", std::string("Yosys (unknown version)"));
  const MappedCells mapped =
      sum_mapped_cells(cells_by_type(module_stats(area_stat, top, work, kAreaStatJson)), library,
                       {}, nullptr, what, work);
  r.cells = mapped.cells;
  r.cell_count = mapped.cell_count;
  r.flops = mapped.flops;
  r.area_um2 = mapped.area_um2;
  r.flop_area_um2 = mapped.flop_area_um2;
  r.cell_area_um2 = mapped.cell_area_um2;
  r.flop_types = mapped.flop_types;
  r.nand2_eq = r.area_um2 / r.nand2_area_um2;
  r.netlist = (work / "mapped.v").string();
  // Cross-check against Yosys' own sum (it prints 6 decimals).
  if (const auto yosys_area = yosys_chip_area(work / kAreaStatText);
      yosys_area && std::abs(*yosys_area - r.area_um2) > 1e-5 + 1e-9 * r.area_um2) {
    throw std::runtime_error(
        fmt::format("{}: Yosys reports {:.6f} um^2 but cells.lib gives {:.6f} um^2 ({})", what,
                    *yosys_area, r.area_um2, log_hint(work)));
  }

  // Generic netlist: transistors and logic depth.
  const nlohmann::json generic_stat = read_json_report(work, kGenericStat);
  r.transistors = generic_transistors(module_stats(generic_stat, top, work, kGenericStat), {}, work,
                                      kGenericStat);
  r.transistor_nand2_eq = static_cast<double>(r.transistors) / kNand2Transistors;
  r.logic_depth = read_logic_depth(work, kLtp);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace bf::synth
