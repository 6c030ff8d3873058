#include "synth/area.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>

#include "synth/flows.hpp"
#include "synth/mapping_library.hpp"
#include "util/files.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

bool is_identifier(const std::string& s) {
  static const std::regex id_re(R"([A-Za-z_][A-Za-z0-9_$]*)");
  return std::regex_match(s, id_re);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// What earlier runs of either flow left in a work directory.
void clean_work_dir(const fs::path& work) {
  std::error_code ec;
  for (const char* stale :
       {"yosys.log", "yosys.console.log", kGenericStat, kLtp, kAreaStatJson, kAreaStatText,
        "mapped.v", kDesignNetlist, "scan", "modules", "depth"}) {
    fs::remove_all(work / stale, ec);
  }
}

}  // namespace

std::string stable_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", h);
}

std::string synth_dir() {
  if (const std::string dir = env("BLOCKFORGE_SYNTH_DIR"); !dir.empty()) return dir;
  return BLOCKFORGE_SYNTH_DIR;
}

std::string area_script_path() { return (fs::path(synth_dir()) / "area.ys").string(); }

std::string liberty_path() { return (fs::path(synth_dir()) / kLibertyFile).string(); }

std::string flow_hash() {
  std::string all;
  for (const char* f :
       {"area.ys", "area_scan.ys", "area_module.ys", "area_depth.ys", "cells.lib"}) {
    all += util::read_text((fs::path(synth_dir()) / f).string());
  }
  return stable_hash(all);
}

void set_library_fields(AreaReport& report, const MappingLibrary& lib, const AreaOptions& options) {
  report.liberty = options.liberty.empty() ? "synth/cells.lib" : lib.source;
  report.liberty_name = lib.library.name;
  report.nand2_area_um2 = lib.nand2_area_um2;
  report.clock_ns = options.clock_ns;
  report.dont_use = options.dont_use;
}

std::string default_cache_dir() {
  if (const std::string dir = env("BLOCKFORGE_CACHE"); !dir.empty()) return dir;
  if (const std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty()) {
    return (fs::path(xdg) / "blockforge" / "synth").string();
  }
  if (const std::string home = env("HOME"); !home.empty()) {
    return (fs::path(home) / ".cache" / "blockforge" / "synth").string();
  }
  throw std::runtime_error(
      "no place for the area cache: set BLOCKFORGE_CACHE (or HOME), pass --cache DIR, or "
      "--no-cache");
}

AreaReport run_area(const std::vector<std::string>& verilog_files, const std::string& top,
                    const std::string& work_dir, const AreaOptions& options) {
  if (verilog_files.empty()) throw std::runtime_error("area: no Verilog files given");
  if (!is_identifier(top)) {
    throw std::runtime_error(fmt::format("area: '{}' is not a Verilog module name", top));
  }
  if (work_dir.empty()) throw std::runtime_error("area: empty work directory");
  if (!(options.clock_ns >= 0) || options.clock_ns > 1e6) {
    throw std::runtime_error(
        fmt::format("area: clock period {} ns is out of range (give a positive period in ns)",
                    options.clock_ns));
  }
  std::vector<std::string> files;
  for (const auto& f : verilog_files) {
    std::error_code ec;
    if (!fs::is_regular_file(f, ec)) {
      throw std::runtime_error(fmt::format("area: Verilog file not found: {}", f));
    }
    const std::string abs = fs::absolute(f).lexically_normal().string();
    if (abs.find_first_of("\"\n\r") != std::string::npos) {
      throw std::runtime_error(fmt::format("area: unsupported character in file name: {}", f));
    }
    files.push_back(abs);
  }

  const fs::path work = fs::absolute(work_dir).lexically_normal();
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("area: cannot create work directory {}: {}", work.string(), ec.message()));
  }
  clean_work_dir(work);
  return options.mode == AreaMode::Flat ? run_flat_area(files, top, work, options)
                                        : run_hierarchical_area(files, top, work, options);
}

}  // namespace bf::synth
