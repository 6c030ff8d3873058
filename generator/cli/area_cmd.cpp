// `blockforge area CONFIG [--json]`: Yosys area of the generated design.
#include <fmt/format.h>

#include <iostream>

#include "generator/cli/cli.hpp"
#include "generator/cli/rtl_writer.hpp"
#include "generator/cli/work_dir.hpp"
#include "generator/units/registry.hpp"
#include "synth/area.hpp"

namespace bf::cli {

void add_area_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("area", "Synthesize with Yosys and report area and logic depth");
  auto config = std::make_shared<std::string>();
  auto work = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("config", *config, "design file (TOML)")->required();
  cmd->add_flag("--json", *json, "print a JSON object instead of the table");
  cmd->add_option("--work", *work, "work directory (default .blockforge/<top>)");
  cmd->callback([config, work, json, &exit_code] {
    try {
      const auto design = load_design(*config);
      const std::string dir = work->empty() ? default_work_dir(design->top_name()) : *work;
      const auto rtl = write_rtl(*design, dir + "/rtl");
      const auto report = synth::run_area(rtl.files, design->top_name(), dir + "/area");
      if (*json) {
        auto j = synth::to_json(report);
        j["unit"] = design->unit_name();
        j["params"] = design->params_json();
        j["metrics"] = design->metrics();
        std::cout << j.dump(2) << "\n";
      } else {
        std::cout << fmt::format("{} ({})\n", design->top_name(), design->unit_name());
        std::cout << synth::to_table(report);
      }
      exit_code = 0;
    } catch (const std::exception& e) {
      exit_code = fail("area", e.what());
    }
  });
}

}  // namespace bf::cli
