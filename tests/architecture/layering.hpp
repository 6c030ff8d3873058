#pragma once
// The layering rule of the source tree (README "Architecture"), as a check
// over #include lines. Each source file belongs to one layer by its path;
// a file may include files of its own layer or below, never above:
//
//   0  util/                                     support for the flows
//   1  golden/                                   number formats and models
//   2  generator/verilog, generator/blocks,      the Verilog writer, reusable
//      generator/config                          primitives, the config language
//   3  generator/design, generator/units         what a unit implements; units
//   4  tb/, synth/                               flows: verification, synthesis
//   5  app/                                      the program: CLI, sweeps, studies
//
// golden/ is pure: it includes golden/ only (and the standard library, fmt).
// tests/ and bench/ sit above everything and are not checked.

#include <optional>
#include <string>
#include <vector>

namespace bf::arch {

// The layer of a repository-relative path ("generator/units/opal_pe/x.hpp"),
// or nullopt for files outside the layered tree (tests/, bench/, ...).
std::optional<int> layer_of(const std::string& relative_path);

struct Violation {
  std::string file;  // repository-relative
  int line = 0;
  std::string included;  // as written
  std::string message;   // "generator/units/x.cpp:12 (layer 3) includes app/cli/cli.hpp (layer 5)"
};

// Scans every .hpp/.cpp of the layered folders under `root` and returns
// each include that breaks the rule. Includes that name no file of the tree
// (system and third-party headers, Verilator's generated headers) are not
// checked.
std::vector<Violation> check_layering(const std::string& root);

}  // namespace bf::arch
