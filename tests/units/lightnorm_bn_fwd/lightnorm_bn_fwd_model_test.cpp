// lightnorm.bn_fwd (golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp): the
// shared range BN parameter keys, the unit's parameters, the stream model
// against the contract's functions (range_bn_stats, range_bn_normalize), the
// protocol's defined behaviour outside the normal sequence, the corner cases
// telling the unit apart from plausible wrong datapaths, the random groups,
// the "channels" workload and the RTL's structure.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "generator/design/fp_operand_io.hpp"
#include "generator/design/registry.hpp"
#include "golden/formats/small_float_convert.hpp"
#include "golden/lightnorm/range_bn.hpp"
#include "golden/lightnorm/range_bn_fields.hpp"
#include "golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp"
#include "tests/units/design_text.hpp"
#include "tests/units/lightnorm_bn_fwd/bn_fwd_test_util.hpp"

namespace bf {
namespace {

using golden::BnOp;
using golden::FloatFormat;
using golden::LnBnFwdModel;
using golden::LnBnFwdParams;
using golden::lightnorm::RangeBnParams;
using golden::lightnorm::RangeBnTextFields;
using namespace bn_fwd_test;

// ---- the shared range BN keys --------------------------------------------------

TEST(RangeBnFields, DefaultsAreRangeBnParamsDefaults) {
  const RangeBnParams want;
  const RangeBnParams got = golden::lightnorm::range_bn_params(RangeBnTextFields{});
  EXPECT_EQ(got.chunks, want.chunks);
  EXPECT_EQ(got.io, want.io);
  EXPECT_EQ(got.grad, want.grad);
  EXPECT_EQ(got.stat, want.stat);
  EXPECT_EQ(got.norm, want.norm);
  EXPECT_EQ(got.exponent, want.exponent);
  EXPECT_EQ(got.convert_rounding, want.convert_rounding);
  EXPECT_EQ(got.arith_rounding, want.arith_rounding);
  EXPECT_EQ(got.reciprocal, want.reciprocal);
  EXPECT_EQ(got.table_bits, want.table_bits);
  EXPECT_EQ(got.newton_steps, want.newton_steps);
  EXPECT_EQ(got.eps, want.eps);
}

TEST(RangeBnFields, ParsesNamesAndNamesTheKeyAtFault) {
  RangeBnTextFields t;
  t.norm = "e5m12";
  t.stat = "bf16";
  t.reciprocal = "pow2";
  t.exponent = "flush_to_zero";
  t.convert_rounding = "nearest_even";
  const auto p = golden::lightnorm::range_bn_params(t);
  EXPECT_EQ(p.norm, FloatFormat::custom(5, 12));
  EXPECT_EQ(p.stat, FloatFormat::bf16());
  EXPECT_EQ(p.reciprocal, golden::lightnorm::Reciprocal::Pow2);
  auto key_of = [](const std::function<void(RangeBnTextFields&)>& change) {
    RangeBnTextFields b;
    change(b);
    try {
      golden::lightnorm::range_bn_params(b);
    } catch (const ParamError& e) {
      return e.key();
    }
    return std::string("(none)");
  };
  EXPECT_EQ(key_of([](auto& b) { b.chunks = 6; }), "chunks");
  EXPECT_EQ(key_of([](auto& b) { b.io = "fp11"; }), "io");
  EXPECT_EQ(key_of([](auto& b) { b.norm = "e4m3"; }), "norm");  // NaN without Inf
  EXPECT_EQ(key_of([](auto& b) { b.exponent = "authors_mask"; }), "exponent");
  EXPECT_EQ(key_of([](auto& b) { b.arith_rounding = "stochastic"; }), "arith_rounding");
  EXPECT_EQ(key_of([](auto& b) { b.convert_rounding = "nearest"; }), "convert_rounding");
  EXPECT_EQ(key_of([](auto& b) { b.reciprocal = "table"; }), "reciprocal");
  EXPECT_EQ(key_of([](auto&) {}), "(none)");
}

// ---- the unit's parameters -------------------------------------------------------

std::string key_of(const std::function<void(LnBnFwdParams&)>& change) {
  LnBnFwdParams p;
  change(p);
  try {
    p.validate();
  } catch (const ParamError& e) {
    return e.key();
  }
  return "(none)";
}

TEST(LnBnFwdParams, ValidateNamesTheKey) {
  EXPECT_EQ(key_of([](auto&) {}), "(none)");
  EXPECT_EQ(key_of([](auto& p) { p.rb.reciprocal = "newton"; }), "reciprocal");
  EXPECT_EQ(key_of([](auto& p) { p.lanes = 12; }), "bfp_group");
  EXPECT_EQ(key_of([](auto& p) {
              p.lanes = 12;
              p.bfp = "none";
            }),
            "(none)");
  EXPECT_EQ(key_of([](auto& p) {
              p.rb.io = "bf16";
              p.bfp = "none";
            }),
            "io");                                                  // NaN breaks the argmax flags
  EXPECT_EQ(key_of([](auto& p) { p.rb.stat = "e4m3"; }), "stat");   // NaN without Inf
  EXPECT_EQ(key_of([](auto& p) { p.rb.norm = "e5m12"; }), "norm");  // hardware rounds into IEEE
  EXPECT_EQ(key_of([](auto& p) { p.rb.io = "fp10_e5m4_ftz"; }),
            "bfp_bits");  // BFP keeps subnormals
}

TEST(LnBnFwdParams, FinishBeatsAndLatency) {
  LnBnFwdParams p;
  EXPECT_EQ(p.finish_beats(), 2 * 8 + 4 + 5);
  p.div_stages = 0;
  EXPECT_EQ(p.finish_beats(), 21);
  p.rb.reciprocal = "pow2";
  p.rb.chunks = 1;
  EXPECT_EQ(p.finish_beats(), 2 + 4 + 1);
  EXPECT_EQ(p.latency(), 6);
  p.bfp = "none";
  EXPECT_EQ(p.latency(), 5);
}

// ---- the model against the contract --------------------------------------------

// Parameter sets the contract test covers.
std::vector<LnBnFwdParams> contract_sets() {
  std::vector<LnBnFwdParams> v;
  auto add = [&](const std::function<void(LnBnFwdParams&)>& f) {
    LnBnFwdParams p;
    p.lanes = 3;
    p.bfp = "none";
    f(p);
    p.validate();
    v.push_back(p);
  };
  add([](auto&) {});
  add([](auto& p) { p.rb.reciprocal = "pow2"; });
  add([](auto& p) {
    p.rb.chunks = 1;
    p.rb.norm = "fp16+8";
    p.rb.reciprocal = "pow2";
  });
  add([](auto& p) {
    p.rb.chunks = 4;
    p.rb.convert_rounding = "nearest_even";
    p.rb.exponent = "flush_to_zero";
  });
  add([](auto& p) {
    p.rb.stat = "bf16";
    p.rb.io = "fp10_e5m4_ftz";
    p.rb.chunks = 2;
  });
  add([](auto& p) {
    p.rb.io = "fp12_e6m5";
    p.rb.arith_rounding = "truncate";
    p.rb.norm = "bf16";
  });
  return v;
}

TEST(LnBnFwdModel, EqualsTheContractFunctionsPerChannel) {
  std::mt19937_64 rng(9);
  for (const LnBnFwdParams& p : contract_sets()) {
    const RangeBnParams rp = p.range_bn();
    for (int r = 0; r < 60; ++r) {
      const int len = 1 + static_cast<int>(rng() % 9);
      const int n = len * rp.chunks;
      std::vector<Channel> ch(static_cast<std::size_t>(p.lanes));
      Lanes gamma, beta;
      for (auto& c : ch) {
        // Few distinct values in some groups: ties and signed zeros.
        const bool few = rng() % 3 == 0;
        const uint32_t set[] = {fp_operand_io::random_code(rp.io, rng),
                                fp_operand_io::random_code(rp.io, rng), 0u,
                                1u << (rp.io.width() - 1)};
        for (int i = 0; i < n; ++i)
          c.push_back(few ? set[rng() % 4] : fp_operand_io::random_code(rp.io, rng));
      }
      for (int l = 0; l < p.lanes; ++l) {
        gamma.push_back(fp_operand_io::random_code(rp.io, rng));
        beta.push_back(fp_operand_io::random_code(rp.norm, rng));
      }
      auto k = golden::lightnorm::range_bn_constants(rp, std::max(n, 2 * rp.chunks));
      k.n = n;
      if (r % 7 == 0) k.c = fp_operand_io::random_code(FloatFormat::fp32(), rng);
      if (r % 11 == 0) k.inv_n = fp_operand_io::random_code(FloatFormat::fp32(), rng);
      LnBnFwdModel m(p);
      const auto got = run_group(m, p, static_cast<uint64_t>(len), k.inv_n, k.c, gamma, beta, ch);
      for (std::size_t l = 0; l < ch.size(); ++l) {
        const auto s = golden::lightnorm::range_bn_stats(rp, k, ch[l]);
        EXPECT_EQ(hex(m.stats(static_cast<int>(l)).mean), hex(s.mean));
        EXPECT_EQ(hex(m.stats(static_cast<int>(l)).range), hex(s.range));
        std::vector<uint32_t> x_hat(ch[l].size()), y(ch[l].size());
        golden::lightnorm::range_bn_normalize(rp, s, gamma[l], beta[l], ch[l], x_hat, y);
        for (int i = 0; i < n; ++i) {
          const auto& o = got.norm[static_cast<std::size_t>(i)];
          const auto c = static_cast<std::size_t>(i / len);
          ASSERT_TRUE(o.norm);
          ASSERT_EQ(hex(o.x_hat[l]), hex(x_hat[static_cast<std::size_t>(i)]))
              << p.rb.io << " group " << r << " lane " << l << " element " << i;
          ASSERT_EQ(hex(o.y[l]), hex(y[static_cast<std::size_t>(i)]));
          ASSERT_EQ(hex(o.scale[l]), hex(s.scale));
          ASSERT_EQ(o.amax[l], s.argmax[c] == i) << "group " << r << " element " << i;
          ASSERT_EQ(o.amin[l], s.argmin[c] == i) << "group " << r << " element " << i;
        }
      }
    }
  }
}

// ---- the protocol outside the normal sequence ---------------------------------

LnBnFwdParams one_lane() {
  LnBnFwdParams p;
  p.lanes = 1;
  p.bfp = "none";
  p.rb.chunks = 2;
  return p;
}

uint32_t io(float v) {
  return golden::small_encode(
      {FloatFormat::custom(5, 4), golden::ExponentPolicy::Saturate, golden::Rounding::Truncate},
      golden::fp32_bits(v));
}

TEST(LnBnFwdProtocol, NormBeforeTheLastFinishIsDroppedAndExtraFinishChangesNothing) {
  const auto p = one_lane();
  LnBnFwdModel m(p);
  const Lanes z{0u};
  m.step(BnOp::Load, 2, 0x3e800000u, 0x3f000000u, z, Lanes{io(1)}, z);
  for (float v : {1.0f, 3.0f, -2.0f, 5.0f}) m.step(BnOp::Stat, 0, 0, 0, Lanes{io(v)}, z, z);
  for (int k = 0; k < p.finish_beats() - 1; ++k) {
    m.step(BnOp::Finish, 0, 0, 0, z, z, z);
    const auto o = m.step(BnOp::Norm, 0, 0, 0, Lanes{io(1)}, z, z);
    EXPECT_FALSE(o.norm);
    EXPECT_EQ(o.y, z);
    EXPECT_FALSE(o.amax[0]);
  }
  m.step(BnOp::Finish, 0, 0, 0, z, z, z);
  EXPECT_TRUE(m.complete());
  // Chunks {1, 3} and {-2, 5}: range = ((3 + 5) - (1 - 2)) / 2 = 4.5.
  EXPECT_EQ(hex(m.stats(0).range), hex(0x40900000u));
  const auto o = m.step(BnOp::Norm, 0, 0, 0, Lanes{io(1)}, z, z);
  EXPECT_TRUE(o.norm);
  EXPECT_TRUE(o.amin[0]);
  EXPECT_FALSE(o.amax[0]);
  for (int k = 0; k < 5; ++k) m.step(BnOp::Finish, 0, 0, 0, z, z, z);
  EXPECT_EQ(m.step(BnOp::Norm, 0, 0, 0, Lanes{io(1)}, z, z).y, o.y);
}

TEST(LnBnFwdProtocol, IncompleteChunksCountNowhereAndExtraStatOnlyAddsToS) {
  const auto p = one_lane();
  const Lanes z{0u};
  // Three values with L = 2: chunk 0 = {4, 8}, chunk 1 incomplete.
  LnBnFwdModel m(p);
  m.step(BnOp::Load, 2, 0x3f800000u, 0x3f800000u, z, Lanes{io(1)}, z);
  for (float v : {4.0f, 8.0f, 100.0f}) m.step(BnOp::Stat, 0, 0, 0, Lanes{io(v)}, z, z);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, 0, 0, z, z, z);
  EXPECT_EQ(hex(m.stats(0).sum), hex(golden::fp32_bits(112)));
  EXPECT_EQ(hex(m.stats(0).sum_max), hex(golden::fp32_bits(8)));
  EXPECT_EQ(hex(m.stats(0).sum_min), hex(golden::fp32_bits(4)));
  // Five values with L = 1: two chunks kept, three only in S.
  LnBnFwdModel m2(p);
  m2.step(BnOp::Load, 1, 0x3f800000u, 0x3f800000u, z, Lanes{io(1)}, z);
  for (float v : {1.0f, 2.0f, 30.0f, -40.0f, 50.0f})
    m2.step(BnOp::Stat, 0, 0, 0, Lanes{io(v)}, z, z);
  for (int k = 0; k < p.finish_beats(); ++k) m2.step(BnOp::Finish, 0, 0, 0, z, z, z);
  EXPECT_EQ(hex(m2.stats(0).sum), hex(golden::fp32_bits(43)));
  EXPECT_EQ(hex(m2.stats(0).sum_max), hex(golden::fp32_bits(3)));
  // L = 0 stands for 2^len_bits: no chunk completes.
  LnBnFwdModel m3(p);
  m3.step(BnOp::Load, 0, 0x3f800000u, 0x3f800000u, z, Lanes{io(1)}, z);
  for (float v : {1.0f, 2.0f}) m3.step(BnOp::Stat, 0, 0, 0, Lanes{io(v)}, z, z);
  for (int k = 0; k < p.finish_beats(); ++k) m3.step(BnOp::Finish, 0, 0, 0, z, z, z);
  EXPECT_EQ(m3.stats(0).sum_max, 0u);
  EXPECT_FALSE(m3.step(BnOp::Norm, 0, 0, 0, Lanes{io(2)}, z, z).amax[0]);
}

TEST(LnBnFwdProtocol, StatAfterFinishRestartsTheCountAndResetIsALoadOfZeros) {
  const auto p = one_lane();
  const Lanes z{0u};
  LnBnFwdModel m(p);
  EXPECT_FALSE(m.step(BnOp::Norm, 0, 0, 0, Lanes{io(1)}, z, z).norm);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, 0, 0, z, z, z);
  const auto o = m.step(BnOp::Norm, 0, 0, 0, Lanes{io(1)}, z, z);
  EXPECT_TRUE(o.norm);
  EXPECT_EQ(o.y[0], 0u);  // gamma = beta = 0
  m.step(BnOp::Load, 1, 0x3f000000u, 0x3f800000u, z, Lanes{io(1)}, z);
  m.step(BnOp::Stat, 0, 0, 0, Lanes{io(1)}, z, z);
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, 0, 0, z, z, z);
  m.step(BnOp::Stat, 0, 0, 0, Lanes{io(3)}, z, z);
  EXPECT_FALSE(m.complete());
  for (int k = 0; k < p.finish_beats(); ++k) m.step(BnOp::Finish, 0, 0, 0, z, z, z);
  EXPECT_EQ(hex(m.stats(0).mean), hex(golden::fp32_bits(2)));  // (1 + 3) * 1/2
}

// ---- the corner cases catch wrong answers ----------------------------------------

TEST(LnBnFwdCornerCases, TellTheUnitFromWrongDatapaths) {
  for (const std::string& cfg :
       {std::string("lanes = 2\nbfp_group = 2\nchunks = 4\ndiv_stages = 1"),
        std::string("lanes = 2\nbfp = \"none\"\nreciprocal = \"pow2\"")}) {
    EXPECT_EQ(disagreements(cfg, Wrong::None), 0) << cfg;
    for (Wrong w : {Wrong::LastExtreme, Wrong::ZeroEqual, Wrong::NoChunkScale, Wrong::NoEps,
                    Wrong::PartialChunk, Wrong::FoldedScale, Wrong::StaleNorm})
      EXPECT_GT(disagreements(cfg, w), 0) << wrong_name(w) << " / " << cfg;
  }
  EXPECT_GT(disagreements("lanes = 2\nbfp = \"none\"\nreciprocal = \"pow2\"", Wrong::Pow2Floor), 0);
}

// ---- the Design ---------------------------------------------------------------

TEST(LnBnFwdDesign, PortsLatencyAndEmulate) {
  const auto d = load_design_text("unit = \"lightnorm.bn_fwd\"\n[params]\nlanes = 8\n", "t.toml");
  EXPECT_EQ(d->latency(), 6);
  ASSERT_EQ(d->data_inputs().size(), 7u);
  EXPECT_EQ(d->data_inputs()[1].width, 24);
  // One keep_max group of 8 fp10 1-5-4: header 2 * 5, elements 2 + max(5, 4).
  EXPECT_EQ(d->data_inputs()[4].width, 10 + 8 * 7);
  EXPECT_EQ(d->data_inputs()[5].width, 80);
  EXPECT_EQ(d->data_inputs()[6].width, 256);
  ASSERT_EQ(d->data_outputs().size(), 6u);
  EXPECT_EQ(d->data_outputs()[1].width, 66);
  EXPECT_EQ(d->data_outputs()[5].width, 256);
  EXPECT_EQ(d->operations().name, "element");
  EXPECT_EQ(d->metrics()["finish_beats"], 25);
  std::mt19937_64 rng(1);
  const auto tv = d->random_case(rng);
  EXPECT_TRUE(d->emulate(tv.inputs) == d->stream_model()->step(tv.inputs));
}

TEST(LnBnFwdDesign, RandomCasesAreWholeGroupsAndMostlyNormalized) {
  const auto d = load_design_text(
      "unit = \"lightnorm.bn_fwd\"\n[params]\nlanes = 2\nbfp_group = 2\n", "t.toml");
  auto draw = [&](uint64_t seed, int count) {
    std::mt19937_64 rng(seed);
    std::vector<uint64_t> ops;
    for (int i = 0; i < count; ++i) ops.push_back(d->random_case(rng).inputs[0].get(0, 2));
    return ops;
  };
  const auto a = draw(7, 3000);
  draw(8, 1234);
  EXPECT_EQ(draw(7, 3000), a);
  EXPECT_EQ(a[0], 0u);
  std::mt19937_64 rng(3);
  auto model = d->stream_model();
  int norm = 0, normalized = 0, flagged = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto tv = d->random_case(rng);
    const auto out = model->step(tv.inputs);
    norm += tv.inputs[0].get(0, 2) == 3;
    normalized += static_cast<int>(out[0].get(0, 1));
    flagged += static_cast<int>(out[3].get(0, 2) != 0);
  }
  EXPECT_GT(norm, 6000);
  EXPECT_GT(normalized, norm * 8 / 10);
  EXPECT_GT(flagged, normalized / 20);
}

TEST(LnBnFwdDesign, ChannelsWorkloadNormalizesGaussianGroups) {
  const auto d = load_design_text("unit = \"lightnorm.bn_fwd\"\n[params]\nlanes = 8\n", "t.toml");
  const auto w = d->workloads();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].name, "channels");
  EXPECT_DOUBLE_EQ(w[0].ops, 8.0 * 256 / (2 * 256 + 1 + 25));
  std::mt19937_64 rng(4);
  const auto chunk = d->workload_chunk("channels", rng);
  ASSERT_EQ(chunk.size(), static_cast<std::size_t>(2 * 256 + 1 + 25));
  auto model = d->stream_model();
  int normalized = 0, amax = 0;
  for (const auto& tv : chunk) {
    const auto out = model->step(tv.inputs);
    normalized += static_cast<int>(out[0].get(0, 1));
    for (int l = 0; l < 8; ++l) amax += static_cast<int>(out[3].get(l, 1));
  }
  EXPECT_EQ(normalized, 256);
  EXPECT_EQ(amax, 8 * 8);  // one argmax per chunk and lane
}

TEST(LnBnFwdRtl, OneLaneModuleInAGenerateLoopWithItsOperators) {
  const std::string code = testing::code_of(
      "unit = \"lightnorm.bn_fwd\"\nname = \"t\"\n[params]\nlanes = 4\nbfp_group = 2\n"
      "div_stages = 2\n");
  for (const char* mod : {"module t_add_stat", "module t_mul_stat", "module t_add_norm",
                          "module t_mul_scale", "module t_mul_gamma", "module t_rcp",
                          "module t_lane", "module t_bfp_dec", "module t_bfp_enc", "module t ("})
    EXPECT_NE(code.find(mod), std::string::npos) << mod;
  EXPECT_NE(code.find("for (l = 0; l < 4; l = l + 1)"), std::string::npos);
  EXPECT_NE(code.find("for (j = 0; j < 2; j = j + 1)"), std::string::npos);
  auto count = [&](const std::string& what) {
    int c = 0;
    for (auto at = code.find(what); at != std::string::npos; at = code.find(what, at + 1)) ++c;
    return c;
  };
  // Per lane: S's adder and the scalar adder, one scalar multiplier, a
  // divider, the normalize datapath's two adders and two multipliers.
  EXPECT_EQ(count("t_add_stat u_"), 2);
  EXPECT_EQ(count("t_mul_stat u_"), 1);
  EXPECT_EQ(count("t_rcp u_"), 1);
  EXPECT_EQ(count("t_add_norm u_"), 2);
  EXPECT_EQ(count("t_mul_scale u_"), 1);
  EXPECT_EQ(count("t_mul_gamma u_"), 1);
  EXPECT_NE(code.find("FINISH_BEATS = 5'd23"), std::string::npos);  // 16 + 4 + 3
  EXPECT_NE(code.find("reg [9:0] mx_q [0:7]"), std::string::npos);
}

}  // namespace
}  // namespace bf
