// The source tree's layers run one way (README "Architecture"): the real
// tree has no include that goes up a layer, and the check reports one when
// it is there.
#include "tests/architecture/layering.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace bf::arch {
namespace {

namespace fs = std::filesystem;

TEST(Layering, SourceTreeIncludesOnlyDownward) {
  const auto violations = check_layering(BLOCKFORGE_SOURCE_DIR);
  std::string report;
  for (const auto& v : violations) report += v.message + "\n";
  EXPECT_TRUE(violations.empty()) << report;
}

TEST(Layering, LayersOfPaths) {
  EXPECT_EQ(layer_of("util/process.hpp"), 0);
  EXPECT_EQ(layer_of("golden/formats/rounding.hpp"), 1);
  EXPECT_EQ(layer_of("generator/verilog/module.hpp"), 2);
  EXPECT_EQ(layer_of("generator/blocks/select.hpp"), 2);
  EXPECT_EQ(layer_of("generator/config/config.hpp"), 2);
  EXPECT_EQ(layer_of("generator/design/design.hpp"), 3);
  EXPECT_EQ(layer_of("generator/units/opal_pe/opal_pe_rtl.hpp"), 3);
  EXPECT_EQ(layer_of("tb/verify.hpp"), 4);
  EXPECT_EQ(layer_of("synth/area.hpp"), 4);
  EXPECT_EQ(layer_of("app/cli/cli.hpp"), 5);
  EXPECT_EQ(layer_of("tests/units/bit_exact_test.cpp"), std::nullopt);
}

// A scratch tree with one include in each wrong direction, and one right.
class ScratchTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("bf_layering_" + std::to_string(::getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  fs::path root_;
};

TEST_F(ScratchTree, ReportsAnIncludeThatGoesUp) {
  write("app/cli/cli.hpp", "#pragma once\n");
  write("tb/verify.hpp", "#pragma once\n#include \"generator/design/design.hpp\"\n");
  write("generator/design/design.hpp", "#pragma once\n#include <vector>\n");
  write("generator/units/x/x_unit.cpp",
        "#include \"generator/design/design.hpp\"\n\n#include \"tb/verify.hpp\"\n");
  write("golden/units/x/x.hpp", "#include \"util/hash.hpp\"\n");
  write("util/hash.hpp", "#pragma once\n");
  const auto v = check_layering(root_.string());
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].file, "generator/units/x/x_unit.cpp");
  EXPECT_EQ(v[0].line, 3);
  EXPECT_EQ(v[0].message,
            "generator/units/x/x_unit.cpp:3: includes tb/verify.hpp (layer 3 includes layer 4); "
            "move the code it needs down a layer or this file up");
  EXPECT_EQ(v[1].file, "golden/units/x/x.hpp");
  EXPECT_NE(v[1].message.find("golden/ includes only golden/"), std::string::npos);
}

}  // namespace
}  // namespace bf::arch
