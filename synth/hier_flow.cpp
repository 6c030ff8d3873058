#include <fmt/format.h>

#include <chrono>
#include <regex>
#include <stdexcept>

#include "synth/area_cache.hpp"
#include "synth/design_depth.hpp"
#include "synth/design_scan.hpp"
#include "synth/flows.hpp"
#include "synth/instance_tree.hpp"
#include "synth/mapping_library.hpp"
#include "synth/module_synth.hpp"
#include "synth/parallel_jobs.hpp"
#include "synth/verilog_source.hpp"
#include "synth/yosys_run.hpp"
#include "util/files.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

// Module names become file names in the work directory and selections in
// the scripts: plain identifiers only.
void check_module_names(const std::vector<ModuleSource>& sources) {
  static const std::regex id_re(R"([A-Za-z_][A-Za-z0-9_$]*)");
  for (const auto& m : sources) {
    if (!std::regex_match(m.name, id_re)) {
      throw std::runtime_error(fmt::format(
          "{}:{}: module '\\{}' has an escaped name, which the hierarchical area flow does not "
          "support; rename it, or use --flat",
          m.file, m.line, m.name));
    }
  }
}

std::string hierarchical_scripts_hash() {
  std::string all;
  for (const char* s : {"area_scan.ys", "area_module.ys", "area_depth.ys"}) {
    all += read_script_template(s);
  }
  return stable_hash(all);
}

// Every module's mapped netlist in one file: the design's gate-level netlist.
std::string write_design_netlist(const std::string& top, const std::vector<std::string>& order,
                                 const std::map<std::string, ModuleResult>& results,
                                 const fs::path& work) {
  std::string text = fmt::format(
      "// Gate-level netlist of {}: each module synthesized on its own (blockforge area,\n"
      "// hierarchical flow) and mapped onto the cell library; {} modules.\n",
      top, order.size());
  for (const auto& name : order) text += util::read_text(results.at(name).mapped_netlist);
  const std::string path = (work / kDesignNetlist).string();
  util::write_text(path, text);
  return path;
}

}  // namespace

AreaReport run_hierarchical_area(const std::vector<std::string>& files, const std::string& top,
                                 const fs::path& work, const AreaOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<ModuleSource> sources = read_modules(files);
  check_module_names(sources);
  const MappingLibrary lib = prepare_mapping_library(options.liberty, options.dont_use);
  const std::map<std::string, std::string> mapping =
      mapping_script_values(lib, options.clock_ns, options.async_reset_to_sync);
  const AreaCache cache(!options.use_cache          ? ""
                        : options.cache_dir.empty() ? default_cache_dir()
                                                    : options.cache_dir);

  AreaReport report;
  report.top = top;
  report.mode = "hierarchical";
  report.share = options.share;
  report.yosys_version = yosys_version();
  report.script_hash = hierarchical_scripts_hash();
  report.liberty_hash = stable_hash(lib.text);
  set_library_fields(report, lib, options);
  report.cache_dir = cache.dir();

  const DesignScan scan =
      scan_design(files, sources, (work / "scan").string(), {cache, options.budget, options.slots});
  report.yosys_runs += scan.cached ? 0 : 1;
  const std::vector<std::string> order = modules_under(scan, top);

  std::map<std::string, const ModuleSource*> source_of;
  for (const auto& m : sources) source_of[m.name] = &m;
  std::vector<ModuleJob> jobs;
  for (const auto& name : order) {
    ModuleJob job;
    job.name = name;
    job.text = source_of.at(name)->text;
    job.share = options.share;
    job.mapping = mapping;
    for (const auto& [child, n] : scan.children.at(name)) {
      job.children_interfaces[child] = scan.interfaces.at(child);
    }
    jobs.push_back(std::move(job));
  }

  std::vector<ModuleResult> results(jobs.size());
  run_parallel(jobs.size(), options.jobs, options.budget,
               [&](std::size_t i, const util::ToolBudget& budget) {
                 const ModuleContext ctx{cache, lib.library.cells, lib.text, budget, options.slots};
                 results[i] =
                     synthesize_module(jobs[i], (work / "modules" / jobs[i].name).string(), ctx);
               });

  std::map<std::string, ModuleResult> by_name;
  std::map<std::string, DepthInput> depth_inputs;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const ModuleResult& r = results[i];
    (r.cached ? report.cache_hits : report.cache_misses) += 1;
    report.yosys_runs += r.cached ? 0 : 1;
    if (!r.note.empty()) report.notes.push_back(r.note);
    depth_inputs[jobs[i].name] = {r.key, r.generic_netlist};
    by_name[jobs[i].name] = r;
  }
  roll_up(top, by_name, report);
  report.nand2_eq = report.area_um2 / report.nand2_area_um2;
  report.netlist = write_design_netlist(top, order, by_name, work);

  const DepthResult depth = design_depth(top, depth_inputs, (work / "depth").string(), cache,
                                         options.budget, options.slots);
  report.logic_depth = depth.logic_depth;
  report.yosys_runs += depth.cached ? 0 : 1;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace bf::synth
