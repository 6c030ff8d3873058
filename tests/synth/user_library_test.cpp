// Area flows on a user's cell library (--liberty): another library's names,
// dont_use, tie cells, libraries without resettable flops, and the delay
// target reaching the mapping.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "synth/area.hpp"
#include "tests/synth/synth_fixture.hpp"
#include "util/files.hpp"

namespace bf::synth {
namespace {

using UserLibraryTest = testing::SynthTest;

std::string mini_pdk() {
  return std::string(BLOCKFORGE_SOURCE_DIR) + "/tests/synth/data/mini_pdk.lib";
}

// A registered 4-bit adder with one constant-1 and one constant-0 output bit.
constexpr const char* kAccum = R"(
module accum (
  input  wire       clk_i,
  input  wire       rst_ni,
  input  wire [3:0] a_i,
  input  wire [3:0] b_i,
  output reg  [4:0] sum_o,
  output wire [1:0] const_o
);
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sum_o <= 5'd0;
    else sum_o <= a_i + b_i;
  end
  assign const_o = 2'b10;
endmodule
)";

AreaOptions on_mini(AreaOptions o) {
  o.liberty = mini_pdk();
  return o;
}

TEST_F(UserLibraryTest, MapsOntoAnotherLibrarysCells) {
  BF_REQUIRE_YOSYS();
  const auto r = run_area({write("accum.v", kAccum)}, "accum", work("w"), on_mini(hier()));
  double area = 0;
  for (const auto& [cell, n] : r.cells) {
    EXPECT_EQ(cell.rfind("mini_", 0), 0u) << cell;
    area += n * r.cell_area_um2.at(cell);
  }
  EXPECT_NEAR(r.area_um2, area, 1e-6);
  EXPECT_EQ(r.cells.at("mini_dfrtp_1"), 5);
  EXPECT_FALSE(r.cells.count("mini_buf_16"));  // dont_use in the library
  EXPECT_DOUBLE_EQ(r.nand2_area_um2, 3.75);
  EXPECT_EQ(r.liberty_name, "mini_pdk");
  EXPECT_EQ(r.liberty, mini_pdk());
  // Tie cells drive the constants.
  EXPECT_TRUE(r.cells.count("mini_tiehi") && r.cells.count("mini_tielo"));
  const std::string netlist = util::read_text(r.netlist);
  EXPECT_NE(netlist.find("mini_tiehi"), std::string::npos);
}

TEST_F(UserLibraryTest, DontUseKeepsCellsOutOfTheNetlist) {
  BF_REQUIRE_YOSYS();
  auto o = on_mini(flat());
  const auto with_xor = run_area({write("accum.v", kAccum)}, "accum", work("a"), o);
  ASSERT_TRUE(with_xor.cells.count("mini_xor2_1") || with_xor.cells.count("mini_xnor2_1"));
  o.dont_use = {"mini_xor2_1", "mini_xnor2_1"};
  const auto without = run_area({write("accum.v", kAccum)}, "accum", work("b"), o);
  EXPECT_FALSE(without.cells.count("mini_xor2_1"));
  EXPECT_FALSE(without.cells.count("mini_xnor2_1"));
  EXPECT_GT(without.area_um2, 0);
}

TEST_F(UserLibraryTest, NoResettableFlopSaysHowToProceed) {
  BF_REQUIRE_YOSYS();
  auto o = on_mini(flat());
  o.dont_use = {"mini_dfrtp_1", "mini_dfstp_1"};
  try {
    run_area({write("accum.v", kAccum)}, "accum", work("a"), o);
    FAIL() << "mapped async-reset flops onto a library without them";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--async-reset sync"), std::string::npos) << e.what();
  }
  o.async_reset_to_sync = true;
  const auto r = run_area({write("accum.v", kAccum)}, "accum", work("b"), o);
  EXPECT_EQ(r.cells.at("mini_dfxtp_1"), 5);
}

TEST_F(UserLibraryTest, MissingBufferNamesTheCellKind) {
  BF_REQUIRE_YOSYS();
  auto o = on_mini(flat());
  o.dont_use = {"mini_buf_1"};
  try {
    run_area({write("accum.v", kAccum)}, "accum", work("a"), o);
    FAIL() << "mapped without a buffer";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no usable buffer"), std::string::npos) << e.what();
  }
}

TEST_F(UserLibraryTest, ClockTargetReachesTheMappingAndTheKey) {
  BF_REQUIRE_YOSYS();
  auto o = flat();
  o.clock_ns = 0.5;
  const auto r = run_area({write("accum.v", kAccum)}, "accum", work("a"), o);
  EXPECT_NE(util::read_text(work("a") + "/area.ys").find("abc -liberty cells.lib -D 500"),
            std::string::npos);
  EXPECT_DOUBLE_EQ(r.clock_ns, 0.5);
  auto h = hier();
  const auto plain = run_area({write("accum.v", kAccum)}, "accum", work("b"), h);
  h.clock_ns = 0.5;
  const auto timed = run_area({write("accum.v", kAccum)}, "accum", work("c"), h);
  EXPECT_EQ(timed.cache_misses, 1);  // a different mapping is not served from the cache
  EXPECT_EQ(plain.cache_misses, 1);
}

TEST_F(UserLibraryTest, BadClockIsRejected) {
  auto o = flat();
  o.clock_ns = -1;
  EXPECT_THROW(run_area({write("accum.v", kAccum)}, "accum", work("a"), o), std::runtime_error);
}

}  // namespace
}  // namespace bf::synth
