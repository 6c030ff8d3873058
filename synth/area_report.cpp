#include "synth/area_report.hpp"

#include <fmt/format.h>

#include "synth/liberty.hpp"

namespace bf::synth {
namespace {

nlohmann::ordered_json module_json(const ModuleArea& m, double design_area) {
  nlohmann::ordered_json j;
  j["module"] = m.name;
  j["level"] = m.level;
  j["instances"] = m.instances;
  nlohmann::ordered_json children = nlohmann::ordered_json::object();
  for (const auto& [child, n] : m.children) children[child] = n;
  j["children"] = std::move(children);
  j["own_area_um2"] = m.own_area_um2;
  j["own_cells"] = m.own_cells;
  j["own_flops"] = m.own_flops;
  j["own_transistors"] = m.own_transistors;
  j["total_area_um2"] = m.total_area_um2;
  j["total_cells"] = m.total_cells;
  j["total_flops"] = m.total_flops;
  j["total_transistors"] = m.total_transistors;
  j["share_of_design"] =
      design_area > 0 ? static_cast<double>(m.instances) * m.total_area_um2 / design_area : 0.0;
  j["cached"] = m.cached;
  j["seconds"] = m.seconds;
  j["synth_seconds"] = m.synth_seconds;
  j["key"] = m.key;
  return j;
}

std::string breakdown_table(const AreaReport& r) {
  std::size_t width = 6;
  for (const auto& m : r.modules) width = std::max(width, m.name.size() + 2 * m.level);
  std::string out =
      fmt::format("\n  {:<{}} {:>9} {:>14} {:>14} {:>7} {:>9} {:>10}\n", "module", width,
                  "instances", "own um^2 each", "total um^2", "share", "flops", "yosys");
  for (const auto& m : r.modules) {
    const double share =
        r.area_um2 > 0 ? 100.0 * static_cast<double>(m.instances) * m.total_area_um2 / r.area_um2
                       : 0.0;
    const std::string name = std::string(2 * static_cast<std::size_t>(m.level), ' ') + m.name;
    const std::string yosys = m.cached ? "cached" : fmt::format("{:.1f} s", m.seconds);
    out += fmt::format("  {:<{}} {:>9} {:>14.3f} {:>14.3f} {:>6.1f}% {:>9} {:>10}\n", name, width,
                       m.instances, m.own_area_um2, m.total_area_um2, share, m.total_flops, yosys);
  }
  out +=
      "  own: one instance, children as black boxes; total: one instance with its children;\n"
      "  share: all instances with their children, of the design; flops: total of one instance\n";
  return out;
}

}  // namespace

nlohmann::ordered_json to_json(const AreaReport& r) {
  nlohmann::ordered_json j;
  j["top"] = r.top;
  j["mode"] = r.mode;
  j["area_um2"] = r.area_um2;
  j["nand2_eq"] = r.nand2_eq;
  nlohmann::ordered_json cells = nlohmann::ordered_json::object();
  for (const auto& [type, count] : r.cells) cells[type] = count;
  j["cells"] = std::move(cells);
  j["cell_count"] = r.cell_count;
  j["flops"] = r.flops;
  j["flop_area_um2"] = r.flop_area_um2;
  j["transistors"] = r.transistors;
  j["transistor_nand2_eq"] = r.transistor_nand2_eq;
  j["logic_depth"] = r.logic_depth;
  j["seconds"] = r.seconds;
  j["yosys_runs"] = r.yosys_runs;
  j["cache_hits"] = r.cache_hits;
  j["cache_misses"] = r.cache_misses;
  nlohmann::ordered_json modules = nlohmann::ordered_json::array();
  for (const auto& m : r.modules) modules.push_back(module_json(m, r.area_um2));
  j["modules"] = std::move(modules);
  j["notes"] = r.notes;
  j["tool"] = {{"yosys_version", r.yosys_version},
               {"script", r.mode == "flat" ? "synth/area.ys" : "synth/area_module.ys"},
               {"script_hash", r.script_hash},
               {"liberty", r.liberty},
               {"liberty_hash", r.liberty_hash},
               {"share", r.share},
               {"cache", r.cache_dir}};
  return j;
}

std::string to_table(const AreaReport& r) {
  const auto share = [&](double a) { return r.area_um2 > 0 ? 100.0 * a / r.area_um2 : 0.0; };
  std::string out;
  out += fmt::format("Area of {} ({} {}, share {}; {}; scripts {}, {} {})\n", r.top, r.mode,
                     r.mode == "flat" ? "synth -flatten" : "synthesis per module",
                     r.share ? "on" : "off", r.yosys_version, r.script_hash, r.liberty,
                     r.liberty_hash);
  if (r.clock_ns > 0)
    out += fmt::format("  mapped for a {:.3f} ns clock (abc -D {:.0f})\n", r.clock_ns,
                       r.clock_ns * 1000);
  if (!r.dont_use.empty()) out += fmt::format("  dont_use: {}\n", fmt::join(r.dont_use, " "));
  out += fmt::format("  {:<22}{:>14.3f} um^2\n", "area", r.area_um2);
  out += fmt::format("  {:<22}{:>14.1f} (area / {} um^2, the library's smallest NAND2)\n",
                     "NAND2-equivalent", r.nand2_eq, r.nand2_area_um2);
  out += fmt::format("  {:<22}{:>14}\n", "cells", r.cell_count);
  out += fmt::format("  {:<22}{:>14} ({:.3f} um^2, {:.1f}% of area)\n", "registers (flops)",
                     r.flops, r.flop_area_um2, share(r.flop_area_um2));
  out += fmt::format("  {:<22}{:>14} (= {:.1f} NAND2-eq; generic netlist, stat -tech cmos)\n",
                     "transistors", r.transistors, r.transistor_nand2_eq);
  out += fmt::format("  {:<22}{:>14} (generic gates, ltp -noff{})\n", "logic depth", r.logic_depth,
                     r.mode == "flat" ? "" : ", across module boundaries");
  if (r.mode != "flat") {
    out += fmt::format("  {:<22}{:>14} ({} cached, {} synthesized; {} Yosys runs, {:.1f} s)\n",
                       "unique modules", r.modules.size(), r.cache_hits, r.cache_misses,
                       r.yosys_runs, r.seconds);
    out += breakdown_table(r);
  }

  const auto section = [&](const char* title, bool sequential) {
    long count = 0;
    double area = 0;
    std::string rows;
    for (const auto& [type, n] : r.cells) {
      if (r.flop_types.count(type) != (sequential ? 1u : 0u)) continue;
      const auto unit = r.cell_area_um2.find(type);
      const double a = unit == r.cell_area_um2.end() ? 0.0 : n * unit->second;
      rows += fmt::format("  {:<10}{:>10}{:>14.3f}{:>9.1f}%\n", type, n, a, share(a));
      count += n;
      area += a;
    }
    std::string s =
        fmt::format("\n  {:<10}{:>10}{:>14}{:>10}\n", title, "count", "area um^2", "share");
    s += rows.empty() ? "  (none)\n" : rows;
    s += fmt::format("  {:<10}{:>10}{:>14.3f}{:>9.1f}%\n", "subtotal", count, area, share(area));
    return s;
  };
  out += section("logic", false);
  out += section("registers", true);
  return out;
}

}  // namespace bf::synth
