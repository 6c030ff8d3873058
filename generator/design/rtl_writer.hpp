#pragma once
// Writing a design's RTL: <dir>/<top>/<module>.v (one module per file) and
// <dir>/<top>/manifest.json. The same function serves `gen`, `verify` and
// `area`, so the files verified and measured are the files taped out.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "generator/design/design.hpp"

namespace bf {

struct WrittenDesign {
  std::string dir;                 // <out>/<top>
  std::vector<std::string> files;  // the .v files, dependency order (top last)
};

// The design's modules as written: finalize_modules(d.modules(), top)
// (generator/verilog/module_set.hpp) keeps each shared module once, checks
// every instance and the declaration order, and orders children first.
std::vector<vlog::Module> design_modules(const Design& d);

// Writes atomically: into a temporary sibling directory that replaces
// <out>/<top> only when every file is written.
WrittenDesign write_rtl(const Design& d, const std::string& out_dir);

// `simulation_models`: the files among them that hold behavioural models of
// hard macros (vlog::Module::simulation_model), listed with a note.
nlohmann::ordered_json manifest(const Design& d, const std::vector<std::string>& file_names,
                                const std::vector<std::string>& simulation_models = {});

}  // namespace bf
