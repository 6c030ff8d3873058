// FlexBlock's BFP dot-product contract (golden/flexblock/bfp_dot.hpp), worked
// by hand: the sub-multiplier lanes per mode pair, the default groups, the
// segment cuts, segment_term's single rounding at its corners, and beat_sum
// on hand-built operand buses.
#include "golden/flexblock/bfp_dot.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <vector>

namespace bf::golden::flexblock {
namespace {

TEST(BfpDot, ProductsPerBeatFollowTheNibbleCount) {
  // 16 sub-multipliers of 4 x 4 bits; an m-bit magnitude is m / 4 nibbles.
  EXPECT_EQ(products_per_beat(Mode::M16, Mode::M16), 1);
  EXPECT_EQ(products_per_beat(Mode::M16, Mode::M8), 2);
  EXPECT_EQ(products_per_beat(Mode::M16, Mode::M4), 4);
  EXPECT_EQ(products_per_beat(Mode::M8, Mode::M8), 4);
  EXPECT_EQ(products_per_beat(Mode::M8, Mode::M4), 8);
  EXPECT_EQ(products_per_beat(Mode::M4, Mode::M4), 16);
  for (Mode a : {Mode::M4, Mode::M8, Mode::M16})
    for (Mode b : {Mode::M4, Mode::M8, Mode::M16})
      EXPECT_EQ(products_per_beat(a, b), products_per_beat(b, a));
  EXPECT_EQ(segment_beats(108, Mode::M8, Mode::M8), 27);
  EXPECT_EQ(segment_beats(54, Mode::M8, Mode::M4), 7);  // 6 full beats + 6 lanes
}

TEST(BfpDot, DefaultGroupsHold864MantissaBits) {
  EXPECT_EQ(default_group_size(Mode::M16), 54);
  EXPECT_EQ(default_group_size(Mode::M8), 108);
  EXPECT_EQ(default_group_size(Mode::M4), 216);
  for (Mode m : {Mode::M4, Mode::M8, Mode::M16})
    EXPECT_EQ(default_group_size(m) * mantissa_bits(m), 864);
  EXPECT_EQ(mode_from_code(3), Mode::M16);
  EXPECT_THROW(mode_from_bits(12), std::invalid_argument);
}

TEST(BfpDot, SegmentsCutAtEveryGroupBoundaryOfEitherOperand) {
  // Nested (54 divides 108): cuts at 54, 108, 162, 216; the tail is short.
  EXPECT_EQ(segment_lengths(250, 108, 54), (std::vector<int>{54, 54, 54, 54, 34}));
  EXPECT_EQ(segment_lengths(250, 54, 108), (std::vector<int>{54, 54, 54, 54, 34}));
  EXPECT_EQ(segment_lengths(216, 216, 216), (std::vector<int>{216}));
  // Not nested: cuts at multiples of 6 and of 4 (4, 6, 8, 12), then K = 14.
  EXPECT_EQ(segment_lengths(14, 6, 4), (std::vector<int>{4, 2, 2, 4, 2}));
  EXPECT_EQ(segment_lengths(14, 4, 6), (std::vector<int>{4, 2, 2, 4, 2}));
  // 216 and 54 with K = 500: every 54.
  const auto s = segment_lengths(500, 216, 54);
  EXPECT_EQ(s.size(), 10u);
  EXPECT_EQ(s.back(), 500 - 9 * 54);
  EXPECT_TRUE(segment_lengths(0, 3, 5).empty());
  EXPECT_THROW(segment_lengths(5, 0, 3), std::invalid_argument);
}

uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }

TEST(BfpDot, SegmentTermRoundsOnceToNearestEven) {
  // M8 x M8, sa = sb = 127: S * 2^(254 - 254 - 16 + 2) = S * 2^-14, exact.
  EXPECT_EQ(segment_term(3, 127, 127, Mode::M8, Mode::M8), bits(3.0f / 16384));
  EXPECT_EQ(segment_term(-3, 127, 127, Mode::M8, Mode::M8), bits(-3.0f / 16384));
  // M16 x M16 with sa + sb = 284: the scale is 2^(284 - 254 - 32 + 2) = 2^0.
  // 2^24 + 1 lies halfway between 2^24 and 2^24 + 2: ties to the even 2^24.
  EXPECT_EQ(segment_term((1 << 24) + 1, 142, 142, Mode::M16, Mode::M16), 0x4b800000u);
  // 2^24 + 3: halfway between 2^24 + 2 (odd significand) and 2^24 + 4 (even).
  EXPECT_EQ(segment_term((1 << 24) + 3, 142, 142, Mode::M16, Mode::M16), 0x4b800002u);
  // Just above the tie rounds up.
  EXPECT_EQ(segment_term((int64_t{1} << 25) + 3, 142, 142, Mode::M16, Mode::M16), 0x4c000001u);
}

TEST(BfpDot, SegmentTermOverflowsToInf) {
  // M4 x M4, sa = sb = 254: 2^(508 - 254 - 8 + 2) = 2^248 > FLT_MAX.
  EXPECT_EQ(segment_term(1, 254, 254, Mode::M4, Mode::M4), 0x7f800000u);
  EXPECT_EQ(segment_term(-1, 254, 254, Mode::M4, Mode::M4), 0xff800000u);
  // The largest finite value 2^128 - 2^104 is kept; half an ulp more rounds up.
  // M16 x M16, sa + sb = 254 + 104 + 30 = 388 (scale 2^104): S = 2^24 - 1.
  EXPECT_EQ(segment_term((1 << 24) - 1, 194, 194, Mode::M16, Mode::M16), 0x7f7fffffu);
  // scale 2^103: S = 2^25 - 1 is FLT_MAX + half an ulp, a tie to even: Inf.
  EXPECT_EQ(segment_term((1 << 25) - 1, 193, 194, Mode::M16, Mode::M16), 0x7f800000u);
}

TEST(BfpDot, SegmentTermUnderflowsToSubnormalsAndZero) {
  // M4 x M4, sa = sb = 50: scale 2^(100 - 254 - 8 + 2) = 2^-160.
  // 2^20 * 2^-160 = 2^-140 = 2^9 subnormal ulps (2^-149 each).
  EXPECT_EQ(segment_term(1 << 20, 50, 50, Mode::M4, Mode::M4), 0x00000200u);
  // 3 * 2^10 * 2^-160 = 1.5 ulps: halfway between 1 and 2 ulps, to the even 2.
  EXPECT_EQ(segment_term(3 << 10, 50, 50, Mode::M4, Mode::M4), 0x00000002u);
  // 2^10 * 2^-160 = half an ulp: ties to the even 0, which keeps its sign.
  EXPECT_EQ(segment_term(1 << 10, 50, 50, Mode::M4, Mode::M4), 0x00000000u);
  EXPECT_EQ(segment_term(-(1 << 10), 50, 50, Mode::M4, Mode::M4), 0x80000000u);
  // One more unit below the bit: more than half an ulp, the smallest subnormal.
  EXPECT_EQ(segment_term((1 << 10) + 1, 50, 50, Mode::M4, Mode::M4), 0x00000001u);
  // Far below: zero.
  EXPECT_EQ(segment_term(1, 0, 0, Mode::M4, Mode::M4), 0x00000000u);
}

TEST(BfpDot, SegmentTermZeroAndNanGroups) {
  // S = 0 is +0 whatever the exponents (even where S * scale would overflow).
  EXPECT_EQ(segment_term(0, 254, 254, Mode::M4, Mode::M4), 0x00000000u);
  EXPECT_EQ(segment_term(0, 0, 0, Mode::M16, Mode::M16), 0x00000000u);
  // An Inf/NaN group (exponent field 255) makes the term the canonical NaN.
  EXPECT_EQ(segment_term(0, kNanExp, 127, Mode::M8, Mode::M8), 0x7fc00000u);
  EXPECT_EQ(segment_term(-5, 127, kNanExp, Mode::M8, Mode::M4), 0x7fc00000u);
  // accumulate: fp32 add, nearest even; NaN stays the canonical NaN.
  EXPECT_EQ(accumulate(bits(1.0f), bits(0x1p-24f)), bits(1.0f));  // tie to even
  EXPECT_EQ(accumulate(bits(1.0f), bits(0x1.8p-23f)), bits(1.0f + 0x1p-22f));
  EXPECT_EQ(accumulate(0x7fc00000u, bits(1.0f)), 0x7fc00000u);
  EXPECT_EQ(accumulate(0x7f800000u, 0xff800000u), 0x7fc00000u);
  EXPECT_EQ(accumulate(0x00000000u, 0x80000000u), 0x00000000u);
}

TEST(BfpDot, BeatSumOnHandBuiltBuses) {
  // 4 x 4, 16 lanes: A lane p = p, B lanes all 1: 0 + 1 + ... + 15 = 120.
  EXPECT_EQ(beat_sum(Mode::M4, Mode::M4, 0xfedcba9876543210ull, 0, 0x1111111111111111ull, 0), 120);
  // Lane 15 negative on B: 120 - 2 * 15.
  EXPECT_EQ(beat_sum(Mode::M4, Mode::M4, 0xfedcba9876543210ull, 0, 0x1111111111111111ull, 1u << 15),
            90);
  // Both signs set on a lane cancel.
  EXPECT_EQ(beat_sum(Mode::M4, Mode::M4, 0xfedcba9876543210ull, 1u << 15, 0x1111111111111111ull,
                     1u << 15),
            120);
  // 8 x 8, 4 lanes: A = 1, 2, 3, 4 (garbage above lane 3 is ignored), B = 10;
  // lane 1 negative: 10 * (1 - 2 + 3 + 4) = 60.
  EXPECT_EQ(beat_sum(Mode::M8, Mode::M8, 0xffffffff04030201ull, 0b0010, 0xabcdef000a0a0a0aull, 0),
            60);
  // 8 x 4, 8 lanes: A = 1..8, B = 2 each; lane 7 negative: 2 * (36 - 16) = 40.
  EXPECT_EQ(beat_sum(Mode::M8, Mode::M4, 0x0807060504030201ull, 0, 0x22222222ull, 1u << 7), 40);
  // 4 x 8 is the mirror: A = 2 (4-bit lanes), B = 1..8 (8-bit lanes).
  EXPECT_EQ(beat_sum(Mode::M4, Mode::M8, 0x22222222ull, 1u << 7, 0x0807060504030201ull, 0), 40);
  // 16 x 16, 1 lane: 0xffff^2 = 4294836225, negative when the signs differ.
  EXPECT_EQ(beat_sum(Mode::M16, Mode::M16, 0xffff, 0, 0xffff, 1), -4294836225ll);
  // 16 x 8, 2 lanes: 1000 * 3 + 2000 * 5 = 13000.
  EXPECT_EQ(beat_sum(Mode::M16, Mode::M8, (2000ull << 16) | 1000, 0, 0x0503, 0), 13000);
  EXPECT_EQ(beat_sum(Mode::M8, Mode::M16, 0x0503, 0b10, (2000ull << 16) | 1000, 0), -7000);
  // 16 x 4, 4 lanes: (1, 2, 3, 4) . (15, 14, 13, 12) = 15 + 28 + 39 + 48 = 130.
  EXPECT_EQ(beat_sum(Mode::M16, Mode::M4, 0x0004000300020001ull, 0, 0xcdefull, 0), 130);
  EXPECT_EQ(beat_sum(Mode::M4, Mode::M16, 0xcdefull, 0b1000, 0x0004000300020001ull, 0), 130 - 96);
}

}  // namespace
}  // namespace bf::golden::flexblock
