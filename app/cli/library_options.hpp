#pragma once
// The synthesis options every command that maps cells takes (area, timing,
// power, verify --netlist): --liberty, --dont-use, --clock-ns,
// --async-reset, --cache/--no-cache. One definition so they read and behave
// the same everywhere.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "synth/area.hpp"

namespace bf::cli {

struct LibraryOptions {
  std::shared_ptr<std::string> liberty = std::make_shared<std::string>();
  std::shared_ptr<std::vector<std::string>> dont_use = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<double> clock_ns = std::make_shared<double>(0);
  std::shared_ptr<std::string> async_reset = std::make_shared<std::string>("async");
  std::shared_ptr<std::string> cache_dir = std::make_shared<std::string>();
  std::shared_ptr<bool> no_cache = std::make_shared<bool>(false);

  // Copies the parsed options into `options`.
  void apply(synth::AreaOptions& options) const;
};

// Adds the options to `cmd`; `clock_help` describes --clock-ns for it.
LibraryOptions add_library_options(CLI::App* cmd, const std::string& clock_help);

}  // namespace bf::cli
