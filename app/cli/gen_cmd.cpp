// `blockforge gen CONFIG... -o DIR`: write each design's Verilog and manifest.
#include <fmt/format.h>

#include <iostream>

#include "app/cli/cli.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"

namespace bf::cli {

void add_gen_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("gen", "Generate Verilog (+ manifest.json) from design files");
  auto configs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>("rtl_out");
  cmd->add_option("configs", *configs, "design files (TOML)")->required();
  cmd->add_option("-o,--out", *out, "output directory; each design goes to DIR/<name>/")
      ->capture_default_str();
  cmd->callback([configs, out, &exit_code] {
    try {
      // Check every config before writing anything.
      std::vector<std::unique_ptr<Design>> designs;
      for (const auto& c : *configs) designs.push_back(load_design(c));
      for (const auto& d : designs) {
        const auto w = write_rtl(*d, *out);
        std::cout << fmt::format("{}: {} files in {}\n", d->top_name(), w.files.size() + 1, w.dir);
      }
      exit_code = 0;
    } catch (const std::exception& e) {
      exit_code = fail("gen", e.what());
    }
  });
}

}  // namespace bf::cli
