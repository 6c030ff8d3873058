// Rolling module results up the instance tree, on made-up results (no Yosys).

#include "synth/instance_tree.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bf::synth {
namespace {

ModuleResult result(double area, long flops, long transistors,
                    std::map<std::string, long> children) {
  ModuleResult r;
  r.mapped.cells = {{"NAND2", 1}};
  r.mapped.cell_count = 1;
  r.mapped.area_um2 = area;
  r.mapped.flops = flops;
  r.mapped.cell_area_um2 = {{"NAND2", 0.798}};
  r.transistors = transistors;
  r.children = std::move(children);
  return r;
}

// top -> 2 a, 1 b; a -> 3 c; b -> 1 c: c appears under two parents.
std::map<std::string, ModuleResult> diamond() {
  return {{"top", result(1.0, 1, 10, {{"a", 2}, {"b", 1}})},
          {"a", result(2.0, 0, 20, {{"c", 3}})},
          {"b", result(4.0, 2, 40, {{"c", 1}})},
          {"c", result(8.0, 4, 80, {})}};
}

TEST(RollUp, InstancesMultiplyAlongEveryPath) {
  AreaReport r;
  roll_up("top", diamond(), r);
  std::map<std::string, ModuleArea> m;
  for (const auto& a : r.modules) m[a.name] = a;
  EXPECT_EQ(m["top"].instances, 1);
  EXPECT_EQ(m["a"].instances, 2);
  EXPECT_EQ(m["b"].instances, 1);
  EXPECT_EQ(m["c"].instances, 2 * 3 + 1);
  EXPECT_DOUBLE_EQ(m["a"].total_area_um2, 2.0 + 3 * 8.0);
  EXPECT_DOUBLE_EQ(m["b"].total_area_um2, 4.0 + 8.0);
  EXPECT_DOUBLE_EQ(r.area_um2, 1.0 + 2 * 26.0 + 12.0);
  EXPECT_EQ(r.flops, 1 + 2 + 7 * 4);
  EXPECT_EQ(r.transistors, 10 + 2 * 20 + 40 + 7 * 80);
  EXPECT_EQ(r.cells.at("NAND2"), 1 + 2 + 1 + 7);
  EXPECT_EQ(r.cell_count, 11);
}

TEST(RollUp, DepthFirstOrderWithLevels) {
  AreaReport r;
  roll_up("top", diamond(), r);
  ASSERT_EQ(r.modules.size(), 4u);
  EXPECT_EQ(r.modules[0].name, "top");
  EXPECT_EQ(r.modules[1].name, "a");
  EXPECT_EQ(r.modules[2].name, "c");
  EXPECT_EQ(r.modules[2].level, 2);
  EXPECT_EQ(r.modules[3].name, "b");
  EXPECT_EQ(r.modules[3].level, 1);
}

TEST(RollUp, MissingResultOrCycleThrows) {
  auto results = diamond();
  results.erase("c");
  AreaReport r;
  EXPECT_THROW(roll_up("top", results, r), std::runtime_error);
  auto cyclic = diamond();
  cyclic["c"].children = {{"a", 1}};
  EXPECT_THROW(roll_up("top", cyclic, r), std::runtime_error);
}

}  // namespace
}  // namespace bf::synth
