// `blockforge list`: every registered unit with its parameters, defaults and
// help, straight from the parameter structs.
#include <fmt/format.h>

#include <iostream>

#include "generator/cli/cli.hpp"
#include "generator/units/registry.hpp"

namespace bf::cli {

void add_list_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("list", "List the units and their parameters");
  cmd->callback([&exit_code] {
    for (const auto& unit : all_units()) {
      std::cout << fmt::format("{}\n  {}\n", unit.name, unit.summary);
      for (const auto& p : unit.params()) {
        std::cout << fmt::format("    {:<16} {:<9} default {}{}\n", p.name, p.type, p.default_text,
                                 p.allowed_text.empty() ? "" : "; " + p.allowed_text);
        std::cout << fmt::format("    {:<16} {}\n", "", p.help);
      }
      std::cout << "\n";
    }
    exit_code = 0;
  });
}

}  // namespace bf::cli
