#include "synth/netlist_stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <stdexcept>

#include "synth/yosys_run.hpp"
#include "util/files.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

// Yosys 0.23 `stat -tech cmos` costs these generic cells (kernel/cost.h);
// others make it print "N+" and leave them out of N.
const std::set<std::string>& cmos_costed_types() {
  static const std::set<std::string> types = {
      "$_BUF_",    "$_NOT_",   "$_AND_", "$_NAND_", "$_OR_",    "$_NOR_",
      "$_ANDNOT_", "$_ORNOT_", "$_XOR_", "$_XNOR_", "$_AOI3_",  "$_OAI3_",
      "$_AOI4_",   "$_OAI4_",  "$_MUX_", "$_NMUX_", "$_DFF_P_", "$_DFF_N_"};
  return types;
}
// The async reset/set flip-flops left after dfflegalize in the scripts.
const std::set<std::string>& async_flop_types() {
  static const std::set<std::string> types = {"$_DFF_PN0_", "$_DFF_PN1_"};
  return types;
}

std::string join_types(const std::map<std::string, long>& cells) {
  std::string out;
  for (const auto& [type, count] : cells) {
    out += fmt::format("{}{} x{}", out.empty() ? "" : ", ", type, count);
  }
  return out;
}

long long to_micro(double um2) { return std::llround(um2 * 1e6); }

}  // namespace

const nlohmann::json& module_stats(const nlohmann::json& stat, const std::string& top,
                                   const fs::path& work, const char* file) {
  const auto modules = stat.find("modules");
  if (modules != stat.end() && modules->is_object()) {
    const auto it = modules->find("\\" + top);
    if (it != modules->end()) return *it;
    if (modules->size() == 1) return modules->begin().value();
  }
  throw std::runtime_error(
      fmt::format("module '{}' missing from {} ({})", top, (work / file).string(), log_hint(work)));
}

std::map<std::string, long> cells_by_type(const nlohmann::json& stats) {
  std::map<std::string, long> cells;
  const auto it = stats.find("num_cells_by_type");
  if (it == stats.end()) return cells;
  for (const auto& [type, count] : it->items()) {
    cells[type.rfind('\\', 0) == 0 ? type.substr(1) : type] = count.get<long>();
  }
  return cells;
}

long generic_transistors(const nlohmann::json& stats, const std::set<std::string>& submodules,
                         const fs::path& work, const char* file) {
  const auto it = stats.find("estimated_num_transistors");
  if (it == stats.end()) {
    throw std::runtime_error(
        fmt::format("no transistor estimate in {} ({})", (work / file).string(), log_hint(work)));
  }
  const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
  const bool partial = text.find('+') != std::string::npos;
  long count = 0;
  try {
    count = std::stol(text);
  } catch (const std::exception&) {
    throw std::runtime_error(
        fmt::format("bad transistor estimate '{}' in {}", text, (work / file).string()));
  }
  if (!partial) return count;

  std::map<std::string, long> uncosted;
  long async_flops = 0;
  for (const auto& [type, n] : cells_by_type(stats)) {
    if (async_flop_types().count(type)) {
      async_flops += n;
    } else if (!cmos_costed_types().count(type) && !submodules.count(type)) {
      uncosted[type] = n;
    }
  }
  if (!uncosted.empty()) {
    throw std::runtime_error(fmt::format("stat -tech cmos cannot cost cells {} ({})",
                                         join_types(uncosted), log_hint(work)));
  }
  return count + async_flops * kAsyncFlopTransistors;
}

int read_logic_depth(const fs::path& work, const char* file) {
  const fs::path path = work / file;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw std::runtime_error(fmt::format("yosys wrote no {} ({})", path.string(), log_hint(work)));
  }
  const std::string text = util::read_text(path.string());
  static const std::regex length_re(R"(Longest topological path in .* \(length=(\d+)\))");
  int depth = -1;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), length_re);
       it != std::sregex_iterator(); ++it) {
    depth = std::max(depth, std::stoi((*it)[1].str()));
  }
  if (depth < 0) {
    // ltp prints nothing for a module without cells (a pure passthrough).
    if (text.find("Executing LTP pass") != std::string::npos &&
        text.find("Longest") == std::string::npos) {
      return 0;
    }
    throw std::runtime_error(
        fmt::format("no logic depth in {} ({})", path.string(), log_hint(work)));
  }
  return depth;
}

std::optional<double> yosys_chip_area(const fs::path& path) {
  const std::string text = util::read_text(path.string());
  static const std::regex area_re(R"(Chip area for module [^:]*:\s*([0-9.eE+-]+))");
  std::smatch m;
  if (!std::regex_search(text, m, area_re)) return std::nullopt;
  return std::stod(m[1].str());
}

MappedCells sum_mapped_cells(const std::map<std::string, long>& cells,
                             const std::map<std::string, LibertyCell>& library,
                             const std::set<std::string>& submodules,
                             std::map<std::string, long>* children, const std::string& what,
                             const fs::path& work) {
  MappedCells r;
  std::map<std::string, long> unmapped;
  long long area_micro = 0, flop_micro = 0;
  for (const auto& [type, count] : cells) {
    if (submodules.count(type)) {
      if (children) (*children)[type] += count;
      continue;
    }
    const auto lib = library.find(type);
    if (lib == library.end()) {
      unmapped[type] = count;
      continue;
    }
    r.cells[type] = count;
    r.cell_count += count;
    r.cell_area_um2[type] = lib->second.area_um2;
    const long long micro = count * to_micro(lib->second.area_um2);
    area_micro += micro;
    if (lib->second.sequential) {
      r.flops += count;
      flop_micro += micro;
      r.flop_types.insert(type);
    }
  }
  if (!unmapped.empty()) {
    // An async reset/set flop left unmapped means the library has no such
    // flop: say what to do about it rather than only what went wrong.
    const bool async_flop = unmapped.count("$_DFF_PN0_") || unmapped.count("$_DFF_PN1_");
    throw std::runtime_error(fmt::format(
        "{}: cells not in the cell library after mapping: {}{} ({})", what, join_types(unmapped),
        async_flop ? "; the library has no rising-edge flip-flop with an asynchronous active-low "
                     "reset/set (an ff group with clear/preset), which blockforge's RTL uses: "
                     "use a library that has one, or --async-reset sync to map the reset "
                     "through logic onto plain flops"
                   : "",
        log_hint(work)));
  }
  r.area_um2 = static_cast<double>(area_micro) / 1e6;
  r.flop_area_um2 = static_cast<double>(flop_micro) / 1e6;
  return r;
}

}  // namespace bf::synth
