// round_shift_right: the one rounding primitive of every golden quantizer.
// Expected values are worked out by hand in the comments.

#include "golden/formats/rounding.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace bf::golden {
namespace {

constexpr auto kEven = Rounding::NearestEven;
constexpr auto kAway = Rounding::NearestAway;
constexpr auto kTrunc = Rounding::Truncate;
constexpr auto kStoch = Rounding::Stochastic;

TEST(Rounding, TiesPerMode) {
  // 5 >> 1 = 2.5
  EXPECT_EQ(round_shift_right(5, 1, kEven), 2u);
  EXPECT_EQ(round_shift_right(5, 1, kAway), 3u);
  EXPECT_EQ(round_shift_right(5, 1, kTrunc), 2u);
  // 7 >> 1 = 3.5: even rounds up to 4
  EXPECT_EQ(round_shift_right(7, 1, kEven), 4u);
  EXPECT_EQ(round_shift_right(7, 1, kAway), 4u);
  EXPECT_EQ(round_shift_right(7, 1, kTrunc), 3u);
  // 0b1010 >> 2 = 2.5, 0b1110 >> 2 = 3.5
  EXPECT_EQ(round_shift_right(0b1010, 2, kEven), 2u);
  EXPECT_EQ(round_shift_right(0b1010, 2, kAway), 3u);
  EXPECT_EQ(round_shift_right(0b1110, 2, kEven), 4u);
  // 1 >> 1 = 0.5: even -> 0, away -> 1
  EXPECT_EQ(round_shift_right(1, 1, kEven), 0u);
  EXPECT_EQ(round_shift_right(1, 1, kAway), 1u);
}

TEST(Rounding, NonTies) {
  // 11 >> 2 = 2.75, 9 >> 2 = 2.25
  for (auto m : {kEven, kAway}) {
    EXPECT_EQ(round_shift_right(11, 2, m), 3u);
    EXPECT_EQ(round_shift_right(9, 2, m), 2u);
  }
  EXPECT_EQ(round_shift_right(11, 2, kTrunc), 2u);
  // 0x1FF >> 8 = 1.996...: carries to 2 (one more than the kept field holds)
  EXPECT_EQ(round_shift_right(0x1FF, 8, kEven), 2u);
  EXPECT_EQ(round_shift_right(0x1FF, 8, kTrunc), 1u);
}

TEST(Rounding, ShiftZeroIsIdentity) {
  for (auto m : {kEven, kAway, kTrunc, kStoch}) {
    EXPECT_EQ(round_shift_right(12345, 0, m, 0xFF, 8), 12345u);
  }
}

TEST(Rounding, HugeShifts) {
  const uint64_t top = uint64_t{1} << 63;
  // shift 64: everything is fraction, half = 2^63
  EXPECT_EQ(round_shift_right(top, 64, kEven), 0u);  // tie, kept 0 is even
  EXPECT_EQ(round_shift_right(top, 64, kAway), 1u);
  EXPECT_EQ(round_shift_right(top + 1, 64, kEven), 1u);
  EXPECT_EQ(round_shift_right(top - 1, 64, kAway), 0u);
  // shift 65: half = 2^64 exceeds any 64-bit magnitude
  EXPECT_EQ(round_shift_right(~uint64_t{0}, 65, kAway), 0u);
  EXPECT_EQ(round_shift_right(~uint64_t{0}, 200, kEven), 0u);
  EXPECT_EQ(round_shift_right(~uint64_t{0}, 200, kTrunc), 0u);
  // 2^63 >> 63 = 1 exactly
  EXPECT_EQ(round_shift_right(top, 63, kEven), 1u);
}

TEST(Rounding, Stochastic) {
  // 5 >> 1: frac = 0b1; its top 4 bits are 0b1000 = 8. Carry iff rand >= 8.
  EXPECT_EQ(round_shift_right(5, 1, kStoch, 7, 4), 2u);
  EXPECT_EQ(round_shift_right(5, 1, kStoch, 8, 4), 3u);
  // 22 = 0b10_110 >> 3: kept 2, frac 0b110; R = 2 takes 0b11 = 3.
  EXPECT_EQ(round_shift_right(22, 3, kStoch, 0, 2), 2u);
  EXPECT_EQ(round_shift_right(22, 3, kStoch, 1, 2), 3u);
  // R = 8 pads the 3-bit fraction: 0b11000000 = 192; carry iff rand >= 64.
  EXPECT_EQ(round_shift_right(22, 3, kStoch, 63, 8), 2u);
  EXPECT_EQ(round_shift_right(22, 3, kStoch, 64, 8), 3u);
  // 23 = 0b10_111 >> 3 with R = 2: the lowest fraction bit is dropped, top = 3.
  EXPECT_EQ(round_shift_right(23, 3, kStoch, 0, 2), 2u);
  EXPECT_EQ(round_shift_right(23, 3, kStoch, 1, 2), 3u);
  // Only the low R bits of rand count: 4 = 0b100 with R = 2 is 0.
  EXPECT_EQ(round_shift_right(22, 3, kStoch, 4, 2), 2u);
  // Exact values never round up, whatever rand is.
  EXPECT_EQ(round_shift_right(24, 3, kStoch, 0xFFFF, 16), 3u);
  // Fraction entirely beyond 64 bits: top bits are 0, so no carry.
  EXPECT_EQ(round_shift_right(~uint64_t{0}, 100, kStoch, 0xFFFF, 16), 0u);
  // shift 64, R = 16: top 16 bits of mag.
  EXPECT_EQ(round_shift_right(uint64_t{0x8000} << 48, 64, kStoch, 0x7FFF, 16), 0u);
  EXPECT_EQ(round_shift_right(uint64_t{0x8000} << 48, 64, kStoch, 0x8000, 16), 1u);
}

TEST(Rounding, Names) {
  EXPECT_EQ(to_string(Rounding::NearestEven), "nearest_even");
  EXPECT_EQ(to_string(Rounding::NearestAway), "nearest_away");
  EXPECT_EQ(to_string(Rounding::Truncate), "truncate");
  EXPECT_EQ(to_string(Rounding::Stochastic), "stochastic");
  for (auto m : {kEven, kAway, kTrunc, kStoch}) EXPECT_EQ(parse_rounding(to_string(m)), m);
  EXPECT_FALSE(parse_rounding("nearest").has_value());
  EXPECT_FALSE(parse_rounding("Truncate").has_value());
  EXPECT_FALSE(parse_rounding("").has_value());
  EXPECT_EQ(rounding_names(), "nearest_even, nearest_away, truncate, stochastic");
}

}  // namespace
}  // namespace bf::golden
