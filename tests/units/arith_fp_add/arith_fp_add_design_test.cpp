// arith.fp_add as a design: each lane is an IEEE add (fp32, nearest-even,
// subnormals exact) bit for bit against the host's float addition, lanes do
// not interact, and the latency follows pipeline_stages.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>

#include "generator/design/registry.hpp"

namespace bf {
namespace {

constexpr int kLanes = 3;

std::unique_ptr<Design> adder(int stages) {
  return load_design_text(
      "unit = \"arith.fp_add\"\n[params]\nformat = \"fp32\"\nlanes = 3\n"
      "pipeline_stages = " +
          std::to_string(stages) + "\n",
      "t.toml");
}

TEST(ArithFpAddDesign, EachLaneIsTheHostFloatSum) {
  const auto d = adder(0);
  std::mt19937_64 rng(7);
  // Exponents close together (cancellation, carries) and far apart
  // (sticky bits), subnormals included.
  std::uniform_int_distribution<uint32_t> any;
  std::uniform_int_distribution<int> spread(-30, 30);
  for (int n = 0; n < 20000; ++n) {
    PortValues in{BitVec(32 * kLanes), BitVec(32 * kLanes)};
    float want[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      uint32_t a = any(rng), b = any(rng);
      const int ea = static_cast<int>((a >> 23) & 0xff);
      if (ea == 0xff) a &= ~(1u << 30);  // finite operands: NaN payloads are the unit's choice
      const int eb = std::clamp(ea + spread(rng), 0, 254);
      b = (b & 0x807fffffu) | (static_cast<uint32_t>(eb) << 23);
      in[0].set(32 * l, 32, a);
      in[1].set(32 * l, 32, b);
      want[l] = std::bit_cast<float>(a) + std::bit_cast<float>(b);
    }
    const auto out = d->emulate(in);
    for (int l = 0; l < kLanes; ++l) {
      const uint32_t got = static_cast<uint32_t>(out[0].get(32 * l, 32));
      if (std::isnan(want[l])) {
        EXPECT_TRUE(std::isnan(std::bit_cast<float>(got)));
      } else {
        ASSERT_EQ(got, std::bit_cast<uint32_t>(want[l]))
            << std::hex << in[0].get(32 * l, 32) << " + " << in[1].get(32 * l, 32);
      }
    }
  }
}

TEST(ArithFpAddDesign, LatencyIsPipelineStagesPlusOne) {
  EXPECT_EQ(adder(0)->latency(), 1);
  EXPECT_EQ(adder(1)->latency(), 2);
}

}  // namespace
}  // namespace bf
