// MX-OPAL: outlier selection, the MX rule over the inliers, storage layout.
// Expected values are worked out by hand in the comments.
#include "golden/formats/mx_opal.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "golden/data/synthetic.hpp"
#include "golden/formats/tensor_quant.hpp"

namespace bf::golden {
namespace {

uint32_t b(float v) { return std::bit_cast<uint32_t>(v); }

MxOpalFormat small() {
  MxOpalFormat f;
  f.block_size = 8;
  f.outliers = 2;
  f.bits = 4;
  return f;
}

TEST(MxOpal, HandExample) {
  // |x|: 100 at 5 is largest; 9 at 1 and 3 tie -> the lower index (1) wins.
  const std::vector<uint32_t> x{b(1), b(-9), b(0.5f), b(9), b(0.25f), b(100), 0, b(-0.75f)};
  const auto blk = mx_opal_quantize(small(), x);
  EXPECT_EQ(blk.indices, (std::vector<uint32_t>{1, 5}));
  EXPECT_EQ(blk.outliers, (std::vector<uint32_t>{0xC110, 0x42C8}));  // bf16 -9, 100
  // Inliers [1, .5, 9, .25, 0, -.75]: max 9 -> field 130 = S; b = 4 so the
  // element step is 2^(3-2) = 2: 1/2 = .5 -> 0 (tie to even), 9/2 = 4.5 -> 4.
  EXPECT_EQ(blk.scale, 130u);
  EXPECT_EQ(blk.codes, (std::vector<uint32_t>{0, 0, 4, 0, 0, 0}));
  const auto v = mx_opal_dequantize(small(), blk);
  EXPECT_EQ(v, (std::vector<double>{0, -9, 0, 8, 0, 100, 0, 0}));
}

TEST(MxOpal, AllEqualMagnitudesPickTheFirstIndices) {
  const std::vector<uint32_t> x{b(-2), b(2), b(2), b(-2), b(2), b(2), b(2), b(2)};
  const auto blk = mx_opal_quantize(small(), x);
  EXPECT_EQ(blk.indices, (std::vector<uint32_t>{0, 1}));
}

TEST(MxOpal, NanIsTheLargestMagnitude) {
  std::vector<uint32_t> x(8, b(1));
  x[6] = 0x7fc00000u;
  x[2] = 0xff800000u;  // -Inf
  const auto blk = mx_opal_quantize(small(), x);
  EXPECT_EQ(blk.indices, (std::vector<uint32_t>{2, 6}));
  EXPECT_EQ(blk.outliers[0], 0xff80u);
  EXPECT_EQ(blk.outliers[1], 0x7fc0u);
  EXPECT_EQ(blk.scale, 127u);  // the inliers are finite: 1.0 -> S = 127
  // Without outlier slots the NaN poisons the block (the MX rule).
  MxOpalFormat none = small();
  none.outliers = 0;
  EXPECT_EQ(mx_opal_quantize(none, x).scale, 255u);
}

TEST(MxOpal, OutlierRoundsToNearestEvenBf16) {
  std::vector<uint32_t> x(8, 0);
  x[0] = 0x3f808000u;  // 1.00390625 = exactly halfway between bf16 1.0 and 1.0078125
  x[1] = 0x3f818000u;  // halfway, odd below -> rounds up to 0x3f82
  x[2] = 0x7f7fffffu;  // fp32 max rounds to bf16 Inf
  MxOpalFormat f = small();
  f.outliers = 3;
  const auto blk = mx_opal_quantize(f, x);
  EXPECT_EQ(blk.outliers, (std::vector<uint32_t>{0x3f80, 0x3f82, 0x7f80}));
}

TEST(MxOpal, StorageBitsMatchThePaperArithmetic) {
  MxOpalFormat f;  // k 128, n 4, b 3
  EXPECT_EQ(f.index_bits(), 7);
  EXPECT_EQ(f.block_storage_bits(), 124 * 3 + 8 + 4 * (16 + 7));
  EXPECT_NEAR(f.bits_per_element(), 3.69, 0.005);
  f.bits = 5;
  EXPECT_NEAR(f.bits_per_element(), 5.63, 0.005);
}

TEST(MxOpal, PackLayoutAndRoundTrip) {
  const std::vector<uint32_t> x{b(1), b(-9), b(0.5f), b(9), b(0.25f), b(100), 0, b(-0.75f)};
  const auto blk = mx_opal_quantize(small(), x);
  const auto bytes = mx_opal_pack(small(), blk);
  ASSERT_EQ(bytes.size(), 9u);  // 8 + 2*(3+16) + 6*4 = 70 bits
  EXPECT_EQ(bytes[0], 130);     // scale first
  // Then index 1 (3 bits) and index 5: bits 8..10 = 001, 11..13 = 101.
  EXPECT_EQ(bytes[1] & 0x3f, 0b101001);
  const auto back = mx_opal_unpack(small(), bytes);
  EXPECT_EQ(back.scale, blk.scale);
  EXPECT_EQ(back.indices, blk.indices);
  EXPECT_EQ(back.outliers, blk.outliers);
  EXPECT_EQ(back.codes, blk.codes);
}

TEST(MxOpal, ZeroOutliersIsPlainMxint) {
  MxOpalFormat f;
  f.block_size = 32;
  f.outliers = 0;
  f.bits = 8;
  BlockFormat mx = BlockFormat::parse("mxint8");
  const auto acts = llm_like_activations({.rows = 4, .cols = 256});
  std::vector<float> a(acts.size()), c(acts.size());
  mx_opal_quantize_dequantize(f, acts.data(), a.data(), 4, 256);
  quantize_dequantize(mx, acts.data(), c.data(), 4, 256);
  EXPECT_EQ(a, c);
}

TEST(MxOpal, OutliersHelpOnLlmLikeActivations) {
  const LlmActivationSpec spec{.rows = 32, .cols = 1024};
  const auto x = llm_like_activations(spec);
  std::vector<float> q(x.size());
  MxOpalFormat f;
  f.bits = 3;
  f.outliers = 0;
  mx_opal_quantize_dequantize(f, x.data(), q.data(), spec.rows, spec.cols);
  const double without = error_stats(x.data(), q.data(), x.size()).sqnr_db;
  f.outliers = 4;
  mx_opal_quantize_dequantize(f, x.data(), q.data(), spec.rows, spec.cols);
  const double with = error_stats(x.data(), q.data(), x.size()).sqnr_db;
  EXPECT_GT(with, without + 3.0) << "without " << without << " dB, with " << with << " dB";
}

TEST(MxOpal, ValidateNamesTheField) {
  MxOpalFormat f;
  f.outliers = 17;
  EXPECT_THROW(
      {
        try {
          f.validate();
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("outliers"), std::string::npos);
          throw;
        }
      },
      std::invalid_argument);
}

TEST(MxOpal, CodesByPositionPutZerosAtOutliers) {
  MxOpalFormat f;
  f.block_size = 6;
  f.outliers = 2;
  MxOpalBlock b;
  b.indices = {1, 4};
  b.codes = {7, 6, 5, 3};
  EXPECT_EQ(mx_opal_codes_by_position(f, b), (std::vector<uint32_t>{7, 0, 6, 5, 0, 3}));
  f.outliers = 0;
  b.indices.clear();
  b.codes = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(mx_opal_codes_by_position(f, b), b.codes);
}

}  // namespace
}  // namespace bf::golden
