#pragma once
// The Verilog a design config generates, for tests that check its structure.

#include <regex>
#include <string>

#include "generator/design/registry.hpp"
#include "generator/verilog/module.hpp"

namespace bf::testing {

// Every module of the design printed, comments stripped.
inline std::string code_of(const std::string& toml) {
  const auto d = load_design_text(toml, "test.toml");
  std::string all;
  for (const auto& m : d->modules()) all += vlog::print(m);
  return std::regex_replace(all, std::regex("//[^\n]*"), "");
}

}  // namespace bf::testing
