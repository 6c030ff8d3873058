// The Verilog writer: exact layout, determinism, and acceptance by the three
// tools every generated file must pass (Verilator -Wall, Yosys, Icarus).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "generator/verilog/check.hpp"
#include "generator/verilog/expr.hpp"
#include "generator/verilog/module.hpp"

namespace bf::vlog {
namespace {

// The writer's refusal to print m, or "" when it printed.
std::string print_error(const Module& m) {
  try {
    print(m);
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "";
}

// A small but complete module: ports, wires, regs, assigns, an always @*,
// a register bank with and without reset, and an instance.
std::vector<Module> sample_design() {
  Module leaf;
  leaf.name = "sample_leaf";
  leaf.header = {"sample_leaf: y = a ^ b"};
  leaf.input("a_i", 4, "left operand");
  leaf.input("b_i", 4);
  leaf.output("y_o", 4, "a xor b");
  leaf.assign("y_o", "a_i ^ b_i");

  Module top;
  top.name = "sample_top";
  top.header = {"sample_top: registered xor with a flag"};
  top.input("clk_i", 1);
  top.input("rst_ni", 1);
  top.input("en_i", 1);
  top.input("a_i", 4);
  top.input("b_i", 4);
  top.output("y_o", 4);
  top.output("big_o", 1);
  top.wire("x", 4, "leaf output");
  top.reg("big", 1);
  top.reg("x_q", 4);
  top.reg("valid_q", 1);
  top.localparam("LIMIT", lit(4, 9), "threshold");
  top.add(Instance{"sample_leaf", "u_leaf", {{"a_i", "a_i"}, {"b_i", "b_i"}, {"y_o", "x"}}, ""});
  top.add(Combinational{{if_("x_q > LIMIT", {set("big", "1'b1")}, {set("big", "1'b0")})},
                        "compare against the threshold"});
  top.add(Registers{"clk_i",
                    "rst_ni",
                    "en_i",
                    {{"valid_q", "1'b1", "1'b0"}, {"x_q", "x", ""}},
                    "pipeline register"});
  top.assign("y_o", "valid_q ? x_q : 4'd0");
  top.assign("big_o", "big");
  return {leaf, top};
}

std::filesystem::path write_files(const std::vector<Module>& mods, const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() / ("bf_writer_" + tag);
  std::filesystem::create_directories(dir);
  for (const auto& m : mods) std::ofstream(dir / (m.name + ".v")) << print(m);
  return dir;
}

TEST(Writer, PrintsExpectedLayout) {
  const std::string text = print(sample_design()[0]);
  EXPECT_EQ(text,
            "// sample_leaf: y = a ^ b\n"
            "`default_nettype none\n"
            "\n"
            "module sample_leaf (\n"
            "  input  wire [3:0] a_i,  // left operand\n"
            "  input  wire [3:0] b_i,\n"
            "  output wire [3:0] y_o   // a xor b\n"
            ");\n"
            "  assign y_o = a_i ^ b_i;\n"
            "\n"
            "endmodule\n"
            "\n"
            "`default_nettype wire\n");
}

TEST(Writer, SplitsResetAndResetlessRegisters) {
  const std::string text = print(sample_design()[1]);
  EXPECT_NE(text.find("  always @(posedge clk_i or negedge rst_ni)\n"
                      "    if (!rst_ni) valid_q <= 1'b0;\n"
                      "    else if (en_i) valid_q <= 1'b1;\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  always @(posedge clk_i)\n    if (en_i) x_q <= x;\n"), std::string::npos)
      << text;
}

// begin/end only where a branch holds several statements; "end else" joins
// a block to the next branch; an inner if keeps its begin/end when an else
// follows (or the else would bind to it).
TEST(Writer, BeginEndOnlyAroundSeveralStatements) {
  Module m;
  m.name = "branches";
  m.input("a_i", 2);
  m.output("y_o", 2);
  m.reg("y", 2);
  m.reg("z", 2);
  m.add(Combinational{
      {if_("a_i == 2'd0", {set("y", "2'd1"), set("z", "2'd0")},
           {if_("a_i == 2'd1", {set("y", "2'd2")},
                {if_("a_i[0]", {set("y", "2'd3")}), set("z", "a_i")})}),
       Stmt{Case{"a_i",
                 {{"2'd0", {set("z", "2'd3")}}, {"default", {set("z", "z"), set("y", "y")}}}}},
       if_("a_i[1]", {if_("a_i[0]", {set("y", "2'd0")})}, {set("y", "2'd1")})},
      ""});
  m.assign("y_o", "y ^ z");
  const std::string text = print(m);
  EXPECT_NE(text.find("  always @* begin\n"
                      "    if (a_i == 2'd0) begin\n"
                      "      y = 2'd1;\n"
                      "      z = 2'd0;\n"
                      "    end else if (a_i == 2'd1) y = 2'd2;\n"
                      "    else begin\n"
                      "      if (a_i[0]) y = 2'd3;\n"
                      "      z = a_i;\n"
                      "    end\n"
                      "    case (a_i)\n"
                      "      2'd0: z = 2'd3;\n"
                      "      default: begin\n"
                      "        z = z;\n"
                      "        y = y;\n"
                      "      end\n"
                      "    endcase\n"
                      "    if (a_i[1]) begin\n"
                      "      if (a_i[0]) y = 2'd0;\n"
                      "    end else y = 2'd1;\n"
                      "  end\n"),
            std::string::npos)
      << text;
}

// Two builds of the same design print the same bytes (the writer keeps no
// state between calls and iterates nothing unordered).
TEST(Writer, IsDeterministic) {
  const auto first = sample_design();
  const auto second = sample_design();
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(print(first[i]), print(second[i]));
  // And a change shows: the printed text is a function of the module.
  auto changed = sample_design();
  changed[1].assign("big_o", "~big");
  EXPECT_NE(print(changed[1]), print(first[1]));
}

// IEEE 1364 wants every name declared before its use; the writer refuses
// a module that does not.
TEST(Writer, RefusesUseBeforeDeclaration) {
  Module m;
  m.name = "late";
  m.input("a_i", 1);
  m.output("y_o", 1);
  m.assign("y_o", "late_q & a_i");
  m.reg("late_q", 1);
  EXPECT_EQ(print_error(m),
            "vlog: module late uses 'late_q' before its declaration (in assign y_o)");
  // Literals, system functions and the loop variable are not names to declare.
  Module ok;
  ok.name = "ok";
  ok.input("a_i", 8);
  ok.output("y_o", 8);
  ok.assign("y_o", "$signed(a_i) >>> 3'sd1 ^ 8'hf_f ^ 8'b0000_0001");
  EXPECT_NO_THROW(print(ok));
  EXPECT_EQ(identifiers("x_q[4'd3 +: 2] + 12'h0ab - $unsigned(y) + 'b1"),
            (std::vector<std::string>{"x_q", "y"}));
}

// A generate loop of instances and a memory array.
std::vector<Module> loop_design() {
  Module cell;
  cell.name = "loop_cell";
  cell.input("a_i", 4);
  cell.output("y_o", 4);
  cell.assign("y_o", "~a_i");

  Module top;
  top.name = "loop_top";
  top.input("clk_i", 1);
  top.input("we_i", 1);
  top.input("addr_i", 2);
  top.input("x_i", 16);
  top.output("y_o", 16);
  top.output("rd_o", 16);
  top.wire("inv", 16, "lane l at inv[4*l +: 4]");
  top.add(GenerateFor{
      "l",
      4,
      "g_lane",
      {Net{"lane_x", 4, false, false, ""}, Assign{"lane_x", "x_i[4*l +: 4]", ""},
       Instance{"loop_cell", "u_cell", {{"a_i", "lane_x"}, {"y_o", "inv[4*l +: 4]"}}, ""}},
      "one inverter per lane"});
  top.assign("y_o", "inv");
  top.memory("mem", 16, 4, "four words, no reset");
  auto w = register_bank("we_i", "write port");
  w.regs.push_back({"mem[addr_i]", "x_i", ""});
  top.add(w);
  top.assign("rd_o", "mem[addr_i]");
  return {cell, top};
}

TEST(Writer, GenerateLoopAndMemory) {
  const std::string text = print(loop_design()[1]);
  EXPECT_NE(text.find("  // one inverter per lane\n"
                      "  genvar l;\n"
                      "  generate\n"
                      "    for (l = 0; l < 4; l = l + 1) begin : g_lane\n"
                      "      wire [3:0] lane_x = x_i[4*l +: 4];\n"
                      "\n"
                      "      loop_cell u_cell (\n"
                      "        .a_i (lane_x),\n"
                      "        .y_o (inv[4*l +: 4])\n"
                      "      );\n"
                      "    end\n"
                      "  endgenerate\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  reg [15:0] mem [0:3];  // four words, no reset\n"), std::string::npos);
  EXPECT_NE(text.find("  always @(posedge clk_i)\n    if (we_i) mem[addr_i] <= x_i;\n"),
            std::string::npos)
      << text;
  const auto dir = write_files(loop_design(), "loop");
  const std::string files = (dir / "loop_cell.v").string() + " " + (dir / "loop_top.v").string();
  EXPECT_EQ(std::system(
                ("verilator --lint-only -Wall --top-module loop_top " + files + " > /dev/null 2>&1")
                    .c_str()),
            0);
  EXPECT_EQ(std::system(("iverilog -g2005 -Wall -o " + (dir / "a.vvp").string() + " " + files +
                         " > /dev/null 2>&1")
                            .c_str()),
            0);
}

// A memory with a registered, write-through read port: the construct of
// the SRAM-like buffers (opal.core's activation buffer).
Module registered_read_memory(const std::string& name, bool model) {
  Module m;
  m.name = name;
  m.simulation_model = model;
  m.input("clk_i", 1);
  m.input("we_i", 1);
  m.input("waddr_i", 2);
  m.input("wdata_i", 8);
  m.input("re_i", 1);
  m.input("raddr_i", 2);
  m.output("rdata_o", 8);
  m.memory("mem", 8, 3, "no reset");
  auto w = register_bank("we_i", "write port");
  w.regs.push_back({"mem[waddr_i]", "wdata_i", ""});
  m.add(w);
  m.reg("rdata_q", 8);
  auto r = register_bank("re_i", "read port");
  r.regs.push_back({"rdata_q", "(we_i & (waddr_i == raddr_i)) ? wdata_i : mem[raddr_i]", ""});
  m.add(r);
  m.assign("rdata_o", "rdata_q");
  return m;
}

TEST(Writer, MemoryWithRegisteredRead) {
  const std::string text = print(registered_read_memory("mem_rr", false));
  EXPECT_NE(text.find("  reg [7:0] mem [0:2];  // no reset\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  // write port\n  always @(posedge clk_i)\n"
                      "    if (we_i) mem[waddr_i] <= wdata_i;\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  // read port\n  always @(posedge clk_i)\n    if (re_i) rdata_q <= (we_i & "
                      "(waddr_i == raddr_i)) ? wdata_i : mem[raddr_i];\n"),
            std::string::npos)
      << text;
  // Nothing resets the memory: no asynchronous block at all.
  EXPECT_EQ(text.find("negedge"), std::string::npos) << text;
  EXPECT_EQ(text.find("(* blackbox *)"), std::string::npos);
  EXPECT_EQ(text.find("`ifndef"), std::string::npos);
  const auto dir = write_files({registered_read_memory("mem_rr", false)}, "memrr");
  const std::string file = (dir / "mem_rr.v").string();
  EXPECT_EQ(std::system(("verilator --lint-only -Wall " + file + " > /dev/null 2>&1").c_str()), 0);
  EXPECT_EQ(std::system(("yosys -q -p 'read_verilog " + file +
                         "; hierarchy -check -top mem_rr; proc; check -assert' > /dev/null 2>&1")
                            .c_str()),
            0);
  EXPECT_EQ(std::system(("iverilog -g2005 -Wall -o " + (dir / "a.vvp").string() + " " + file +
                         " > /dev/null 2>&1")
                            .c_str()),
            0);
}

TEST(Writer, RefusesMemoryReset) {
  Module m = registered_read_memory("mem_reset", false);
  m.input("rst_ni", 1);
  auto r = register_bank("we_i", "reset write");
  r.regs.push_back({"mem[waddr_i]", "wdata_i", "8'd0"});
  m.add(r);
  EXPECT_EQ(print_error(m),
            "vlog: module mem_reset resets memory 'mem' (in register block 'reset write'): a "
            "memory has no per-entry reset; qualify its reads with a valid bit instead");
}

TEST(Writer, RefusesMemoryUseBeforeDeclaration) {
  Module m;
  m.name = "mem_early";
  m.input("clk_i", 1);
  m.input("a_i", 2);
  m.output("y_o", 4);
  auto w = register_bank("", "write");
  w.regs.push_back({"mem[a_i]", "{a_i, a_i}", ""});
  m.add(w);
  m.memory("mem", 4, 4);
  m.assign("y_o", "mem[a_i]");
  EXPECT_EQ(print_error(m),
            "vlog: module mem_early uses 'mem' before its declaration (in register block "
            "'write')");
  // Reading before the declaration is caught too.
  Module r;
  r.name = "mem_early_read";
  r.input("a_i", 2);
  r.output("y_o", 4);
  r.assign("y_o", "mem[a_i]");
  r.memory("mem", 4, 4);
  EXPECT_THROW(print(r), std::logic_error);
}

// A simulation model: simulators run its body, synthesis sees a black box.
TEST(Writer, SimulationModelIsABlackBoxToSynthesis) {
  const Module model = registered_read_memory("sim_macro", true);
  const std::string text = print(model);
  EXPECT_NE(text.find("`default_nettype none\n\n(* blackbox *)\nmodule sim_macro (\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(");\n`ifndef SYNTHESIS\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n`endif  // SYNTHESIS\nendmodule\n"), std::string::npos) << text;
  Module top;
  top.name = "sim_top";
  top.input("clk_i", 1);
  top.input("we_i", 1);
  top.input("a_i", 2);
  top.input("d_i", 8);
  top.output("y_o", 8);
  top.wire("q", 8);
  top.add(Instance{"sim_macro",
                   "u_mem",
                   {{"clk_i", "clk_i"},
                    {"we_i", "we_i"},
                    {"waddr_i", "a_i"},
                    {"wdata_i", "d_i"},
                    {"re_i", "~we_i"},
                    {"raddr_i", "a_i"},
                    {"rdata_o", "q"}},
                   ""});
  top.assign("y_o", "~q");
  const auto dir = write_files({model, top}, "simmodel");
  const std::string files = (dir / "sim_macro.v").string() + " " + (dir / "sim_top.v").string();
  const std::string log = (dir / "tools.log").string();
  EXPECT_EQ(std::system(("verilator --lint-only -Wall --top-module sim_top " + files + " > " + log +
                         " 2>&1")
                            .c_str()),
            0);
  // The macro stays one cell of its own type; its memory is not synthesized.
  EXPECT_EQ(
      std::system(("yosys -q -p 'read_verilog " + files +
                   "; hierarchy -check -top sim_top; synth -top sim_top; select "
                   "-assert-count 1 t:sim_macro; select -assert-count 0 t:$mem* t:$_DFF*' >> " +
                   log + " 2>&1")
                      .c_str()),
      0)
      << "see " << log;
  EXPECT_EQ(std::system(("iverilog -g2005 -Wall -o " + (dir / "a.vvp").string() + " " + files +
                         " >> " + log + " 2>&1")
                            .c_str()),
            0);
}

TEST(Writer, RejectsZeroWidth) {
  Module m;
  EXPECT_THROW(m.wire("w", 0), std::logic_error);
  EXPECT_THROW(bits("a", 0, 3), std::logic_error);
}

TEST(Expr, Helpers) {
  EXPECT_EQ(lit(8, 5), "8'd5");
  EXPECT_EQ(hex_lit(12, 0xab), "12'h0ab");
  EXPECT_EQ(bits("x", 7, 0), "x[7:0]");
  EXPECT_EQ(bits("x", 3, 3), "x[3]");
  EXPECT_EQ(part("x", 8, 4), "x[11:8]");
  EXPECT_EQ(concat({"a", "b"}), "{a, b}");
  EXPECT_EQ(repeat(3, "s"), "{3{s}}");
  EXPECT_EQ(zext("v", 4, 6), "{2'd0, v}");
  EXPECT_EQ(clog2(1), 1);
  EXPECT_EQ(clog2(32), 5);
  EXPECT_EQ(clog2(33), 6);
  EXPECT_EQ(bits_for(32), 6);
}

// The three tools every generated file must pass, unchanged.
TEST(Writer, AcceptedByVerilatorYosysIcarus) {
  const auto dir = write_files(sample_design(), "tools");
  const std::string files =
      (dir / "sample_leaf.v").string() + " " + (dir / "sample_top.v").string();
  EXPECT_EQ(std::system(("verilator --lint-only -Wall --top-module sample_top " + files + " > " +
                         (dir / "lint.log").string() + " 2>&1")
                            .c_str()),
            0);
  EXPECT_EQ(std::system(("yosys -q -p 'read_verilog " + files +
                         "; hierarchy -check -top sample_top; synth -top sample_top' > " +
                         (dir / "yosys.log").string() + " 2>&1")
                            .c_str()),
            0);
  EXPECT_EQ(std::system(("iverilog -g2005 -Wall -o " + (dir / "a.vvp").string() + " " + files +
                         " > " + (dir / "iverilog.log").string() + " 2>&1")
                            .c_str()),
            0);
}

// Lint must be able to fail: an undriven output is reported.
TEST(Writer, LintCatchesBrokenModule) {
  Module m;
  m.name = "broken_top";
  m.input("a_i", 2);
  m.output("y_o", 2);
  m.assign("y_o", "a_i[0]");  // width mismatch: Verilator -Wall warns
  const auto dir = write_files({m}, "broken");
  EXPECT_NE(std::system(("verilator --lint-only -Wall " + (dir / "broken_top.v").string() +
                         " > /dev/null 2>&1")
                            .c_str()),
            0);
}

}  // namespace
}  // namespace bf::vlog
