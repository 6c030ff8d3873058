#include "synth/module_synth.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>

#include "synth/flows.hpp"
#include "synth/yosys_run.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

constexpr const char* kScript = "area_module.ys";
constexpr const char* kModuleFile = "module.v";
constexpr const char* kChildrenFile = "children.v";
constexpr const char* kGenericNetlist = "generic.il";
constexpr const char* kCacheKind = "module";
// The mapped netlist of a module, under the module's key.
constexpr const char* kNetlistKind = "mapped";
constexpr const char* kMappedNetlist = "mapped.v";

std::string fill_script(const std::string& tmpl, const ModuleJob& job) {
  std::map<std::string, std::string> values = job.mapping;
  values["READ_CHILDREN"] =
      job.children_interfaces.empty() ? "" : fmt::format("read_verilog -lib {}", kChildrenFile);
  values["TOP"] = job.name;
  values["SYNTH_OPTIONS"] = job.share ? "" : "-noshare";
  return fill_template(tmpl, values);
}

std::set<std::string> child_names(const ModuleJob& job) {
  std::set<std::string> names;
  for (const auto& [name, text] : job.children_interfaces) names.insert(name);
  return names;
}

nlohmann::json to_cache(const ModuleResult& r, const std::string& name) {
  nlohmann::json j;
  j["module"] = name;
  j["cells"] = r.mapped.cells;
  j["children"] = r.children;
  j["transistors"] = r.transistors;
  j["synth_seconds"] = r.synth_seconds;
  return j;
}

// The result an intact cache entry holds; throws when its data does not fit
// the job (then the entry is recomputed).
ModuleResult from_cache(const AreaCache::Entry& entry, const ModuleJob& job,
                        const ModuleContext& ctx) {
  const auto& d = entry.data;
  if (d.at("module").get<std::string>() != job.name) throw std::runtime_error("another module");
  ModuleResult r;
  r.children = d.at("children").get<std::map<std::string, long>>();
  const auto kids = child_names(job);
  for (const auto& [child, n] : r.children) {
    if (!kids.count(child) || n <= 0) throw std::runtime_error("children do not match");
  }
  r.mapped = sum_mapped_cells(d.at("cells").get<std::map<std::string, long>>(), ctx.library, {},
                              nullptr, "cache entry", ctx.cache.dir());
  r.transistors = d.at("transistors").get<long>();
  r.synth_seconds = d.at("synth_seconds").get<double>();
  if (entry.blob_path.empty()) throw std::runtime_error("no generic netlist");
  r.generic_netlist = entry.blob_path;
  r.cached = true;
  return r;
}

ModuleResult run_module(const ModuleJob& job, const std::string& script, const fs::path& work,
                        const ModuleContext& ctx) {
  fs::create_directories(work);
  for (const char* stale : {kYosysLog, kYosysConsoleLog, kGenericStat, kGenericNetlist,
                            kAreaStatJson, kAreaStatText, kMappedNetlist}) {
    std::error_code ec;
    fs::remove(work / stale, ec);
  }
  util::write_text((work / kModuleFile).string(), job.text);
  std::string children;
  for (const auto& [name, text] : job.children_interfaces) children += text;
  if (!children.empty()) util::write_text((work / kChildrenFile).string(), children);
  util::write_text((work / kScript).string(), script);
  util::write_text((work / kLibertyFile).string(), ctx.liberty_text);

  const std::string what = fmt::format("area of module '{}'", job.name);
  ModuleResult r;
  {
    std::optional<JobSlots::Hold> slot;
    if (ctx.slots) slot.emplace(*ctx.slots, ctx.budget);
    r.seconds = run_yosys(work, kScript, what, ctx.budget);
  }
  r.synth_seconds = r.seconds;

  const auto kids = child_names(job);
  const nlohmann::json area_stat = read_json_report(work, kAreaStatJson);
  r.mapped = sum_mapped_cells(cells_by_type(module_stats(area_stat, job.name, work, kAreaStatJson)),
                              ctx.library, kids, &r.children, what, work);
  if (const auto yosys_area = yosys_chip_area(work / kAreaStatText);
      yosys_area && std::abs(*yosys_area - r.mapped.area_um2) > 1e-5 + 1e-9 * r.mapped.area_um2) {
    throw std::runtime_error(
        fmt::format("{}: Yosys reports {:.6f} um^2 but cells.lib gives {:.6f} um^2 ({})", what,
                    *yosys_area, r.mapped.area_um2, log_hint(work)));
  }
  const nlohmann::json generic_stat = read_json_report(work, kGenericStat);
  r.transistors = generic_transistors(module_stats(generic_stat, job.name, work, kGenericStat),
                                      kids, work, kGenericStat);
  std::error_code ec;
  if (!fs::is_regular_file(work / kGenericNetlist, ec)) {
    throw std::runtime_error(fmt::format("{}: yosys wrote no {} ({})", what,
                                         (work / kGenericNetlist).string(), log_hint(work)));
  }
  r.generic_netlist = (work / kGenericNetlist).string();
  if (!fs::is_regular_file(work / kMappedNetlist, ec)) {
    throw std::runtime_error(fmt::format("{}: yosys wrote no {} ({})", what,
                                         (work / kMappedNetlist).string(), log_hint(work)));
  }
  r.mapped_netlist = (work / kMappedNetlist).string();
  return r;
}

}  // namespace

std::string module_key(const ModuleJob& job, const std::string& script_template,
                       const std::string& liberty_text) {
  util::Hasher h;
  h.add("blockforge area module v1").add(job.name).add(job.text);
  h.add(std::to_string(job.children_interfaces.size()));
  for (const auto& [name, text] : job.children_interfaces) h.add(name).add(text);
  h.add(fill_script(script_template, job)).add(liberty_text).add(yosys_version());
  return h.hex();
}

ModuleResult synthesize_module(const ModuleJob& job, const std::string& work_dir,
                               const ModuleContext& ctx) {
  const std::string tmpl = read_script_template(kScript);
  const std::string key = module_key(job, tmpl, ctx.liberty_text);
  std::string note;
  const auto cached = [&]() -> std::optional<ModuleResult> {
    std::string problem;
    auto entry = ctx.cache.load(kCacheKind, key, &problem);
    if (entry) {
      try {
        ModuleResult r = from_cache(*entry, job, ctx);
        const auto netlist = ctx.cache.load(kNetlistKind, key, &problem);
        if (!netlist || netlist->blob_path.empty()) {
          throw std::runtime_error(problem.empty() ? "no mapped netlist" : problem);
        }
        r.mapped_netlist = netlist->blob_path;
        r.key = key;
        return r;
      } catch (const std::exception& e) {
        problem = fmt::format("cache entry of module '{}' ({}) does not fit: {}", job.name, key,
                              e.what());
      }
    }
    if (!problem.empty()) note = "ignored a damaged cache entry, recomputed it: " + problem;
    return std::nullopt;
  };
  if (auto r = cached()) return *r;
  const auto lock = ctx.cache.lock(kCacheKind, key, ctx.budget);
  if (auto r = cached()) return *r;  // computed by another run meanwhile

  ModuleResult r = run_module(job, fill_script(tmpl, job), fs::absolute(work_dir), ctx);
  r.key = key;
  r.note = note;
  try {
    // Netlist first: a module entry is only ever seen with its netlist.
    const std::string netlist =
        ctx.cache.store(kNetlistKind, key, {{"module", job.name}}, r.mapped_netlist, "v");
    if (!netlist.empty()) r.mapped_netlist = netlist;
    r.generic_netlist =
        ctx.cache.store(kCacheKind, key, to_cache(r, job.name), r.generic_netlist, "il");
  } catch (const std::exception& e) {
    // The result stands; only the next run loses it.
    r.note = fmt::format("could not cache module '{}': {}", job.name, e.what());
  }
  return r;
}

}  // namespace bf::synth
