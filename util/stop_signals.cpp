#include "util/stop_signals.hpp"

namespace bf::util {

namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used in a signal handler");

void on_stop_signal(int) { g_stop.store(true); }

}  // namespace

const std::atomic<bool>& stop_flag() { return g_stop; }

StopSignals::StopSignals() {
  g_stop.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  for (std::size_t i = 0; i < kCount; ++i) {
    sigaction(kSignals[i], nullptr, &old_[i]);
    if (kSignals[i] == SIGINT && old_[i].sa_handler == SIG_IGN) continue;
    sigaction(kSignals[i], &sa, nullptr);
    installed_[i] = true;
  }
}

StopSignals::~StopSignals() {
  for (std::size_t i = 0; i < kCount; ++i)
    if (installed_[i]) sigaction(kSignals[i], &old_[i], nullptr);
}

}  // namespace bf::util
