// blocks::StreamShell: the control logic it writes, the registers that carry
// the token, and a simulation of a two-stage stream under random stalls
// (every item leaves once, in order, after the stated latency).
#include "generator/blocks/stream_shell.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "generator/verilog/module.hpp"

namespace bf::blocks {
namespace {

using vlog::Module;

// Ports of a stream of 8-bit items, own handshake or embedded.
Module stream_ports(const std::string& name, bool embedded) {
  Module m;
  m.name = name;
  m.input("clk_i", 1);
  m.input("rst_ni", 1);
  if (embedded) {
    m.input("en_i", 1);
    m.input("valid_i", 1);
  } else {
    m.input("in_valid_i", 1);
    m.output("in_ready_o", 1);
  }
  m.input("x_i", 8);
  if (embedded) {
    m.output("valid_o", 1);
  } else {
    m.output("out_valid_o", 1);
    m.input("out_ready_i", 1);
  }
  m.output("y_o", 8);
  return m;
}

// y = x + 3 over two pipeline registers and the output register.
Module two_stage(const std::string& name, bool embedded) {
  Module m = stream_ports(name, embedded);
  StreamShell::Options o;
  o.embedded = embedded;
  StreamShell shell(m, o);
  m.wire("x1", 8);
  m.assign("x1", "x_i + 8'd1");
  shell.stage("first", {{"x_q1", "x1", 8}});
  m.wire("x2", 8);
  m.assign("x2", "x_q1 + 8'd2");
  shell.stage("second", {{"x_q2", "x2", 8}});
  shell.output({{"y_q", "x_q2", 8}});
  m.assign("y_o", "y_q");
  return m;
}

// The printed module with runs of spaces squashed to one: the printer
// aligns declarations and assigns in columns that depend on their neighbours.
std::string squashed(const Module& m) {
  const std::string text = vlog::print(m);
  std::string out;
  for (char c : text)
    if (c != ' ' || out.empty() || out.back() != ' ') out += c;
  return out;
}

std::size_t find(const std::string& text, const std::string& what) {
  const std::size_t at = text.find(what);
  EXPECT_NE(at, std::string::npos) << "missing: " << what << "\nin:\n" << text;
  return at;
}

TEST(StreamShell, OwnHandshakeControl) {
  const std::string text = squashed(two_stage("shell_own", false));
  const std::size_t adv = find(
      text,
      " wire advance = out_ready_i | ~out_valid_q; // the output register is free or being read\n");
  find(text, " // Pipeline control: one global enable.\n");
  find(text, " assign in_ready_o = advance;\n");
  // advance is assigned before any register bank uses it.
  const std::size_t use = find(text, "if (advance)");
  EXPECT_LT(adv, use);
  EXPECT_EQ(text.find("en_i"), std::string::npos) << text;
  EXPECT_EQ(text.find("take"), std::string::npos) << text;
}

TEST(StreamShell, StagesCarryTheToken) {
  Module m = stream_ports("shell_stages", false);
  StreamShell shell(m);
  EXPECT_EQ(shell.valid(), "in_valid_i");
  EXPECT_EQ(shell.stages(), 0);
  EXPECT_EQ(shell.stage("first", {{"x_q1", "x_i", 8}}), "valid_q1");
  EXPECT_EQ(shell.stage("second", {{"x_q2", "x_q1", 8}}), "valid_q2");
  EXPECT_EQ(shell.valid(), "valid_q2");
  EXPECT_EQ(shell.stages(), 2);
  shell.output({{"y_q", "x_q2", 8}});
  m.assign("y_o", "y_q");
  const std::string text = squashed(m);
  find(text, " // first\n reg valid_q1;\n reg [7:0] x_q1;\n");
  find(text, "else if (advance) valid_q1 <= in_valid_i;");
  find(text, "else if (advance) valid_q2 <= valid_q1;");
  find(text, "if (advance) x_q2 <= x_q1;");
  // The output register takes the last stage's token, resets it to 0, and
  // drives out_valid_o.
  find(text, "if (!rst_ni) out_valid_q <= 1'b0;\n else if (advance) out_valid_q <= valid_q2;\n");
  find(text, " assign out_valid_o = out_valid_q;\n");
  EXPECT_EQ(text.find("valid_q3"), std::string::npos) << text;
}

TEST(StreamShell, EmbeddedFollowsTheParentsEnable) {
  const std::string text = squashed(two_stage("shell_emb", true));
  find(text, " wire advance = en_i; // the parent's enable\n");
  find(text, "else if (advance) valid_q1 <= valid_i;");
  find(text, " assign valid_o = out_valid_q;\n");
  EXPECT_EQ(text.find("in_ready_o"), std::string::npos) << text;
  EXPECT_EQ(text.find("out_ready_i"), std::string::npos) << text;
  EXPECT_EQ(text.find("out_valid_o"), std::string::npos) << text;
}

TEST(StreamShell, BusyHoldsInputAndTakeCounts) {
  Module m = stream_ports("shell_busy", false);
  m.reg("busy_q", 1);
  StreamShell::Options o;
  o.busy = "busy_q";
  o.take = true;
  StreamShell shell(m, o);
  const std::string text = squashed(m);
  find(text, " assign in_ready_o = advance & ~busy_q;\n");
  find(text, " assign take = in_valid_i & advance & ~busy_q;\n");
  Module e = stream_ports("shell_emb_take", true);
  StreamShell::Options oe;
  oe.embedded = true;
  oe.take = true;
  StreamShell embedded(e, oe);
  find(squashed(e), " assign take = valid_i & en_i;\n");
  Module bad = stream_ports("shell_bad", true);
  oe.busy = "x";
  EXPECT_THROW(StreamShell(bad, oe), std::logic_error);
}

TEST(StreamShell, DelayAndTokenShift) {
  Module m = stream_ports("shell_delay", false);
  m.input("last_i", 1);
  StreamShell::Options o;
  o.take = true;
  StreamShell shell(m, o);
  const auto carried = shell.delay(2, "operators", {{"last", "last_i", 1, ""}});
  ASSERT_EQ(carried.size(), 1u);
  EXPECT_EQ(carried[0], "last_q2");
  EXPECT_EQ(shell.valid(), "valid_q2");
  EXPECT_THROW(shell.delay(0, "", {}), std::logic_error);
  const auto tok = shell.token_shift("tok_q", 3);
  EXPECT_EQ(tok.d, "{tok_q[1:0], take}");
  EXPECT_EQ(tok.reset_value, "3'd0");
  EXPECT_EQ(shell.valid(), "tok_q[2]");
  StreamShell::OutputOptions out;
  out.comment = "";
  out.before = {tok};
  shell.output({{"y_q", "x_i", 8}}, out);
  m.assign("y_o", "y_q");
  const std::string text = squashed(m);
  find(text,
       " // operators\n reg valid_q1;\n reg last_q1;\n reg valid_q2;\n"
       " reg last_q2;\n");
  find(text, "last_q2 <= last_q1;");
  find(text, "tok_q <= {tok_q[1:0], take};");
  find(text, "out_valid_q <= tok_q[2];");
  EXPECT_EQ(text.find("Output register."), std::string::npos) << text;
}

// Runs a two-stage stream under random input gaps and output stalls in
// Icarus: every item comes out once, in order, as x + 3.
TEST(StreamShell, SimulatesUnderRandomStalls) {
  const auto dir = std::filesystem::temp_directory_path() / "bf_stream_shell";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "shell_own.v") << vlog::print(two_stage("shell_own", false));
  std::ofstream(dir / "tb.v") << R"(`timescale 1ns/1ps
module tb;
  reg clk = 0, rst_n = 0, in_valid = 0, out_ready = 0;
  reg [7:0] x = 0;
  wire in_ready, out_valid;
  wire [7:0] y;
  integer sent = 0, got = 0, errors = 0, cycle;
  shell_own dut (.clk_i(clk), .rst_ni(rst_n), .in_valid_i(in_valid), .in_ready_o(in_ready),
                 .x_i(x), .out_valid_o(out_valid), .out_ready_i(out_ready), .y_o(y));
  always #5 clk = ~clk;
  initial begin
    #12 rst_n = 1;
    for (cycle = 0; cycle < 2000; cycle = cycle + 1) begin
      @(negedge clk);
      in_valid = ($random & 3) != 0;
      x = sent[7:0];
      out_ready = ($random & 3) != 0;
      #1;  // handshake settled, before the rising edge
      if (out_valid && out_ready) begin
        if (y !== got[7:0] + 8'd3) errors = errors + 1;
        got = got + 1;
      end
      if (in_valid && in_ready) sent = sent + 1;
    end
    if (got < 1000 || sent - got > 3 || errors != 0)
      $display("FAIL sent=%0d got=%0d errors=%0d", sent, got, errors);
    else
      $display("PASS sent=%0d got=%0d", sent, got);
    $finish;
  end
endmodule
)";
  const std::string vvp = (dir / "a.vvp").string(), log = (dir / "sim.log").string();
  ASSERT_EQ(std::system(("iverilog -g2005 -Wall -o " + vvp + " " + (dir / "tb.v").string() + " " +
                         (dir / "shell_own.v").string() + " > " + log + " 2>&1")
                            .c_str()),
            0);
  ASSERT_EQ(std::system(("vvp -n " + vvp + " > " + log + " 2>&1").c_str()), 0);
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("PASS"), std::string::npos) << ss.str();
}

TEST(StreamShell, LintClean) {
  const auto dir = std::filesystem::temp_directory_path() / "bf_stream_shell_lint";
  std::filesystem::create_directories(dir);
  for (bool embedded : {false, true}) {
    const std::string name = embedded ? "shell_emb" : "shell_own";
    const auto file = dir / (name + ".v");
    std::ofstream(file) << vlog::print(two_stage(name, embedded));
    EXPECT_EQ(std::system(("verilator --lint-only -Wall --top-module " + name + " " +
                           file.string() + " > /dev/null 2>&1")
                              .c_str()),
              0)
        << name;
  }
}

}  // namespace
}  // namespace bf::blocks
