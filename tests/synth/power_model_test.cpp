// synth/power_model on hand-built netlists, no tools: toggles per instance,
// loads across module boundaries (a load-dependent internal energy table),
// the output port load, leakage over time, and the errors.
#include "synth/power_model.hpp"

#include <gtest/gtest.h>

#include "synth/liberty.hpp"

namespace bf::synth {
namespace {

// INV: A 1 fF; ZN internal energy = load (fF) x 1 fJ/fF rising, x 2 falling
// (mean 1.5 x load); NAND2-like AN2: two arcs, 4 and 6 fJ flat (mean 5).
const char* const kLib = R"(library (t) {
  time_unit : "1ns"; voltage_unit : "1V"; leakage_power_unit : "1nW";
  capacitive_load_unit (1, ff); nom_voltage : 2.0;
  power_lut_template (e_load) { variable_1 : total_output_net_capacitance; index_1 ("0, 10"); }
  cell (INV) {
    area : 1; cell_leakage_power : 10;
    pin (A) { direction : input; capacitance : 1; }
    pin (ZN) { direction : output; function : "!A";
      internal_power () { related_pin : "A";
        rise_power (e_load) { values ("0, 10"); } fall_power (e_load) { values ("0, 20"); } } }
  }
  cell (AN2) {
    area : 1; cell_leakage_power : 30;
    pin (A) { direction : input; capacitance : 2; }
    pin (B) { direction : input; capacitance : 3; }
    pin (Z) { direction : output; function : "A & B";
      internal_power () { related_pin : "A"; rise_power (scalar) { values ("4"); } fall_power (scalar) { values ("4"); } }
      internal_power () { related_pin : "B"; rise_power (scalar) { values ("6"); } fall_power (scalar) { values ("6"); } } }
  }
})";

// top: AN2 g (a, b) -> n; sub u0 (n) -> y0; sub u1 (y0) -> y (output).
// sub: INV i (x) -> z, z is the port out. Bits: top a=2 b=3 n=4 y0=5 y=6;
// sub x=2 z=3.
GateNetlist netlist() {
  GateNetlist n;
  n.top = "top";
  GateModule sub;
  sub.name = "sub";
  sub.ports = {{"x", "input", {2}, 0}, {"z", "output", {3}, 0}};
  sub.cells = {{"i", "INV", {{"A", {2}}, {"ZN", {3}}}}};
  GateModule top;
  top.name = "top";
  top.ports = {{"a", "input", {2}, 0}, {"b", "input", {3}, 0}, {"y", "output", {6}, 0}};
  top.cells = {{"g", "AN2", {{"A", {2}}, {"B", {3}}, {"Z", {4}}}},
               {"u0", "sub", {{"x", {4}}, {"z", {5}}}},
               {"u1", "sub", {{"x", {5}}, {"z", {6}}}}};
  n.modules = {{"sub", sub}, {"top", top}};
  return n;
}

ToggleCounts toggles() {
  return {{"g:A", 10},    {"g:B", 20},   {"g:Z", 8},     {"u0.i:A", 8},
          {"u0.i:ZN", 8}, {"u1.i:A", 8}, {"u1.i:ZN", 8}, {":y", 8}};
}

TEST(PowerModel, HierarchyLoadsAndSplitByHand) {
  const LibertyLibrary lib = parse_liberty_library(kLib, "t.lib");
  PowerOptions o;
  o.clock_ns = 2;
  o.wire_cap_per_fanout_ff = 0.5;
  o.output_port_load_ff = 4;
  const PowerReport r = compute_power(lib, netlist(), toggles(), 100, o);
  const double v2 = 4;
  // Internal: g drives n (u0's INV input: 1 + 0.5 fF): 8 x 5 fJ.
  // u0's INV drives y0 (u1's INV input, 1.5 fF, across two boundaries):
  // 8 x 1.5 x 1.5. u1's INV drives y (output port: 4 fF): 8 x 1.5 x 4.
  const double internal = 8 * 5 + 8 * 1.5 * 1.5 + 8 * 1.5 * 4;
  // Switching: g's inputs, the two INV inputs, the output port.
  const double switching = 0.5 * v2 * (10 * 2.5 + 20 * 3.5 + 8 * 1.5 + 8 * 1.5 + 8 * 4);
  const double leakage = (30 + 10 + 10) * 100 * 2 * 1e-3;
  EXPECT_DOUBLE_EQ(r.energy.internal_fj, internal);
  EXPECT_DOUBLE_EQ(r.energy.switching_fj, switching);
  EXPECT_DOUBLE_EQ(r.energy.clock_fj, 0);
  EXPECT_DOUBLE_EQ(r.energy.leakage_fj, leakage);
  EXPECT_EQ(r.cells, 3);
  EXPECT_EQ(r.flops, 0);
  EXPECT_DOUBLE_EQ(r.time_ns, 200);
  EXPECT_DOUBLE_EQ(r.average_power_uw(), (internal + switching + leakage) / 200);
  ASSERT_EQ(r.modules.size(), 2u);
  double sum = 0;
  for (const auto& m : r.modules) sum += m.energy.total_fj();
  EXPECT_DOUBLE_EQ(sum, r.energy.total_fj());
  for (const auto& m : r.modules)
    if (m.module == "sub") {
      EXPECT_EQ(m.instances, 2);
    }
}

TEST(PowerModel, MissingToggleCountIsAnError) {
  const LibertyLibrary lib = parse_liberty_library(kLib, "t.lib");
  auto t = toggles();
  t.erase("u1.i:ZN");
  try {
    compute_power(lib, netlist(), t, 100);
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("u1.i:ZN"), std::string::npos) << e.what();
  }
}

TEST(PowerModel, UnknownCellTypeIsAnError) {
  const LibertyLibrary lib = parse_liberty_library(kLib, "t.lib");
  GateNetlist n = netlist();
  n.modules["top"].cells[0].type = "XOR9";
  EXPECT_THROW(compute_power(lib, n, toggles(), 100), std::runtime_error);
}

TEST(PowerModel, ParsesYosysJson) {
  const std::string json = R"({"modules": {
    "INV": {"attributes": {"blackbox": "00000000000000000000000000000001"}, "ports": {}, "cells": {}},
    "top": {"ports": {"a": {"direction": "input", "bits": [2, 3]}, "y": {"direction": "output", "bits": ["0", 4]}},
            "cells": {"i": {"type": "INV", "connections": {"A": [2], "ZN": [4]}}},
            "netnames": {"a": {"bits": [2, 3], "offset": 4}}}}})";
  const GateNetlist n = parse_yosys_netlist_json(json, "top");
  ASSERT_EQ(n.modules.size(), 1u);
  const auto& top = n.modules.at("top");
  EXPECT_EQ(top.ports[0].offset, 4);
  EXPECT_EQ(top.ports[1].bits[0], kConstBit);
  EXPECT_EQ(top.cells[0].pins.at("ZN")[0], 4);
  EXPECT_THROW(parse_yosys_netlist_json(json, "other"), std::runtime_error);
  EXPECT_THROW(parse_yosys_netlist_json("[]", "top"), std::runtime_error);
}

}  // namespace
}  // namespace bf::synth
