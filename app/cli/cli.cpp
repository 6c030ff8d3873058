#include "app/cli/cli.hpp"

#include <iostream>

namespace bf::cli {

int run(int argc, char** argv) {
  CLI::App app{
      "blockforge: generate Verilog for DNN-accelerator arithmetic, prove it bit-exact against "
      "its golden model, report its area"};
  app.set_version_flag("--version", "blockforge " BLOCKFORGE_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  add_list_command(app, exit_code);
  add_gen_command(app, exit_code);
  add_verify_command(app, exit_code);
  add_area_command(app, exit_code);
  add_quantize_command(app, exit_code);
  add_sweep_command(app, exit_code);
  add_sweep_merge_command(app, exit_code);
  add_softmax_report_command(app, exit_code);
  add_bfp_error_command(app, exit_code);
  add_bn_error_command(app, exit_code);
  add_bn_traffic_command(app, exit_code);
  add_opal_accuracy_command(app, exit_code);
  add_equiv_command(app, exit_code);
  add_timing_command(app, exit_code);
  add_power_command(app, exit_code);
  add_compare_command(app, exit_code);
  add_map_command(app, exit_code);
  add_train_step_command(app, exit_code);
  add_zebra_inject_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

int fail(const std::string& cmd, const std::string& message) {
  std::cerr << "blockforge " << cmd << ": " << message << "\n";
  return 1;
}

}  // namespace bf::cli
