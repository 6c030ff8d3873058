#pragma once
// Reading the reports the area scripts write (stat -json, stat -liberty,
// ltp) into numbers, shared by the flat and the hierarchical flow.

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "synth/area.hpp"

namespace bf::synth {

// The stats of module `top` in a `stat -json` report read from work/file.
const nlohmann::json& module_stats(const nlohmann::json& stat, const std::string& top,
                                   const std::filesystem::path& work, const char* file);

// num_cells_by_type of one module's stats, without the leading backslash
// Yosys puts on user module names.
std::map<std::string, long> cells_by_type(const nlohmann::json& stats);

// Transistors of a generic netlist (`stat -tech cmos`) plus the async
// reset/set flops Yosys 0.23 does not cost (kAsyncFlopTransistors each).
// Cells whose type is in `submodules` (black-box instances of child modules)
// are left out: their transistors are counted in the child. Throws on any
// other cell type stat cannot cost.
long generic_transistors(const nlohmann::json& stats, const std::set<std::string>& submodules,
                         const std::filesystem::path& work, const char* file);

// The longest `ltp` path in work/file; 0 for a netlist without cells.
int read_logic_depth(const std::filesystem::path& work, const char* file);

// "Chip area for module ...: X" of a text `stat -liberty` report, if any.
std::optional<double> yosys_chip_area(const std::filesystem::path& path);

// Mapped library cells summed with their liberty areas.
struct MappedCells {
  std::map<std::string, long> cells;  // library cell -> count
  long cell_count = 0;
  long flops = 0;
  double area_um2 = 0;
  double flop_area_um2 = 0;
  std::map<std::string, double> cell_area_um2;  // unit area of each type in `cells`
  std::set<std::string> flop_types;
};

// Splits a mapped module's cells into library cells and `submodules`
// instances (returned in *children); throws naming the cells that are
// neither (left unmapped), with `what` and the log of `work`.
MappedCells sum_mapped_cells(const std::map<std::string, long>& cells_by_type,
                             const std::map<std::string, LibertyCell>& library,
                             const std::set<std::string>& submodules,
                             std::map<std::string, long>* children, const std::string& what,
                             const std::filesystem::path& work);

}  // namespace bf::synth
