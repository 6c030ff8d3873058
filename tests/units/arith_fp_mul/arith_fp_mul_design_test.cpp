// arith.fp_mul as a design: a bf16 lane's product, rounded to nearest even,
// is the exact product (a float holds it: 8-bit significands) rounded once
// to bf16; lanes do not interact.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <random>
#include <string>

#include "generator/design/registry.hpp"

namespace bf {
namespace {

constexpr int kLanes = 2;

// fp32 -> bf16, round to nearest even (finite, normal range).
uint32_t to_bf16(float f) {
  const uint32_t u = std::bit_cast<uint32_t>(f);
  return (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
}

TEST(ArithFpMulDesign, EachLaneIsTheExactProductRoundedOnce) {
  const auto d = load_design_text(
      "unit = \"arith.fp_mul\"\n[params]\na_format = \"bf16\"\nb_format = \"bf16\"\n"
      "y_format = \"bf16\"\nlanes = 2\n",
      "t.toml");
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<uint32_t> any;
  std::uniform_int_distribution<int> exp(64, 190);  // products stay normal
  for (int n = 0; n < 20000; ++n) {
    PortValues in{BitVec(16 * kLanes), BitVec(16 * kLanes)};
    uint32_t want[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      const uint32_t a = (any(rng) & 0x807f) | (static_cast<uint32_t>(exp(rng)) << 7);
      const uint32_t b = (any(rng) & 0x807f) | (static_cast<uint32_t>(exp(rng)) << 7);
      in[0].set(16 * l, 16, a);
      in[1].set(16 * l, 16, b);
      const float exact = std::bit_cast<float>(a << 16) * std::bit_cast<float>(b << 16);
      want[l] = to_bf16(exact);
    }
    const auto out = d->emulate(in);
    for (int l = 0; l < kLanes; ++l)
      ASSERT_EQ(out[0].get(16 * l, 16), want[l])
          << std::hex << in[0].get(16 * l, 16) << " * " << in[1].get(16 * l, 16);
  }
}

TEST(ArithFpMulDesign, RejectsAnUnknownFormatNamingTheKey) {
  try {
    load_design_text("unit = \"arith.fp_mul\"\n[params]\ny_format = \"fp12\"\n", "t.toml");
    FAIL() << "accepted y_format = fp12";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("y_format"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bf
