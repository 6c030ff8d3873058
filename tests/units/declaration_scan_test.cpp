// The text-level declaration-order scan: it finds a use before declaration
// in hand-written Verilog, accepts the constructs the generator writes, and
// passes on every shipped design in rtl_out/.
#include "tests/units/declaration_scan.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace bf::testing {
namespace {

namespace fs = std::filesystem;

TEST(DeclarationScan, FindsAUseBeforeItsDeclaration) {
  const std::string v =
      "module m (\n  input wire clk_i,\n  output wire y_o\n);\n"
      "  assign y_o = late_q;\n  reg late_q;\n"
      "  always @(posedge clk_i) late_q <= ~late_q;\nendmodule\n";
  EXPECT_EQ(use_before_declaration(v),
            std::vector<std::string>{"line 5: 'late_q' used before its declaration"});
}

TEST(DeclarationScan, AcceptsWhatTheGeneratorWrites) {
  const std::string v =
      "// header\n`default_nettype none\n"
      "module m (\n  input  wire [7:0] a_i,  // comment\n  input  wire       clk_i,\n"
      "  output wire [7:0] y_o\n);\n"
      "  localparam W = 8;\n"
      "  wire [W-1:0] s = a_i + 8'd1, t = s;\n"
      "  reg [7:0] mem [0:3];\n"
      "  genvar i;\n  generate\n    for (i = 0; i < 2; i = i + 1) begin : g_x\n"
      "      wire [3:0] h = s[4*i +: 4];\n"
      "      cell u_c (\n        .a_i (h),\n        .y_o (y_o[4*i +: 4])\n      );\n"
      "    end\n  endgenerate\n"
      "  always @(posedge clk_i) mem[a_i[1:0]] <= $signed(t) >>> 1;\n"
      "endmodule\n`default_nettype wire\n";
  EXPECT_EQ(use_before_declaration(v), std::vector<std::string>{});
  // A simulation model: an attribute before the module, its body in `ifndef.
  const std::string model =
      "(* blackbox *)\nmodule sram (\n  input wire clk_i,\n  output wire y_o\n);\n"
      "`ifndef SYNTHESIS\n  reg q;\n  always @(posedge clk_i) q <= ~q;\n  assign y_o = q;\n"
      "`endif  // SYNTHESIS\nendmodule\n";
  EXPECT_EQ(use_before_declaration(model), std::vector<std::string>{});
  EXPECT_EQ(use_before_declaration("module m (input wire a_i);\n(* keep *) wire b = c;\n"
                                   "wire c;\nendmodule\n"),
            std::vector<std::string>{"line 2: 'c' used before its declaration"});
}

TEST(DeclarationScan, EveryShippedDesignDeclaresBeforeUse) {
  int files = 0;
  for (const auto& e :
       fs::recursive_directory_iterator(fs::path(BLOCKFORGE_SOURCE_DIR) / "rtl_out")) {
    if (e.path().extension() != ".v") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const auto v = use_before_declaration(ss.str());
    EXPECT_TRUE(v.empty()) << e.path() << ": " << (v.empty() ? "" : v[0]);
    ++files;
  }
  EXPECT_GE(files, 14);  // one or more files per shipped config
}

}  // namespace
}  // namespace bf::testing
