// Static timing with OpenSTA (synth/timing.hpp): the critical path of tiny
// designs against a hand computation from the library's tables (so a wrong
// parse or a wrong unit shows), a tight clock, delay-targeted mapping, and
// the errors a user meets.

#include "synth/timing.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "synth/liberty.hpp"
#include "synth/liberty_syntax.hpp"
#include "tests/blockforge_cli.hpp"
#include "tests/synth/synth_fixture.hpp"
#include "util/files.hpp"

#define BF_REQUIRE_STA()                                                          \
  do {                                                                            \
    BF_REQUIRE_YOSYS();                                                           \
    if (!::bf::util::on_path("sta")) GTEST_SKIP() << "sta (OpenSTA) not on PATH"; \
  } while (0)

namespace bf::synth {
namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;
using bf::testing::Stderr;

using TimingTest = testing::SynthTest;

// ---- the hand computation: tables straight from cells.lib ----

std::vector<double> numbers(const std::string& list) {
  std::vector<double> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stod(item));
  return out;
}

// A table group (rise_transition, rise_constraint, ...) as a LibertyTable,
// with its template's variables and indices. cells.lib is in ns and fF, the
// units LibertyTable::at takes.
LibertyTable table_of(const LibertyGroup& lib, const LibertyGroup& g) {
  LibertyTable t;
  for (const auto* tmpl : lib.children("lu_table_template")) {
    if (tmpl->args.empty() || g.args.empty() || tmpl->args[0] != g.args[0]) continue;
    if (const auto* v = tmpl->attribute("variable_1")) t.variable_1 = *v;
    if (const auto* v = tmpl->attribute("variable_2")) t.variable_2 = *v;
    if (const auto* i = tmpl->complex_attribute("index_1")) t.index_1 = numbers(i->at(0));
    if (const auto* i = tmpl->complex_attribute("index_2")) t.index_2 = numbers(i->at(0));
  }
  for (const auto& row : *g.complex_attribute("values"))
    for (double v : numbers(row)) t.values.push_back(v);
  return t;
}

// The table `kind` of the timing arc of cell/pin related to `related`
// (and of `timing_type` when given).
LibertyTable arc_table(const LibertyGroup& lib, const std::string& cell, const std::string& pin,
                       const std::string& related, const std::string& kind,
                       const std::string& timing_type = "") {
  for (const auto* c : lib.children("cell")) {
    if (c->args.at(0) != cell) continue;
    for (const auto* p : c->children("pin")) {
      if (p->args.at(0) != pin) continue;
      for (const auto* t : p->children("timing")) {
        const auto* rel = t->attribute("related_pin");
        const auto* type = t->attribute("timing_type");
        if (!rel || *rel != related) continue;
        if (!timing_type.empty() && (!type || *type != timing_type)) continue;
        for (const auto* g : t->children(kind)) return table_of(lib, *g);
      }
    }
  }
  ADD_FAILURE() << "no " << kind << " table for " << cell << "/" << pin << " from " << related;
  return {};
}

struct Lib {
  LibertyGroup syntax = parse_liberty(util::read_text(liberty_path()), liberty_path());
  LibertyLibrary lib = read_liberty(liberty_path());

  double cap(const std::string& cell, const std::string& pin) const {
    return lib.cells.at(cell).pin(pin)->capacitance_ff;
  }
  // Delay (read_liberty's tables) and output transition of an arc.
  double delay(const std::string& cell, const std::string& out, const std::string& in, double slew,
               double load) const {
    for (const auto& arc : lib.cells.at(cell).pin(out)->timing)
      if (arc.related_pin == in)
        return std::max(arc.cell_rise->at(slew, load), arc.cell_fall->at(slew, load));
    ADD_FAILURE() << "no arc " << cell << " " << in << "->" << out;
    return 0;
  }
  double transition(const std::string& cell, const std::string& out, const std::string& in,
                    double slew, double load) const {
    return std::max(arc_table(syntax, cell, out, in, "rise_transition").at(slew, load),
                    arc_table(syntax, cell, out, in, "fall_transition").at(slew, load));
  }
  double setup(const std::string& cell, const std::string& d, const std::string& ck,
               double d_slew) const {
    return std::max(
        arc_table(syntax, cell, d, ck, "rise_constraint", "setup_rising").lookup(d_slew, 0),
        arc_table(syntax, cell, d, ck, "fall_constraint", "setup_rising").lookup(d_slew, 0));
  }
};

// flop -> two inverters -> flop, written by hand with the shipped cells.
constexpr const char* kTwoInverters = R"(module two_inv(clk_i, a_i, y_o);
  input clk_i;
  input a_i;
  output y_o;
  wire a_q;
  wire n1;
  wire n2;
  DFF _1_ (
    .CK(clk_i),
    .D(a_i),
    .Q(a_q)
  );
  INV _2_ (
    .A(a_q),
    .ZN(n1)
  );
  INV _3_ (
    .A(n1),
    .ZN(n2)
  );
  DFF _4_ (
    .CK(clk_i),
    .D(n2),
    .Q(\y_q[0] )
  );
  assign y_o = \y_q[0] ;
endmodule
)";

double two_inverters_by_hand(const Lib& l) {
  const double s0 = kClockTransitionNs;
  const double c1 = l.cap("INV", "A"), c3 = l.cap("DFF", "D");
  const double clk_q = l.delay("DFF", "Q", "CK", s0, c1);
  const double s1 = l.transition("DFF", "Q", "CK", s0, c1);
  const double inv1 = l.delay("INV", "ZN", "A", s1, c1);
  const double s2 = l.transition("INV", "ZN", "A", s1, c1);
  const double inv2 = l.delay("INV", "ZN", "A", s2, c3);
  const double s3 = l.transition("INV", "ZN", "A", s2, c3);
  return clk_q + inv1 + inv2 + l.setup("DFF", "D", "CK", s3);
}

TEST_F(TimingTest, TwoInvertersMatchTheLibraryTablesByHand) {
  BF_REQUIRE_STA();
  const Lib l;
  const double expected = two_inverters_by_hand(l);
  const std::string netlist = write("two_inv.v", kTwoInverters);
  const TimingReport r = time_netlist(netlist, "two_inv", liberty_path(), work("t"), 2.0);
  EXPECT_TRUE(r.has_clock);
  EXPECT_NEAR(r.critical_path_ns, expected, 2e-4);
  EXPECT_NEAR(r.fmax_mhz, 1000.0 / expected, 1.0);
  EXPECT_NEAR(r.worst_slack_ns, 2.0 - expected, 2e-4);
  EXPECT_NEAR(r.path.data_arrival_ns + r.path.setup_ns, expected, 2e-4);
  EXPECT_EQ(r.failing_endpoints, 0);
  EXPECT_EQ(r.tns_ns, 0);
  EXPECT_EQ(r.path_kind, "reg->reg");
  EXPECT_EQ(r.startpoint, "_1_/Q");
  EXPECT_EQ(r.endpoint, "_4_/D");
  EXPECT_EQ(r.start_register, "a_q");
  EXPECT_EQ(r.end_register, "y_q[0]");
  ASSERT_EQ(r.path.points.size(), 7u);  // CK, Q, A, ZN, A, ZN, D
  EXPECT_EQ(r.path.points[0].pin, "_1_/CK");
  EXPECT_EQ(r.path.points[2].pin, "_2_/A");
  EXPECT_EQ(r.path.points[3].cell, "INV");
  EXPECT_EQ(r.path.points[1].net, "a_q");
  EXPECT_NEAR(r.path.points[1].load_ff, l.cap("INV", "A"), 1e-3);
  EXPECT_EQ(r.path.points.back().pin, "_4_/D");
  const std::string table = to_table(r);
  EXPECT_NE(table.find("blockforge45"), std::string::npos) << table;
  EXPECT_NE(table.find("registered by the neighbour"), std::string::npos) << table;
  const auto j = to_json(r);
  EXPECT_EQ(j["path"]["points"].size(), r.path.points.size());
  EXPECT_DOUBLE_EQ(j["critical_path_ns"].get<double>(), r.critical_path_ns);
}

TEST_F(TimingTest, TightClockGivesNegativeSlackOnTheSamePath) {
  BF_REQUIRE_STA();
  const std::string netlist = write("two_inv.v", kTwoInverters);
  const TimingReport loose = time_netlist(netlist, "two_inv", liberty_path(), work("a"), 2.0);
  const double period = loose.critical_path_ns / 2;
  const TimingReport tight = time_netlist(netlist, "two_inv", liberty_path(), work("b"), period);
  EXPECT_LT(tight.worst_slack_ns, 0);
  EXPECT_NEAR(tight.worst_slack_ns, period - loose.critical_path_ns, 2e-4);
  EXPECT_NEAR(tight.critical_path_ns, loose.critical_path_ns, 2e-4);
  EXPECT_EQ(tight.startpoint, loose.startpoint);
  EXPECT_EQ(tight.endpoint, loose.endpoint);
  EXPECT_GE(tight.failing_endpoints, 1);
  EXPECT_LE(tight.tns_ns, tight.worst_slack_ns + 1e-9);
  EXPECT_NE(to_table(tight).find("VIOLATED"), std::string::npos);
}

TEST_F(TimingTest, OutputPortCarriesTheDefaultLoad) {
  BF_REQUIRE_STA();
  // flop -> INV -> output: the INV drives kOutputLoadFf.
  const std::string netlist = write("out.v", R"(module to_out(clk_i, a_i, y_o);
  input clk_i;
  input a_i;
  output y_o;
  wire a_q;
  DFF _1_ (
    .CK(clk_i),
    .D(a_i),
    .Q(a_q)
  );
  INV _2_ (
    .A(a_q),
    .ZN(y_o)
  );
endmodule
)");
  const Lib l;
  const double s0 = kClockTransitionNs, c1 = l.cap("INV", "A");
  const double expected =
      l.delay("DFF", "Q", "CK", s0, c1) +
      l.delay("INV", "ZN", "A", l.transition("DFF", "Q", "CK", s0, c1), kOutputLoadFf) +
      kOutputDelayNs;
  const TimingReport r = time_netlist(netlist, "to_out", liberty_path(), work("t"), 2.0);
  EXPECT_EQ(r.path_kind, "reg->out");
  EXPECT_NEAR(r.critical_path_ns, expected, 2e-4);
  EXPECT_NEAR(r.path.points.back().arrival_ns, r.path.data_arrival_ns, 1e-4);
}

TEST_F(TimingTest, SynthesizedNandPipeMatchesByHandAndNamesRegisters) {
  BF_REQUIRE_STA();
  const std::string rtl = write("nand_pipe.v", R"(module nand_pipe (
  input  wire clk_i,
  input  wire a_i,
  input  wire b_i,
  output wire y_o
);
  reg a_q, b_q, y_q;
  always @(posedge clk_i) begin
    a_q <= a_i;
    b_q <= b_i;
    y_q <= ~(a_q & b_q);
  end
  assign y_o = y_q;
endmodule
)");
  TimingOptions o;
  o.area = hier();
  const TimingReport r = run_timing({rtl}, "nand_pipe", work("w"), o);
  // CK, Q, NAND2 input, NAND2 output, D
  ASSERT_EQ(r.path.points.size(), 5u) << to_table(r);
  const auto& p = r.path.points;
  ASSERT_EQ(p[0].cell, "DFF") << to_table(r);
  ASSERT_EQ(p[3].cell, "NAND2") << to_table(r);
  ASSERT_EQ(p[4].cell, "DFF") << to_table(r);
  const std::string in = p[2].pin.substr(p[2].pin.rfind('/') + 1);
  const Lib l;
  const double s0 = kClockTransitionNs;
  const double c1 = l.cap("NAND2", in), c2 = l.cap("DFF", "D");
  const double s1 = l.transition("DFF", "Q", "CK", s0, c1);
  const double s2 = l.transition("NAND2", "ZN", in, s1, c2);
  const double expected = l.delay("DFF", "Q", "CK", s0, c1) + l.delay("NAND2", "ZN", in, s1, c2) +
                          l.setup("DFF", "D", "CK", s2);
  EXPECT_NEAR(r.critical_path_ns, expected, 2e-4) << to_table(r);
  EXPECT_TRUE(r.start_register == "a_q" || r.start_register == "b_q") << to_table(r);
  // A register that drives an output port directly keeps the port's name
  // (Yosys names the net after the port).
  EXPECT_TRUE(r.end_register == "y_q" || r.end_register == "y_o") << to_table(r);
  EXPECT_FALSE(r.target_clock);
  EXPECT_EQ(r.period_ns, kNominalClockNs);
  EXPECT_GT(r.area.area_um2, 0);
  EXPECT_EQ(r.area.flops, 3);
}

// A module whose output bits are partly its input bits, partly constants and
// partly logic (a widening float conversion): Yosys writes the first two as
// one assign with a concatenation on the left unless told -simple-lhs, and
// OpenSTA's reader refuses it ("unexpected '{'").
TEST_F(TimingTest, FeedThroughAndConstantOutputBitsReachOpenSta) {
  BF_REQUIRE_STA();
  const std::string rtl = write("widen.v", R"(module widen (
  input  wire       clk_i,
  input  wire [3:0] a_i,
  output wire [9:0] y_o,
  output reg        q_o
);
  assign y_o = {a_i[3], a_i[2:0] ^ a_i[3:1], 6'b000000};
  always @(posedge clk_i) q_o <= ^a_i;
endmodule
)");
  TimingOptions o;
  o.area = hier();
  const TimingReport r = run_timing({rtl}, "widen", work("w"), o);
  EXPECT_GT(r.critical_path_ns, 0) << to_table(r);
  const std::string netlist = util::read_text(work("w") + "/area/netlist.v");
  EXPECT_EQ(netlist.find("assign {"), std::string::npos) << netlist;
}

constexpr const char* kMul8 = R"(module mul8 (
  input  wire [7:0]  a_i,
  input  wire [7:0]  b_i,
  output wire [15:0] y_o
);
  assign y_o = a_i * b_i;
endmodule
)";

TEST_F(TimingTest, ClockNsMapsForDelayAndCombinationalDesignsUseAVirtualClock) {
  BF_REQUIRE_STA();
  const std::string rtl = write("mul8.v", kMul8);
  TimingOptions o;
  o.area = hier();
  const TimingReport area = run_timing({rtl}, "mul8", work("area"), o);
  EXPECT_FALSE(area.has_clock);
  EXPECT_EQ(area.path_kind, "in->out");
  EXPECT_GT(area.critical_path_ns, 0.3);
  EXPECT_NE(to_table(area).find("virtual clock"), std::string::npos);

  o.clock_ns = area.critical_path_ns * 0.6;
  const TimingReport fast = run_timing({rtl}, "mul8", work("fast"), o);
  EXPECT_TRUE(fast.target_clock);
  EXPECT_EQ(fast.period_ns, o.clock_ns);
  EXPECT_EQ(fast.area.clock_ns, o.clock_ns);
  // abc -D <ps> reached the script.
  const std::string script = util::read_text(work("fast") + "/area/modules/mul8/area_module.ys");
  EXPECT_NE(script.find(fmt::format("-D {:.0f}", o.clock_ns * 1000)), std::string::npos) << script;
  // The delay-targeted mapping (map -D, buffering, resizing) trades area for
  // speed: faster and larger. (Yosys 0.23's default `&nf -D` returned the
  // area-oriented netlist unchanged here.)
  EXPECT_GT(fast.area.area_um2, area.area.area_um2);
  EXPECT_LT(fast.critical_path_ns, 0.95 * area.critical_path_ns)
      << area.critical_path_ns << " -> " << fast.critical_path_ns;
  EXPECT_LT(fast.worst_slack_ns, 0);
  const auto j = to_json(fast);
  EXPECT_EQ(j["area"]["mapping"], "delay-targeted");
}

TEST_F(TimingTest, ClearErrors) {
  BF_REQUIRE_STA();
  const std::string netlist = write("two_inv.v", kTwoInverters);
  // Nonpositive clock.
  EXPECT_THROW(time_netlist(netlist, "two_inv", liberty_path(), work("z"), 0), std::runtime_error);
  TimingOptions o;
  o.area = hier();
  o.clock_ns = -1;
  try {
    run_timing({netlist}, "two_inv", work("n"), o);
    ADD_FAILURE() << "no error for a negative clock";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not positive"), std::string::npos) << e.what();
  }
  // OpenSTA fails: a cell the library does not have.
  std::string bad = kTwoInverters;
  bad.replace(bad.find("INV _2_"), 3, "INVX");
  const std::string bad_netlist = write("bad.v", bad);
  try {
    time_netlist(bad_netlist, "two_inv", liberty_path(), work("b"), 1.0);
    ADD_FAILURE() << "no error for an unknown cell";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("OpenSTA failed"), std::string::npos) << what;
    EXPECT_NE(what.find("INVX"), std::string::npos) << what;
    EXPECT_NE(what.find("sta.log"), std::string::npos) << what;
  }
  // A top the netlist does not have.
  EXPECT_THROW(time_netlist(netlist, "nope", liberty_path(), work("t"), 1.0), std::runtime_error);
  // sta missing from PATH.
  const std::string path = std::getenv("PATH");
  ::setenv("PATH", work("empty").c_str(), 1);
  try {
    time_netlist(netlist, "two_inv", liberty_path(), work("m"), 1.0);
    ADD_FAILURE() << "no error without sta";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("apt-get install opensta"), std::string::npos) << e.what();
  }
  ::setenv("PATH", path.c_str(), 1);
}

CmdResult run_cli(const std::string& env, const std::string& args) {
  return run_blockforge(args, Stderr::Merged, env);
}

TEST_F(TimingTest, CommandLine) {
  BF_REQUIRE_STA();
  const std::string config = std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/arith_fp_mul_bf16.toml";
  const CmdResult no_sta = run_cli("env PATH=" + work("empty"), "timing " + config);
  EXPECT_NE(no_sta.code, 0);
  EXPECT_NE(no_sta.out.find("blockforge timing: sta (OpenSTA) not found"), std::string::npos)
      << no_sta.out;
  const CmdResult zero = run_cli("", "timing " + config + " --clock-ns 0");
  EXPECT_NE(zero.code, 0);
  EXPECT_NE(zero.out.find("--clock-ns"), std::string::npos) << zero.out;

  const CmdResult ok =
      run_cli("", "timing " + config + " --json --cache " + cache() + " --work " + work("cli"));
  ASSERT_EQ(ok.code, 0) << ok.out;
  const auto j = nlohmann::json::parse(ok.out.substr(ok.out.find('{')));
  EXPECT_GT(j["fmax_mhz"].get<double>(), 0);
  EXPECT_EQ(j["unit"], "arith.fp_mul");
  EXPECT_GT(j["area"]["area_um2"].get<double>(), 0);
  EXPECT_FALSE(j["path"]["points"].empty());
}

}  // namespace
}  // namespace bf::synth
