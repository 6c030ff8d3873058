// lightnorm.bn_bwd (golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp): the
// stream model against the contract's functions (range_bn_grad_sums,
// range_bn_dx) on forward passes, the protocol's defined behaviour outside
// the normal sequence, the corner cases telling the unit apart from
// plausible wrong datapaths, the random groups and the "channels" workload,
// and the RTL's structure.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "generator/config/config.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/registry.hpp"
#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_beats.hpp"
#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_vectors.hpp"
#include "golden/arith/fp_core.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/formats/small_float_convert.hpp"
#include "golden/lightnorm/range_bn.hpp"
#include "golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp"
#include "tests/units/design_text.hpp"
#include "tests/units/lightnorm_bn_bwd/bn_bwd_test_util.hpp"

namespace bf {
namespace {

using golden::BnBwdModel;
using golden::BnBwdOp;
using golden::BnBwdParams;
using golden::FloatFormat;
using namespace bn_bwd_test;
using lightnorm_bn_bwd::BeatIn;
using lightnorm_bn_bwd::Channel;
using lightnorm_bn_bwd::ChannelIn;
using Lanes = std::vector<uint32_t>;
namespace ln = golden::lightnorm;

BnBwdParams params(const std::string& toml) {
  return cfg::read_params<BnBwdParams>(toml::parse(toml), "t.toml", "lightnorm.bn_bwd");
}

std::unique_ptr<Design> design(const std::string& toml) {
  return load_design_text("unit = \"lightnorm.bn_bwd\"\n[params]\n" + toml + "\n", "t.toml");
}

// One beat through the model.
BnBwdModel::Output step(BnBwdModel& m, const BeatIn& b) {
  std::vector<uint8_t> amax, amin;
  return m.step(lightnorm_bn_bwd::to_model(b, amax, amin));
}
BeatIn beat(const BnBwdParams& p, BnBwdOp op) {
  BeatIn b;
  b.op = op;
  const Lanes z(static_cast<std::size_t>(p.lanes), 0u);
  b.gamma = b.scale = b.g = b.x_hat = b.amax = b.amin = z;
  return b;
}

// ---- the model ---------------------------------------------------------------

TEST(BnBwdModel, FinishBeatsAndLatency) {
  EXPECT_EQ(params("").lanes, 8);
  EXPECT_EQ(params("").finish_beats(), 5);  // chunks 8: the * 2^-3 stage; norm = stat
  EXPECT_EQ(params("chunks = 1").finish_beats(), 4);
  EXPECT_EQ(params("norm = \"fp10_e5m4_ieee+8\"").finish_beats(), 6);
  EXPECT_EQ(params("chunks = 1\nnorm = \"bf16\"").finish_beats(), 5);
  EXPECT_EQ(BnBwdParams::latency(), 4);
}

TEST(BnBwdModel, ChunkScaleMultiplierIsTheContractsStatProduct) {
  std::mt19937_64 rng(3);
  for (const char* stat : {"fp32", "bf16", "fp10_e5m4_ieee+8", "fp16"})
    for (int chunks : {2, 8, 64}) {
      const auto p = params(fmt::format("chunks = {}\nstat = \"{}\"", chunks, stat));
      const auto rb = p.range_bn();
      const uint32_t pow2 = golden::fp_round_pack(rb.stat, false, 1, -rb.log2_chunks(),
                                                  golden::Rounding::NearestEven);
      EXPECT_EQ(p.pow2_spec().b.man_bits, 1) << stat;  // exact in stat: a 2-bit significand
      for (int i = 0; i < 3000; ++i) {
        const uint32_t a = fp_operand_io::random_code(rb.stat, rng);
        ASSERT_EQ(golden::fp_mul(p.pow2_spec(), a, p.pow2_code()),
                  golden::fp_mul(p.stat_mul_spec(), a, pow2))
            << stat << " chunks " << chunks << " a " << a;
      }
    }
}

// Lanes of forward passes over Gaussian channels through the design's stream
// model; every DX beat's outputs against the contract's functions.
void expect_contract(const std::string& toml, int groups, uint64_t seed) {
  const auto p = params(toml);
  const auto rb = p.range_bn();
  const auto d = design(toml);
  std::mt19937_64 rng(seed);
  const auto L = static_cast<std::size_t>(p.lanes);
  const int gw = rb.grad.width(), sw = rb.stat.width();
  for (int r = 0; r < groups; ++r) {
    const int n = rb.chunks * (2 + static_cast<int>(rng() % 6));
    const auto k = ln::range_bn_constants(rb, n);
    std::vector<ChannelIn> ch;
    std::vector<ln::RangeBnStats> stats;
    Lanes gamma, scale;
    std::vector<Channel> xs;
    for (std::size_t l = 0; l < L; ++l) {
      Channel x(static_cast<std::size_t>(n)), g(static_cast<std::size_t>(n));
      const float mean = std::normal_distribution<float>(0, 1)(rng);
      const float sd = std::ldexp(1.0f, static_cast<int>(rng() % 6) - 3);
      const float gs = std::ldexp(1.0f, static_cast<int>(rng() % 20) - 14);
      for (auto& v : x)
        v = golden::small_encode({rb.io, rb.exponent, rb.convert_rounding},
                                 golden::fp32_bits(std::normal_distribution<float>(mean, sd)(rng)));
      for (auto& v : g)
        v = golden::small_encode({rb.grad, rb.exponent, rb.convert_rounding},
                                 golden::fp32_bits(std::normal_distribution<float>(0, gs)(rng)));
      gamma.push_back(
          golden::small_encode({rb.io, rb.exponent, rb.convert_rounding},
                               golden::fp32_bits(std::normal_distribution<float>(1, 0.3f)(rng))));
      const auto f = lightnorm_bn_bwd::forward_pass(rb, x, gamma.back());
      scale.push_back(f.scale);
      stats.push_back(ln::range_bn_stats(rb, k, x));
      ch.push_back({g, f.x_hat, f.amax, f.amin});
    }
    std::vector<TestVector> tvs;
    lightnorm_bn_bwd::Writer(p, tvs).group(
        lightnorm_bn_bwd::make_group(p, k.inv_n, k.c, gamma, scale, ch), "group");
    auto model = d->stream_model();
    std::vector<PortValues> outs;
    for (const auto& tv : tvs) {
      auto out = model->step(tv.inputs);
      if (out[0].get(0, 1)) outs.push_back(out);
    }
    ASSERT_EQ(outs.size(), static_cast<std::size_t>(n));
    for (std::size_t l = 0; l < L; ++l) {
      const auto gr = ln::range_bn_grad_sums(rb, k, stats[l], gamma[l], ch[l].g, ch[l].x_hat);
      std::vector<uint32_t> dx(static_cast<std::size_t>(n));
      ln::range_bn_dx(rb, stats[l], gr, ch[l].g, dx);
      const int li = static_cast<int>(l);
      for (int i = 0; i < n; ++i) {
        const auto& o = outs[static_cast<std::size_t>(i)];
        ASSERT_EQ(o[1].get(gw * li, gw), dx[static_cast<std::size_t>(i)])
            << toml << " group " << r << " lane " << l << " element " << i;
        ASSERT_EQ(o[2].get(gw * li, gw), gr.dgamma);
        ASSERT_EQ(o[3].get(sw * li, sw), gr.dbeta);
      }
    }
  }
}

TEST(BnBwdModel, EqualsTheContractFunctionsPerChannel) {
  expect_contract("lanes = 2", 20, 1);
  expect_contract("lanes = 3\nchunks = 4", 20, 2);
  expect_contract("lanes = 2\nnorm = \"fp10_e5m4_ieee+8\"", 20, 3);
  expect_contract("lanes = 1\nconvert_rounding = \"nearest_even\"", 20, 4);
  expect_contract("lanes = 1\nexponent = \"flush_to_zero\"", 20, 5);
  expect_contract("lanes = 2\nchunks = 1", 20, 6);
  expect_contract("lanes = 1\nstat = \"bf16\"\nchunks = 64", 5, 7);
}

// ---- the protocol outside the normal sequence ---------------------------------

TEST(BnBwdProtocol, DxBeforeTheLastFinishIsDropped) {
  const auto p = params("lanes = 2\nchunks = 2");
  BnBwdModel m(p);
  auto load = beat(p, BnBwdOp::Load);
  load.inv_n = 0x3f000000u;  // 1/2
  load.c = 0x3f800000u;
  load.gamma = {0x0f0u, 0x0e0u};            // io 1.0, 0.5 (fp10 1-5-4: bias 15)
  load.scale = {0x3f800000u, 0x40000000u};  // 1, 2
  step(m, load);
  auto stat = beat(p, BnBwdOp::Stat);
  stat.g = {0x0f8u, 0x100u};  // grad 1.0 (e6m3: bias 31), 2.0
  stat.x_hat = {0x0f0u, 0x0f0u};
  step(m, stat);
  const auto fin = beat(p, BnBwdOp::Finish);
  auto dx = beat(p, BnBwdOp::Dx);
  dx.g = stat.g;
  for (int k = 0; k < p.finish_beats() - 1; ++k) {
    step(m, fin);
    const auto out = step(m, dx);
    EXPECT_FALSE(out.valid);
    EXPECT_EQ(out.dx, Lanes(2, 0u));
    EXPECT_EQ(out.dbeta, Lanes(2, 0u));
  }
  step(m, fin);
  EXPECT_TRUE(m.complete());
  const auto out = step(m, dx);
  EXPECT_TRUE(out.valid);
  // Lane 0: one value g = 1, x_hat = 1: dbeta = dgs = 1, a = 1, b_mu = -1/2:
  // dx = 1 - 1/2 = 0.5 (grad 0x0f0).
  EXPECT_EQ(out.dbeta[0], 0x3f800000u);
  EXPECT_EQ(out.dgamma[0], 0x0f8u);
  EXPECT_EQ(out.dx[0], 0x0f0u);
  // Extra FINISH beats change nothing; DX beats beyond n still compute.
  for (int k = 0; k < 5; ++k) step(m, fin);
  EXPECT_EQ(step(m, dx).dx, out.dx);
}

TEST(BnBwdProtocol, FlagsPickTheRangeTerm) {
  const auto p = params("lanes = 4\nchunks = 1");
  BnBwdModel m(p);
  auto load = beat(p, BnBwdOp::Load);
  load.inv_n = 0x3f800000u;
  load.c = 0x3f800000u;
  load.gamma = Lanes(4, 0x0f0u);
  load.scale = Lanes(4, 0x3f800000u);
  step(m, load);
  auto stat = beat(p, BnBwdOp::Stat);
  stat.g = Lanes(4, 0x0f8u);
  stat.x_hat = Lanes(4, 0x0f0u);
  step(m, stat);
  for (int k = 0; k < p.finish_beats(); ++k) step(m, beat(p, BnBwdOp::Finish));
  // a = 1, dbeta = dgs = 1, inv_n = C = 1, chunks = 1: b_mu = -1, k = 1.
  auto dx = beat(p, BnBwdOp::Dx);
  dx.g = Lanes(4, 0x0f8u);
  dx.amax = {1, 0, 1, 0};
  dx.amin = {0, 1, 1, 0};
  const auto out = step(m, dx);
  EXPECT_EQ(out.dx[0], 0x0f8u ^ 0x200u);  // 1 + (-1 - 1) = -1
  EXPECT_EQ(out.dx[1], 0x0f8u);           // 1 + (-1 + 1) = 1
  EXPECT_EQ(out.dx[2], 0u);               // both: b_mu, 1 - 1 = +0
  EXPECT_EQ(out.dx[3], 0u);               // neither: b_mu
}

TEST(BnBwdProtocol, StatAfterFinishRestartsTheCountAndWithoutLoadContinues) {
  const auto p = params("lanes = 1");
  BnBwdModel m(p);
  auto stat = beat(p, BnBwdOp::Stat);
  stat.g = {0x0f8u};
  stat.x_hat = {0x0f0u};
  step(m, beat(p, BnBwdOp::Load));
  step(m, stat);
  for (int k = 0; k < p.finish_beats(); ++k) step(m, beat(p, BnBwdOp::Finish));
  EXPECT_TRUE(m.complete());
  step(m, stat);
  EXPECT_FALSE(m.complete());
  EXPECT_FALSE(step(m, beat(p, BnBwdOp::Dx)).valid);
  for (int k = 0; k < p.finish_beats(); ++k) step(m, beat(p, BnBwdOp::Finish));
  EXPECT_EQ(m.grads(0).dbeta, 0x40000000u);  // 1 + 1
  EXPECT_EQ(m.grads(0).dgs, 0x40000000u);
}

TEST(BnBwdProtocol, ResetIsALoadOfZeros) {
  const auto p = params("lanes = 1");
  BnBwdModel m(p);
  auto dx = beat(p, BnBwdOp::Dx);
  dx.g = {0x0f8u};
  EXPECT_FALSE(step(m, dx).valid);
  for (int k = 0; k < p.finish_beats(); ++k) step(m, beat(p, BnBwdOp::Finish));
  const auto out = step(m, dx);
  EXPECT_TRUE(out.valid);
  // a = +0 * +0, b = -(+0): dx = 1 * 0 + -0 = +0; dbeta = dgamma = +0.
  EXPECT_EQ(out.dx[0], 0u);
  EXPECT_EQ(out.dbeta[0], 0u);
  EXPECT_EQ(out.dgamma[0], 0u);
}

// ---- the corner cases catch wrong answers ----------------------------------------

TEST(BnBwdCornerCases, TellTheUnitFromWrongDatapaths) {
  const std::string cfg = "lanes = 3\nchunks = 4\nnorm = \"fp10_e5m4_ieee+8\"";
  EXPECT_EQ(disagreements(cfg, Wrong::None), 0);
  for (Wrong w :
       {Wrong::SwappedExtremes, Wrong::BothFlagsMax, Wrong::NoChunkScale, Wrong::DxAddInStat,
        Wrong::DxNearestEven, Wrong::StaleDx, Wrong::DgammaNearestEven})
    EXPECT_GT(disagreements(cfg, w), 0) << wrong_name(w);
  // k's rounding below 2^emin reaches dx only where grad's range covers
  // stat's subnormals (fp16 stat: 2^-24 against grad's 2^-33; with fp32 stat
  // k that small never shows in a grad code).
  const std::string fp16 = "lanes = 2\nstat = \"fp16\"";
  EXPECT_EQ(disagreements(fp16, Wrong::None), 0);
  EXPECT_GT(disagreements(fp16, Wrong::FlushTinyK), 0);
  // One ulp of b_mu reaches dx when grad is as wide as stat.
  const std::string wide = "lanes = 2\ngrad = \"fp32\"";
  EXPECT_EQ(disagreements(wide, Wrong::None), 0);
  EXPECT_GT(disagreements(wide, Wrong::MeanTermOrder), 0);
}

// ---- the Design ---------------------------------------------------------------

TEST(BnBwdDesign, PortsLatencyAndEmulate) {
  const auto d = design("lanes = 3\nchunks = 4");
  EXPECT_EQ(d->latency(), 4);
  ASSERT_EQ(d->data_inputs().size(), 9u);
  EXPECT_EQ(d->data_inputs()[0].width, 2);
  EXPECT_EQ(d->data_inputs()[3].width, 30);  // gamma: 3 x fp10
  EXPECT_EQ(d->data_inputs()[4].width, 96);  // scale: 3 x fp32
  EXPECT_EQ(d->data_inputs()[7].width, 3);   // amax
  ASSERT_EQ(d->data_outputs().size(), 4u);
  EXPECT_EQ(d->data_outputs()[1].width, 30);  // dx: 3 x fp10 1-6-3
  EXPECT_EQ(d->data_outputs()[3].width, 96);  // dbeta: 3 x fp32
  EXPECT_EQ(d->operations().name, "element");
  EXPECT_EQ(d->metrics()["finish_beats"], 5);
  std::mt19937_64 rng(1);
  const auto tv = d->random_case(rng);
  EXPECT_TRUE(d->emulate(tv.inputs) == d->stream_model()->step(tv.inputs));
}

TEST(BnBwdDesign, BadParametersNameTheKey) {
  for (const char* bad : {"chunks = 3", "norm = \"e5m99\"", "norm = \"e5m12\"",
                          "stat = \"fp10_e5m4\"", "exponent = \"authors_mask\"", "lanes = 0"}) {
    try {
      design(bad);
      ADD_FAILURE() << bad;
    } catch (const std::exception& e) {
      const std::string key = std::string(bad).substr(0, std::string(bad).find(' '));
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

TEST(BnBwdDesign, RandomCasesAreWholeGroupsAndAFunctionOfTheSeed) {
  const auto d = design("lanes = 2");
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
  std::mt19937_64 rng(3);
  auto model = d->stream_model();
  int dx = 0, computed = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto tv = d->random_case(rng);
    const auto out = model->step(tv.inputs);
    dx += tv.inputs[0].get(0, 2) == 3;
    computed += static_cast<int>(out[0].get(0, 1));
  }
  EXPECT_GT(dx, 6000);
  EXPECT_GT(computed, dx * 8 / 10);
}

TEST(BnBwdDesign, ChannelsWorkloadComputesGaussianGroups) {
  const auto d = design("lanes = 2");
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
  int computed = 0, nonzero = 0, flagged = 0;
  for (const auto& tv : chunk) {
    const auto out = model->step(tv.inputs);
    flagged += static_cast<int>(tv.inputs[0].get(0, 2) == 3 && tv.inputs[7].get(0, 1));
    if (!out[0].get(0, 1)) continue;
    ++computed;
    nonzero += out[1].get(0, 10) != 0;
  }
  EXPECT_EQ(computed, 256);
  EXPECT_GT(nonzero, 200);
  EXPECT_EQ(flagged, 8);  // one argmax per chunk
}

TEST(BnBwdRtl, OneLaneModuleInAGenerateLoopWithItsOperators) {
  const std::string code = testing::code_of(
      "unit = \"lightnorm.bn_bwd\"\nname = \"t\"\n[params]\nlanes = 4\nnorm = "
      "\"fp10_e5m4_ieee+8\"\n");
  for (const char* mod :
       {"module t_mul_g_xhat", "module t_mul_gamma_scale", "module t_mul_stat", "module t_mul_pow2",
        "module t_mul_g_a", "module t_add_stat", "module t_add_norm", "module t_grad_to_stat",
        "module t_stat_to_grad", "module t_stat_to_norm", "module t_norm_to_grad", "module t_lane",
        "module t ("})
    EXPECT_NE(code.find(mod), std::string::npos) << mod;
  EXPECT_EQ(code.find("module t_fp32_to_stat"), std::string::npos);  // stat = fp32: no converter
  EXPECT_EQ(count(code, "t_lane u_lane"), 1);                        // inside the generate loop
  EXPECT_NE(code.find("for (l = 0; l < 4; l = l + 1)"), std::string::npos);
  EXPECT_NE(code.find("g_i[10*l +: 10]"), std::string::npos);
  EXPECT_EQ(count(code, "t_mul_stat u_"), 4);
  EXPECT_EQ(count(code, "t_add_stat u_"), 4);
  EXPECT_EQ(count(code, "t_stat_to_norm u_"), 3);
  EXPECT_NE(code.find("FINISH_BEATS = 3'd6"), std::string::npos);
  // chunks = 1: no * 2^-log2(chunks) multiplier.
  const std::string one = testing::code_of(
      "unit = \"lightnorm.bn_bwd\"\nname = \"t\"\n[params]\nlanes = 1\nchunks = 1\n");
  EXPECT_EQ(one.find("t_mul_pow2"), std::string::npos);
  EXPECT_EQ(one.find("t_stat_to_norm"), std::string::npos);
}

}  // namespace
}  // namespace bf
