// `blockforge area` as a user meets it: the hierarchical report with its
// breakdown, the cache across runs, --flat, and bad option combinations.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/blockforge_cli.hpp"
#include "tests/synth/synth_fixture.hpp"

namespace bf::synth {
namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;
using bf::testing::Stderr;

using AreaCliTest = testing::SynthTest;

// stdout only.
CmdResult run(const std::string& args) { return run_blockforge(args, Stderr::Dropped); }

const std::string kConfig =
    std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/quant_block_bfp8_g16.toml";

TEST_F(AreaCliTest, HierarchicalJsonThenServedFromTheCache) {
  BF_REQUIRE_YOSYS();
  const std::string common = kConfig + " --json --cache " + cache() + " --work ";
  const CmdResult cold = run("area " + common + work("w1"));
  ASSERT_EQ(cold.code, 0) << cold.out;
  const auto c = nlohmann::json::parse(cold.out);
  EXPECT_EQ(c["mode"], "hierarchical");
  // The generator decides how many modules there are; every one is new here.
  ASSERT_GE(c["modules"].size(), 2u);
  EXPECT_EQ(c["cache_misses"], c["modules"].size());
  EXPECT_EQ(c["modules"][0]["module"], "quant_block_bfp8_g16");
  bool elem = false;
  for (const auto& m : c["modules"]) {
    if (m["module"] == "quant_block_bfp8_g16_elem") {
      elem = true;
      EXPECT_EQ(m["instances"], 16);  // one element quantizer per element
    }
  }
  EXPECT_TRUE(elem) << cold.out;
  EXPECT_EQ(c["unit"], "quant.block");

  const CmdResult warm = run("area " + common + work("w2"));
  ASSERT_EQ(warm.code, 0) << warm.out;
  const auto w = nlohmann::json::parse(warm.out);
  EXPECT_EQ(w["cache_misses"], 0);
  EXPECT_EQ(w["cache_hits"], c["modules"].size());
  EXPECT_EQ(w["yosys_runs"], 0);
  EXPECT_EQ(w["area_um2"], c["area_um2"]);
  EXPECT_EQ(w["logic_depth"], c["logic_depth"]);
}

TEST_F(AreaCliTest, TableShowsTheBreakdownAndFlatIsReachable) {
  BF_REQUIRE_YOSYS();
  const CmdResult table = run("area " + kConfig + " --cache " + cache() + " --work " + work("t"));
  ASSERT_EQ(table.code, 0) << table.out;
  EXPECT_NE(table.out.find("instances"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("  quant_block_bfp8_g16_elem"), std::string::npos) << table.out;

  const CmdResult flat = run("area " + kConfig + " --flat --json --work " + work("f"));
  ASSERT_EQ(flat.code, 0) << flat.out;
  const auto f = nlohmann::json::parse(flat.out);
  EXPECT_EQ(f["mode"], "flat");
  EXPECT_TRUE(f["modules"].empty());
  EXPECT_EQ(f["yosys_runs"], 1);
}

TEST_F(AreaCliTest, ContradictoryOptionsAreRejected) {
  EXPECT_NE(run("area " + kConfig + " --cache " + cache() + " --no-cache").code, 0);
  EXPECT_NE(run("area " + kConfig + " --share maybe").code, 0);
}

}  // namespace
}  // namespace bf::synth
