#pragma once
// Progress of a running sweep on stderr. On a terminal: one line redrawn in
// place (and once a second, so the ETA moves),
//   [########............] 7/12 done, 1 failed, ETA 0:42
// otherwise one plain line per finished point,
//   point 7/12 ok area=1234.5 um2 (cached) [format=mxint4 block=32]
//   point 8/12 failed: <error> [format=mxint8 block=16]
// The ETA divides the points left by the rate of the points computed so far
// (cached points count as done but not towards the rate).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "app/sweep/runner.hpp"

namespace bf::sweep {

class ProgressReporter {
 public:
  // Auto: Bar when stderr is a terminal, else Lines. `out` receives the text.
  ProgressReporter(RunOptions::Progress mode, std::size_t total, std::ostream& out);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // A point finished (ok or failed); thread-safe.
  void point_done(const Row& row);
  // Ends the bar's line (no-op for lines). Called by the destructor too.
  void finish();

  // "0:42", "1:05:09"; "--:--" for a negative value.
  static std::string format_eta(double seconds);
  // The bar line for these counts (exposed for tests).
  static std::string bar_line(std::size_t done, std::size_t total, std::size_t failed,
                              double eta_seconds);

 private:
  void draw_locked();
  double eta_locked() const;

  RunOptions::Progress mode_;
  std::size_t total_;
  std::ostream& out_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t done_ = 0, failed_ = 0, computed_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  bool finished_ = false;
  std::thread ticker_;
};

}  // namespace bf::sweep
