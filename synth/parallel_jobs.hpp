#pragma once
// Running the independent jobs of one area run (the unique modules of a
// design) on a few threads, each job starting Yosys processes.

#include <cstddef>
#include <functional>

#include "util/process.hpp"

namespace bf::synth {

// Calls job(i, budget) for every i in [0, n) on up to `threads` threads. The
// budget handed to the jobs keeps the deadline of `outer` and is cancelled
// when `outer` is, or as soon as one job throws: the first failure stops the
// others (their Yosys runs are killed) and is rethrown once every thread has
// ended. When `outer` was cancelled, util::ToolCancelled is thrown.
void run_parallel(std::size_t n, int threads, const util::ToolBudget& outer,
                  const std::function<void(std::size_t, const util::ToolBudget&)>& job);

}  // namespace bf::synth
