#include "synth/design_depth.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <stdexcept>

#include "synth/netlist_stats.hpp"
#include "synth/yosys_run.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

constexpr const char* kScript = "area_depth.ys";
constexpr const char* kLtp = "ltp.txt";
constexpr const char* kCacheKind = "depth";

}  // namespace

DepthResult design_depth(const std::string& top, const std::map<std::string, DepthInput>& modules,
                         const std::string& work_dir, const AreaCache& cache,
                         const util::ToolBudget& budget, JobSlots* slots) {
  const std::string tmpl = read_script_template(kScript);
  util::Hasher h;
  h.add("blockforge area depth v1").add(tmpl).add(yosys_version()).add(top);
  for (const auto& [name, in] : modules) h.add(name).add(in.key);
  const std::string key = h.hex();

  const auto cached = [&]() -> std::optional<DepthResult> {
    if (auto entry = cache.load(kCacheKind, key, nullptr)) {
      try {
        DepthResult r;
        r.logic_depth = entry->data.at("logic_depth").get<int>();
        r.cached = true;
        if (r.logic_depth >= 0) return r;
      } catch (const nlohmann::json::exception&) {
        // malformed: recompute and replace
      }
    }
    return std::nullopt;
  };
  if (auto r = cached()) return *r;
  const auto lock = cache.lock(kCacheKind, key, budget);
  if (auto r = cached()) return *r;

  const fs::path work = fs::absolute(work_dir);
  fs::create_directories(work);
  for (const char* stale : {kYosysLog, kYosysConsoleLog, kLtp}) {
    std::error_code ec;
    fs::remove(work / stale, ec);
  }
  std::string reads;
  for (const auto& [name, in] : modules) {
    if (in.netlist.find_first_of("\"\n\r") != std::string::npos) {
      throw std::runtime_error(
          fmt::format("unsupported character in netlist path {}; use another --cache", in.netlist));
    }
    reads += fmt::format("read_rtlil \"{}\"\n", fs::absolute(in.netlist).string());
  }
  if (!reads.empty()) reads.pop_back();
  util::write_text((work / kScript).string(),
                   fill_template(tmpl, {{"READ_NETLISTS", reads}, {"TOP", top}}));
  DepthResult r;
  {
    std::optional<JobSlots::Hold> slot;
    if (slots) slot.emplace(*slots, budget);
    r.seconds = run_yosys(work, kScript, fmt::format("logic depth of '{}'", top), budget);
  }
  r.logic_depth = read_logic_depth(work, kLtp);
  try {
    cache.store(kCacheKind, key, {{"top", top}, {"logic_depth", r.logic_depth}});
  } catch (const std::exception&) {
    // Only the next run loses it.
  }
  return r;
}

}  // namespace bf::synth
