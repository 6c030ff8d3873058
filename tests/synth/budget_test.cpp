// Time limits and cancellation of the hierarchical flow, and the job runner
// behind its parallel module runs.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "synth/area.hpp"
#include "synth/parallel_jobs.hpp"
#include "tests/synth/synth_fixture.hpp"

namespace bf::synth {
namespace {

using BudgetTest = testing::SynthTest;

constexpr const char* kMul = R"(
module mul16 (input wire [15:0] a_i, input wire [15:0] b_i, output wire [31:0] p_o);
  assign p_o = a_i * b_i;
endmodule
)";

TEST_F(BudgetTest, CancelledRunThrowsToolCancelledAndCachesNothing) {
  BF_REQUIRE_YOSYS();
  std::atomic<bool> cancel{true};
  AreaOptions o = hier();
  o.budget = util::ToolBudget(0, &cancel);
  EXPECT_THROW(run_area({write("mul.v", kMul)}, "mul16", work("w"), o), util::ToolCancelled);
  // Nothing half-done was stored: a normal run synthesizes the module.
  const AreaReport r = run_area({write("mul2.v", kMul)}, "mul16", work("w2"), hier());
  EXPECT_EQ(r.cache_misses, 1);
}

TEST_F(BudgetTest, ExpiredDeadlineThrowsToolTimeout) {
  BF_REQUIRE_YOSYS();
  AreaOptions o = hier();
  o.budget = util::ToolBudget(0.001);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_THROW(run_area({write("mul.v", kMul)}, "mul16", work("w"), o), util::ToolTimeout);
  AreaOptions f = flat();
  f.budget = util::ToolBudget(0.001);
  EXPECT_THROW(run_area({write("mul2.v", kMul)}, "mul16", work("f"), f), util::ToolTimeout);
}

TEST(ParallelJobs, FirstFailureStopsTheRestAndIsRethrown) {
  std::atomic<int> started{0};
  std::atomic<bool> saw_cancel{false};
  try {
    run_parallel(50, 2, util::ToolBudget(), [&](std::size_t i, const util::ToolBudget& b) {
      ++started;
      if (i == 0) {
        // Fail while the other thread runs job 1.
        for (int k = 0; k < 1000 && started.load() < 2; ++k) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        throw std::runtime_error("job 0 failed");
      }
      // A long job notices the stop through its budget.
      for (int k = 0; k < 200 && !b.cancelled(); ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (b.cancelled()) {
        saw_cancel = true;
        throw util::ToolCancelled("stopped");
      }
    });
    FAIL() << "expected the first failure";
  } catch (const util::ToolCancelled&) {
    FAIL() << "the cancellation it caused hid the failure";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "job 0 failed");
  }
  EXPECT_LT(started.load(), 50);
  EXPECT_TRUE(saw_cancel.load());
}

TEST(ParallelJobs, OuterCancellationReachesTheJobs) {
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(run_parallel(4, 2, util::ToolBudget(0, &cancel),
                            [&](std::size_t, const util::ToolBudget& b) {
                              while (!b.cancelled()) {
                                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                                if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(5))
                                  return;  // the test fails below instead of hanging
                              }
                              throw util::ToolCancelled("stopped");
                            }),
               util::ToolCancelled);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(ParallelJobs, RunsEveryJobOnce) {
  std::vector<std::atomic<int>> runs(100);
  run_parallel(runs.size(), 3, util::ToolBudget(),
               [&](std::size_t i, const util::ToolBudget&) { ++runs[i]; });
  for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
}

}  // namespace
}  // namespace bf::synth
