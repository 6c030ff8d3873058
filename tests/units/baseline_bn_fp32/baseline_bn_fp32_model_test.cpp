// baseline.bn_fp32 (golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp):
// the stream model against the host's IEEE float arithmetic and against the
// contract's functions, the protocol's defined behaviour outside the normal
// sequence, the corner cases telling the unit apart from plausible wrong
// datapaths, the random groups and the "channels" workload, and the RTL's
// structure.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "generator/design/registry.hpp"
#include "golden/lightnorm/bn_fp32.hpp"
#include "golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp"
#include "tests/units/baseline_bn_fp32/bn_fp32_test_util.hpp"
#include "tests/units/design_text.hpp"

namespace bf {
namespace {

using golden::BnFp32Model;
using golden::BnFp32Params;
using golden::BnOp;
using namespace bn_fp32_test;

// ---- the model ---------------------------------------------------------------

TEST(BnFp32Model, InvNIsOneOverNCorrectlyRounded) {
  for (int64_t n : {1, 2, 3, 7, 10, 49, 256, 1000, 50176})
    EXPECT_EQ(hex(golden::bn_fp32_inv_n(n)), hex(std::bit_cast<uint32_t>(1.0f / n))) << n;
  EXPECT_THROW(golden::bn_fp32_inv_n(0), std::invalid_argument);
}

TEST(BnFp32Model, FinishBeatsAndLatency) {
  BnFp32Params p;
  EXPECT_EQ(p.lanes, 8);
  EXPECT_EQ(p.finish_beats(), 4 + (p.sqrt_stages + 1) + (p.div_stages + 1));
  p.sqrt_stages = 0;
  p.div_stages = 0;
  EXPECT_EQ(p.finish_beats(), 6);
  p.sqrt_stages = 4;
  p.div_stages = 4;
  EXPECT_EQ(p.finish_beats(), 14);
  EXPECT_EQ(BnFp32Params::latency(), 5);
}

TEST(BnFp32Model, MatchesHostFloatOnFiniteGroups) {
  std::mt19937_64 rng(5);
  for (int lanes : {1, 3}) {
    const BnFp32Params p = params(lanes, 1, 2);
    for (int r = 0; r < 100; ++r) {
      const int n = 1 + static_cast<int>(rng() % 70);
      std::vector<Channel> ch(static_cast<std::size_t>(lanes));
      Lanes gamma, beta;
      const int scale = static_cast<int>(rng() % 60) - 30;
      for (auto& c : ch)
        for (int i = 0; i < n; ++i) c.push_back(random_code(rng, scale - 8, scale + 4));
      for (int l = 0; l < lanes; ++l) {
        gamma.push_back(random_code(rng, -3, 3));
        beta.push_back(random_code(rng, -3, 3));
      }
      const uint32_t inv_n = golden::bn_fp32_inv_n(n);
      const auto got = run_group(p, inv_n, gamma, beta, ch);
      for (int l = 0; l < lanes; ++l) {
        const auto li = static_cast<std::size_t>(l);
        const auto want = host_bn(ch[li], inv_n, gamma[li], beta[li]);
        for (int i = 0; i < n; ++i)
          ASSERT_EQ(hex(got[static_cast<std::size_t>(i)][li]),
                    hex(want[static_cast<std::size_t>(i)]))
              << "lanes " << lanes << " group " << r << " lane " << l << " element " << i;
      }
    }
  }
}

TEST(BnFp32Model, EqualsTheContractFunctionsPerChannel) {
  std::mt19937_64 rng(9);
  const BnFp32Params p = params(4, 2, 3);
  for (int r = 0; r < 50; ++r) {
    const int n = 1 + static_cast<int>(rng() % 40);
    std::vector<Channel> ch(4);
    Lanes gamma, beta;
    for (auto& c : ch)
      for (int i = 0; i < n; ++i) c.push_back(any_code(rng));
    for (int l = 0; l < 4; ++l) {
      gamma.push_back(any_code(rng));
      beta.push_back(any_code(rng));
    }
    const uint32_t inv_n = r % 5 ? golden::bn_fp32_inv_n(n) : any_code(rng);
    const auto got = run_group(p, inv_n, gamma, beta, ch);
    for (std::size_t l = 0; l < 4; ++l) {
      const auto s = golden::lightnorm::bn_fp32_stats(ch[l], inv_n);
      std::vector<uint32_t> want(ch[l].size());
      golden::lightnorm::bn_fp32_normalize(s, gamma[l], beta[l], ch[l], want);
      for (std::size_t i = 0; i < want.size(); ++i) ASSERT_EQ(hex(got[i][l]), hex(want[i]));
    }
  }
}

TEST(BnFp32Model, ClampsANegativeVarianceAndAddsEps) {
  // A zero channel: var = 0, inv_std = 1 / sqrt(eps) (eps = 1e-5).
  const uint32_t inv_std_eps = std::bit_cast<uint32_t>(1.0f / std::sqrt(1e-5f));
  BnFp32Model m(params(1, 0, 0));
  const auto s = stats_of(m, {0u, 0x80000000u, 0u}, golden::bn_fp32_inv_n(3));
  EXPECT_EQ(s.var, 0u);
  EXPECT_EQ(hex(s.inv_std), hex(inv_std_eps));
  // Constant channels whose Q/n - mean^2 rounds below 0: +0, not NaN.
  std::mt19937_64 rng(2);
  int clamped = 0;
  for (int k = 0; k < 200; ++k) {
    const Channel c(10, random_code(rng, -20, 20));
    if (host_raw_variance(c, golden::bn_fp32_inv_n(10)) >= 0) continue;
    ++clamped;
    BnFp32Model mk(params(1, 0, 0));
    const auto sk = stats_of(mk, c, golden::bn_fp32_inv_n(10));
    EXPECT_EQ(hex(sk.var), hex(0u));
    EXPECT_EQ(hex(sk.inv_std), hex(inv_std_eps));
  }
  EXPECT_GT(clamped, 10);
}

// ---- the protocol outside the normal sequence ---------------------------------

TEST(BnFp32Protocol, NormBeforeTheLastFinishIsDropped) {
  const BnFp32Params p = params(2, 1, 1);
  BnFp32Model m(p);
  const Lanes g = {kOne, kTwo}, b = {0u, kOne}, z = {0u, 0u};
  m.step(BnOp::Load, golden::bn_fp32_inv_n(2), z, g, b);
  m.step(BnOp::Stat, 0, Lanes{kOne, kTwo}, z, z);
  m.step(BnOp::Stat, 0, Lanes{kThree, kOne}, z, z);
  for (int k = 0; k < p.finish_beats() - 1; ++k) {
    EXPECT_FALSE(m.step(BnOp::Finish, 0, z, z, z).norm);
    const auto out = m.step(BnOp::Norm, 0, Lanes{kOne, kTwo}, z, z);
    EXPECT_FALSE(out.norm);
    EXPECT_EQ(out.y, z);
  }
  m.step(BnOp::Finish, 0, z, z, z);
  const auto out = m.step(BnOp::Norm, 0, Lanes{kOne, kTwo}, z, z);
  EXPECT_TRUE(out.norm);
  // Lane 0: values 1, 3: mean 2, var 1 -> y(1) = -1 / sqrt(1 + eps) * 1 + 0.
  EXPECT_NEAR(std::bit_cast<float>(out.y[0]), -1.0f, 1e-5f);
  // Extra FINISH beats change nothing; NORM beats beyond n still normalize.
  for (int k = 0; k < 5; ++k) m.step(BnOp::Finish, 0, z, z, z);
  EXPECT_EQ(m.step(BnOp::Norm, 0, Lanes{kOne, kTwo}, z, z).y, out.y);
  EXPECT_TRUE(m.step(BnOp::Norm, 0, Lanes{kThree, kOne}, z, z).norm);
}

TEST(BnFp32Protocol, StatAfterFinishRestartsTheCount) {
  const BnFp32Params p = params(1, 0, 0);
  BnFp32Model m(p);
  const Lanes z = {0u};
  m.step(BnOp::Load, golden::bn_fp32_inv_n(2), z, Lanes{kOne}, z);
  m.step(BnOp::Stat, 0, Lanes{kOne}, z, z);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, z, z, z);
  EXPECT_TRUE(m.complete());
  m.step(BnOp::Stat, 0, Lanes{kThree}, z, z);
  EXPECT_FALSE(m.complete());
  EXPECT_FALSE(m.step(BnOp::Norm, 0, Lanes{kOne}, z, z).norm);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, z, z, z);
  EXPECT_EQ(hex(m.stats(0).mean), hex(kTwo));  // (1 + 3) * 1/2
}

TEST(BnFp32Protocol, ResetIsALoadOfZerosAndNoStatMeansZeroSums) {
  const BnFp32Params p = params(1, 2, 3);
  BnFp32Model m(p);
  const Lanes z = {0u};
  EXPECT_FALSE(m.step(BnOp::Norm, 0, Lanes{kOne}, z, z).norm);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, z, z, z);
  // gamma = beta = +0: y = (1 * 1/sqrt(eps)) * 0 + 0 = +0, and norm_o = 1.
  auto out = m.step(BnOp::Norm, 0, Lanes{kOne}, z, z);
  EXPECT_TRUE(out.norm);
  EXPECT_EQ(out.y[0], 0u);
  EXPECT_EQ(m.stats(0).sum, 0u);
  // A LOAD without STAT beats: S = Q = +0 with the loaded inv_n.
  m.step(BnOp::Load, kOne, z, Lanes{kOne}, Lanes{kTwo});
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, z, z, z);
  out = m.step(BnOp::Norm, 0, Lanes{0u}, z, z);
  EXPECT_EQ(hex(out.y[0]), hex(kTwo));  // (0 - 0) * inv_std * 1 + 2
}

TEST(BnFp32Protocol, StatWithoutLoadContinuesTheSums) {
  const BnFp32Params p = params(1, 0, 0);
  BnFp32Model m(p);
  const Lanes z = {0u};
  m.step(BnOp::Load, kOne, z, Lanes{kOne}, z);
  m.step(BnOp::Stat, 0, Lanes{kOne}, z, z);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, z, z, z);
  m.step(BnOp::Stat, 0, Lanes{kTwo}, z, z);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, z, z, z);
  EXPECT_EQ(hex(m.stats(0).sum), hex(kThree));
}

// ---- the corner cases catch wrong answers ----------------------------------------

TEST(BnFp32CornerCases, TellTheUnitFromWrongDatapaths) {
  const std::string cfg = "lanes = 3\nsqrt_stages = 1\ndiv_stages = 2";
  EXPECT_EQ(disagreements(cfg, Wrong::None), 0);
  for (Wrong w :
       {Wrong::NoClamp, Wrong::NoEps, Wrong::TwoPassVariance, Wrong::FoldedScale,
        Wrong::FlushSubnormals, Wrong::TruncatedRoot, Wrong::StaleNorm, Wrong::FusedSquares})
    EXPECT_GT(disagreements(cfg, w), 0) << wrong_name(w);
}

// ---- the Design ---------------------------------------------------------------

TEST(BnFp32Design, PortsLatencyAndEmulate) {
  const auto d = load_design_text(
      "unit = \"baseline.bn_fp32\"\n[params]\nlanes = 3\nsqrt_stages = 0\ndiv_stages = 1\n",
      "t.toml");
  EXPECT_EQ(d->latency(), 5);
  ASSERT_EQ(d->data_inputs().size(), 5u);
  EXPECT_EQ(d->data_inputs()[0].width, 2);
  EXPECT_EQ(d->data_inputs()[2].width, 96);
  ASSERT_EQ(d->data_outputs().size(), 2u);
  EXPECT_EQ(d->data_outputs()[1].width, 96);
  EXPECT_EQ(d->operations().name, "element");
  EXPECT_EQ(d->metrics()["finish_beats"], 7);
  // emulate() is the first beat after reset.
  std::mt19937_64 rng(1);
  const auto tv = d->random_case(rng);
  EXPECT_TRUE(d->emulate(tv.inputs) == d->stream_model()->step(tv.inputs));
}

TEST(BnFp32Design, RandomCasesAreWholeGroupsAndAFunctionOfTheSeed) {
  const auto d = load_design_text("unit = \"baseline.bn_fp32\"\n[params]\nlanes = 2\n", "t.toml");
  auto draw = [&](uint64_t seed, int count) {
    std::mt19937_64 rng(seed);
    std::vector<uint64_t> ops;
    for (int i = 0; i < count; ++i) ops.push_back(d->random_case(rng).inputs[0].get(0, 2));
    return ops;
  };
  const auto a = draw(7, 3000);
  draw(8, 1234);  // another stream in between ends mid-group
  EXPECT_EQ(draw(7, 3000), a);
  EXPECT_EQ(a[0], 0u);  // a random stream starts with a LOAD
  // Mostly complete groups: many NORM beats are normalized.
  std::mt19937_64 rng(3);
  auto model = d->stream_model();
  int norm = 0, normalized = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto tv = d->random_case(rng);
    const auto out = model->step(tv.inputs);
    norm += tv.inputs[0].get(0, 2) == 3;
    normalized += static_cast<int>(out[0].get(0, 1));
  }
  EXPECT_GT(norm, 6000);
  EXPECT_GT(normalized, norm * 8 / 10);
}

TEST(BnFp32Design, ChannelsWorkloadNormalizesGaussianGroups) {
  const auto d = load_design_text("unit = \"baseline.bn_fp32\"\n[params]\nlanes = 2\n", "t.toml");
  const auto w = d->workloads();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].name, "channels");
  const int F = static_cast<int>(d->metrics()["finish_beats"]);
  EXPECT_DOUBLE_EQ(w[0].ops, 2.0 * 256 / (2 * 256 + 1 + F));
  EXPECT_DOUBLE_EQ(d->operations().count, w[0].ops);
  std::mt19937_64 rng(4);
  const auto chunk = d->workload_chunk("channels", rng);
  ASSERT_EQ(chunk.size(), static_cast<std::size_t>(2 * 256 + 1 + F));
  auto model = d->stream_model();
  // The normalized values of each lane: mean about beta, spread about |gamma|.
  std::vector<double> sum(2), sum_sq(2);
  int normalized = 0;
  for (const auto& tv : chunk) {
    const auto out = model->step(tv.inputs);
    if (!out[0].get(0, 1)) continue;
    ++normalized;
    for (int l = 0; l < 2; ++l) {
      const double y = std::bit_cast<float>(static_cast<uint32_t>(out[1].get(32 * l, 32)));
      sum[static_cast<std::size_t>(l)] += y;
      sum_sq[static_cast<std::size_t>(l)] += y * y;
    }
  }
  EXPECT_EQ(normalized, 256);
  const auto& load = chunk[0].inputs;
  for (int l = 0; l < 2; ++l) {
    const auto li = static_cast<std::size_t>(l);
    const double gamma = std::bit_cast<float>(static_cast<uint32_t>(load[3].get(32 * l, 32)));
    const double beta = std::bit_cast<float>(static_cast<uint32_t>(load[4].get(32 * l, 32)));
    const double mean = sum[li] / 256, var = sum_sq[li] / 256 - mean * mean;
    EXPECT_NEAR(mean, beta, 1e-4);
    EXPECT_NEAR(var, gamma * gamma, 1e-3 * gamma * gamma + 1e-4);
  }
}

TEST(BnFp32Rtl, OneLaneModuleInAGenerateLoopWithItsOperators) {
  const std::string code = testing::code_of(
      "unit = \"baseline.bn_fp32\"\nname = \"t\"\n[params]\nlanes = 4\nsqrt_stages = 0\n"
      "div_stages = 2\n");
  for (const char* mod : {"module t_mul", "module t_add", "module t_sqrt", "module t_div",
                          "module t_lane", "module t ("})
    EXPECT_NE(code.find(mod), std::string::npos) << mod;
  EXPECT_EQ(count(code, "t_lane u_lane"), 1);  // inside the generate loop
  EXPECT_NE(code.find("for (l = 0; l < 4; l = l + 1)"), std::string::npos);
  EXPECT_NE(code.find("x_i[32*l +: 32]"), std::string::npos);
  // Per lane: 6 multipliers, 6 adders, one square root, one divider.
  EXPECT_EQ(count(code, "t_mul u_"), 6);
  EXPECT_EQ(count(code, "t_add u_"), 6);
  EXPECT_EQ(count(code, "t_sqrt u_"), 1);
  EXPECT_EQ(count(code, "t_div u_"), 1);
  EXPECT_NE(code.find("FINISH_BEATS = 4'd8"), std::string::npos);  // 4 + 1 + 3
  // sqrt_stages = 0: a combinational root; div_stages = 2: clocked divider.
  const auto sqrt_at = code.find("module t_sqrt");
  EXPECT_EQ(code.substr(sqrt_at, code.find(");", sqrt_at) - sqrt_at).find("clk_i"),
            std::string::npos);
  const auto div_at = code.find("module t_div");
  EXPECT_NE(code.substr(div_at, code.find(");", div_at) - div_at).find("clk_i"), std::string::npos);
}

}  // namespace
}  // namespace bf
