#include "synth/design_scan.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>

#include "synth/netlist_stats.hpp"
#include "synth/yosys_run.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

constexpr const char* kScript = "area_scan.ys";
constexpr const char* kStat = "scan_stat.json";
constexpr const char* kInterfaces = "interfaces.v";

std::string scan_key(const std::string& script_template, const std::vector<ModuleSource>& sources) {
  util::Hasher h;
  h.add("blockforge area scan v1").add(script_template).add(yosys_version());
  for (const auto& m : sources) h.add(m.name).add(m.text);
  return h.hex();
}

// "Module `\child' referenced in module `\top' in cell `\u_c' is not part of
// the design." made into what to do about it.
std::optional<std::string> missing_module_message(const std::string& error, const fs::path& work) {
  static const std::regex re(
      R"(Module `\\?([^']+)' referenced in module `\\?([^']+)' in cell `\\?([^']+)' is not part of the design)");
  std::smatch m;
  if (!std::regex_search(error, m, re)) return std::nullopt;
  return fmt::format(
      "module '{}' instantiates '{}' (instance {}), which none of the input files defines; add "
      "the file that defines '{}' to the inputs ({})",
      m[2].str(), m[1].str(), m[3].str(), m[1].str(), log_hint(work));
}

// The module a Yosys "$paramod\name\P=..." (or "$paramod$hash\name") derives.
std::string paramod_base(const std::string& type) {
  const auto b = type.find('\\');
  if (b == std::string::npos) return type;
  const auto e = type.find('\\', b + 1);
  return type.substr(b + 1, e == std::string::npos ? std::string::npos : e - b - 1);
}

nlohmann::json to_json(const DesignScan& s) {
  nlohmann::json j;
  j["children"] = s.children;
  j["interfaces"] = s.interfaces;
  return j;
}

DesignScan from_json(const nlohmann::json& j) {
  DesignScan s;
  s.children = j.at("children").get<std::map<std::string, std::map<std::string, long>>>();
  s.interfaces = j.at("interfaces").get<std::map<std::string, std::string>>();
  return s;
}

DesignScan run_scan(const std::vector<std::string>& files, const std::vector<ModuleSource>& sources,
                    const std::string& tmpl, const fs::path& work, const ScanContext& ctx) {
  std::string reads;
  for (const auto& f : files) reads += fmt::format("read_verilog \"{}\"\n", f);
  if (!reads.empty()) reads.pop_back();
  util::write_text((work / kScript).string(), fill_template(tmpl, {{"READ_VERILOG", reads}}));

  DesignScan scan;
  try {
    std::optional<JobSlots::Hold> slot;
    if (ctx.slots) slot.emplace(*ctx.slots, ctx.budget);
    scan.seconds = run_yosys(work, kScript, "design scan", ctx.budget);
  } catch (const util::ToolTimeout&) {
    throw;
  } catch (const util::ToolCancelled&) {
    throw;
  } catch (const std::runtime_error& e) {
    if (auto msg = missing_module_message(e.what(), work)) throw std::runtime_error(*msg);
    throw;
  }

  std::set<std::string> known;
  for (const auto& m : sources) known.insert(m.name);
  const nlohmann::json stat = read_json_report(work, kStat);
  std::map<std::string, std::map<std::string, long>> all;  // including $paramod modules
  if (stat.contains("modules") && stat["modules"].is_object()) {
    for (const auto& [raw_name, stats] : stat["modules"].items()) {
      const std::string name = raw_name.rfind('\\', 0) == 0 ? raw_name.substr(1) : raw_name;
      all[name] = cells_by_type(stats);
    }
  }
  for (const auto& [name, cells] : all) {
    if (name.rfind("$paramod", 0) == 0) {
      std::string parent = "?";
      for (const auto& [p, pc] : all)
        if (pc.count(name)) parent = p;
      throw std::runtime_error(fmt::format(
          "module '{}' instantiates '{}' with parameters; the hierarchical area flow synthesizes "
          "parameter-free modules only: generate one module per parameter set, or use --flat",
          parent, paramod_base(name)));
    }
    if (!known.count(name)) {
      throw std::runtime_error(fmt::format(
          "yosys read a module '{}' that blockforge could not find in the input files' text "
          "(macro-generated?); use --flat ({})",
          name, log_hint(work)));
    }
    auto& kids = scan.children[name];
    for (const auto& [type, n] : cells)
      if (all.count(type)) kids[type] = n;
  }
  for (auto& m : split_modules(util::read_text((work / kInterfaces).string()),
                               (work / kInterfaces).string())) {
    scan.interfaces[m.name] = m.text;
  }
  for (const auto& name : known) {
    if (!scan.children.count(name) || !scan.interfaces.count(name)) {
      throw std::runtime_error(
          fmt::format("the design scan lost module '{}' ({})", name, log_hint(work)));
    }
  }
  return scan;
}

}  // namespace

DesignScan scan_design(const std::vector<std::string>& files,
                       const std::vector<ModuleSource>& sources, const std::string& work_dir,
                       const ScanContext& ctx) {
  const std::string tmpl = read_script_template(kScript);
  const std::string key = scan_key(tmpl, sources);
  const auto cached = [&]() -> std::optional<DesignScan> {
    if (auto entry = ctx.cache.load("scan", key, nullptr)) {
      try {
        DesignScan s = from_json(entry->data);
        s.cached = true;
        return s;
      } catch (const nlohmann::json::exception&) {
        // malformed data: recompute and replace
      }
    }
    return std::nullopt;
  };
  if (auto s = cached()) return *s;
  const auto lock = ctx.cache.lock("scan", key, ctx.budget);
  if (auto s = cached()) return *s;  // another run computed it meanwhile

  const fs::path work = fs::absolute(work_dir);
  fs::create_directories(work);
  DesignScan scan = run_scan(files, sources, tmpl, work, ctx);
  ctx.cache.store("scan", key, to_json(scan));
  return scan;
}

std::vector<std::string> modules_under(const DesignScan& scan, const std::string& top) {
  if (!scan.children.count(top)) {
    std::string names;
    for (const auto& [name, kids] : scan.children) names += (names.empty() ? "" : ", ") + name;
    throw std::runtime_error(fmt::format(
        "top module '{}' is not defined in the input files (they define: {}); check the name", top,
        names.empty() ? "nothing" : names));
  }
  std::vector<std::string> order;
  std::set<std::string> seen;
  std::set<std::string> on_path;
  std::function<void(const std::string&)> visit = [&](const std::string& m) {
    if (on_path.count(m)) {
      throw std::runtime_error(fmt::format("module '{}' instantiates itself (recursively)", m));
    }
    if (!seen.insert(m).second) return;
    on_path.insert(m);
    order.push_back(m);
    for (const auto& [child, n] : scan.children.at(m)) visit(child);
    on_path.erase(m);
  };
  visit(top);
  return order;
}

}  // namespace bf::synth
