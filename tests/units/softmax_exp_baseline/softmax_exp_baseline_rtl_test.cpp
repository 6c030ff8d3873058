// Structure of the generated softmax.exp_baseline: multipliers, an exp table
// and a reciprocal divider, and its latency.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "generator/design/registry.hpp"
#include "tests/units/design_text.hpp"

namespace bf {
namespace {

using testing::code_of;

TEST(SoftmaxExpBaselineRtl, BaselineHasMultipliersTableAndReciprocal) {
  const std::string v = code_of("unit = \"softmax.exp_baseline\"\n[params]\nn = 4\n");
  EXPECT_NE(v.find(" * "), std::string::npos);
  EXPECT_NE(v.find("case (seg)"), std::string::npos);
  EXPECT_NE(v.find("rcp_quot"), std::string::npos);
}

TEST(SoftmaxExpBaselineRtl, LatencyIsPipelineStagesPlusOne) {
  for (int s = 0; s <= 3; ++s) {
    const auto d = load_design_text(
        fmt::format("unit = \"softmax.exp_baseline\"\n[params]\nn = 8\npipeline_stages = {}\n", s),
        "t.toml");
    EXPECT_EQ(d->latency(), s + 1);
  }
}

TEST(SoftmaxExpBaselineRtl, DividerStagesCutTheReciprocalIntoNearEqualGroups) {
  const std::string base = "unit = \"softmax.exp_baseline\"\n[params]\nn = 4\nout_bits = 8\n";
  // out_bits 8: 10 quotient rows; 2 cuts -> groups of 3, 4, 3 rows.
  const std::string v = code_of(base + "divider_stages = 2\n");
  EXPECT_NE(v.find("rcp_rem_q1"), std::string::npos);
  EXPECT_NE(v.find("rcp_rem_q2"), std::string::npos);
  EXPECT_EQ(v.find("rcp_rem_q3"), std::string::npos);
  const auto d = load_design_text(base + "pipeline_stages = 1\ndivider_stages = 2\n", "t.toml");
  EXPECT_EQ(d->latency(), 4);
  // One register stage per row at most.
  try {
    load_design_text(base + "divider_stages = 10\n", "t.toml");
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("divider_stages must be below the reciprocal's 10 "
                                         "quotient rows"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace bf
