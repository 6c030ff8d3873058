#include "synth/parallel_jobs.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace bf::synth {

void run_parallel(std::size_t n, int threads, const util::ToolBudget& outer,
                  const std::function<void(std::size_t, const util::ToolBudget&)>& job) {
  if (n == 0) return;
  std::atomic<bool> stop{false};
  // The jobs' budget: the outer deadline, and our own flag, which the
  // watcher below raises when the outer one is.
  const util::ToolBudget inner(outer.has_deadline() ? std::max(outer.remaining(), 1e-3) : 0.0,
                               &stop);

  std::mutex mu;
  std::exception_ptr failure;    // the first job that failed on its own
  std::exception_ptr cancelled;  // a job stopped by the flag
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < n && !stop.load(); i = next++) {
      try {
        job(i, inner);
      } catch (const util::ToolCancelled&) {
        std::lock_guard<std::mutex> lock(mu);
        if (!cancelled) cancelled = std::current_exception();
        stop = true;
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!failure) failure = std::current_exception();
        stop = true;
      }
    }
  };

  std::atomic<bool> done{false};
  std::thread watcher;
  if (outer.cancel_flag() != nullptr) {
    watcher = std::thread([&] {
      while (!done.load()) {
        if (outer.cancelled()) stop = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
  std::vector<std::thread> pool;
  const std::size_t count =
      std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, threads)));
  for (std::size_t t = 0; t < count; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  done = true;
  if (watcher.joinable()) watcher.join();

  if (outer.cancelled()) throw util::ToolCancelled("area run cancelled");
  if (failure) std::rethrow_exception(failure);
  if (cancelled) std::rethrow_exception(cancelled);
}

}  // namespace bf::synth
