// synth/equiv: the sat log parser and counterexample decoder on a canned log,
// the miter text, and run_equiv() on tiny hand-written streaming designs: a
// proof across different latencies, an injected difference found with a
// decoded counterexample, and a time limit that ends UNKNOWN, never PROVEN.

#include "synth/equiv.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/synth/synth_fixture.hpp"

namespace bf::synth {
namespace {

using EquivTest = testing::SynthTest;

// A streaming 4-bit "y = a + b + K" with `stages` registers in the data path
// (latency = stages), in the project's port convention.
std::string adder(const std::string& name, int stages, int k) {
  std::string v = "module " + name +
                  " (input wire clk_i, input wire rst_ni, input wire in_valid_i,\n"
                  "  output wire in_ready_o, input wire [3:0] a_i, input wire [3:0] b_i,\n"
                  "  output wire out_valid_o, input wire out_ready_i, output wire [3:0] y_o);\n"
                  "  wire advance = out_ready_i | ~out_valid_o;\n"
                  "  assign in_ready_o = advance;\n";
  v += "  reg [" + std::to_string(stages) + ":1] v_q;\n";
  v += "  reg [3:0] d_q [1:" + std::to_string(stages) + "];\n";
  v += "  always @(posedge clk_i or negedge rst_ni)\n"
       "    if (!rst_ni) v_q <= 0;\n";
  v += stages == 1 ? "    else if (advance) v_q <= in_valid_i;\n"
                   : "    else if (advance) v_q <= {v_q[" + std::to_string(stages - 1) +
                         ":1], in_valid_i};\n";
  v += "  always @(posedge clk_i) if (advance) begin\n"
       "    d_q[1] <= a_i + b_i + 4'd" +
       std::to_string(k) + ";\n";
  for (int s = 2; s <= stages; ++s)
    v += "    d_q[" + std::to_string(s) + "] <= d_q[" + std::to_string(s - 1) + "];\n";
  v += "  end\n"
       "  assign out_valid_o = v_q[" +
       std::to_string(stages) +
       "];\n"
       "  assign y_o = d_q[" +
       std::to_string(stages) + "];\nendmodule\n";
  return v;
}

const std::vector<EquivPort> kInputs = {{"a_i", 4}, {"b_i", 4}};
const std::vector<EquivPort> kOutputs = {{"y_o", 4}};

EquivSide side(const std::string& file, const std::string& top, int latency) {
  return {file, {file}, top, latency, ""};
}

TEST(EquivCex, ParsesTheBaseCaseModelAndDecodesPorts) {
  const std::string log =
      "  Time Signal Name   Dec Hex Bin\n"
      "  ---- ------------- --- --- ---\n"
      "     1 \\a_i   1 1 0001\n"  // an earlier table (induction step): ignored
      "SAT temporal induction proof finished - model found for base case: FAIL!\n"
      "\n"
      "  Time Signal Name                  Dec        Hex          Bin\n"
      "  ---- -------------------- ---------- ---------- ------------\n"
      "  init \\started_q                   0          0            0\n"
      "     1 \\a_i                          2          2         0010\n"
      "     1 \\rst_ni                       1          1            1\n"
      "     1 \\a__y_o                       0          0         0000\n"
      "     1 \\b__y_o                       0          0         0000\n"
      "     1 \\a__out_valid_o               0          0            0\n"
      "     1 \\b__out_valid_o               0          0            0\n"
      "     1 \\trigger                      0          0            0\n"
      "  ---- -------------------- ---------- ---------- ------------\n"
      "     2 \\a_i                          3          3         0011\n"
      "     2 \\rst_ni                       1          1            1\n"
      "     2 \\a__y_o                       5          5         0101\n"
      "     2 \\b__y_o                       6          6         0110\n"
      "     2 \\a__out_valid_o               1          1            1\n"
      "     2 \\b__out_valid_o               1          1            1\n"
      "     2 \\trigger                      1          1            1\n"
      "\n"
      "Dumping SAT model to VCD file counterexample.vcd\n";
  const auto model = parse_sat_model(log, "model found for base case: FAIL!");
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->steps, 2);
  const Counterexample cex = decode_counterexample(*model);
  ASSERT_EQ(cex.cycles.size(), 2u);
  EXPECT_TRUE(cex.cycles[0].differing.empty());
  EXPECT_FALSE(cex.cycles[0].trigger);
  EXPECT_TRUE(cex.cycles[1].trigger);
  ASSERT_EQ(cex.cycles[1].differing.size(), 1u);
  EXPECT_EQ(cex.cycles[1].differing[0], "y_o");
  const std::string text = to_text(cex);
  EXPECT_NE(text.find("cycle 2   rst_ni=1 a_i=0x3"), std::string::npos) << text;
  EXPECT_NE(text.find("A: out_valid_o=1 y_o=0x5"), std::string::npos) << text;
  EXPECT_NE(text.find("B: out_valid_o=1 y_o=0x6   <- differs: y_o"), std::string::npos) << text;
  EXPECT_EQ(bits_to_hex("100000"), "0x20");
  EXPECT_EQ(bits_to_hex("1x0000"), "0xx0");
  EXPECT_EQ(bits_to_hex("1"), "1");
  EXPECT_FALSE(parse_sat_model("Induction step proven: SUCCESS!\n", "FAIL!").has_value());
}

TEST(EquivMiter, DelaysTheFasterDesignAndHoldsOutReadyHigh) {
  const MiterSpec spec{kInputs, kOutputs, 1, 3};
  const std::string v = miter_verilog(spec);
  EXPECT_NE(v.find("module equiv_miter"), std::string::npos);
  EXPECT_NE(v.find("wire out_ready = 1'b1;"), std::string::npos) << v;
  EXPECT_EQ(v.find("input  wire out_ready_i"), std::string::npos) << v;
  EXPECT_NE(v.find("assign a__out_valid_o = a_out_valid_d2;"), std::string::npos) << v;
  EXPECT_NE(v.find("assign b__out_valid_o = b_out_valid;"), std::string::npos) << v;
  EXPECT_NE(miter_claim(spec).find("A's out_valid_o and data outputs delayed by 2"),
            std::string::npos)
      << miter_claim(spec);
  const MiterSpec same{kInputs, kOutputs, 2, 2};
  EXPECT_NE(miter_verilog(same).find("input  wire out_ready_i"), std::string::npos);
}

TEST_F(EquivTest, DifferentLatenciesProvenByTemporalInduction) {
  BF_REQUIRE_YOSYS();
  const auto a = write("a.v", adder("add_l1", 1, 3));
  const auto b = write("b.v", adder("add_l3", 3, 3));
  EquivOptions o;
  o.timeout_seconds = 50;
  const EquivResult r =
      run_equiv(side(a, "add_l1", 1), side(b, "add_l3", 3), kInputs, kOutputs, work("w"), o);
  EXPECT_EQ(r.verdict, EquivVerdict::Proven) << to_text(r);
  EXPECT_NE(r.method.find("sat -tempinduct"), std::string::npos) << r.method;
  EXPECT_NE(r.claim.find("held 1"), std::string::npos) << r.claim;
  EXPECT_EQ(to_text(r).rfind("PROVEN: ", 0), 0u);
}

TEST_F(EquivTest, EqualLatenciesProvenByEquivalenceCells) {
  BF_REQUIRE_YOSYS();
  const auto a = write("a.v", adder("add_l2", 2, 3));
  const auto b = write("b.v", adder("add_l2", 2, 3));
  EquivOptions o;
  o.timeout_seconds = 50;
  o.method = EquivMethod::Struct;
  const EquivResult r =
      run_equiv(side(a, "add_l2", 2), side(b, "add_l2", 2), kInputs, kOutputs, work("w"), o);
  EXPECT_EQ(r.verdict, EquivVerdict::Proven) << to_text(r);
  EXPECT_NE(r.method.find("equiv_induct"), std::string::npos) << r.method;
  EXPECT_NE(r.claim.find("weaker than a proof from reset"), std::string::npos) << r.claim;
}

TEST_F(EquivTest, InjectedDifferenceIsFoundWithACounterexample) {
  BF_REQUIRE_YOSYS();
  const auto a = write("a.v", adder("add_l1", 1, 3));
  const auto b = write("b.v", adder("add_l2", 2, 4));  // + 4 instead of + 3
  EquivOptions o;
  o.timeout_seconds = 50;
  const EquivResult r =
      run_equiv(side(a, "add_l1", 1), side(b, "add_l2", 2), kInputs, kOutputs, work("w"), o);
  ASSERT_EQ(r.verdict, EquivVerdict::NotProven) << to_text(r);
  ASSERT_FALSE(r.cex.empty());
  const CexCycle& last = r.cex.cycles.back();
  EXPECT_TRUE(last.trigger);
  ASSERT_EQ(last.differing.size(), 1u) << to_text(r);
  EXPECT_EQ(last.differing[0], "y_o");
  const std::string text = to_text(r);
  EXPECT_EQ(text.rfind("NOT PROVEN: ", 0), 0u) << text;
  EXPECT_NE(text.find("in_valid_i=1"), std::string::npos) << text;
  EXPECT_NE(text.find("a_i=0x"), std::string::npos) << text;
  EXPECT_NE(text.find("<- differs: y_o"), std::string::npos) << text;
}

TEST_F(EquivTest, TimeLimitEndsUnknownNotProven) {
  BF_REQUIRE_YOSYS();
  const auto a = write("a.v", adder("add_l1", 1, 3));
  const auto b = write("b.v", adder("add_l3", 3, 3));
  EquivOptions o;
  o.timeout_seconds = 0.001;  // Yosys is stopped before it can prove anything
  const EquivResult r =
      run_equiv(side(a, "add_l1", 1), side(b, "add_l3", 3), kInputs, kOutputs, work("w"), o);
  EXPECT_EQ(r.verdict, EquivVerdict::Unknown) << to_text(r);
  EXPECT_NE(r.detail.find("time limit"), std::string::npos) << r.detail;
  EXPECT_EQ(to_text(r).rfind("UNKNOWN: ", 0), 0u);
}

TEST_F(EquivTest, BoundedCheckIsNotCalledAProof) {
  BF_REQUIRE_YOSYS();
  // A free-running 8-bit counter in B that only matters when it reaches 255:
  // no difference in the first cycles, and induction of length 2 cannot
  // close (the counter's unreachable states are not excluded).
  const auto a = write("a.v", adder("add_l1", 1, 3));
  std::string b_text = adder("add_cnt", 1, 3);
  b_text.replace(b_text.find("  assign y_o = d_q[1];"),
                 std::string("  assign y_o = d_q[1];").size(),
                 "  reg [7:0] c_q;\n"
                 "  always @(posedge clk_i or negedge rst_ni)\n"
                 "    if (!rst_ni) c_q <= 0; else if (c_q != 8'd200) c_q <= c_q + 8'd1;\n"
                 "  assign y_o = d_q[1] ^ {3'd0, c_q == 8'd255};");
  const auto b = write("b.v", b_text);
  EquivOptions o;
  o.timeout_seconds = 50;
  o.depth = 2;
  const EquivResult r =
      run_equiv(side(a, "add_l1", 1), side(b, "add_cnt", 1), kInputs, kOutputs, work("w"), o);
  EXPECT_EQ(r.verdict, EquivVerdict::Unknown) << to_text(r);
  EXPECT_NE(r.detail.find("(bounded check, not a proof)"), std::string::npos) << r.detail;
  EXPECT_EQ(r.bounded_cycles, 2);
}

}  // namespace
}  // namespace bf::synth
