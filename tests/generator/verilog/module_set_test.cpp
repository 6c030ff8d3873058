// finalize_modules: shared modules kept once, every instance checked against
// its child's ports at generation time, dependency order.
#include <gtest/gtest.h>

#include "generator/verilog/module_set.hpp"

namespace bf::vlog {
namespace {

Module leaf(const std::string& name = "leaf", const std::string& body = "a_i ^ b_i") {
  Module m;
  m.name = name;
  m.input("a_i", 4);
  m.input("b_i", 4);
  m.output("y_o", 4);
  m.assign("y_o", body);
  return m;
}

Module parent(std::vector<std::pair<std::string, std::string>> conns) {
  Module m;
  m.name = "parent";
  m.input("x_i", 8);
  m.output("y_o", 4);
  m.wire("y", 4);
  m.reg("r", 4);
  m.add(Instance{"leaf", "u_leaf", std::move(conns), ""});
  m.assign("y_o", "y");
  return m;
}

std::string error_of(std::vector<Module> mods, const std::string& top = "parent") {
  try {
    finalize_modules(std::move(mods), top);
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "accepted";
}

const std::vector<std::pair<std::string, std::string>> kGood = {
    {"a_i", "x_i[3:0]"}, {"b_i", "x_i[7:4]"}, {"y_o", "y"}};

TEST(ModuleSet, OrdersChildrenFirstAndKeepsSharedModulesOnce) {
  const auto out = finalize_modules({parent(kGood), leaf(), leaf()}, "parent");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].name, "leaf");
  EXPECT_EQ(out[1].name, "parent");
  // Unreachable modules are dropped.
  EXPECT_EQ(finalize_modules({parent(kGood), leaf(), leaf("spare")}, "parent").size(), 2u);
}

TEST(ModuleSet, RejectsTwoBodiesUnderOneName) {
  EXPECT_EQ(error_of({parent(kGood), leaf(), leaf("leaf", "a_i & b_i")}),
            "vlog: two different modules are both called leaf; derive module names from "
            "everything that shapes the body");
}

TEST(ModuleSet, ChecksEveryConnection) {
  EXPECT_EQ(error_of({parent(kGood), leaf()}), "accepted");
  EXPECT_EQ(error_of({parent({{"a_i", "x_i[3:0]"}, {"b_i", "x_i[7:3]"}, {"y_o", "y"}}), leaf()}),
            "vlog: module parent, instance u_leaf of leaf, port b_i: 'x_i[7:3]' is 5 bits, the "
            "port 4");
  EXPECT_EQ(error_of({parent({{"a_i", "x_i[3:0]"}, {"y_o", "y"}}), leaf()}),
            "vlog: module parent, instance u_leaf of leaf, port b_i: not connected");
  EXPECT_EQ(error_of({parent({{"a_i", "x_i[3:0]"}, {"b_i", "x_i[7:4]"}, {"y_o", "y"}, {"c_i", "y"}}),
                      leaf()}),
            "vlog: module parent, instance u_leaf of leaf, port c_i: no such port");
  EXPECT_EQ(error_of({parent({{"a_i", "x_i[3:0]"}, {"b_i", "x_i[7:4]"}, {"y_o", "r"}}), leaf()}),
            "vlog: module parent, instance u_leaf of leaf, port y_o: output drives 'r', which is "
            "not a wire (a reg, literal or replication)");
  EXPECT_EQ(error_of({parent({{"a_i", "x_i[3:0] + 4'd1"}, {"b_i", "x_i[7:4]"}, {"y_o", "y"}}),
                      leaf()})
                .find("'x_i[3:0] + 4'd1' is not a connection"),
            std::string("vlog: module parent, instance u_leaf of leaf, port a_i: ").size());
  EXPECT_EQ(error_of({parent(kGood)}),
            "vlog: module parent, instance u_leaf: module leaf is not part of the design");
  // An open output is allowed, an open input is not.
  EXPECT_EQ(error_of({parent({{"a_i", "x_i[3:0]"}, {"b_i", "x_i[7:4]"}, {"y_o", ""}}), leaf()}),
            "accepted");
  EXPECT_EQ(error_of({parent({{"a_i", ""}, {"b_i", "x_i[7:4]"}, {"y_o", "y"}}), leaf()}),
            "vlog: module parent, instance u_leaf of leaf, port a_i: input left open");
}

TEST(ModuleSet, ConnectionWidths) {
  Module m = parent(kGood);
  m.memory("mem", 6, 8);
  EXPECT_EQ(connection_width("x_i", m), 8);
  EXPECT_EQ(connection_width("x_i[5]", m), 1);
  EXPECT_EQ(connection_width("x_i[6:2]", m), 5);
  EXPECT_EQ(connection_width("x_i[4*i +: 4]", m, {{"i", 32}}), 4);
  EXPECT_EQ(connection_width("x_i[(i+1)*2 -: 2]", m, {{"i", 32}}), 2);
  EXPECT_EQ(connection_width("{2'b01, x_i[3:0], y}", m), 10);
  EXPECT_EQ(connection_width("{3{x_i[1]}}", m), 3);
  EXPECT_EQ(connection_width("mem[x_i[2:0]]", m), 6);
  EXPECT_EQ(connection_width("mem", m), std::nullopt);
  EXPECT_EQ(connection_width("5", m), std::nullopt);  // unsized
  EXPECT_EQ(connection_width("x_i & y", m), std::nullopt);
  EXPECT_EQ(connection_width("nope", m), std::nullopt);
}

// The check runs inside generate loops too, with the loop's local nets.
TEST(ModuleSet, ChecksInstancesInGenerateLoops) {
  Module m;
  m.name = "parent";
  m.input("x_i", 16);
  m.output("y_o", 8);
  m.wire("y", 8);
  m.add(GenerateFor{"i",
                    2,
                    "g_pair",
                    {Net{"b", 4, false, false, ""}, Assign{"b", "x_i[8*i+4 +: 4]", ""},
                     Instance{"leaf", "u_leaf", {{"a_i", "x_i[8*i +: 4]"}, {"b_i", "b"}, {"y_o", "y[4*i +: 3]"}}, ""}},
                    ""});
  m.assign("y_o", "y");
  EXPECT_EQ(error_of({m, leaf()}),
            "vlog: module parent, instance u_leaf of leaf, port y_o: 'y[4*i +: 3]' is 3 bits, the "
            "port 4");
}

}  // namespace
}  // namespace bf::vlog
