#pragma once
// Ctrl-C for long tool runs (sweeps, area of several designs): while a
// StopSignals lives, SIGINT and SIGTERM set stop_requested() instead of
// ending the process, so the caller can cancel its Yosys/Verilator runs
// (they run in their own process groups, which the terminal's Ctrl-C does not
// reach), keep what finished and exit cleanly.
#include <signal.h>

#include <atomic>
#include <cstddef>

namespace bf::util {

// The flag the handler sets; pass its address to ToolBudget to cancel runs.
const std::atomic<bool>& stop_flag();
inline bool stop_requested() { return stop_flag().load(); }

// Installs the handler for its lifetime (clearing the flag) and restores the
// previous dispositions afterwards. The handler resets itself, so a second
// Ctrl-C ends the process at once. An ignored SIGINT (a background job) stays
// ignored. One at a time.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  static constexpr std::size_t kCount = 2;
  static constexpr int kSignals[kCount] = {SIGINT, SIGTERM};
  struct sigaction old_[kCount] {};
  bool installed_[kCount] = {false, false};
};

}  // namespace bf::util
