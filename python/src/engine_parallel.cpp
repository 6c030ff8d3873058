#include "python/src/engine_parallel.hpp"

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace bf::py {

int engine_threads() {
  const unsigned hw = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(hw, 1u, 4u));
}

void parallel_ranges(std::size_t n, const std::function<void(std::size_t, std::size_t)>& body) {
  const std::size_t threads = std::min(n, static_cast<std::size_t>(engine_threads()));
  if (threads <= 1) {
    if (n) body(0, n);
    return;
  }
  std::exception_ptr error;
  std::mutex error_mutex;
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t) {
    const std::size_t begin = n * t / threads, end = n * (t + 1) / threads;
    pool.emplace_back([&, begin, end] {
      try {
        body(begin, end);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    });
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace bf::py
