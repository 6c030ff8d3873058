// Structure of the generated opal.quantizer: one variable-width element
// quantizer per position (not one per width), and the selection pipeline
// that passes_per_stage sets, with the latency it adds. Bit-exactness of the
// same designs is tests/units/bit_exact_test.cpp (the unit's examples use
// both).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "generator/design/registry.hpp"
#include "generator/verilog/module.hpp"
#include "golden/params/param_spec.hpp"

namespace bf {
namespace {

std::string quantizer_toml(const std::string& params) {
  return "unit = \"opal.quantizer\"\nname = \"q\"\n[params]\n" + params + "\n";
}

int count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

TEST(OpalQuantizerRtl, OneVariableWidthElementQuantizerPerPosition) {
  const auto d = load_design_text(
      quantizer_toml("block = 32\noutliers = 2\nbits = 3\nalt_bits = [5, 8]"), "q.toml");
  const auto mods = d->modules();
  int elem_modules = 0;
  std::string top;
  for (const auto& m : mods) {
    if (m.name.find("_elem") != std::string::npos) {
      ++elem_modules;
      const std::string text = vlog::print(m);
      EXPECT_EQ(count(text, R"(input\s+wire\s+\[1:0\]\s+sel_i)"), 1) << text;
      EXPECT_EQ(count(text, R"(output\s+wire\s+\[7:0\]\s+code_o)"), 1) << text;
    }
    if (m.name == "q") top = vlog::print(m);
  }
  EXPECT_EQ(elem_modules, 1);
  EXPECT_EQ(count(top, R"(\bq_elem u_elem_\d+)"), 32);
  EXPECT_EQ(count(top, R"(\.sel_i\s*\(mode_i\))"), 32);
}

TEST(OpalQuantizerRtl, OneWidthKeepsTheFixedWidthElement) {
  const auto d = load_design_text(quantizer_toml("block = 32\noutliers = 2\nbits = 3"), "q.toml");
  for (const auto& m : d->modules())
    EXPECT_EQ(vlog::print(m).find("sel_i"), std::string::npos) << m.name;
}

TEST(OpalQuantizerRtl, PassesPerStageSetsSelectionRegistersAndLatency) {
  // n = 4 passes: registers after every s passes but the last.
  const int expected_registers[] = {0, 3, 1, 1, 0, 0};
  for (int s = 0; s <= 5; ++s)
    for (int stages = 0; stages <= 1; ++stages) {
      const auto d = load_design_text(
          quantizer_toml(fmt::format("block = 32\noutliers = 4\nbits = 3\nalt_bits = [5]\n"
                                     "passes_per_stage = {}\npipeline_stages = {}",
                                     s, stages)),
          "q.toml");
      const int regs = expected_registers[s];
      EXPECT_EQ(d->latency(), 1 + stages + regs) << "passes_per_stage " << s;
      std::string text;
      for (const auto& m : d->modules()) text += vlog::print(m);
      EXPECT_EQ(count(text, R"(reg\s+\[\d+:0\]\s+sel_live_q\d+\s*;)"), regs)
          << "passes_per_stage " << s;
      // The mode travels with the block through every selection register.
      EXPECT_EQ(count(text, R"(reg\s+sel_mode_q\d+\s*;)"), regs);
    }
}

TEST(OpalQuantizerParams, PassesPerStageNeedsTheIterativeSelection) {
  try {
    load_design_text(quantizer_toml("block = 32\noutliers = 2\nselection = \"rank\"\n"
                                    "passes_per_stage = 1"),
                     "q.toml");
    FAIL() << "accepted passes_per_stage with the rank selection";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("passes_per_stage"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("iterative"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bf
