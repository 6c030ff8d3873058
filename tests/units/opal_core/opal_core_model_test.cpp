// golden::OpalCoreModel against the GEMV composition of opal-accuracy
// (golden/units/opal_core/opal_gemv.hpp): loading a vector and streaming weight rows
// through the core gives, row for row, opal_pe_dot's result; plus the
// buffer rules (first, overflow, empty buffer) and the bf16 rounding of real
// row results.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "generator/design/registry.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/units/opal_core/opal_core.hpp"
#include "golden/units/opal_core/opal_gemv.hpp"

namespace bf::golden {
namespace {

OpalCoreParams params(int rows, int max_blocks) {
  OpalCoreParams p;
  p.rows = rows;
  p.max_blocks = max_blocks;
  p.pe.block = 32;
  p.pe.lanes = 8;
  p.pe.outliers = 2;
  p.pe.act_bits = {3, 5};
  return p;
}

// Streams `weights` (rows x K codes) through the core, P rows at a time.
std::vector<uint32_t> gemv(OpalCoreModel& core, const OpalCoreParams& p,
                           const std::vector<std::vector<uint32_t>>& weights,
                           const std::vector<uint32_t>& wscale) {
  std::vector<uint32_t> y;
  const int lanes = p.pe.lanes;
  const std::size_t K = weights[0].size();
  for (std::size_t r0 = 0; r0 < weights.size(); r0 += static_cast<std::size_t>(p.rows)) {
    for (std::size_t e = 0; e < K; e += static_cast<std::size_t>(lanes)) {
      OpalCoreInput in;
      for (int r = 0; r < p.rows; ++r) {
        const auto& row = weights[r0 + static_cast<std::size_t>(r)];
        in.w.emplace_back(row.begin() + static_cast<std::ptrdiff_t>(e),
                          row.begin() + static_cast<std::ptrdiff_t>(e) + lanes);
        in.wscale.push_back(wscale[r0 + static_cast<std::size_t>(r)]);
      }
      const auto out = core.step(in);
      EXPECT_EQ(out.done, e + static_cast<std::size_t>(lanes) == K);
      if (out.done) y.insert(y.end(), out.y.begin(), out.y.end());
    }
  }
  return y;
}

TEST(OpalCoreModel, EqualsTheGemvComposition) {
  const auto p = params(2, 3);
  const auto c = p.pe.config();
  std::mt19937_64 rng(5);
  std::normal_distribution<float> g(0.0f, 1.0f);
  for (int mode : {0, 1}) {
    OpalCoreModel core(p);
    std::vector<uint32_t> x;  // 3 blocks of bf16
    for (int b = 0; b < 3; ++b) {
      OpalCoreInput ld;
      ld.load = true;
      ld.first = b == 0;
      ld.mode = mode;
      for (int e = 0; e < 32; ++e) {
        const uint32_t v = fp32_bits(g(rng) * (e == 7 ? 50.0f : 1.0f)) >> 16;
        ld.x.push_back(v);
        x.push_back(v << 16);
      }
      EXPECT_FALSE(core.step(ld).done);
    }
    std::vector<std::vector<uint32_t>> w(4, std::vector<uint32_t>(96));
    std::vector<uint32_t> ws;
    for (auto& row : w) {
      for (auto& v : row) v = static_cast<uint32_t>(rng() % 16);
      ws.push_back(0x3f80u + static_cast<uint32_t>(rng() % 64));
    }
    const auto y = gemv(core, p, w, ws);
    ASSERT_EQ(y.size(), 4u);
    const auto act = opal_quantize_activation(c, mode, x);
    for (std::size_t r = 0; r < 4; ++r)
      EXPECT_EQ(y[r], opal_pe_dot(c, act, w[r], ws[r])) << "mode " << mode << " row " << r;
  }
}

TEST(OpalCoreModel, BufferRules) {
  const auto p = params(1, 2);
  OpalCoreModel core(p);
  // Empty buffer: every block is the row's last; zero activations give +0.
  OpalCoreInput beat;
  beat.w = {std::vector<uint32_t>(8, 3)};
  beat.wscale = {0x3f80};
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(core.step(beat).done);
  const auto z = core.step(beat);
  EXPECT_TRUE(z.done);
  EXPECT_EQ(z.y[0], 0u);
  // Three loads into two slots: the vector stays two blocks long (8 beats).
  for (int b = 0; b < 3; ++b) {
    OpalCoreInput ld;
    ld.load = true;
    ld.first = b == 0;
    ld.x.assign(32, 0x3f80);  // 1.0
    core.step(ld);
  }
  int beats = 0;
  for (;;) {
    ++beats;
    if (core.step(beat).done) break;
  }
  EXPECT_EQ(beats, 8);
}

TEST(OpalCoreModel, ScoresToFixedPoint) {
  auto q = [](float f) { return fp32_to_fixed(fp32_bits(f), 16, 10); };  // Q6.10
  EXPECT_EQ(q(1.5f), 1536);
  EXPECT_EQ(q(-1.5f), -1536);
  EXPECT_EQ(q(0x1p-11f), 0);      // half an LSB: tie to even (0)
  EXPECT_EQ(q(3 * 0x1p-11f), 2);  // 1.5 LSB: tie to even (2)
  EXPECT_EQ(q(5 * 0x1p-12f), 1);  // 1.25 LSB
  EXPECT_EQ(q(31.9990234375f), 32767);
  EXPECT_EQ(q(40.0f), 32767);    // saturates
  EXPECT_EQ(q(-32.0f), -32768);  // exactly the minimum
  EXPECT_EQ(q(-1e30f), -32768);
  EXPECT_EQ(q(1e-40f), 0);  // subnormal
  EXPECT_EQ(q(-0.0f), 0);
  EXPECT_EQ(fp32_to_fixed(0x7f800000u, 16, 10), 32767);   // +Inf
  EXPECT_EQ(fp32_to_fixed(0xff800000u, 16, 10), -32768);  // -Inf
  EXPECT_EQ(fp32_to_fixed(0x7fc00000u, 16, 10), -32768);  // NaN: no mass
  EXPECT_EQ(fp32_to_fixed(fp32_bits(1000.0f), 20, 0), 1000);
}

TEST(OpalCoreModel, RoutedScoresFireTheSoftmax) {
  auto p = params(2, 1);
  p.route_softmax = true;
  p.softmax.n = 4;
  OpalCoreModel core(p);
  OpalCoreInput ld;
  ld.load = true;
  ld.first = true;
  ld.x.assign(32, 0x3f80);  // all ones
  core.step(ld);
  OpalCoreInput beat;
  beat.route = true;
  // Row p sums 32 * (p + 1) (weights p + 1); the second beat pair doubles the scale.
  beat.w = {std::vector<uint32_t>(8, 1), std::vector<uint32_t>(8, 2)};
  beat.wscale = {0x3d00, 0x3d00};  // 1/32: scores 1 and 2
  OpalCoreOutput out;
  for (int i = 0; i < 4; ++i) out = core.step(beat);
  EXPECT_TRUE(out.done);
  EXPECT_FALSE(out.probs_valid);
  beat.wscale = {0x3d80, 0x3d80};  // 1/16: scores 2 and 4
  for (int i = 0; i < 4; ++i) out = core.step(beat);
  ASSERT_TRUE(out.probs_valid);
  ASSERT_EQ(out.probs.size(), 4u);
  // softmax(1, 2, 2, 4): the largest score takes the most mass, equal scores equal mass.
  EXPECT_GT(out.probs[3], out.probs[1]);
  EXPECT_EQ(out.probs[1], out.probs[2]);
  EXPECT_GT(out.probs[1], out.probs[0]);
  // The next vector starts empty.
  for (int i = 0; i < 4; ++i) out = core.step(beat);
  EXPECT_FALSE(out.probs_valid);
}

// Runs one vector of 32 activations 1.0 through a core with `rows` rows, row r
// with weights summing to sums[r] and weight scale scales[r]: row r's exact
// result is sums[r] * scales[r] (1.0 quantizes exactly at any width, the
// outliers are 1.0 in bf16, and every partial sum is a small integer).
std::vector<uint32_t> unit_vector_rows(const std::string& output_format,
                                       const std::vector<int>& sums,
                                       const std::vector<float>& scales) {
  auto p = params(static_cast<int>(sums.size()), 1);
  p.output_format = output_format;
  OpalCoreModel core(p);
  OpalCoreInput ld;
  ld.load = true;
  ld.first = true;
  ld.mode = 1;
  ld.x.assign(32, 0x3f80);
  core.step(ld);
  std::vector<std::vector<uint32_t>> w;
  std::vector<uint32_t> ws;
  for (std::size_t r = 0; r < sums.size(); ++r) {
    // Spread the sum over 4-bit two's complement weights (-8..7).
    std::vector<uint32_t> row(32, 0);
    int left = sums[r];
    for (std::size_t i = 0; left != 0; ++i) {
      const int v = std::clamp(left, -8, 7);
      row[i] = static_cast<uint32_t>(v) & 0xfu;
      left -= v;
    }
    w.push_back(row);
    ws.push_back(fp32_bits(scales[r]) >> 16);  // every scale below is exact in bf16
  }
  return gemv(core, p, w, ws);
}

TEST(OpalCoreModel, Bf16OutputsRoundTheRowResultsToNearestEven) {
  // Exact row results and, worked out by hand, their bf16 roundings (8
  // significant bits: steps of 2 in [256, 512), of 4 in [512, 1024)):
  //   9 * 29 = 261: tie between 260 (mantissa 0000010, even) and 262 -> 260
  //   7 * 37 = 259: tie between 258 (mantissa 0000001, odd) and 260  -> 260
  //   7 * 73 = 511: tie between 510 (mantissa 1111111, odd) and 512  -> 512,
  //                 a carry into the exponent
  //   5 * 103 = 515: above the middle of 512 and 516                 -> 516
  //   27 * 19 = 513: below the middle of 512 and 516                 -> 512
  //   -9 * 29 = -261: the sign kept                                  -> -260
  const std::vector<int> sums = {9, 7, 7, 5, 27, -9};
  const std::vector<float> scales = {29, 37, 73, 103, 19, 29};
  const std::vector<float> exact = {261, 259, 511, 515, 513, -261};
  const std::vector<float> rounded = {260, 260, 512, 516, 512, -260};

  // The fp32 results are the exact products (so the ties above are real ties).
  const auto y32 = unit_vector_rows("fp32", sums, scales);
  ASSERT_EQ(y32.size(), exact.size());
  for (std::size_t r = 0; r < exact.size(); ++r)
    EXPECT_EQ(y32[r], fp32_bits(exact[r])) << "row " << r;

  const auto y16 = unit_vector_rows("bf16", sums, scales);
  ASSERT_EQ(y16.size(), rounded.size());
  for (std::size_t r = 0; r < rounded.size(); ++r) {
    ASSERT_EQ(fp32_bits(rounded[r]) & 0xffffu, 0u) << "row " << r << ": not a bf16 value";
    EXPECT_EQ(y16[r], fp32_bits(rounded[r]) >> 16)
        << "row " << r << ": " << exact[r] << " should round to " << rounded[r];
  }
}

}  // namespace
}  // namespace bf::golden

namespace bf {
namespace {

std::string load_error(const std::string& text) {
  try {
    load_design_text(text, "core.toml");
  } catch (const std::exception& e) {
    return e.what();
  }
  return "accepted";
}

TEST(OpalCoreConfig, NestedErrorsNameTheDottedKeyAndLine) {
  const std::string head = "unit = \"opal.core\"\n[params]\nrows = 2\n[params.pe]\n";
  EXPECT_EQ(load_error(head + "block = 128\nlanes = 16\n"), "accepted");
  const auto lanes = load_error(head + "block = 128\nlanes = 32\n");
  EXPECT_NE(lanes.find("core.toml:6:1"), std::string::npos) << lanes;
  EXPECT_NE(lanes.find("pe.lanes"), std::string::npos) << lanes;
  EXPECT_NE(lanes.find("use lanes <= 16"), std::string::npos) << lanes;
  const auto typo = load_error(head + "outlier = 3\n");
  EXPECT_NE(typo.find("did you mean 'pe.outliers'"), std::string::npos) << typo;
}

}  // namespace
}  // namespace bf
