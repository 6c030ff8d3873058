// blockforge: command-line entry point. The subcommands live in
// app/cli/*_cmd.cpp; this file only dispatches.
#include "app/cli/cli.hpp"

int main(int argc, char** argv) { return bf::cli::run(argc, argv); }
