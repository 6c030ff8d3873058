// The hierarchical area flow on hand-written hierarchies: totals are sums
// over the instance tree, the breakdown counts instances (generate loops
// included), depth runs across module boundaries, and bad hierarchies fail
// with a message that says what to do.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "synth/area.hpp"
#include "tests/synth/synth_fixture.hpp"

namespace bf::synth {
namespace {

using HierarchyTest = testing::SynthTest;

// leaf: a registered 8-bit adder; mid: two leaves and an XOR of their sums;
// top: three mids on independent inputs (nothing to share across
// boundaries, so flat synthesis cannot do much better).
constexpr const char* kLeaf = R"(
// leaf header: differs between designs, not part of any cache key
module leaf (
  input  wire       clk_i,
  input  wire [7:0] a_i,
  input  wire [7:0] b_i,
  output reg  [7:0] s_o
);
  always @(posedge clk_i) s_o <= a_i + b_i;
endmodule
)";

constexpr const char* kMid = R"(
module mid (
  input  wire        clk_i,
  input  wire [31:0] x_i,
  output wire [7:0]  y_o
);
  wire [7:0] s0, s1;
  leaf u_l0 (.clk_i(clk_i), .a_i(x_i[7:0]), .b_i(x_i[15:8]), .s_o(s0));
  leaf u_l1 (.clk_i(clk_i), .a_i(x_i[23:16]), .b_i(x_i[31:24]), .s_o(s1));
  assign y_o = s0 ^ s1;
endmodule
)";

constexpr const char* kTop = R"(
module top (
  input  wire        clk_i,
  input  wire [95:0] x_i,
  output wire [23:0] y_o
);
  mid u_m0 (.clk_i(clk_i), .x_i(x_i[31:0]),  .y_o(y_o[7:0]));
  mid u_m1 (.clk_i(clk_i), .x_i(x_i[63:32]), .y_o(y_o[15:8]));
  mid u_m2 (.clk_i(clk_i), .x_i(x_i[95:64]), .y_o(y_o[23:16]));
endmodule
)";

std::map<std::string, ModuleArea> by_name(const AreaReport& r) {
  std::map<std::string, ModuleArea> out;
  for (const auto& m : r.modules) out[m.name] = m;
  return out;
}

TEST_F(HierarchyTest, TotalIsTheSumOfItsPartsAndCloseToFlat) {
  BF_REQUIRE_YOSYS();
  const std::vector<std::string> files = {write("leaf.v", kLeaf), write("mid.v", kMid),
                                          write("top.v", kTop)};
  const AreaReport h = run_area(files, "top", work("hier"), hier());
  const AreaReport f = run_area(files, "top", work("flat"), flat());
  ASSERT_EQ(h.modules.size(), 3u);
  auto m = by_name(h);
  EXPECT_EQ(m["top"].instances, 1);
  EXPECT_EQ(m["mid"].instances, 3);   // instanced 3 times by top
  EXPECT_EQ(m["leaf"].instances, 6);  // 2 per mid
  EXPECT_EQ(m["mid"].children, (std::map<std::string, long>{{"leaf", 2}}));
  EXPECT_EQ(m["top"].children, (std::map<std::string, long>{{"mid", 3}}));
  EXPECT_EQ(h.modules[0].name, "top");
  EXPECT_EQ(h.modules[0].level, 0);
  EXPECT_EQ(m["leaf"].level, 2);

  // Sum over the tree, level by level.
  EXPECT_NEAR(m["mid"].total_area_um2, m["mid"].own_area_um2 + 2 * m["leaf"].total_area_um2, 1e-6);
  EXPECT_NEAR(m["top"].total_area_um2, m["top"].own_area_um2 + 3 * m["mid"].total_area_um2, 1e-6);
  EXPECT_NEAR(h.area_um2,
              m["top"].own_area_um2 + 3 * m["mid"].own_area_um2 + 6 * m["leaf"].own_area_um2, 1e-6);
  EXPECT_DOUBLE_EQ(h.area_um2, m["top"].total_area_um2);
  EXPECT_EQ(h.flops, 6 * 8);
  EXPECT_EQ(m["leaf"].own_flops, 8);
  EXPECT_EQ(m["mid"].own_flops, 0);
  EXPECT_EQ(h.transistors, m["top"].own_transistors + 3 * m["mid"].own_transistors +
                               6 * m["leaf"].own_transistors);
  long cells = 0;
  for (const auto& [type, n] : h.cells) cells += n;
  EXPECT_EQ(cells, h.cell_count);
  EXPECT_EQ(h.cells.at("DFF"), 48);
  EXPECT_NEAR(h.nand2_eq, h.area_um2 / kNand2AreaUm2, 1e-9);

  // Nothing to optimize across boundaries: within a few percent of flat.
  EXPECT_EQ(f.flops, h.flops);
  EXPECT_NEAR(h.area_um2, f.area_um2, 0.05 * f.area_um2);
  EXPECT_EQ(h.logic_depth, f.logic_depth);
}

TEST_F(HierarchyTest, GenerateLoopInstancesAreCounted) {
  BF_REQUIRE_YOSYS();
  // Yosys names these g_lane[0].u_leaf ... g_lane[3].u_leaf.
  const std::string top = R"(
`default_nettype none
module lanes (
  input  wire        clk_i,
  input  wire [63:0] a_i,
  output wire [31:0] s_o
);
  genvar i;
  generate
    for (i = 0; i < 4; i = i + 1) begin : g_lane
      leaf u_leaf (.clk_i(clk_i), .a_i(a_i[16*i +: 8]), .b_i(a_i[16*i+8 +: 8]),
                   .s_o(s_o[8*i +: 8]));
    end
  endgenerate
  // Output left open.
  leaf u_extra (.clk_i(clk_i), .a_i(a_i[7:0]), .b_i(a_i[63:56]), .s_o());
endmodule
)";
  const AreaReport r =
      run_area({write("leaf.v", kLeaf), write("lanes.v", top)}, "lanes", work("w"), hier());
  auto m = by_name(r);
  ASSERT_TRUE(m.count("leaf"));
  // The four loop instances; u_extra drives nothing, so synthesis removes
  // it, as flat synthesis removes its logic.
  EXPECT_EQ(m["leaf"].instances, 4);
  EXPECT_EQ(m["lanes"].children.at("leaf"), 4);
  EXPECT_NEAR(r.area_um2, m["lanes"].own_area_um2 + 4 * m["leaf"].own_area_um2, 1e-6);
  const AreaReport f =
      run_area({write("leaf2.v", kLeaf), write("lanes2.v", top)}, "lanes", work("f"), flat());
  EXPECT_EQ(f.flops, r.flops);
}

// Half of a chain of ANDs in each of two modules in series: the design's
// depth is the whole chain, not the depth of either module.
TEST_F(HierarchyTest, DepthRunsAcrossModuleBoundaries) {
  BF_REQUIRE_YOSYS();
  const std::string half = R"(
module half (input wire x_i, input wire [7:0] a_i, output wire y_o);
  assign y_o = ((((((((x_i & a_i[0]) | a_i[1]) & a_i[2]) | a_i[3]) & a_i[4]) | a_i[5]) & a_i[6])
               | a_i[7]);
endmodule
)";
  const std::string chain = R"(
module chain (input wire x_i, input wire [15:0] a_i, output wire y_o);
  wire m;
  half u_first  (.x_i(x_i), .a_i(a_i[7:0]),  .y_o(m));
  half u_second (.x_i(m),   .a_i(a_i[15:8]), .y_o(y_o));
endmodule
)";
  const std::string half_file = write("half.v", half);
  const AreaReport one = run_area({half_file}, "half", work("half"), hier());
  const AreaReport two =
      run_area({half_file, write("chain.v", chain)}, "chain", work("chain"), hier());
  const AreaReport flat_two =
      run_area({half_file, write("chain_flat.v", chain)}, "chain", work("flat"), flat());
  ASSERT_GE(one.logic_depth, 2);
  EXPECT_EQ(two.logic_depth, 2 * one.logic_depth);
  EXPECT_EQ(two.logic_depth, flat_two.logic_depth);
}

TEST_F(HierarchyTest, MissingChildModuleSaysWhichAndWhatToDo) {
  BF_REQUIRE_YOSYS();
  const std::string top = R"(
module top_missing (input wire [7:0] a_i, output wire [7:0] y_o);
  absent_unit u_absent (.a_i(a_i), .y_o(y_o));
endmodule
)";
  try {
    run_area({write("top.v", top)}, "top_missing", work("w"), hier());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("module 'top_missing' instantiates 'absent_unit' (instance u_absent)"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("add the file that defines 'absent_unit'"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST_F(HierarchyTest, WrongTopListsTheModules) {
  BF_REQUIRE_YOSYS();
  try {
    run_area({write("leaf.v", kLeaf)}, "nope", work("w"), hier());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("top module 'nope' is not defined"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("leaf"), std::string::npos) << e.what();
  }
}

TEST_F(HierarchyTest, ParameterizedInstanceAsksForFlat) {
  BF_REQUIRE_YOSYS();
  const std::string src = R"(
module widen #(parameter W = 4) (input wire [W-1:0] a_i, output wire [W-1:0] y_o);
  assign y_o = ~a_i;
endmodule
module ptop (input wire [7:0] a_i, output wire [7:0] y_o);
  widen #(.W(8)) u_w (.a_i(a_i), .y_o(y_o));
endmodule
)";
  try {
    run_area({write("p.v", src)}, "ptop", work("w"), hier());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'ptop' instantiates 'widen' with parameters"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--flat"), std::string::npos) << msg;
  }
  // The flat flow handles it.
  EXPECT_GT(run_area({write("p2.v", src)}, "ptop", work("flat"), flat()).area_um2, 0);
}

TEST_F(HierarchyTest, BreakdownTableAndJson) {
  BF_REQUIRE_YOSYS();
  const AreaReport r =
      run_area({write("leaf.v", kLeaf), write("mid.v", kMid), write("top.v", kTop)}, "top",
               work("w"), hier());
  const std::string table = to_table(r);
  EXPECT_NE(table.find("hierarchical"), std::string::npos) << table;
  EXPECT_NE(table.find("instances"), std::string::npos) << table;
  EXPECT_NE(table.find("\n  top "), std::string::npos) << table;
  EXPECT_NE(table.find("\n      leaf "), std::string::npos) << table;  // level 2
  const auto j = to_json(r);
  EXPECT_EQ(j["mode"], "hierarchical");
  ASSERT_EQ(j["modules"].size(), 3u);
  EXPECT_EQ(j["modules"][0]["module"], "top");
  EXPECT_DOUBLE_EQ(j["modules"][0]["share_of_design"].get<double>(), 1.0);
  EXPECT_EQ(j["cache_misses"], 3);
  EXPECT_EQ(j["cache_hits"], 0);
  for (const auto& m : j["modules"]) {
    for (const char* key : {"instances", "own_area_um2", "total_area_um2", "own_flops",
                            "total_flops", "seconds", "synth_seconds", "cached", "key"}) {
      EXPECT_TRUE(m.contains(key)) << key;
    }
  }
  EXPECT_EQ(j["tool"]["script"], "synth/area_module.ys");
  EXPECT_EQ(j["tool"]["cache"], cache());
}

}  // namespace
}  // namespace bf::synth
