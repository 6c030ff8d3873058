// Gate-level toggle counting and the energy model end to end on a netlist
// written by hand on synth/cells.lib: y_o = NAND2(a_i, b_i), registered into
// a DFFR whose output drives a net with no loads, handshake passed through.
// The test drives a fixed stimulus, predicts every pin's toggles from it,
// computes the energy by hand from the library figures (read_liberty) and
// expects the tool's toggles and energy to equal it.
#include "tb/toggle_sim.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "synth/area.hpp"
#include "synth/cell_models.hpp"
#include "synth/liberty.hpp"
#include "synth/power_model.hpp"

namespace bf {
namespace {

namespace fs = std::filesystem;

constexpr int kA[] = {1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1};
constexpr int kB[] = {0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1};
constexpr std::size_t kN = sizeof(kA) / sizeof(kA[0]);

class HandNand : public Design {
 public:
  std::string unit_name() const override { return "test.nand"; }
  std::string top_name() const override { return "hand_nand"; }
  nlohmann::ordered_json params_json() const override { return nlohmann::ordered_json::object(); }
  std::vector<vlog::Module> modules() const override { return {}; }
  std::vector<PortSpec> data_inputs() const override {
    return {{"a_i", 1, "", {}}, {"b_i", 1, "", {}}};
  }
  std::vector<PortSpec> data_outputs() const override { return {{"y_o", 1, "", {}}}; }
  int latency() const override { return 0; }
  std::vector<TestVector> corner_cases() const override { return {}; }
  TestVector random_case(std::mt19937_64&) const override {
    const std::size_t i = next_++ % kN;
    return {{bit(kA[i]), bit(kB[i])}, ""};
  }
  PortValues emulate(const PortValues& in) const override {
    return {bit(!(in[0].words()[0] & in[1].words()[0]))};
  }

 private:
  static BitVec bit(uint64_t v) {
    BitVec b(1);
    b.words()[0] = v & 1;
    return b;
  }
  mutable std::size_t next_ = 0;
};

const char* const kNetlist = R"(module hand_nand(clk_i, rst_ni, in_valid_i, in_ready_o, a_i, b_i,
                 out_valid_o, out_ready_i, y_o);
  input clk_i; input rst_ni; input in_valid_i; output in_ready_o; input a_i; input b_i;
  output out_valid_o; input out_ready_i; output y_o;
  wire q;
  NAND2 _0_ (.A1(a_i), .A2(b_i), .ZN(y_o));
  DFFR _1_ (.D(y_o), .RN(rst_ni), .CK(clk_i), .Q(q), .QN());
  assign in_ready_o = out_ready_i;
  assign out_valid_o = in_valid_i;
endmodule
)";

uint64_t changes(const std::vector<int>& seq) {
  uint64_t n = 0;
  for (std::size_t i = 1; i < seq.size(); ++i) n += seq[i] != seq[i - 1];
  return n;
}

TEST(ToggleSim, HandNetlistTogglesAndEnergyEqualTheHandComputation) {
  if (std::system("command -v verilator >/dev/null 2>&1 && command -v yosys >/dev/null 2>&1"))
    GTEST_SKIP() << "verilator or yosys missing";
  const fs::path dir = fs::temp_directory_path() / ("bf_toggle_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "netlist.v") << kNetlist;
  const synth::LibertyLibrary lib = synth::read_liberty(synth::liberty_path());
  std::ofstream(dir / "cells.v") << synth::cell_models_verilog(lib, {"NAND2", "DFFR"});

  HandNand design;
  tb::VerifyOptions opt;
  opt.work_dir = (dir / "run").string();
  opt.random_vectors = kN;
  opt.bubble_prob = 0;
  opt.stall_prob = 0;
  opt.quiet = true;
  const auto sim =
      tb::simulate_toggles(design, {(dir / "netlist.v").string(), (dir / "cells.v").string()}, opt);
  ASSERT_TRUE(sim.verify.pass) << sim.verify.report;
  const uint64_t drain = 8;  // the harness's drain: 2 * latency + 8 cycles
  ASSERT_EQ(sim.verify.cycles, kN + drain);

  // Values each evaluation sees, from power-up (all 0): reset (inputs 0),
  // one vector per cycle, then the drain holding the last inputs.
  std::vector<int> a{0, 0}, b{0, 0}, y{0, 1}, q{0};
  for (std::size_t i = 0; i < kN; ++i) {
    a.push_back(kA[i]);
    b.push_back(kB[i]);
    y.push_back(!(kA[i] && kB[i]));
    q.push_back(!(kA[i] && kB[i]));  // Q takes y at the rising edge of the cycle
  }
  const uint64_t ck = 7 + 2 * sim.verify.cycles;  // 4 reset cycles from clk 0, then 2 per cycle
  const auto& t = sim.toggles;
  auto at = [&](const char* key) {
    const auto it = t.find(key);
    EXPECT_NE(it, t.end()) << key;
    return it == t.end() ? uint64_t{0} : it->second;
  };
  EXPECT_EQ(at("_0_:A1"), changes(a));
  EXPECT_EQ(at("_0_:A2"), changes(b));
  EXPECT_EQ(at("_0_:ZN"), changes(y));
  EXPECT_EQ(at("_1_:D"), changes(y));
  EXPECT_EQ(at("_1_:Q"), changes(q));
  EXPECT_EQ(at("_1_:CK"), ck);
  EXPECT_EQ(at("_1_:RN"), 1u);
  EXPECT_EQ(at(":y_o"), changes(y));
  EXPECT_EQ(at(":in_ready_o"), 1u);   // out_ready_i rises once after reset
  EXPECT_EQ(at(":out_valid_o"), 2u);  // in_valid_i: up for the vectors, down for the drain

  // Energy by hand.
  const auto& nand = lib.cells.at("NAND2");
  const auto& ff = lib.cells.at("DFFR");
  const double v2 = lib.nominal_voltage * lib.nominal_voltage;
  const double wire = synth::kDefaultWireCapPerFanoutFf;
  const double tr = synth::kDefaultInputTransitionNs;
  const double out_load = synth::kDefaultOutputPortLoadFf;
  auto cap = [](const synth::LibertyCell& c, const char* pin) {
    return c.pin(pin)->capacitance_ff;
  };
  auto e_int = [&](const synth::LibertyCell& c, const char* pin, double load) {
    double s = 0;
    for (const auto& arc : c.pin(pin)->power)
      s += (arc.rise->at(tr, load) + arc.fall->at(tr, load)) / 2;
    return s / static_cast<double>(c.pin(pin)->power.size());
  };
  const double y_load = cap(ff, "D") + wire + out_load;
  const double internal = changes(y) * e_int(nand, "ZN", y_load) + changes(q) * e_int(ff, "Q", 0);
  const double switching =
      0.5 * v2 *
      (changes(a) * (cap(nand, "A1") + wire) + changes(b) * (cap(nand, "A2") + wire) +
       changes(y) * (cap(ff, "D") + wire) + 1 * (cap(ff, "RN") + wire) +
       (changes(y) + 1 + 2) * out_load);
  const auto& ck_arc = ff.pin("CK")->power.at(0);
  const double clock = sim.verify.cycles * (ck_arc.rise->at(tr, 0) + ck_arc.fall->at(tr, 0)) +
                       ck * 0.5 * (cap(ff, "CK") + wire) * v2;
  const double leakage = (nand.leakage_nw + ff.leakage_nw) * sim.verify.cycles * 1.0 * 1e-3;

  const synth::GateNetlist netlist = synth::read_gate_netlist(
      (dir / "netlist.v").string(), synth::liberty_path(), "hand_nand", (dir / "conn").string());
  const synth::PowerReport r = synth::compute_power(lib, netlist, t, sim.verify.cycles);
  EXPECT_NEAR(r.energy.internal_fj, internal, 1e-9);
  EXPECT_NEAR(r.energy.switching_fj, switching, 1e-9);
  EXPECT_NEAR(r.energy.clock_fj, clock, 1e-9);
  EXPECT_NEAR(r.energy.leakage_fj, leakage, 1e-9);
  EXPECT_EQ(r.cells, 2);
  EXPECT_EQ(r.flops, 1);
  EXPECT_GT(internal, 0);
  EXPECT_NEAR(r.average_power_uw(), (internal + switching + clock + leakage) / sim.verify.cycles,
              1e-9);
  if (!HasFailure()) fs::remove_all(dir);
}

TEST(ToggleSim, UnknownWorkloadNamesTheKnownOnes) {
  HandNand design;
  try {
    tb::workload_design(design, "llama");
    FAIL() << "no throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("\n  random: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\n  zeros: "), std::string::npos) << e.what();
  }
}

TEST(ToggleSim, ParsesVerilatorCoveragePerInstance) {
  const std::string text =
      "# SystemC::Coverage-3\n"
      "C '\001f\002x.v\001l\0021\001page\002v_toggle/NAND2\001o\002A1\001h\002top.t.u0._1_' 4\n"
      "C '\001f\002x.v\001l\0021\001page\002v_toggle/t\001o\002a[3]\001h\002top.t' 7\n"
      "C '\001f\002x.v\001l\0021\001page\002v_line/t\001o\002if\001h\002top.t' 9\n";
  const auto t = tb::parse_toggle_coverage(text, "top.t");
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.at("u0._1_:A1"), 4u);
  EXPECT_EQ(t.at(":a[3]"), 7u);
  EXPECT_THROW(tb::parse_toggle_coverage("hello", "top.t"), std::runtime_error);
}

}  // namespace
}  // namespace bf
