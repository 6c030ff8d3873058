#pragma once
// The blockforge command line. Each subcommand lives in its own
// app/cli/<name>_cmd.cpp and registers itself on the CLI11 app through
// one add_<name>_command function; run() builds the app and dispatches.
//
// Error convention for every subcommand: one clear line on stderr
// ("blockforge <cmd>: <what>; <how to fix>"), a non-zero exit code, and no
// partial output file left behind (write to a temporary, rename on success).

#include <CLI/CLI.hpp>
#include <string>

namespace bf::cli {

int run(int argc, char** argv);

// Reports an error the way every subcommand does: "blockforge <cmd>: <msg>".
int fail(const std::string& cmd, const std::string& message);

// `exit_code` is where the subcommand's callback stores its result.
void add_list_command(CLI::App& app, int& exit_code);
void add_gen_command(CLI::App& app, int& exit_code);
void add_verify_command(CLI::App& app, int& exit_code);
void add_area_command(CLI::App& app, int& exit_code);
void add_quantize_command(CLI::App& app, int& exit_code);
void add_sweep_command(CLI::App& app, int& exit_code);
void add_sweep_merge_command(CLI::App& app, int& exit_code);
void add_softmax_report_command(CLI::App& app, int& exit_code);
void add_bfp_error_command(CLI::App& app, int& exit_code);
void add_bn_error_command(CLI::App& app, int& exit_code);
void add_bn_traffic_command(CLI::App& app, int& exit_code);
void add_zebra_inject_command(CLI::App& app, int& exit_code);
void add_opal_accuracy_command(CLI::App& app, int& exit_code);
void add_equiv_command(CLI::App& app, int& exit_code);
void add_timing_command(CLI::App& app, int& exit_code);
void add_power_command(CLI::App& app, int& exit_code);
void add_compare_command(CLI::App& app, int& exit_code);
void add_map_command(CLI::App& app, int& exit_code);
void add_train_step_command(CLI::App& app, int& exit_code);

}  // namespace bf::cli
