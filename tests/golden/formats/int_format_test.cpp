#include "golden/formats/int_format.hpp"

#include <gtest/gtest.h>

namespace bf::golden {
namespace {

constexpr auto kSm = IntEncoding::SignMagnitude;
constexpr auto kTc = IntEncoding::TwosComplement;

TEST(IntFormat, Ranges) {
  EXPECT_EQ(int_max(kSm, 8), 127);
  EXPECT_EQ(int_min(kSm, 8), -127);
  EXPECT_EQ(int_max(kTc, 8), 127);
  EXPECT_EQ(int_min(kTc, 8), -128);
  EXPECT_EQ(int_max(kSm, 2), 1);
  EXPECT_EQ(int_min(kSm, 2), -1);
  EXPECT_EQ(int_min(kTc, 2), -2);
  EXPECT_EQ(int_max(kTc, 16), 32767);
  EXPECT_EQ(int_min(kTc, 16), -32768);
}

TEST(IntFormat, EncodeDecode) {
  EXPECT_EQ(encode_int(kSm, 8, -3), 0x83u);
  EXPECT_EQ(encode_int(kSm, 8, 3), 0x03u);
  EXPECT_EQ(encode_int(kSm, 8, 0), 0x00u);
  EXPECT_EQ(encode_int(kSm, 8, -127), 0xFFu);
  EXPECT_EQ(encode_int(kSm, 4, -7), 0xFu);
  EXPECT_EQ(encode_int(kTc, 8, -3), 0xFDu);
  EXPECT_EQ(encode_int(kTc, 8, -128), 0x80u);
  EXPECT_EQ(encode_int(kTc, 4, -1), 0xFu);
  EXPECT_EQ(encode_int(kTc, 4, 7), 0x7u);
  EXPECT_EQ(decode_int(kSm, 8, 0x83), -3);
  EXPECT_EQ(decode_int(kSm, 8, 0x80), 0);  // negative zero reads as 0
  EXPECT_EQ(decode_int(kTc, 8, 0x80), -128);
  EXPECT_EQ(decode_int(kTc, 8, 0xFD), -3);
  EXPECT_EQ(decode_int(kTc, 3, 0x4), -4);
  EXPECT_EQ(decode_int(kSm, 3, 0x5), -1);
  for (int b = 2; b <= 16; ++b) {
    for (auto e : {kSm, kTc}) {
      for (int64_t v = int_min(e, b); v <= int_max(e, b); ++v) {
        const uint32_t c = encode_int(e, b, v);
        ASSERT_LT(c, uint32_t{1} << b);
        ASSERT_EQ(decode_int(e, b, c), v) << b << " " << v;
      }
    }
  }
}

TEST(IntFormat, Names) {
  EXPECT_EQ(to_string(kSm), "sign_magnitude");
  EXPECT_EQ(to_string(kTc), "twos_complement");
  EXPECT_EQ(parse_int_encoding("sign_magnitude"), kSm);
  EXPECT_EQ(parse_int_encoding("twos_complement"), kTc);
  EXPECT_FALSE(parse_int_encoding("twos").has_value());
}

}  // namespace
}  // namespace bf::golden
