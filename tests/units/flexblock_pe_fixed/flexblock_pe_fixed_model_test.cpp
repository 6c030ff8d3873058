// flexblock.pe_fixed: its parameters, buses and accumulator width, and that
// it computes what the multi-mode PE computes in its mode.
#include <gtest/gtest.h>

#include <random>

#include "golden/units/flexblock_pe/flexblock_pe.hpp"
#include "golden/units/flexblock_pe_fixed/flexblock_pe_fixed.hpp"

namespace bf {
namespace {

namespace fb = golden::flexblock;
using fb::Mode;

TEST(FlexblockPeFixed, IgnoresBeatModesAndSizesItsBusesForItsMode) {
  golden::FlexblockPeFixedParams p;
  p.mode = 4;
  const auto c = p.config();
  EXPECT_EQ(c.lanes(), 16);
  EXPECT_EQ(c.bus_bits(), 64);
  EXPECT_EQ(c.segment_sum_bits(), 17);  // 216 * 225 < 2^16
  p.mode = 16;
  EXPECT_EQ(p.config().bus_bits(), 16);
  p.mode = 12;
  EXPECT_THROW(p.config(), ParamError);
}

TEST(FlexblockPeFixed, AgreesWithTheMultiModePeInItsMode) {
  for (int bits : {4, 8, 16}) {
    golden::FlexblockPeFixedParams p;
    p.mode = bits;
    const auto c = p.config();
    golden::FlexblockPeModel fixed(c), multi(golden::FlexblockPeParams{}.config());
    std::mt19937_64 rng(static_cast<uint64_t>(bits));
    for (int i = 0; i < 5000; ++i) {
      golden::FlexblockPeBeat b;
      b.mode_a = b.mode_b = fb::mode_from_bits(bits);
      b.a_mag = rng() & (c.bus_bits() == 64 ? ~uint64_t{0} : (uint64_t{1} << c.bus_bits()) - 1);
      b.b_mag = rng() & (c.bus_bits() == 64 ? ~uint64_t{0} : (uint64_t{1} << c.bus_bits()) - 1);
      b.a_sign = static_cast<uint32_t>(rng()) & ((1u << c.lanes()) - 1);
      b.b_sign = static_cast<uint32_t>(rng()) & ((1u << c.lanes()) - 1);
      b.exp_a = static_cast<uint32_t>(100 + rng() % 50);
      b.exp_b = static_cast<uint32_t>(100 + rng() % 50);
      b.seg_last = rng() % 4 == 0;
      b.row_last = rng() % 2 == 0;
      const auto x = fixed.step(b), y = multi.step(b);
      ASSERT_EQ(x.done, y.done);
      ASSERT_EQ(x.y, y.y) << bits << "-bit, beat " << i;
    }
  }
}

}  // namespace
}  // namespace bf
