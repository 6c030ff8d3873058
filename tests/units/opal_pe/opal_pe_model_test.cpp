// golden::OpalPeModel on hand-computed streams: the per-beat rules of
// golden/units/opal_pe/opal_pe.hpp (grid of the widest mode, outlier masking and
// weight capture, block conversion, fp32 order, row reset, weight scale),
// and the parameter checks.
#include <gtest/gtest.h>

#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::golden {
namespace {

// k = 32 in 2 beats of 16 lanes, one outlier, 3- or 5-bit sign-magnitude
// activations, 4-bit weights.
OpalPeConfig small() {
  OpalPeParams p;
  p.block = 32;
  p.lanes = 16;
  p.outliers = 1;
  p.act_bits = {3, 5};
  p.weight_bits = 4;
  return p.config();
}

OpalPeBeat beat(const OpalPeConfig& c) {
  OpalPeBeat b;
  b.codes.assign(static_cast<std::size_t>(c.lanes), 0);
  b.weights.assign(static_cast<std::size_t>(c.lanes), 0);
  b.indices.assign(static_cast<std::size_t>(c.outliers), 0);
  b.outliers.assign(static_cast<std::size_t>(c.outliers), 0);
  return b;
}

TEST(OpalPeModel, HandComputedRow) {
  const auto c = small();
  OpalPeModel m(c);
  // Beat 0, 3-bit mode: +1 * 3 and -1 * 2 on the 5-bit grid (x4): 12 - 8 = 4.
  auto b0 = beat(c);
  b0.mode = 0;
  b0.codes[0] = 0b001;
  b0.codes[1] = 0b101;
  b0.weights[0] = 3;
  b0.weights[1] = 2;
  b0.indices[0] = 17;  // beat 1, lane 1
  b0.last = true;      // ignored: not the block's final beat
  const auto y0 = m.step(b0);
  EXPECT_FALSE(y0.done);
  EXPECT_EQ(y0.y, 0u);
  // Beat 1, 5-bit mode: +3 * -1 = -3; lane 1 is the outlier position, its
  // junk code is ignored and its weight 5 is captured.
  auto b1 = beat(c);
  b1.mode = 1;
  b1.codes[0] = 0b00011;
  b1.weights[0] = 0xf;  // -1
  b1.codes[1] = 0b01111;
  b1.weights[1] = 5;
  b1.indices[0] = 17;
  b1.outliers[0] = 0x3fc0;  // 1.5
  b1.scale = 127;           // inliers: (4 - 3) * 2^(0 - 3) = 0.125
  b1.wscale = 0x4000;       // 2
  b1.last = true;
  const auto y1 = m.step(b1);
  ASSERT_TRUE(y1.done);
  // (0.125 + 1.5 * 5) * 2 = 15.25
  EXPECT_EQ(y1.y, 0x41740000u);

  // The next row starts from +0: zero inliers, a -0 outlier times weight 0,
  // scaled by -1: (+0 + -0) = +0, times -1 = -0.
  auto z = beat(c);
  z.outliers[0] = 0x8000;
  z.indices[0] = 3;
  EXPECT_FALSE(m.step(z).done);
  z.last = true;
  z.wscale = 0xbf80;
  const auto y2 = m.step(z);
  ASSERT_TRUE(y2.done);
  EXPECT_EQ(y2.y, 0x80000000u);
}

TEST(OpalPeModel, OutlierWeightStartsEachBlockAtZero) {
  const auto c = small();
  OpalPeModel m(c);
  auto b = beat(c);
  b.indices[0] = 2;  // beat 0, lane 2
  b.weights[2] = 7;
  m.step(b);
  b.indices[0] = 40;  // beyond the block: never captured again
  m.step(b);
  // Block 2: the index is out of range, so wcap stays 0 and 1.0 * 0 adds +0.
  auto e = beat(c);
  e.indices[0] = 40;
  m.step(e);
  e.outliers[0] = 0x3f80;
  e.last = true;
  e.wscale = 0x3f80;
  const auto y = m.step(e);
  ASSERT_TRUE(y.done);
  EXPECT_EQ(y.y, 0u);
}

TEST(OpalPeModel, BlockConversion) {
  const auto c = small();
  const OpalPeModel m(c);
  EXPECT_EQ(m.block_to_fp32(1, 0xff), 0x7fc00000u);       // NaN scale
  EXPECT_EQ(m.block_to_fp32(8, 127), 0x3f800000u);        // 8 * 2^-3 = 1
  EXPECT_EQ(m.block_to_fp32(-24, 128), 0xc0c00000u);      // -24 * 2^-2 = -6
  EXPECT_EQ(m.block_to_fp32(1 << 20, 254), 0x7f800000u);  // overflow to Inf
  EXPECT_EQ(m.block_to_fp32(1, 0), 0x00080000u);          // 2^-130: an exact subnormal
  EXPECT_EQ(m.block_to_fp32(1 << 22, 0), 0x09800000u);    // 2^-108, normal
  EXPECT_EQ(m.activation(0b100, 0), 0);                   // sign-magnitude -0
  EXPECT_EQ(m.activation(0b111, 0), -12);                 // -3 on the 5-bit grid
  EXPECT_EQ(m.activation(0b11111, 1), -15);
  EXPECT_EQ(m.activation(0b11111, 3), -15);  // past the list: widest
  EXPECT_EQ(m.weight(0x8), -8);
  EXPECT_EQ(OpalPeModel::outlier_product(0x3fc0, -8), 0xc1400000u);  // -12
  EXPECT_EQ(OpalPeModel::outlier_product(0x7f80, 0), 0x7fc00000u);   // Inf * 0
}

TEST(OpalPeModel, TwosComplementActivations) {
  OpalPeParams p;
  p.act_bits = {3, 5};
  p.act_encoding = "twos_complement";
  const OpalPeModel m(p.config());
  EXPECT_EQ(m.activation(0b100, 0), -16);  // -4 * 4
  EXPECT_EQ(m.activation(0b011, 0), 12);
  EXPECT_EQ(m.activation(0b10000, 1), -16);
}

TEST(OpalPeParams, RejectsWhatTheHardwareCannotDo) {
  auto key_of = [](OpalPeParams p) {
    try {
      p.validate();
    } catch (const ParamError& e) {
      return e.key() + ": " + e.what();
    }
    return std::string("accepted");
  };
  OpalPeParams p;
  p.lanes = 32;  // 4 beats < 5 FP terms
  EXPECT_NE(key_of(p).find("lanes: lanes = 32 gives 4 beats per block"), std::string::npos)
      << key_of(p);
  EXPECT_NE(key_of(p).find("use lanes <= 16"), std::string::npos);
  p = {};
  p.lanes = 12;
  EXPECT_EQ(key_of(p).rfind("lanes: lanes = 12 is not a power of two", 0), 0u) << key_of(p);
  p = {};
  p.act_bits = {5, 3};
  EXPECT_EQ(key_of(p).rfind("act_bits:", 0), 0u);
  p = {};
  p.block = 40;
  p.lanes = 16;
  EXPECT_EQ(key_of(p).rfind("lanes: lanes = 16 does not divide block = 40", 0), 0u);
  EXPECT_EQ(key_of(OpalPeParams{}), "accepted");
}

}  // namespace
}  // namespace bf::golden
