// arith.fp_sqrt as a design: each lane is an IEEE square root (fp32,
// nearest-even, subnormals exact) bit for bit against the host's
// std::sqrt(float), lanes do not interact, its vectors reach exact roots,
// negative operands and subnormals, and the latency and the register cuts
// follow pipeline_stages.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include "generator/design/registry.hpp"
#include "generator/verilog/module.hpp"

namespace bf {
namespace {

constexpr int kLanes = 3;

std::unique_ptr<Design> root(int stages, int lanes = kLanes) {
  return load_design_text("unit = \"arith.fp_sqrt\"\n[params]\nlanes = " + std::to_string(lanes) +
                              "\npipeline_stages = " + std::to_string(stages) + "\n",
                          "t.toml");
}

TEST(ArithFpSqrtDesign, EachLaneIsTheHostFloatRoot) {
  const auto d = root(0);
  ASSERT_EQ(d->data_inputs().size(), 1u);  // unary: a_i only
  std::mt19937_64 rng(9);
  std::uniform_int_distribution<uint32_t> any;
  for (int n = 0; n < 30000; ++n) {
    PortValues in{BitVec(32 * kLanes)};
    float want[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      uint32_t a = any(rng);
      if (n % 3) a &= 0x7fffffffu;       // mostly positive
      if (n % 7 == 0) a &= 0x807fffffu;  // subnormals and zeros
      in[0].set(32 * l, 32, a);
      want[l] = std::sqrt(std::bit_cast<float>(a));
    }
    const auto out = d->emulate(in);
    for (int l = 0; l < kLanes; ++l) {
      const uint32_t got = static_cast<uint32_t>(out[0].get(32 * l, 32));
      if (std::isnan(want[l])) {
        EXPECT_EQ(got, 0x7fc00000u);
      } else {
        ASSERT_EQ(got, std::bit_cast<uint32_t>(want[l])) << std::hex << in[0].get(32 * l, 32);
      }
    }
  }
}

TEST(ArithFpSqrtDesign, VectorsCoverTheHardCases) {
  const auto d = root(0, 1);
  int exact = 0, inexact = 0, negative = 0, subnormal_in = 0, odd_exp = 0, even_exp = 0;
  std::mt19937_64 rng(4);
  auto vs = d->corner_cases();
  for (int i = 0; i < 20000; ++i) vs.push_back(d->random_case(rng));
  for (const auto& v : vs) {
    const uint32_t a = static_cast<uint32_t>(v.inputs[0].get(0, 32));
    const float x = std::bit_cast<float>(a);
    const float r = std::bit_cast<float>(static_cast<uint32_t>(d->emulate(v.inputs)[0].get(0, 32)));
    if (x < 0.0f) ++negative;
    if (x > 0.0f && x < 0x1p-126f) ++subnormal_in;
    if (x > 0.0f && std::isfinite(x)) {
      ++((std::ilogb(x) & 1) ? odd_exp : even_exp);
      ++(static_cast<double>(r) * static_cast<double>(r) == static_cast<double>(x) ? exact
                                                                                   : inexact);
    }
  }
  EXPECT_GT(exact, 500);
  EXPECT_GT(inexact, 5000);
  EXPECT_GT(negative, 200);
  EXPECT_GT(subnormal_in, 2000);
  EXPECT_GT(odd_exp, 5000);
  EXPECT_GT(even_exp, 5000);
}

TEST(ArithFpSqrtDesign, LatencyAndCutsFollowPipelineStages) {
  for (int stages = 0; stages <= 4; ++stages) {
    const auto d = root(stages);
    EXPECT_EQ(d->latency(), stages + 1);
    const std::string core = vlog::print(d->modules().front());
    int cuts = 0;
    for (std::size_t p = core.find("// Register cut "); p != std::string::npos;
         p = core.find("// Register cut ", p + 1))
      ++cuts;
    EXPECT_EQ(cuts, stages);
    EXPECT_EQ(core.find("clk_i") != std::string::npos, stages > 0);
  }
}

}  // namespace
}  // namespace bf
