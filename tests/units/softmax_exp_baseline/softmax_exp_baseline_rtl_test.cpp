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

}  // namespace
}  // namespace bf
