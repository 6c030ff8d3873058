// The Liberty reader (syntax, units, tables, functions) and the cell models
// generated from it, on the shipped library and on a made-up PDK-style one.

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "synth/area.hpp"
#include "synth/cell_models.hpp"
#include "synth/liberty.hpp"
#include "synth/liberty_function.hpp"
#include "synth/liberty_syntax.hpp"
#include "synth/mapping_library.hpp"

namespace bf::synth {
namespace {

std::string mini_pdk() {
  return std::string(BLOCKFORGE_SOURCE_DIR) + "/tests/synth/data/mini_pdk.lib";
}

TEST(LibertySyntax, GroupsAttributesContinuationsAndComments) {
  const auto g = parse_liberty(R"(library (x) { /* c { } */
  a : 1.5 ; // trailing
  b : "q r";
  values ("1, 2", \
          "3, 4");
  cell (c1) { area : 2; pin (A, B) { direction : input; } }
})",
                               "t.lib");
  EXPECT_EQ(g.type, "library");
  ASSERT_NE(g.attribute("a"), nullptr);
  EXPECT_EQ(*g.attribute("a"), "1.5");
  EXPECT_EQ(*g.attribute("b"), "q r");
  ASSERT_NE(g.complex_attribute("values"), nullptr);
  EXPECT_EQ(g.complex_attribute("values")->size(), 2u);
  ASSERT_EQ(g.children("cell").size(), 1u);
  EXPECT_EQ(g.children("cell")[0]->children("pin")[0]->args.size(), 2u);
}

TEST(LibertySyntax, ErrorsNameFileAndLine) {
  try {
    parse_liberty("library (x) {\n  cell (a) {\n    area : 1;\n", "bad.lib");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.lib:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_liberty("library (x) { a : 1; } trailing", "t.lib"), std::runtime_error);
  EXPECT_THROW(parse_liberty_library("cell (x) { area : 1; }", "t.lib"), std::runtime_error);
}

TEST(LibertyFunction, PrecedenceNegationAndJuxtaposition) {
  std::set<std::string> names;
  EXPECT_EQ(liberty_function_to_verilog("!(A1 & A2)", "t", &names), "(~(A1 & A2))");
  EXPECT_EQ(names, (std::set<std::string>{"A1", "A2"}));
  EXPECT_EQ(liberty_function_to_verilog("(A B)'", "t"), "(~(A & B))");
  EXPECT_EQ(liberty_function_to_verilog("A+B*C", "t"), "(A | (B & C))");
  EXPECT_EQ(liberty_function_to_verilog("A^B&C", "t"), "((A ^ B) & C)");
  EXPECT_EQ(liberty_function_to_verilog("1", "t"), "1'b1");
  EXPECT_THROW(liberty_function_to_verilog("(A & B", "t"), std::runtime_error);
  EXPECT_THROW(liberty_function_to_verilog("A &", "t"), std::runtime_error);
}

TEST(LibertyTable, InterpolatesAndExtrapolatesBilinearly) {
  LibertyTable t;
  t.variable_1 = "input_net_transition";
  t.variable_2 = "total_output_net_capacitance";
  t.index_1 = {0.0, 1.0};
  t.index_2 = {0.0, 10.0};
  t.values = {0.0, 10.0, 1.0, 11.0};  // v = x1 + x2
  EXPECT_DOUBLE_EQ(t.at(0.5, 5.0), 5.5);
  EXPECT_DOUBLE_EQ(t.at(2.0, 20.0), 22.0);  // beyond both ends
  // Variables in the other order are looked up by name, not position.
  std::swap(t.variable_1, t.variable_2);
  std::swap(t.index_1, t.index_2);
  t.values = {0.0, 1.0, 10.0, 11.0};
  EXPECT_DOUBLE_EQ(t.at(0.5, 5.0), 5.5);
}

TEST(Liberty, ShippedLibraryHasTimingAndPowerInProjectUnits) {
  const LibertyLibrary lib = read_liberty(liberty_path());
  EXPECT_EQ(lib.name, "blockforge45");
  EXPECT_DOUBLE_EQ(lib.nominal_voltage, 1.1);
  const LibertyCell& nand = lib.cells.at("NAND2");
  EXPECT_DOUBLE_EQ(nand.leakage_nw, 17.4);
  EXPECT_DOUBLE_EQ(nand.pin("A1")->capacitance_ff, 1.599032);
  const LibertyPin& zn = *nand.pin("ZN");
  ASSERT_EQ(zn.timing.size(), 2u);
  // The published figures: 19.8 ps at 2 fF and 34.0 ps at 8 fF, 20 ps input.
  EXPECT_NEAR(zn.timing[0].cell_rise->at(0.02, 2.0), 0.0198, 1e-4);
  EXPECT_NEAR(zn.timing[0].cell_fall->at(0.02, 8.0), 0.0340, 1e-4);
  ASSERT_FALSE(zn.power.empty());
  EXPECT_NEAR(zn.power[0].rise->at(0.02, 4.0), 1.53, 1e-9);  // fJ
  const LibertyCell& dff = lib.cells.at("DFFR");
  ASSERT_TRUE(dff.ff.has_value());
  EXPECT_EQ(dff.ff->clear, "!RN");
  EXPECT_FALSE(dff.pin("CK")->power.empty());
  EXPECT_TRUE(lib.cells.at("FA").pin("S") && lib.cells.at("FA").pin("CO"));
}

TEST(Liberty, UnitsOfAnotherLibraryAreConverted) {
  const LibertyLibrary lib = read_liberty(mini_pdk());
  EXPECT_EQ(lib.name, "mini_pdk");
  const LibertyCell& inv = lib.cells.at("mini_inv_1");
  EXPECT_DOUBLE_EQ(inv.pin("A")->capacitance_ff, 2.3);  // 0.0023 pF
  EXPECT_DOUBLE_EQ(inv.leakage_nw, 1.5);                // 1500 pW
  const auto& arc = inv.pin("Y")->timing.at(0);
  // 1 ps time unit: 20 ps at (10 ps, 1 fF) is 0.020 ns.
  EXPECT_NEAR(arc.cell_rise->at(0.010, 1.0), 0.020, 1e-12);
  EXPECT_NEAR(arc.cell_rise->at(0.100, 10.0), 0.130, 1e-12);
  // Energy unit = pF x V^2 = 1000 fJ.
  EXPECT_NEAR(inv.pin("Y")->power.at(0).rise->at(0.010, 1.0), 2.0, 1e-9);
  EXPECT_TRUE(lib.cells.at("mini_buf_16").dont_use);
}

TEST(MappingLibrary, DontUseRemovesCellsAndFindsTieCellsAndNand2) {
  const MappingLibrary m = prepare_mapping_library(mini_pdk(), {"mini_xor2_1"});
  EXPECT_FALSE(m.library.cells.count("mini_xor2_1"));
  EXPECT_FALSE(m.library.cells.count("mini_buf_16"));  // marked dont_use in the file
  EXPECT_TRUE(m.library.cells.count("mini_xnor2_1"));
  EXPECT_EQ(m.tie_high, "mini_tiehi HI");
  EXPECT_EQ(m.tie_low, "mini_tielo LO");
  EXPECT_DOUBLE_EQ(m.nand2_area_um2, 3.75);
  EXPECT_TRUE(m.has_plain_flop && m.has_async_clear && m.has_async_preset);
}

TEST(MappingLibrary, BadInputsSayWhatToDo) {
  const auto message = [](const std::string& lib, std::vector<std::string> dont_use) {
    try {
      prepare_mapping_library(lib, dont_use);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("/nonexistent/x.lib", {}).find("file not found"), std::string::npos);
  EXPECT_NE(message(mini_pdk(), {"mini_nand3_1"}).find("has no cell 'mini_nand3_1'"),
            std::string::npos);
  EXPECT_NE(message(mini_pdk(), {"mini_dfxtp_1"}).find("rising-edge D flip-flop"),
            std::string::npos);
}

TEST(CellModels, FollowTheLibraryFunctionsAndFlops) {
  const LibertyLibrary lib = read_liberty(mini_pdk());
  const std::string v = cell_models_verilog(lib, {"mini_nand2_1", "mini_dfrtp_1"});
  EXPECT_NE(v.find("module mini_nand2_1 (A, B, Y);"), std::string::npos) << v;
  EXPECT_NE(v.find("assign Y = (~(A & B));"), std::string::npos) << v;
  EXPECT_NE(v.find("always @(posedge CLK or negedge RESET_B)"), std::string::npos) << v;
  EXPECT_EQ(v.find("module mini_inv_1"), std::string::npos);  // only the cells asked for
  EXPECT_THROW(cell_models_verilog(lib, {"mini_nand9"}), std::runtime_error);
}

}  // namespace
}  // namespace bf::synth
