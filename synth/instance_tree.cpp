#include "synth/instance_tree.hpp"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <set>
#include <stdexcept>

#include "synth/liberty.hpp"

namespace bf::synth {
namespace {

// Areas are summed in integer micro-um^2, so a sum over a large tree gives
// exactly the number a flat sum over the same cells would.
long long to_micro(double um2) { return std::llround(um2 * 1e6); }
double from_micro(long long micro) { return static_cast<double>(micro) / 1e6; }

const ModuleResult& result_of(const std::map<std::string, ModuleResult>& results,
                              const std::string& name) {
  const auto it = results.find(name);
  if (it == results.end()) {
    throw std::runtime_error(fmt::format("no area result for module '{}'", name));
  }
  return it->second;
}

}  // namespace

void roll_up(const std::string& top, const std::map<std::string, ModuleResult>& results,
             AreaReport& report) {
  // Depth-first order (first visit) and post-order (children before parents).
  std::vector<std::string> preorder, postorder;
  std::map<std::string, int> level;
  std::set<std::string> on_path;
  std::function<void(const std::string&, int)> visit = [&](const std::string& m, int depth) {
    if (on_path.count(m)) {
      throw std::runtime_error(fmt::format("module '{}' instantiates itself (recursively)", m));
    }
    if (level.count(m)) return;
    level[m] = depth;
    preorder.push_back(m);
    on_path.insert(m);
    for (const auto& [child, n] : result_of(results, m).children) visit(child, depth + 1);
    on_path.erase(m);
    postorder.push_back(m);
  };
  visit(top, 0);

  // Instances: parents before children (reverse post-order is topological).
  std::map<std::string, long> instances;
  instances[top] = 1;
  for (auto it = postorder.rbegin(); it != postorder.rend(); ++it) {
    for (const auto& [child, n] : result_of(results, *it).children) {
      instances[child] += instances[*it] * n;
    }
  }

  struct Totals {
    long long area_micro = 0;
    long cells = 0, flops = 0, transistors = 0;
  };
  std::map<std::string, Totals> totals;
  for (const auto& m : postorder) {
    const ModuleResult& r = result_of(results, m);
    Totals t{to_micro(r.mapped.area_um2), r.mapped.cell_count, r.mapped.flops, r.transistors};
    for (const auto& [child, n] : r.children) {
      const Totals& c = totals.at(child);
      t.area_micro += n * c.area_micro;
      t.cells += n * c.cells;
      t.flops += n * c.flops;
      t.transistors += n * c.transistors;
    }
    totals[m] = t;
  }

  long long area_micro = 0, flop_micro = 0;
  report.cells.clear();
  report.modules.clear();
  for (const auto& m : preorder) {
    const ModuleResult& r = result_of(results, m);
    const long inst = instances.at(m);
    for (const auto& [type, n] : r.mapped.cells) report.cells[type] += inst * n;
    for (const auto& [type, unit] : r.mapped.cell_area_um2) report.cell_area_um2[type] = unit;
    report.flop_types.insert(r.mapped.flop_types.begin(), r.mapped.flop_types.end());
    area_micro += inst * to_micro(r.mapped.area_um2);
    flop_micro += inst * to_micro(r.mapped.flop_area_um2);

    ModuleArea a;
    a.name = m;
    a.level = level.at(m);
    a.instances = inst;
    a.children = r.children;
    a.own_area_um2 = r.mapped.area_um2;
    a.own_cells = r.mapped.cell_count;
    a.own_flops = r.mapped.flops;
    a.own_transistors = r.transistors;
    const Totals& t = totals.at(m);
    a.total_area_um2 = from_micro(t.area_micro);
    a.total_cells = t.cells;
    a.total_flops = t.flops;
    a.total_transistors = t.transistors;
    a.cached = r.cached;
    a.seconds = r.seconds;
    a.synth_seconds = r.synth_seconds;
    a.key = r.key;
    report.modules.push_back(std::move(a));
  }
  const Totals& design = totals.at(top);
  report.area_um2 = from_micro(area_micro);
  report.flop_area_um2 = from_micro(flop_micro);
  report.nand2_eq = report.area_um2 / kNand2AreaUm2;
  report.cell_count = design.cells;
  report.flops = design.flops;
  report.transistors = design.transistors;
  report.transistor_nand2_eq = static_cast<double>(report.transistors) / kNand2Transistors;
  if (area_micro != design.area_micro) {
    throw std::logic_error("roll_up: instance sum and tree sum of the area differ");
  }
}

}  // namespace bf::synth
