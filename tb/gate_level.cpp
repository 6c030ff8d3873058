#include "tb/gate_level.hpp"

#include <filesystem>
#include <set>

#include "synth/cell_models.hpp"
#include "synth/mapping_library.hpp"
#include "util/files.hpp"

namespace bf::tb {

GateLevelFiles gate_level_files(const std::vector<std::string>& rtl_files, const std::string& top,
                                const std::string& work_dir, const synth::AreaOptions& options) {
  namespace fs = std::filesystem;
  GateLevelFiles g;
  g.area = synth::run_area(rtl_files, top, (fs::path(work_dir) / "area").string(), options);
  g.library = synth::prepare_mapping_library(options.liberty, options.dont_use);
  std::set<std::string> used;
  for (const auto& [cell, count] : g.area.cells) used.insert(cell);
  const std::string models = (fs::path(work_dir) / "cells.v").string();
  util::write_if_changed(models, synth::cell_models_verilog(g.library.library, used));
  g.files = {g.area.netlist, models};
  return g;
}

}  // namespace bf::tb
