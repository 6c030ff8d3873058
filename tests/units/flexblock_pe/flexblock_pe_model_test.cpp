// flexblock.pe's golden stream model and the sub-multiplier routing its RTL
// uses, against hand-computed values and golden::flexblock::beat_sum.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "generator/units/flexblock_pe/flexblock_pe_mac.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/units/flexblock_pe/flexblock_pe.hpp"

namespace bf {
namespace {

namespace fb = golden::flexblock;
using fb::Mode;
using golden::FlexblockPeBeat;
using golden::FlexblockPeModel;

constexpr Mode kModes[] = {Mode::M4, Mode::M8, Mode::M16};

// The routing's sum: what the 16 RTL slots add up.
int64_t routed_sum(Mode ma, Mode mb, uint64_t a, uint32_t as, uint64_t b, uint32_t bs) {
  const auto r = flexblock_pe::routing(ma, mb);
  int64_t sum = 0;
  for (std::size_t s = 0; s < r.a_nibble.size(); ++s) {
    const auto na = static_cast<int64_t>((a >> (4 * r.a_nibble[s])) & 15);
    const auto nb = static_cast<int64_t>((b >> (4 * r.b_nibble[s])) & 15);
    const int64_t term = (na * nb) << (4 * r.shift[s]);
    sum += (((as ^ bs) >> r.lane[s]) & 1) ? -term : term;
  }
  return sum;
}

TEST(FlexblockPeRouting, SlotsSumToTheBeatSumInEveryModePair) {
  std::mt19937_64 rng(7);
  for (Mode ma : kModes)
    for (Mode mb : kModes)
      for (int i = 0; i < 2000; ++i) {
        const uint64_t a = i == 0 ? ~uint64_t{0} : rng(), b = i == 0 ? ~uint64_t{0} : rng();
        const auto as = static_cast<uint32_t>(rng()), bs = static_cast<uint32_t>(rng());
        ASSERT_EQ(routed_sum(ma, mb, a, as, b, bs), fb::beat_sum(ma, mb, a, as, b, bs))
            << fb::mode_name(ma) << "x" << fb::mode_name(mb);
      }
}

TEST(FlexblockPeRouting, EverySlotIsUsedOnceAndStaysOnTheBus) {
  for (Mode ma : kModes)
    for (Mode mb : kModes) {
      const auto r = flexblock_pe::routing(ma, mb);
      const int lanes = fb::products_per_beat(ma, mb);
      for (std::size_t s = 0; s < 16; ++s) {
        EXPECT_LT(r.lane[s], lanes);
        EXPECT_LT(r.a_nibble[s], lanes * fb::nibbles(ma));
        EXPECT_LT(r.b_nibble[s], lanes * fb::nibbles(mb));
        // The two-level sum's premise: a group spans at most 3 nibbles, and
        // its base is at most 3 (2-bit table fields).
        EXPECT_LE(r.rel[s], 3);
        EXPECT_GE(r.rel[s], 0);
        EXPECT_LE(r.base[s / 4], 3);
        EXPECT_EQ(r.shift[s], r.base[s / 4] + r.rel[s]);
      }
    }
}

FlexblockPeBeat beat16(uint64_t a, uint64_t b, bool seg_last, bool row_last, uint32_t ea = 127,
                       uint32_t eb = 127) {
  FlexblockPeBeat x;
  x.a_mag = a;
  x.b_mag = b;
  x.exp_a = ea;
  x.exp_b = eb;
  x.seg_last = seg_last;
  x.row_last = row_last;
  return x;
}

TEST(FlexblockPeModel, OneSegmentIsScaledByBothExponents) {
  FlexblockPeModel model(golden::FlexblockPeParams{}.config());
  // 3 * 5 = 15 at 2^(127 + 127 - 254 - 16 - 16 + 2) = 2^-30.
  const auto out = model.step(beat16(3, 5, true, true));
  EXPECT_TRUE(out.done);
  EXPECT_EQ(out.y, golden::fp32_bits(std::ldexp(15.0f, -30)));
}

TEST(FlexblockPeModel, SegmentsOfARowAccumulateAndTheNextRowRestarts) {
  FlexblockPeModel model(golden::FlexblockPeParams{}.config());
  EXPECT_FALSE(model.step(beat16(2, 3, false, false)).done);
  EXPECT_FALSE(model.step(beat16(4, 1, true, false)).done);  // S = 10 at 2^-30
  // Next segment at exponents 128 / 127: 1 * 1 at 2^-29.
  auto out = model.step(beat16(1, 1, true, true, 128, 127));
  EXPECT_TRUE(out.done);
  EXPECT_EQ(out.y, golden::fp32_bits(std::ldexp(10.0f, -30) + std::ldexp(1.0f, -29)));
  out = model.step(beat16(1, 1, true, true));
  EXPECT_EQ(out.y, golden::fp32_bits(std::ldexp(1.0f, -30)));
}

TEST(FlexblockPeModel, FourBitModeAddsSixteenLanesWithTheirSigns) {
  FlexblockPeModel model(golden::FlexblockPeParams{}.config());
  FlexblockPeBeat x;
  x.mode_a = x.mode_b = Mode::M4;
  x.a_mag = 0x1111111111111111ull;  // every lane 1
  x.b_mag = 0x2222222222222222ull;  // every lane 2
  x.a_sign = 0x0003;                // lanes 0 and 1 negative: 14 * 2 - 2 * 2
  x.exp_a = x.exp_b = 127;
  x.seg_last = x.row_last = true;
  // 24 at 2^(0 - 4 - 4 + 2) = 2^-6.
  EXPECT_EQ(model.step(x).y, golden::fp32_bits(24.0f / 64.0f));
}

TEST(FlexblockPeModel, NanGroupAndOverflow) {
  FlexblockPeModel model(golden::FlexblockPeParams{}.config());
  EXPECT_EQ(model.step(beat16(1, 1, true, true, 255, 127)).y, 0x7fc00000u);
  EXPECT_EQ(model.step(beat16(0xFFFF, 0xFFFF, true, true, 254, 254)).y, 0x7f800000u);
}

TEST(FlexblockPeModel, TheSegmentAccumulatorWrapsAtItsWidth) {
  golden::FlexblockPeParams p;
  p.max_segment = 1;  // 33 bits: two full-scale 16x16 products wrap
  FlexblockPeModel model(p.config());
  model.step(beat16(0xFFFF, 0xFFFF, false, false));
  const auto out = model.step(beat16(0xFFFF, 0xFFFF, true, true));
  const int64_t exact = 2 * int64_t{0xFFFF} * 0xFFFF;
  const int64_t wrapped = fb::wrap_segment_sum(exact, p.config().segment_sum_bits());
  ASSERT_NE(wrapped, exact);
  EXPECT_EQ(out.y, fb::segment_term(wrapped, 127, 127, Mode::M16, Mode::M16));
}

}  // namespace
}  // namespace bf
