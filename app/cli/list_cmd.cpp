// `blockforge list`: every registered unit with its parameters, defaults and
// help, straight from the parameter structs.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "app/cli/cli.hpp"
#include "generator/design/registry.hpp"

namespace bf::cli {

void add_list_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("list", "List the units and their parameters");
  cmd->callback([&exit_code] {
    for (const auto& unit : all_units()) {
      std::cout << fmt::format("{}\n  {}\n", unit.name, unit.summary);
      const auto params = unit.params();
      // The name column fits the unit's longest (dotted) name.
      std::size_t w = 16;
      for (const auto& p : params) w = std::max(w, p.name.size());
      for (const auto& p : params) {
        std::cout << fmt::format("    {:<{}} {:<9} default {}{}\n", p.name, w, p.type,
                                 p.default_text,
                                 p.allowed_text.empty() ? "" : "; " + p.allowed_text);
        std::cout << fmt::format("    {:<{}} {}\n", "", w, p.help);
      }
      std::cout << "\n";
    }
    exit_code = 0;
  });
}

}  // namespace bf::cli
