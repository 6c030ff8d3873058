// train-step's arithmetic on hand-checkable inputs: a one-layer network on
// an 8 x 8 array, made-up energies per cycle, and an fp32 PE a 64th of the
// array's area. The measured inputs are the flows' (tested there); what is
// tested here is how the command combines them.
#include "app/studies/train_step_estimate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "golden/flexblock/network.hpp"

namespace {

namespace fb = bf::golden::flexblock;
using bf::cli::estimate_train_step;
using bf::cli::Fp32Baseline;
using bf::cli::ModePairEnergy;

constexpr int64_t kBatch = 32;

// One fully connected layer, 64 -> 10: the first layer, so its data
// gradient is skipped and the step is forward + weight gradient.
fb::Network one_fc() {
  return fb::parse_network("name,type,cin,cout,k,stride,pad,h,w\nfc,fc,64,10,1,1,0,1,1\n",
                           "one_fc.csv");
}

bf::golden::FlexblockArrayParams array8x8() {
  bf::golden::FlexblockArrayParams p;
  p.rows = 8;
  p.cols = 8;
  return p;
}

std::vector<fb::NetworkMapping> maps(const std::vector<std::string>& schedules) {
  std::vector<fb::NetworkMapping> m;
  for (const auto& s : schedules)
    m.push_back(fb::map_network(one_fc(), fb::parse_schedule(s), kBatch, array8x8()));
  return m;
}

Fp32Baseline pe(double area) { return {"fp32_pe", area, 10.0, 1.0}; }

TEST(TrainStepEstimate, CombinesCyclesEnergiesAndTheSameAreaBaseline) {
  const auto m = maps({"all16", "all4"});
  const std::map<std::string, ModePairEnergy> energy = {{"bfp16", {100.0}}, {"bfp4", {250.0}}};
  const auto e = estimate_train_step(m, 64000.0, energy, pe(1000.0));

  const int64_t macs = 2 * kBatch * 64 * 10;  // forward and weight gradient
  EXPECT_EQ(e.macs, macs);
  ASSERT_EQ(e.schedules.size(), 2u);
  for (std::size_t s = 0; s < 2; ++s) {
    const auto& sc = e.schedules[s];
    const double pj = s == 0 ? 100.0 : 250.0;
    int64_t cycles = 0;
    for (const auto& p : sc.passes) {
      const auto& pass = m[s].of(fb::LayerSet::All).of(p.pass);
      EXPECT_EQ(p.cycles, pass.cycles);
      EXPECT_DOUBLE_EQ(p.energy_pj, static_cast<double>(pass.cycles) * pj);
      cycles += p.cycles;
    }
    EXPECT_EQ(sc.cycles, cycles);
    EXPECT_DOUBLE_EQ(sc.energy_pj, static_cast<double>(cycles) * pj);
  }
  // 4-bit mode does the same MACs in fewer cycles.
  EXPECT_LT(e.schedules[1].cycles, e.schedules[0].cycles);
  EXPECT_EQ(e.baseline.pes, 64);
  EXPECT_EQ(e.baseline.cycles, (macs + 63) / 64);
  EXPECT_DOUBLE_EQ(e.baseline.energy_pj, static_cast<double>(macs) * 10.0);
}

TEST(TrainStepEstimate, BaselinePesRoundDownAndCyclesRoundUp) {
  const auto m = maps({"all8"});
  const auto e = estimate_train_step(m, 64999.0, {{"bfp8", {1.0}}}, pe(1000.0));
  EXPECT_EQ(e.baseline.pes, 64);  // 64.999 PEs do not fit 65
  const auto two = estimate_train_step(m, 64000.0, {{"bfp8", {1.0}}}, {"pe2", 1000.0, 1.0, 2.0});
  EXPECT_EQ(two.baseline.cycles, (e.macs + 127) / 128);
}

TEST(TrainStepEstimate, MissingModePairIsNamed) {
  try {
    estimate_train_step(maps({"mixed"}), 64000.0, {{"bfp8", {1.0}}}, pe(1000.0));
    FAIL() << "a schedule's mode pair without an energy must throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bfp8x16"), std::string::npos) << e.what();
  }
}

TEST(TrainStepEstimate, PeLargerThanTheArrayIsRefused) {
  EXPECT_THROW(estimate_train_step(maps({"all8"}), 500.0, {{"bfp8", {1.0}}}, pe(1000.0)),
               std::invalid_argument);
}

TEST(TrainStepEstimate, ReportQuotesTheClaimAndSaysWhereTheRatioLands) {
  const auto m = maps({"all4"});
  // Energy per cycle chosen so that FlexBlock lands below the energy claim.
  const auto e = estimate_train_step(m, 64000.0, {{"bfp4", {1e5}}}, pe(1000.0));
  bf::cli::TrainStepContext c;
  c.network = "one_fc";
  c.batch = kBatch;
  c.array_name = "arr";
  c.rows = c.cols = 8;
  c.library = "lib";
  c.vectors = 10;
  c.energy_array = "arr (8 x 8)";
  const std::string text = bf::cli::train_step_text(e, c);
  EXPECT_NE(text.find("less energy (below the published 2.4-7.0x)"), std::string::npos) << text;
  const auto j = bf::cli::train_step_json(e, c);
  EXPECT_EQ(j["fp32_baseline"]["pes"], 64);
  EXPECT_DOUBLE_EQ(
      j["schedules"][0]["speedup_vs_fp32"].get<double>(),
      static_cast<double>(e.baseline.cycles) / static_cast<double>(e.schedules[0].cycles));
}

}  // namespace
