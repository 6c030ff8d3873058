// Structure of the generated opal.softmax: no multiplier, divider or table
// (shifts and adds only), and its latency.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "generator/design/registry.hpp"
#include "tests/units/design_text.hpp"

namespace bf {
namespace {

using testing::code_of;

TEST(OpalSoftmaxRtl, OpalHasNoMultiplierDividerOrTable) {
  const std::string v = code_of("unit = \"opal.softmax\"\n[params]\nn = 16\npipeline_stages = 3\n");
  EXPECT_EQ(v.find('*'), std::string::npos);
  EXPECT_EQ(v.find('/'), std::string::npos);
  EXPECT_EQ(v.find('%'), std::string::npos);
  EXPECT_EQ(v.find("case"), std::string::npos);
  EXPECT_NE(v.find(">>"), std::string::npos);
}

TEST(OpalSoftmaxRtl, LatencyIsPipelineStagesPlusOne) {
  for (int s = 0; s <= 3; ++s) {
    const auto d = load_design_text(
        fmt::format("unit = \"opal.softmax\"\n[params]\nn = 8\npipeline_stages = {}\n", s),
        "t.toml");
    EXPECT_EQ(d->latency(), s + 1);
  }
}

}  // namespace
}  // namespace bf
