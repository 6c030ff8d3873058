#pragma once
// A cap on the Yosys processes running at once, shared by every design of
// one `blockforge area` call: designs run side by side and each of them
// synthesizes its modules side by side, but no more than N Yosys processes
// run in all (the machine's cores, not the number of designs, is the limit).

#include <condition_variable>
#include <mutex>

#include "util/process.hpp"

namespace bf::synth {

class JobSlots {
 public:
  explicit JobSlots(int slots);
  JobSlots(const JobSlots&) = delete;
  JobSlots& operator=(const JobSlots&) = delete;

  // Holds one slot for its lifetime.
  class Hold {
   public:
    Hold(JobSlots& slots, const util::ToolBudget& budget);
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    JobSlots& slots_;
  };

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

}  // namespace bf::synth
