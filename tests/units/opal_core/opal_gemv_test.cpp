// The composed GEMV model (golden/units/opal_core/opal_gemv.hpp) and the opal-accuracy
// report built on it: lane-width independence, per-channel weight
// quantization, and the claim the report exists to show (outliers help).
#include "golden/units/opal_core/opal_gemv.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "golden/formats/float_format.hpp"

namespace bf::golden {
namespace {

TEST(OpalGemv, ResultDoesNotDependOnLanes) {
  std::mt19937_64 rng(3);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<uint32_t> x(256), w(256);
  for (auto& v : x) v = fp32_bits(g(rng) * (rng() % 50 == 0 ? 40.0f : 1.0f));
  for (auto& v : w) v = static_cast<uint32_t>(rng() % 16);
  auto dot = [&](int lanes) {
    OpalPeParams p;
    p.lanes = lanes;
    const auto c = p.config();
    return opal_pe_dot(c, opal_quantize_activation(c, 1, x), w, 0x3f80);
  };
  const uint32_t one_lane = dot(1);
  EXPECT_NE(one_lane, 0u);
  for (int lanes : {4, 16}) EXPECT_EQ(dot(lanes), one_lane) << "lanes " << lanes;
}

TEST(OpalGemv, HandComputedDot) {
  // One block of 32, no outliers, 5-bit: x = 1.0 at element 0 and -0.5 at 1.
  OpalPeParams p;
  p.block = 32;
  p.lanes = 16;
  p.outliers = 0;
  p.act_bits = {5};
  const auto c = p.config();
  std::vector<uint32_t> x(32, 0), w(32, 0);
  x[0] = fp32_bits(1.0f);
  x[1] = fp32_bits(-0.5f);
  w[0] = 3;
  w[1] = 0xe;  // -2
  const auto act = opal_quantize_activation(c, 0, x);
  // 1 * 3 + (-0.5) * (-2) = 4, times the scale 0.5.
  EXPECT_EQ(fp32_from_bits(opal_pe_dot(c, act, w, 0x3f00)), 2.0f);
}

TEST(OpalGemv, WeightRowQuantization) {
  const std::vector<float> w = {0.7f, -0.35f, 0.1f, 0.0f};
  const auto r = quantize_weight_row(w, 4);
  EXPECT_EQ(r.scale_bf16, 0x3dcdu);                           // 0.1 in bf16 (0.10009765625)
  EXPECT_EQ(r.codes, (std::vector<uint32_t>{7, 0xd, 1, 0}));  // 7, -3 (0.35/0.1001 = 3.497), 1, 0
  EXPECT_EQ(quantize_weight_row(std::vector<float>(3, 0.0f), 4).scale_bf16, 0x3f80u);
}

nlohmann::json run_json(const std::string& args) {
  FILE* p = popen((std::string(BLOCKFORGE_BINARY) + " " + args + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << out;
  return nlohmann::json::parse(out);
}

TEST(OpalAccuracyReport, OutliersVisiblyHelpActivationsAndGemv) {
  const auto j = run_json("opal-accuracy --rows 16 --cols 1024 --gemv-channels 64 --json");
  auto sqnr = [&](int bits, int n) {
    for (const auto& r : j["rows"])
      if (r["bits"] == bits && r["outliers"] == n && r["format"] != "mxint3 k32" &&
          r["format"] != "mxint5 k32")
        return r["sqnr_db"].get<double>();
    ADD_FAILURE() << "no row for bits " << bits << " outliers " << n;
    return 0.0;
  };
  EXPECT_GT(sqnr(3, 4), sqnr(3, 0) + 6.0);
  EXPECT_GT(sqnr(5, 4), sqnr(5, 0) + 6.0);
  auto gemv = [&](int bits, int n) {
    for (const auto& r : j["gemv"]["rows"])
      if (r["act_bits"] == bits && r["outliers"] == n)
        return r["sqnr_db_vs_quantized_weights"].get<double>();
    ADD_FAILURE() << "no GEMV row for bits " << bits << " outliers " << n;
    return 0.0;
  };
  EXPECT_GT(gemv(3, 4), gemv(3, 0) + 6.0);
  EXPECT_GT(gemv(5, 4), gemv(5, 0) + 6.0);
  EXPECT_GT(gemv(16, 0), gemv(5, 4));  // bf16 activations remain the most accurate
}

}  // namespace
}  // namespace bf::golden
