// flexblock.array's golden beat-level model, driven by the GEMM schedule,
// against a direct evaluation of the BFP dot-product contract; and the
// schedule's length against the timing contract the mapping model uses.
#include <gtest/gtest.h>

#include <random>

#include "generator/units/flexblock_array/flexblock_array_vectors.hpp"
#include "golden/flexblock/mapping.hpp"
#include "golden/units/flexblock_array/flexblock_array_schedule.hpp"

namespace bf {
namespace {

namespace fb = golden::flexblock;
using fb::Mode;
using golden::FlexblockArrayParams;

// C straight from the contract: the golden GEMM's reference implementation.
std::vector<uint32_t> contract_gemm(const fb::BfpMatrix& a, const fb::BfpMatrix& bt) {
  return fb::bfp_gemm_reference(a, bt);
}

std::vector<golden::FlexblockArrayOutput> run(const FlexblockArrayParams& p,
                                              const golden::ArraySchedule& s) {
  golden::FlexblockArrayModel model(p);
  std::vector<golden::FlexblockArrayOutput> out;
  for (const auto& beat : s.beats) out.push_back(model.step(beat));
  return out;
}

int expected_beats(const FlexblockArrayParams& p, const fb::BfpMatrix& a, const fb::BfpMatrix& bt) {
  int per_tile = 0;
  for (int len : fb::segment_lengths(a.k, a.group, bt.group))
    per_tile += std::max(fb::segment_beats(len, a.mode, bt.mode), p.cols);
  const int tiles = ((a.rows + p.rows - 1) / p.rows) * ((bt.rows + p.cols - 1) / p.cols);
  return tiles * per_tile + golden::array_drain_cycles(p);
}

struct Shape {
  int rows, cols, m, n, k;
  Mode ma, mb;
};

class FlexblockArrayGemm : public ::testing::TestWithParam<Shape> {};

TEST_P(FlexblockArrayGemm, ResultsEqualTheContractAndTheScheduleHasTheModelLength) {
  const Shape& s = GetParam();
  FlexblockArrayParams p;
  p.rows = s.rows;
  p.cols = s.cols;
  std::mt19937_64 rng(static_cast<uint64_t>(s.m * 131 + s.k));
  const auto g = flexblock_array::gaussian_gemm(s.ma, s.mb, s.m, s.n, s.k, rng);
  const auto sched = golden::schedule_gemm(p, g.a, g.bt);
  EXPECT_EQ(static_cast<int>(sched.beats.size()), expected_beats(p, g.a, g.bt));
  // The mapping model (blockforge map) predicts exactly this many cycles; the
  // RTL equals this model beat for beat (the array's verification), so the
  // model's cycle count is the RTL's.
  const auto mapped = fb::map_gemm({s.m, s.n, s.k}, {s.ma, s.mb, g.a.group, g.bt.group}, p);
  EXPECT_EQ(mapped.cycles, static_cast<int64_t>(sched.beats.size()));
  EXPECT_EQ(mapped.tiles(), sched.tiles);
  const auto outputs = run(p, sched);
  // The last result leaves on the last beat: the drain is exactly long enough.
  EXPECT_TRUE(outputs.back().done[0]);
  EXPECT_EQ(outputs.back().col[0], 0u);
  EXPECT_EQ(golden::collect_gemm(p, s.m, s.n, outputs), contract_gemm(g.a, g.bt));
}

INSTANTIATE_TEST_SUITE_P(Shapes, FlexblockArrayGemm,
                         ::testing::Values(Shape{2, 3, 5, 7, 40, Mode::M16, Mode::M16},
                                           Shape{2, 3, 4, 6, 500, Mode::M4, Mode::M4},
                                           Shape{4, 4, 4, 9, 130, Mode::M16, Mode::M4},
                                           Shape{3, 2, 7, 3, 300, Mode::M8, Mode::M4},
                                           Shape{1, 1, 2, 2, 60, Mode::M4, Mode::M16},
                                           Shape{8, 8, 9, 17, 576, Mode::M8, Mode::M8}));

TEST(FlexblockArrayModel, BackToBackGemmsSwitchModesWhileTheFirstDrains) {
  FlexblockArrayParams p;
  p.rows = 2;
  p.cols = 4;
  std::mt19937_64 rng(3);
  const auto g1 = flexblock_array::gaussian_gemm(Mode::M4, Mode::M8, 3, 5, 100, rng);
  const auto g2 = flexblock_array::gaussian_gemm(Mode::M16, Mode::M16, 2, 4, 10, rng);
  auto s1 = golden::schedule_gemm(p, g1.a, g1.bt, false);
  const auto s2 = golden::schedule_gemm(p, g2.a, g2.bt, true);
  const auto first_beats = s1.beats.size();
  s1.beats.insert(s1.beats.end(), s2.beats.begin(), s2.beats.end());
  const auto outputs = run(p, s1);
  const std::vector<golden::FlexblockArrayOutput> out1(outputs.begin(),
                                                       outputs.begin() + first_beats + p.cols);
  const std::vector<golden::FlexblockArrayOutput> out2(outputs.begin() + first_beats + p.cols,
                                                       outputs.end());
  EXPECT_EQ(golden::collect_gemm(p, 3, 5, out1), contract_gemm(g1.a, g1.bt));
  EXPECT_EQ(golden::collect_gemm(p, 2, 4, out2), contract_gemm(g2.a, g2.bt));
}

TEST(FlexblockArrayModel, ACorruptedLaneChangesTheResult) {
  FlexblockArrayParams p;
  p.rows = 2;
  p.cols = 2;
  std::mt19937_64 rng(5);
  const auto g = flexblock_array::gaussian_gemm(Mode::M8, Mode::M8, 2, 2, 30, rng);
  auto sched = golden::schedule_gemm(p, g.a, g.bt);
  sched.beats[1].a_mag[0] ^= 0x80;  // one magnitude bit of row 0
  EXPECT_NE(golden::collect_gemm(p, 2, 2, run(p, sched)), contract_gemm(g.a, g.bt));
}

TEST(FlexblockArrayModel, MissingResultsAreReported) {
  FlexblockArrayParams p;
  p.rows = 2;
  p.cols = 2;
  std::mt19937_64 rng(5);
  const auto g = flexblock_array::gaussian_gemm(Mode::M8, Mode::M8, 2, 2, 30, rng);
  const auto sched = golden::schedule_gemm(p, g.a, g.bt, false);  // no drain
  EXPECT_THROW(golden::collect_gemm(p, 2, 2, run(p, sched)), std::runtime_error);
}

}  // namespace
}  // namespace bf
