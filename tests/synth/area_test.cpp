// Area flow: the flat run_area() (--flat) on small hand-written Verilog
// fixtures, the cell library, the JSON and table reports.

#include "synth/area.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/synth/synth_fixture.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

using AreaTest = testing::SynthTest;

constexpr const char* kReg8 = R"(
module reg8 (
  input  wire       clk_i,
  input  wire       rst_ni,
  input  wire [7:0] d_i,
  output reg  [7:0] q_o
);
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) q_o <= 8'd0;
    else q_o <= d_i;
  end
endmodule
)";

constexpr const char* kAdd4 = R"(
module add4 (
  input  wire [3:0] a_i,
  input  wire [3:0] b_i,
  output wire [4:0] sum_o
);
  assign sum_o = a_i + b_i;
endmodule
)";

constexpr const char* kPassthrough = R"(
module passthrough (
  input  wire [3:0] a_i,
  output wire [3:0] y_o
);
  assign y_o = a_i;
endmodule
)";

// Sum over cells of count * liberty area, straight from cells.lib.
double liberty_area(const AreaReport& r) {
  const auto lib = read_liberty_cells(liberty_path());
  double area = 0;
  for (const auto& [type, count] : r.cells) area += count * lib.at(type).area_um2;
  return area;
}

TEST(Liberty, HasTheProjectCellsWithNangateX1Areas) {
  const auto lib = read_liberty_cells(liberty_path());
  const std::vector<std::pair<std::string, double>> expected = {
      {"INV", 0.532},   {"BUF", 0.798},   {"NAND2", 0.798}, {"NOR2", 0.798},     {"AND2", 1.064},
      {"OR2", 1.064},   {"XOR2", 1.596},  {"XNOR2", 1.596}, {"NAND3", 1.064},    {"NOR3", 1.064},
      {"AOI21", 1.064}, {"OAI21", 1.064}, {"AOI22", 1.330}, {"OAI22", 1.330},    {"MUX2", 1.862},
      {"DFF", 4.522},   {"DFFR", 5.320},  {"DFFS", 5.320},  {"NAND2_X2", 1.330}, {"INV_X4", 1.330},
      {"FA", 4.256},    {"HA", 2.660}};
  EXPECT_EQ(lib.size(), expected.size());
  for (const auto& [name, area] : expected) {
    ASSERT_TRUE(lib.count(name)) << name;
    EXPECT_DOUBLE_EQ(lib.at(name).area_um2, area) << name;
    EXPECT_EQ(lib.at(name).sequential, name.rfind("DFF", 0) == 0) << name;
  }
  EXPECT_DOUBLE_EQ(lib.at("NAND2").area_um2, kNand2AreaUm2);
}

TEST(Liberty, StableHashIsFnv1a64) {
  EXPECT_EQ(stable_hash(""), "cbf29ce484222325");
  EXPECT_EQ(stable_hash("a"), "af63dc4c8601ec8c");
}

TEST_F(AreaTest, RegisterMapsToResettableFlops) {
  BF_REQUIRE_YOSYS();
  const AreaReport r = run_area({write("reg8.v", kReg8)}, "reg8", work("reg8"), flat());
  EXPECT_EQ(r.top, "reg8");
  EXPECT_EQ(r.flops, 8);
  ASSERT_TRUE(r.cells.count("DFFR"));
  EXPECT_EQ(r.cells.at("DFFR"), 8);
  EXPECT_EQ(r.cell_count, 8);
  EXPECT_NEAR(r.flop_area_um2, 8 * 5.320, 1e-9);
  EXPECT_NEAR(r.area_um2, 8 * 5.320, 1e-9);
  EXPECT_EQ(r.logic_depth, 0);
  EXPECT_EQ(r.transistors, 8 * kAsyncFlopTransistors);
  EXPECT_EQ(r.flop_types, std::set<std::string>{"DFFR"});
}

TEST_F(AreaTest, ResetValuesAndEnablesPickTheRightFlops) {
  BF_REQUIRE_YOSYS();
  const std::string src = R"(
module flops (
  input  wire       clk_i,
  input  wire       rst_ni,
  input  wire       en_i,
  input  wire [2:0] d_i,
  output reg  [2:0] zero_q,
  output reg  [2:0] one_q,
  output reg  [2:0] plain_q
);
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) zero_q <= 3'b000;
    else if (en_i) zero_q <= d_i;
  end
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) one_q <= 3'b111;
    else one_q <= d_i;
  end
  always @(posedge clk_i) plain_q <= d_i;
endmodule
)";
  const AreaReport r = run_area({write("flops.v", src)}, "flops", work("flops"), flat());
  EXPECT_EQ(r.flops, 9);
  EXPECT_EQ(r.cells.at("DFFR"), 3);
  EXPECT_EQ(r.cells.at("DFFS"), 3);
  EXPECT_EQ(r.cells.at("DFF"), 3);
  EXPECT_NEAR(r.flop_area_um2, 3 * 5.320 + 3 * 5.320 + 3 * 4.522, 1e-9);
  // The clock enable costs logic (a mux per bit) in front of the DFFR.
  EXPECT_GT(r.area_um2, r.flop_area_um2);
  EXPECT_GE(r.logic_depth, 1);
  EXPECT_NEAR(r.area_um2, liberty_area(r), 1e-9);
}

TEST_F(AreaTest, AdderIsCombinationalWithDepth) {
  BF_REQUIRE_YOSYS();
  const AreaReport r = run_area({write("add4.v", kAdd4)}, "add4", work("add4"), flat());
  EXPECT_EQ(r.flops, 0);
  EXPECT_EQ(r.flop_area_um2, 0);
  EXPECT_GT(r.area_um2, 0);
  EXPECT_GT(r.cell_count, 4);
  EXPECT_GT(r.logic_depth, 1);
  EXPECT_GT(r.transistors, 0);
  EXPECT_DOUBLE_EQ(r.transistor_nand2_eq, r.transistors / 4.0);
  EXPECT_DOUBLE_EQ(r.nand2_eq, r.area_um2 / 0.798);
  EXPECT_NEAR(r.area_um2, liberty_area(r), 1e-9);
  long total = 0;
  for (const auto& [type, count] : r.cells) total += count;
  EXPECT_EQ(total, r.cell_count);
  EXPECT_TRUE(r.flop_types.empty());
  EXPECT_NE(r.yosys_version.find("Yosys"), std::string::npos);
}

TEST_F(AreaTest, PassthroughHasNoArea) {
  BF_REQUIRE_YOSYS();
  const AreaReport r =
      run_area({write("pass.v", kPassthrough)}, "passthrough", work("passthrough"), flat());
  EXPECT_EQ(r.area_um2, 0);
  EXPECT_EQ(r.cell_count, 0);
  EXPECT_TRUE(r.cells.empty());
  EXPECT_EQ(r.flops, 0);
  EXPECT_EQ(r.transistors, 0);
  EXPECT_EQ(r.logic_depth, 0);
}

TEST_F(AreaTest, HierarchyIsFlattenedAcrossFiles) {
  BF_REQUIRE_YOSYS();
  const std::string top = R"(
module two_adders (
  input  wire [3:0] a_i,
  input  wire [3:0] b_i,
  input  wire [3:0] c_i,
  output wire [4:0] ab_o,
  output wire [4:0] bc_o
);
  add4 u_ab (.a_i(a_i), .b_i(b_i), .sum_o(ab_o));
  add4 u_bc (.a_i(b_i), .b_i(c_i), .sum_o(bc_o));
endmodule
)";
  const AreaReport one = run_area({write("add4.v", kAdd4)}, "add4", work("one"), flat());
  const AreaReport two =
      run_area({write("add4.v", kAdd4), write("top.v", top)}, "two_adders", work("two"), flat());
  EXPECT_EQ(two.top, "two_adders");
  // Two independent adders; ABC may map them a little differently.
  EXPECT_NEAR(two.area_um2, 2 * one.area_um2, 0.25 * one.area_um2);
  EXPECT_NEAR(two.area_um2, liberty_area(two), 1e-9);
}

TEST_F(AreaTest, SameInputGivesSameReport) {
  BF_REQUIRE_YOSYS();
  const std::string file = write("add4.v", kAdd4);
  auto a = to_json(run_area({file}, "add4", work("a"), flat()));
  auto b = to_json(run_area({file}, "add4", work("b"), flat()));
  a.erase("seconds");  // wall time
  b.erase("seconds");
  EXPECT_EQ(a.dump(), b.dump());
}

TEST_F(AreaTest, BrokenVerilogPointsAtTheLog) {
  BF_REQUIRE_YOSYS();
  const std::string file = write("broken.v",
                                 "module broken(input a, output b);\n  assign b = a &;\n"
                                 "endmodule\n");
  const std::string wd = work("broken");
  try {
    run_area({file}, "broken", wd, flat());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find((fs::path(wd) / "yosys.log").string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("ERROR"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  EXPECT_TRUE(fs::exists(fs::path(wd) / "yosys.log"));
  // Hierarchical: the design scan reads the files and names the same error.
  try {
    run_area({file}, "broken", work("broken_hier"), hier());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("broken.v:2"), std::string::npos) << msg;
    EXPECT_NE(msg.find((fs::path(work("broken_hier")) / "scan" / "yosys.log").string()),
              std::string::npos)
        << msg;
  }
}

TEST_F(AreaTest, WrongTopPointsAtTheLog) {
  BF_REQUIRE_YOSYS();
  try {
    run_area({write("add4.v", kAdd4)}, "no_such_module", work("wrongtop"), flat());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("yosys.log"), std::string::npos) << e.what();
  }
}

TEST_F(AreaTest, LatchIsRejectedNotSilentlyDropped) {
  BF_REQUIRE_YOSYS();
  const std::string src = R"(
module latch (input wire en_i, input wire d_i, output reg q_o);
  always @(*) if (en_i) q_o = d_i;
endmodule
)";
  const std::string file = write("latch.v", src);
  EXPECT_THROW(run_area({file}, "latch", work("flat"), flat()), std::runtime_error);
  EXPECT_THROW(run_area({file}, "latch", work("hier"), hier()), std::runtime_error);
}

TEST_F(AreaTest, BadArgumentsAreRejectedBeforeRunningYosys) {
  for (const AreaOptions& o : {flat(), hier()}) {
    EXPECT_THROW(run_area({}, "x", work("w"), o), std::runtime_error);
    EXPECT_THROW(run_area({(dir_ / "missing.v").string()}, "x", work("w"), o), std::runtime_error);
    EXPECT_THROW(run_area({write("add4.v", kAdd4)}, "add4; shell", work("w"), o),
                 std::runtime_error);
  }
}

TEST_F(AreaTest, MissingYosysSaysHowToInstallIt) {
  const std::string file = write("add4.v", kAdd4);
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", (dir_ / "empty_bin").c_str(), 1);
  std::string flat_msg, hier_msg;
  try {
    run_area({file}, "add4", work("nopath"), flat());
  } catch (const std::runtime_error& e) {
    flat_msg = e.what();
  }
  try {
    run_area({file}, "add4", work("nopath"), hier());
  } catch (const std::runtime_error& e) {
    hier_msg = e.what();
  }
  if (old) {
    ::setenv("PATH", saved.c_str(), 1);
  } else {
    ::unsetenv("PATH");
  }
  EXPECT_EQ(flat_msg, "yosys not found on PATH; install it with apt-get install yosys");
  EXPECT_EQ(hier_msg, flat_msg);
}

TEST_F(AreaTest, JsonHasAllKeysInOrder) {
  BF_REQUIRE_YOSYS();
  const AreaReport r = run_area({write("reg8.v", kReg8)}, "reg8", work("json"), flat());
  const auto j = to_json(r);
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  const std::vector<std::string> expected = {
      "top",         "mode",    "area_um2",      "nand2_eq",    "cells",
      "cell_count",  "flops",   "flop_area_um2", "transistors", "transistor_nand2_eq",
      "logic_depth", "seconds", "yosys_runs",    "cache_hits",  "cache_misses",
      "modules",     "notes",   "tool"};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(j["mode"], "flat");
  EXPECT_EQ(j["cells"]["DFFR"], 8);
  EXPECT_EQ(j["flops"], 8);
  EXPECT_EQ(j["yosys_runs"], 1);
  EXPECT_TRUE(j["modules"].empty());
  const auto& tool = j["tool"];
  for (const char* key : {"yosys_version", "script", "script_hash", "liberty", "liberty_hash"}) {
    ASSERT_TRUE(tool.contains(key)) << key;
    EXPECT_FALSE(tool[key].get<std::string>().empty()) << key;
  }
  EXPECT_EQ(tool["script"], "synth/area.ys");
  EXPECT_EQ(tool["script_hash"].get<std::string>().size(), 16u);
  EXPECT_EQ(tool["share"], kDefaultShare);
}

TEST_F(AreaTest, TableShowsTotalsAndRegistersSeparately) {
  BF_REQUIRE_YOSYS();
  const AreaReport r = run_area({write("reg8.v", kReg8)}, "reg8", work("table"), flat());
  const std::string table = to_table(r);
  EXPECT_NE(table.find("Area of reg8"), std::string::npos) << table;
  EXPECT_NE(table.find("NAND2-equivalent"), std::string::npos) << table;
  EXPECT_NE(table.find("registers"), std::string::npos) << table;
  EXPECT_NE(table.find("DFFR"), std::string::npos) << table;
  EXPECT_NE(table.find("42.560"), std::string::npos) << table;
}

// A leaf module is synthesized by the same steps in both flows, so both give
// the same numbers.
TEST_F(AreaTest, LeafModuleGivesTheSameNumbersInBothFlows) {
  BF_REQUIRE_YOSYS();
  for (const auto& [name, text] : {std::pair{"reg8", kReg8}, std::pair{"add4", kAdd4}}) {
    const std::string file = write(std::string(name) + ".v", text);
    const AreaReport f = run_area({file}, name, work(std::string(name) + "_flat"), flat());
    const AreaReport h = run_area({file}, name, work(std::string(name) + "_hier"), hier());
    EXPECT_EQ(h.mode, "hierarchical");
    EXPECT_DOUBLE_EQ(h.area_um2, f.area_um2) << name;
    EXPECT_EQ(h.cells, f.cells) << name;
    EXPECT_EQ(h.flops, f.flops) << name;
    EXPECT_EQ(h.transistors, f.transistors) << name;
    EXPECT_EQ(h.logic_depth, f.logic_depth) << name;
    ASSERT_EQ(h.modules.size(), 1u);
    EXPECT_EQ(h.modules[0].name, name);
    EXPECT_EQ(h.modules[0].instances, 1);
    EXPECT_DOUBLE_EQ(h.modules[0].own_area_um2, f.area_um2);
  }
}

}  // namespace
}  // namespace bf::synth
