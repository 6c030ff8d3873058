// The CSD recoding behind the constant multipliers (generator/blocks/const_mul):
// every constant recoded exactly, with no two adjacent nonzero digits.
#include "generator/blocks/const_mul.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace bf {
namespace {

TEST(CsdDigits, RecodesEveryConstantWithoutAdjacentDigits) {
  const auto d23 = blocks::csd_digits(23);  // 32 - 8 - 1
  ASSERT_EQ(d23.size(), 3u);
  EXPECT_EQ(d23[0].shift, 5);
  EXPECT_EQ(d23[0].sign, 1);
  EXPECT_EQ(d23[1].shift, 3);
  EXPECT_EQ(d23[1].sign, -1);
  EXPECT_EQ(d23[2].shift, 0);
  EXPECT_EQ(d23[2].sign, -1);
  EXPECT_EQ(blocks::csd_text(369), "512 - 128 - 16 + 1");
  for (uint64_t c = 1; c < 5000; ++c) {
    int64_t sum = 0;
    int last = -2;
    const auto digits = blocks::csd_digits(c);
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      sum += it->sign * (int64_t{1} << it->shift);
      ASSERT_GT(it->shift, last + 1) << c;
      last = it->shift;
    }
    ASSERT_EQ(sum, static_cast<int64_t>(c));
  }
}

}  // namespace
}  // namespace bf
