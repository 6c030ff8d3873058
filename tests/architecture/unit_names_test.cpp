// One unit, one name (issue 8): the real tree follows the rule for every
// registered unit, and the check reports each way of breaking it.
#include "tests/architecture/unit_names.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "generator/design/registry.hpp"

namespace bf::arch {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> registered_units() {
  std::vector<std::string> names;
  for (const auto& u : all_units()) names.push_back(u.name);
  return names;
}

TEST(UnitNames, EveryUnitHasOneNameAcrossTheTree) {
  const auto problems = check_unit_names(BLOCKFORGE_SOURCE_DIR, registered_units());
  std::string report;
  for (const auto& p : problems) report += p + "\n";
  EXPECT_TRUE(problems.empty()) << report;
}

TEST(UnitNames, StemReplacesTheDot) {
  EXPECT_EQ(unit_stem("softmax.exp_baseline"), "softmax_exp_baseline");
  EXPECT_EQ(unit_stem("opal.pe"), "opal_pe");
}

class UnitTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("bf_unit_names_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    for (const char* f :
         {"golden/units/x_y", "generator/units/x_y", "tests/units/x_y", "rtl_out/x_y_small"})
      fs::create_directories(root_ / f);
    write("configs/x_y_small.toml", "unit = \"x.y\"\nname = \"x_y_small\"\n");
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  std::vector<std::string> check() { return check_unit_names(root_.string(), {"x.y"}); }
  fs::path root_;
};

TEST_F(UnitTree, AConsistentTreePasses) { EXPECT_EQ(check(), std::vector<std::string>{}); }

TEST_F(UnitTree, ReportsAMissingLayerFolder) {
  fs::remove_all(root_ / "tests/units/x_y");
  const auto p = check();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("tests/units/x_y/ is missing"), std::string::npos) << p[0];
}

TEST_F(UnitTree, ReportsAFolderOfNoUnit) {
  fs::create_directories(root_ / "generator/units/x_y_helpers");
  const auto p = check();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("generator/units/x_y_helpers/ names no registered unit"), std::string::npos)
      << p[0];
}

TEST_F(UnitTree, ReportsAConfigNamedAfterAnotherStemOrWithAnotherName) {
  fs::create_directories(root_ / "rtl_out/small");
  write("configs/small.toml", "unit = \"x.y\"\nname = \"small\"\n");
  write("configs/x_y_big.toml", "unit = \"x.y\"\nname = \"big\"\n");
  const auto p = check();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_NE(p[0].find("configs/small.toml: unit stem 'x_y' must start"), std::string::npos) << p[0];
  EXPECT_NE(p[1].find("configs/x_y_big.toml: name = \"big\" must equal"), std::string::npos)
      << p[1];
  EXPECT_NE(p[2].find("rtl_out/x_y_big/ is missing"), std::string::npos) << p[2];
}

}  // namespace
}  // namespace bf::arch
