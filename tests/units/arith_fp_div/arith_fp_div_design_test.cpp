// arith.fp_div as a design: each lane is an IEEE divide (fp32, nearest-even,
// subnormals exact) bit for bit against the host's float division, lanes do
// not interact, its vectors hit the cases a divider gets wrong, and the
// latency and the register cuts follow pipeline_stages.
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

std::unique_ptr<Design> divider(int stages, int lanes = kLanes) {
  return load_design_text("unit = \"arith.fp_div\"\n[params]\nlanes = " + std::to_string(lanes) +
                              "\npipeline_stages = " + std::to_string(stages) + "\n",
                          "t.toml");
}

TEST(ArithFpDivDesign, EachLaneIsTheHostFloatQuotient) {
  const auto d = divider(0);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<uint32_t> any;
  std::uniform_int_distribution<int> spread(-40, 40);
  for (int n = 0; n < 20000; ++n) {
    PortValues in{BitVec(32 * kLanes), BitVec(32 * kLanes)};
    float want[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      uint32_t a = any(rng), b = any(rng);
      const int ea = static_cast<int>((a >> 23) & 0xff);
      if (ea == 0xff) a &= ~(1u << 30);  // finite operands: NaN payloads are the unit's choice
      // Exponents close together (normal quotients) and far apart (overflow,
      // subnormal quotients).
      const int eb = std::clamp(ea + spread(rng) + (n % 5 == 0 ? 120 : 0), 0, 254);
      b = (b & 0x807fffffu) | (static_cast<uint32_t>(eb) << 23);
      in[0].set(32 * l, 32, a);
      in[1].set(32 * l, 32, b);
      want[l] = std::bit_cast<float>(a) / std::bit_cast<float>(b);
    }
    const auto out = d->emulate(in);
    for (int l = 0; l < kLanes; ++l) {
      const uint32_t got = static_cast<uint32_t>(out[0].get(32 * l, 32));
      if (std::isnan(want[l])) {
        EXPECT_EQ(got, 0x7fc00000u);
      } else {
        ASSERT_EQ(got, std::bit_cast<uint32_t>(want[l]))
            << std::hex << in[0].get(32 * l, 32) << " / " << in[1].get(32 * l, 32);
      }
    }
  }
}

// The corner cases and random vectors reach what a divider gets wrong:
// subnormal and overflowing quotients, exact quotients, x / 0, NaN.
TEST(ArithFpDivDesign, VectorsCoverTheHardCases) {
  const auto d = divider(0, 1);
  int subnormal = 0, overflow = 0, exact = 0, inexact = 0, inf = 0, nan = 0;
  std::mt19937_64 rng(3);
  auto vs = d->corner_cases();
  for (int i = 0; i < 20000; ++i) vs.push_back(d->random_case(rng));
  for (const auto& v : vs) {
    const float a = std::bit_cast<float>(static_cast<uint32_t>(v.inputs[0].get(0, 32)));
    const float b = std::bit_cast<float>(static_cast<uint32_t>(v.inputs[1].get(0, 32)));
    const uint32_t y = static_cast<uint32_t>(d->emulate(v.inputs)[0].get(0, 32));
    const float q = std::bit_cast<float>(y);
    if (std::isnan(q)) ++nan;
    if (std::isinf(q)) ++(b == 0.0f ? inf : overflow);
    if (q != 0.0f && std::fabs(q) < 0x1p-126f) ++subnormal;
    if (std::isfinite(q) && q != 0.0f && std::isfinite(a) && std::isfinite(b) && b != 0.0f)
      ++(static_cast<double>(q) * static_cast<double>(b) == static_cast<double>(a) ? exact
                                                                                   : inexact);
  }
  EXPECT_GT(subnormal, 500);
  EXPECT_GT(overflow, 500);
  EXPECT_GT(exact, 500);
  EXPECT_GT(inexact, 5000);
  EXPECT_GT(inf, 20);
  EXPECT_GT(nan, 20);
}

TEST(ArithFpDivDesign, LatencyAndCutsFollowPipelineStages) {
  for (int stages = 0; stages <= 4; ++stages) {
    const auto d = divider(stages);
    EXPECT_EQ(d->latency(), stages + 1);
    const auto mods = d->modules();
    const std::string core = vlog::print(mods.front());
    int cuts = 0;
    for (std::size_t p = core.find("// Register cut "); p != std::string::npos;
         p = core.find("// Register cut ", p + 1))
      ++cuts;
    EXPECT_EQ(cuts, stages);
    EXPECT_EQ(core.find("clk_i") != std::string::npos, stages > 0);
  }
}

TEST(ArithFpDivDesign, RejectsAResultFormatWithoutInfNamingTheKey) {
  try {
    load_design_text("unit = \"arith.fp_div\"\n[params]\ny_format = \"e4m3\"\n", "t.toml");
    FAIL() << "accepted y_format = e4m3";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("y_format"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bf
