#pragma once
// Running the external tools of the flows (cmake, the simulation binary,
// iverilog, vvp, yosys) without a shell: no quoting problems, safe to call
// from several threads of a sweep, with an optional time limit and an
// optional cancellation flag.

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf::util {

struct ProcessOptions {
  std::string log_path;  // stdout and stderr go here (required)
  bool append = false;   // append to the log instead of truncating it
  std::string cwd;       // working directory; empty: the caller's
  // > 0: kill the program after this many seconds (ProcessResult::timed_out).
  double timeout_seconds = 0;
  // When set, the program is killed as soon as *cancel becomes true
  // (ProcessResult::cancelled); polled every few milliseconds.
  const std::atomic<bool>* cancel = nullptr;
};

// Exit status of timeout(1), used for a program killed by its time limit.
inline constexpr int kTimeoutExitCode = 124;

struct ProcessResult {
  // The exit status, 128 + signal number when the program was killed by a
  // signal, kTimeoutExitCode when timed_out.
  int code = 0;
  bool timed_out = false;
  bool cancelled = false;  // killed because *cancel became true
  double seconds = 0;      // wall time

  bool ok() const { return code == 0 && !timed_out && !cancelled; }
};

// Runs argv[0] (looked up on PATH) and waits for it. With a time limit or a
// cancellation flag the program runs in its own process group, and stopping
// it kills the whole group (the program and everything it started: compilers
// under cmake, ...) with SIGTERM, then SIGKILL after a short grace period.
// Such a group does not receive the terminal's Ctrl-C: the caller cancels it.
// Without either, the program stays in the caller's process group. Throws
// std::runtime_error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opt);

// Whether `program` is an executable on PATH.
bool on_path(const std::string& program);
// The absolute path of the executable `program` on PATH; empty when none.
std::string find_on_path(const std::string& program);

// The first line of a log that looks like an error (Verilator, CMake, the
// compiler), for a one-line failure message; empty when none matches.
std::string first_error_line(const std::string& log_path);

// The time and cancellation limits a flow that runs several tools hands
// down: one deadline for all of its tool calls together (each call gets what
// is left) and an optional cancellation flag.
class ToolBudget {
 public:
  ToolBudget() = default;  // no deadline, not cancellable
  // seconds <= 0: no deadline.
  explicit ToolBudget(double seconds, const std::atomic<bool>* cancel = nullptr);

  bool has_deadline() const { return deadline_.has_value(); }
  // Seconds left; +infinity without a deadline; <= 0 once expired.
  double remaining() const;
  bool expired() const { return remaining() <= 0; }
  bool cancelled() const { return cancel_ && cancel_->load(); }
  const std::atomic<bool>* cancel_flag() const { return cancel_; }
  double total_seconds() const { return total_; }

  // `opt` limited to the time left (at least 1 ms, so an expired budget times
  // the call out at once) and cancelled with the flag.
  ProcessOptions apply(ProcessOptions opt) const;

 private:
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  double total_ = 0;
  const std::atomic<bool>* cancel_ = nullptr;
};

// A tool call stopped by its time limit.
class ToolTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// A tool call stopped by its cancellation flag.
class ToolCancelled : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ToolTimeout or ToolCancelled ("<what> timed out after N s; see
// <log>") when `r` says the call was stopped; returns otherwise.
void throw_if_stopped(const ProcessResult& r, const std::string& what, const std::string& log);

}  // namespace bf::util
