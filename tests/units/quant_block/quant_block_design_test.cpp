// quant.block as a design: one element quantizer module instantiated once
// per element, the latency follows pipeline_stages, and the emulated result
// is the golden block quantizer's on a hand-worked block.
#include <gtest/gtest.h>

#include <bit>
#include <regex>
#include <string>

#include "generator/design/registry.hpp"
#include "generator/verilog/module.hpp"

namespace bf {
namespace {

std::unique_ptr<Design> mxint8(int k, int stages) {
  return load_design_text(
      "unit = \"quant.block\"\nname = \"qb\"\n[params]\nformat = \"mxint8\"\n"
      "block = " +
          std::to_string(k) + "\npipeline_stages = " + std::to_string(stages) + "\n",
      "t.toml");
}

TEST(QuantBlockDesign, OneElementModuleInstantiatedPerElement) {
  const auto d = mxint8(16, 0);
  int elem_modules = 0, instances = 0;
  const std::regex inst(R"(\bqb_elem u_elem_\d+)");
  for (const auto& m : d->modules()) {
    if (m.name == "qb_elem") ++elem_modules;
    const std::string text = vlog::print(m);
    instances += static_cast<int>(std::distance(
        std::sregex_iterator(text.begin(), text.end(), inst), std::sregex_iterator()));
  }
  EXPECT_EQ(elem_modules, 1);
  EXPECT_EQ(instances, 16);
}

TEST(QuantBlockDesign, LatencyIsPipelineStagesPlusOne) {
  for (int s = 0; s <= 1; ++s) EXPECT_EQ(mxint8(8, s)->latency(), s + 1);
}

TEST(QuantBlockDesign, HandWorkedMxint8Block) {
  // max |x| = 6 = 1.5 * 2^2: S = 2 + 127 (E8M0, emax 0); the elements are
  // x / 2^(2 - 6) in 8-bit sign-magnitude: 6 -> 96, -1 -> -16, 0.25 -> 4,
  // 0.01 -> round(0.16) = 0.
  const auto d = mxint8(4, 0);
  const float x[] = {6.0f, -1.0f, 0.25f, 0.01f};
  PortValues in{BitVec(32 * 4)};
  for (int i = 0; i < 4; ++i) in[0].set(32 * i, 32, std::bit_cast<uint32_t>(x[i]));
  const auto out = d->emulate(in);
  EXPECT_EQ(out[0].get(0, 8), 129u);
  EXPECT_EQ(out[1].get(0, 8), 96u);
  EXPECT_EQ(out[1].get(8, 8), 0x80u | 16u);
  EXPECT_EQ(out[1].get(16, 8), 4u);
  EXPECT_EQ(out[1].get(24, 8), 0u);
}

}  // namespace
}  // namespace bf
