#include "synth/job_slots.hpp"

#include <algorithm>
#include <chrono>

namespace bf::synth {

JobSlots::JobSlots(int slots) : free_(std::max(1, slots)) {}

JobSlots::Hold::Hold(JobSlots& slots, const util::ToolBudget& budget) : slots_(slots) {
  std::unique_lock<std::mutex> lock(slots_.mu_);
  // Waits in short steps so a cancelled or expired budget stops the wait.
  while (slots_.free_ == 0) {
    if (budget.cancelled()) throw util::ToolCancelled("cancelled while waiting to run yosys");
    if (budget.expired()) throw util::ToolTimeout("no time left while waiting to run yosys");
    slots_.cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
  --slots_.free_;
}

JobSlots::Hold::~Hold() {
  {
    std::lock_guard<std::mutex> lock(slots_.mu_);
    ++slots_.free_;
  }
  slots_.cv_.notify_one();
}

}  // namespace bf::synth
