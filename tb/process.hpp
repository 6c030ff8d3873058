#pragma once
// Running the external tools of the flow (cmake, the simulation binary,
// iverilog, vvp) without a shell: no quoting problems, safe to call from
// several threads of a sweep.

#include <string>
#include <vector>

namespace bf::tb {

struct ProcessOptions {
  std::string log_path;  // stdout and stderr go here (required)
  bool append = false;   // append to the log instead of truncating it
  std::string cwd;       // working directory; empty: the caller's
};

// Runs argv[0] (looked up on PATH) and waits for it. Returns the exit status,
// or 128 + signal number when the program was killed. Throws
// std::runtime_error when the program cannot be started.
int run_process(const std::vector<std::string>& argv, const ProcessOptions& opt);

// Whether `program` is an executable on PATH.
bool on_path(const std::string& program);

// The first line of a log that looks like an error (Verilator, CMake, the
// compiler), for a one-line failure message; empty when none matches.
std::string first_error_line(const std::string& log_path);

}  // namespace bf::tb
