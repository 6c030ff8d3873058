// Every unit, on every parameter set of its self_test_sweep(): the generated
// Verilog is deterministic, declares every name before its use, and is
// accepted unchanged by Verilator -Wall, Yosys and Icarus. Iterates the unit table, so a new unit is covered by adding it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "generator/design/rtl_writer.hpp"
#include "generator/design/registry.hpp"
#include "generator/verilog/module.hpp"
#include "tests/units/declaration_scan.hpp"

namespace bf {
namespace {

namespace fs = std::filesystem;

struct SweepPoint {
  std::string unit;
  std::string params;
  std::string label;
};

std::vector<SweepPoint> all_points() {
  std::vector<SweepPoint> points;
  for (const auto& u : all_units()) {
    int i = 0;
    for (const auto& p : u.self_test_sweep())
      points.push_back({u.name, p, u.name + "_" + std::to_string(i++)});
  }
  return points;
}

std::unique_ptr<Design> load(const SweepPoint& p) {
  return load_design_text("unit = \"" + p.unit + "\"\n[params]\n" + p.params + "\n",
                          p.label + ".toml");
}

void PrintTo(const SweepPoint& p, std::ostream* os) { *os << p.label << " {" << p.params << "}"; }

int run(const std::string& cmd) { return std::system(cmd.c_str()); }

class GeneratedRtl : public ::testing::TestWithParam<SweepPoint> {};

TEST_P(GeneratedRtl, DeterministicAndLintClean) {
  const auto design = load(GetParam());
  const auto again = load(GetParam());
  const auto mods = design_modules(*design);
  const auto mods2 = design_modules(*again);
  ASSERT_EQ(mods.size(), mods2.size());
  for (std::size_t i = 0; i < mods.size(); ++i) {
    const std::string text = vlog::print(mods[i]);
    EXPECT_EQ(text, vlog::print(mods2[i]));
    // Declared before use, checked on the text by a scanner that shares no
    // code with the writer.
    EXPECT_EQ(testing::use_before_declaration(text), std::vector<std::string>{}) << mods[i].name;
  }

  const fs::path dir = fs::temp_directory_path() / ("bf_units_" + GetParam().label);
  fs::remove_all(dir);
  const auto w = write_rtl(*design, dir.string());
  std::string files;
  for (const auto& f : w.files) files += " " + f;
  const std::string top = design->top_name();
  const std::string log = (dir / "tools.log").string();
  EXPECT_EQ(run("verilator --lint-only -Wall --top-module " + top + files + " > " + log + " 2>&1"),
            0)
      << "see " << log;
  EXPECT_EQ(run("yosys -q -p 'read_verilog" + files + "; hierarchy -check -top " + top +
                "; proc; check -assert' >> " + log + " 2>&1"),
            0)
      << "see " << log;
  EXPECT_EQ(run("iverilog -g2005 -Wall -s " + top + " -o " + (dir / "a.vvp").string() + files +
                " >> " + log + " 2>&1"),
            0)
      << "see " << log;
  std::ifstream lf(log);
  const std::string text((std::istreambuf_iterator<char>(lf)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("warning"), std::string::npos) << text;
  EXPECT_EQ(text.find("Warning"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(AllUnits, GeneratedRtl, ::testing::ValuesIn(all_points()),
                         [](const auto& info) {
                           std::string s = info.param.label;
                           for (auto& c : s)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return s;
                         });

}  // namespace
}  // namespace bf
