// The golden model of baseline.fp32_mac (golden/units/baseline_fp32_mac/baseline_fp32_mac.hpp):
// hand-computed rows (rounded products, tree order, accumulator restart,
// signed zeros, specials, subnormal products), the row function against the
// beat stream, random rows against the host's IEEE float arithmetic, the
// corner cases telling the unit apart from plausible wrong datapaths, the
// "gemm" workload and the RTL's structure.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "generator/design/registry.hpp"
#include "golden/accuracy/bfp_gemm_error.hpp"
#include "golden/arith/fp_add.hpp"
#include "golden/units/baseline_fp32_mac/baseline_fp32_mac.hpp"
#include "tests/units/design_text.hpp"

namespace bf {
namespace {

using golden::Fp32MacModel;
using golden::Fp32MacParams;

std::string hex(uint32_t v) { return fmt::format("0x{:08x}", v); }

// fp32 codes used below.
constexpr uint32_t kOne = 0x3f800000, kTwo = 0x40000000, kThree = 0x40400000, kHalf = 0x3f000000;
constexpr uint32_t kMinusOne = 0xbf800000, kMinusZero = 0x80000000;
constexpr uint32_t kOnePlusUlp = 0x3f800001;  // 1 + 2^-23
constexpr uint32_t kP12 = 0x45800000;         // 2^12
constexpr uint32_t kInf = 0x7f800000, kMinusInf = 0xff800000, kNaN = 0x7fc00000;
constexpr uint32_t kMax = 0x7f7fffff;

// 2^e for a normal exponent e.
constexpr uint32_t pow2(int e) { return static_cast<uint32_t>(e + 127) << 23; }

Fp32MacParams params(int lanes, const std::string& pipeline = "registered") {
  Fp32MacParams p;
  p.lanes = lanes;
  p.pipeline = pipeline;
  return p;
}

// One 1-beat row of a single product on a 1-lane model.
uint32_t product_row(uint32_t a, uint32_t b) {
  Fp32MacModel m(params(1));
  return m.step(true, &a, &b).y;
}

TEST(Fp32MacModel, ProductsAreRoundedBeforeTheyAreSummed) {
  // (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46: the multiplier rounds it to 1 + 2^-22,
  // so subtracting 1 + 2^-22 leaves +0. A fused multiply-add would give 2^-46.
  Fp32MacModel m(params(1));
  std::vector<uint32_t> a = {kOnePlusUlp}, b = {kOnePlusUlp};
  m.step(false, a.data(), b.data());
  EXPECT_EQ(hex(m.acc()), hex(0x3f800002));
  a = {0xbf800002};  // -(1 + 2^-22)
  b = {kOne};
  EXPECT_EQ(hex(m.step(true, a.data(), b.data()).y), hex(0x00000000));
}

TEST(Fp32MacModel, ProductRoundingTiesToEvenAndCarries) {
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: exactly half an ulp -> even, 1 + 2^-11.
  EXPECT_EQ(hex(product_row(0x3f800800, 0x3f800800)), hex(0x3f801000));
  // 1.5 * (1 + 2^-23) = 1.5 + 1.5 * 2^-23: half an ulp above 1.5 + 2^-23
  // (odd) -> 1.5 + 2^-22 (even).
  EXPECT_EQ(hex(product_row(0x3fc00000, kOnePlusUlp)), hex(0x3fc00002));
  // (1 + 2^-23)(2 - 2^-23) = 2 - 2^-46: rounds up into the next binade.
  EXPECT_EQ(hex(product_row(kOnePlusUlp, 0x3fffffff)), hex(kTwo));
}

TEST(Fp32MacModel, UsesTheTreeOrderNotTheSerialOrder) {
  // Products {2^24, 1, 1, 1}. fp32 has ulp 2 at 2^24, so 2^24 + 1 is a tie
  // that rounds to even: serial ((2^24 + 1) + 1) + 1 = 2^24, tree
  // (2^24 + 1) + (1 + 1) = 2^24 + 2.
  const std::vector<uint32_t> a = {kP12, kOne, kOne, kOne}, b = a;
  Fp32MacModel m(params(4));
  const auto out = m.step(true, a.data(), b.data());
  EXPECT_TRUE(out.done);
  EXPECT_EQ(hex(out.y), hex(0x4b800001));
  // One lane: the accumulator's serial order.
  EXPECT_EQ(hex(golden::fp32_mac_row(params(1), a.data(), b.data(), 4)), hex(0x4b800000));
}

TEST(Fp32MacModel, AccumulatesAcrossBeatsAndRestartsAfterLast) {
  Fp32MacModel m(params(2));
  // Beat 1: 1*2 + 3*1 = 5 (not last: done 0, y 0).
  std::vector<uint32_t> a = {kOne, kThree}, b = {kTwo, kOne};
  auto out = m.step(false, a.data(), b.data());
  EXPECT_FALSE(out.done);
  EXPECT_EQ(out.y, 0u);
  EXPECT_EQ(hex(m.acc()), hex(0x40a00000));
  // Beat 2: 0.5*2 + (-1)*1 = 0, last: y = 5.
  a = {kHalf, kMinusOne};
  out = m.step(true, a.data(), b.data());
  EXPECT_TRUE(out.done);
  EXPECT_EQ(hex(out.y), hex(0x40a00000));
  EXPECT_EQ(m.acc(), 0u);
  // Beat 3, a 1-beat row: 1*1 + 0*0 = 1, not 6.
  a = {kOne, 0};
  b = {kOne, 0};
  EXPECT_EQ(hex(m.step(true, a.data(), b.data()).y), hex(kOne));
}

TEST(Fp32MacModel, NegativeZeroProductsGivePlusZero) {
  // (-0)*1 = -0 and (-1)*(+0) = -0: the tree gives -0, the accumulator
  // +0 + (-0) = +0, so a row never ends in -0; nor when a product underflows
  // to -0 (-2^-100 * 2^-100).
  Fp32MacModel m(params(2));
  std::vector<uint32_t> a = {kMinusZero, kMinusOne}, b = {kOne, 0};
  EXPECT_EQ(hex(m.step(true, a.data(), b.data()).y), hex(0x00000000));
  a = {0x8d800000, 0};  // -2^-100
  b = {0x0d800000, 0};  // 2^-100
  EXPECT_EQ(hex(product_row(a[0], b[0])), hex(0x00000000));
  EXPECT_EQ(hex(golden::fp_mul(params(1).mul_spec(), a[0], b[0])), hex(kMinusZero));
}

TEST(Fp32MacModel, OverflowInfNaNAndTheNextRowIsClean) {
  Fp32MacModel m(params(1));
  std::vector<uint32_t> a = {kMax}, b = {kTwo};  // the product overflows: +Inf
  EXPECT_FALSE(m.step(false, a.data(), b.data()).done);
  EXPECT_EQ(hex(m.acc()), hex(kInf));
  a = {kMinusInf};
  b = {kOne};
  EXPECT_EQ(hex(m.step(true, a.data(), b.data()).y), hex(kNaN));  // canonical qNaN
  a = {kTwo};
  EXPECT_EQ(hex(m.step(true, a.data(), b.data()).y), hex(kTwo));
  // max * 1 stays finite; max + max overflows in the accumulator.
  a = {kMax};
  m.step(false, a.data(), b.data());
  EXPECT_EQ(hex(m.acc()), hex(kMax));
  EXPECT_EQ(hex(m.step(true, a.data(), b.data()).y), hex(kInf));
  // Inf * 0 and NaN operands give the canonical NaN.
  EXPECT_EQ(hex(product_row(kInf, 0)), hex(kNaN));
  EXPECT_EQ(hex(product_row(0xffc00123, kOne)), hex(kNaN));
}

TEST(Fp32MacModel, SubnormalProductsRoundedByTheMultiplier) {
  EXPECT_EQ(hex(product_row(pow2(-75), pow2(-74))), hex(0x00000001));  // 2^-149
  EXPECT_EQ(hex(product_row(pow2(-75), pow2(-75))), hex(0x00000000));  // 2^-150: tie -> 0
  // -1.5 * 2^-150: above the tie, -2^-149.
  EXPECT_EQ(hex(golden::fp_mul(params(1).mul_spec(), 0x9a400000, pow2(-75))), hex(0x80000001));
  // (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150: a tie between the largest
  // subnormal (odd) and the smallest normal (even).
  EXPECT_EQ(hex(product_row(0x3f7fffff, pow2(-126))), hex(0x00800000));
  // A subnormal operand: 2^-149 * 2^100 = 2^-49 exactly.
  EXPECT_EQ(hex(product_row(0x00000001, pow2(100))), hex(pow2(-49)));
  // Subnormal products sum exactly: 2^-149 + 2^-149.
  Fp32MacModel m(params(2));
  const std::vector<uint32_t> a = {pow2(-75), pow2(-75)}, b = {pow2(-74), pow2(-74)};
  EXPECT_EQ(hex(m.step(true, a.data(), b.data()).y), hex(0x00000002));
}

TEST(Fp32MacModel, LatencyOfEachPipelineChoice) {
  for (int lanes : {1, 3, 16, 64}) {
    EXPECT_EQ(params(lanes, "registered").latency(), 2);
    EXPECT_EQ(params(lanes, "none").latency(), 1);
  }
  EXPECT_EQ(params(1).tree_levels(), 0);
  EXPECT_EQ(params(5).tree_levels(), 3);
}

// Random finite fp32 code, floor(log2) in [lo, hi].
uint32_t random_code(std::mt19937_64& rng, int lo, int hi) {
  const uint32_t sign = static_cast<uint32_t>(rng() & 1) << 31;
  const auto e = static_cast<uint32_t>(127 + lo + static_cast<int>(rng() % (hi - lo + 1)));
  return sign | (e << 23) | static_cast<uint32_t>(rng() & 0x7fffff);
}

TEST(Fp32MacModel, RowFunctionEqualsTheZeroPaddedBeatStream) {
  std::mt19937_64 rng(3);
  for (int lanes : {1, 3, 4, 16}) {
    const Fp32MacParams p = params(lanes);
    Fp32MacModel m(p);
    const auto L = static_cast<std::size_t>(lanes);
    for (int r = 0; r < 200; ++r) {
      const std::size_t n = 1 + rng() % 50;
      std::vector<uint32_t> a(n), b(n);
      for (std::size_t i = 0; i < n; ++i) {
        a[i] = rng() % 8 ? random_code(rng, -12, 12) : kMinusZero;
        b[i] = random_code(rng, -12, 12);
      }
      const uint32_t want = golden::fp32_mac_row(p, a.data(), b.data(), n);
      uint32_t got = 0xdeadbeef;
      for (std::size_t s = 0; s < n; s += L) {
        std::vector<uint32_t> ba(L, 0), bb(L, 0);
        for (std::size_t i = 0; i < L && s + i < n; ++i) ba[i] = a[s + i], bb[i] = b[s + i];
        const auto out = m.step(s + L >= n, ba.data(), bb.data());
        if (out.done) got = out.y;
      }
      ASSERT_EQ(hex(got), hex(want)) << "lanes " << lanes << " row " << r << " n " << n;
    }
  }
}

// The host's IEEE float arithmetic (round to nearest even, subnormals exact
// on x86-64 SSE and AArch64 by default) computing the same order.
float host_tree(std::vector<float> v) {
  for (std::size_t len = v.size(); len > 1; len = (len + 1) / 2) {
    for (std::size_t i = 0; i + 1 < len; i += 2) v[i / 2] = v[i] + v[i + 1];
    if (len % 2) v[len / 2] = v[len - 1];
  }
  return v[0];
}

TEST(Fp32MacModel, MatchesHostFloatOnFiniteRows) {
  // Exponents in [-70, 60]: products from subnormal (2^-140) to 2^121, sums
  // of at most 16 x 6 of them stay below the fp32 maximum.
  std::mt19937_64 rng(7);
  for (int lanes : {1, 2, 5, 16}) {
    Fp32MacModel m(params(lanes));
    const auto L = static_cast<std::size_t>(lanes);
    for (int r = 0; r < 300; ++r) {
      const int beats = 1 + static_cast<int>(rng() % 6);
      const bool wide = r % 3 == 0;
      float acc = 0.0f;
      uint32_t got = 0;
      for (int s = 0; s < beats; ++s) {
        std::vector<uint32_t> a(L), b(L);
        std::vector<float> prod(L);
        for (std::size_t i = 0; i < L; ++i) {
          a[i] = wide ? random_code(rng, -70, 60) : random_code(rng, -10, 10);
          b[i] = wide ? random_code(rng, -70, 60) : random_code(rng, -10, 10);
          // volatile: one rounded product, never contracted into an FMA.
          volatile float p = std::bit_cast<float>(a[i]) * std::bit_cast<float>(b[i]);
          prod[i] = p;
        }
        acc = acc + host_tree(prod);
        got = m.step(s + 1 == beats, a.data(), b.data()).y;
      }
      const uint32_t want = std::bit_cast<uint32_t>(acc + 0.0f);  // -0 -> +0, as the unit does
      ASSERT_EQ(hex(got), hex(want)) << "lanes " << lanes << " row " << r;
    }
  }
}

// ---- the corner cases catch wrong answers -----------------------------------

// A deliberately wrong datapath: the multiplier and the adders with other
// specs, optionally the serial order instead of the tree, or a fused
// multiply-add (the exact product added to acc, one rounding; lanes = 1,
// finite operands only, specials as the unit).
struct WrongModel {
  golden::FpMulSpec mul;
  golden::FpAddSpec add;
  bool serial = false;
  bool fused = false;
  uint32_t acc = 0;

  uint32_t step(bool last, const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
    std::vector<uint32_t> p(a.size());
    golden::fp_mul(mul, a.data(), b.data(), p.data(), a.size());
    const float fa = std::bit_cast<float>(a[0]), fb = std::bit_cast<float>(b[0]),
                fc = std::bit_cast<float>(acc);
    if (fused && std::isfinite(fa) && std::isfinite(fb) && std::isfinite(fc)) {
      // The product is exact in double; the sum rounded once more to fp32.
      acc = std::bit_cast<uint32_t>(
          static_cast<float>(static_cast<double>(fc) + static_cast<double>(fa) * fb));
      if (std::isnan(std::bit_cast<float>(acc))) acc = kNaN;
    } else if (serial) {
      acc = golden::fp_sum_serial(add, acc, p.data(), p.size());
    } else {
      acc = golden::fp_add(add, acc, golden::fp_sum_tree(add, p.data(), p.size()));
    }
    const uint32_t y = last ? acc : 0;
    if (last) acc = 0;
    return y;
  }
};

// The number of corner-case beats on which `wrong` and the design differ.
int disagreements(const std::string& params_toml, WrongModel wrong) {
  const auto d =
      load_design_text("unit = \"baseline.fp32_mac\"\n[params]\n" + params_toml + "\n", "t.toml");
  const int lanes = static_cast<int>(d->data_inputs()[1].width / 32);
  auto model = d->stream_model();
  int differ = 0;
  for (const auto& tv : d->corner_cases()) {
    std::vector<uint32_t> a, b;
    for (int i = 0; i < lanes; ++i) {
      a.push_back(static_cast<uint32_t>(tv.inputs[1].get(32 * i, 32)));
      b.push_back(static_cast<uint32_t>(tv.inputs[2].get(32 * i, 32)));
    }
    const uint32_t want = static_cast<uint32_t>(model->step(tv.inputs)[1].get(0, 32));
    differ += wrong.step(tv.inputs[0].get(0, 1) != 0, a, b) != want;
  }
  return differ;
}

TEST(Fp32MacCornerCases, TellTheUnitFromWrongDatapaths) {
  const Fp32MacParams p = params(1);
  WrongModel right{p.mul_spec(), p.add_spec()};
  // The same datapath recomputed here agrees on every beat...
  EXPECT_EQ(disagreements("lanes = 1", right), 0);
  EXPECT_EQ(disagreements("lanes = 4", right), 0);
  // ... and each wrong one is caught.
  WrongModel truncating = right;
  truncating.mul.rounding = golden::Rounding::Truncate;
  EXPECT_GT(disagreements("lanes = 1", truncating), 0) << "multiplier truncates";
  WrongModel away = right;
  away.mul.rounding = golden::Rounding::NearestAway;
  EXPECT_GT(disagreements("lanes = 1", away), 0) << "multiplier ties away from zero";
  WrongModel adder_away = right;
  adder_away.add.rounding = golden::Rounding::NearestAway;
  EXPECT_GT(disagreements("lanes = 1", adder_away), 0) << "adder ties away from zero";
  WrongModel flush = right;
  flush.mul.a.subnormals = flush.mul.b.subnormals = flush.mul.y.subnormals = false;
  flush.add.f.subnormals = false;
  EXPECT_GT(disagreements("lanes = 1", flush), 0) << "subnormals flushed";
  WrongModel fused = right;
  fused.fused = true;
  EXPECT_GT(disagreements("lanes = 1", fused), 0) << "fused multiply-add";
  WrongModel serial = right;
  serial.serial = true;
  EXPECT_GT(disagreements("lanes = 4", serial), 0) << "serial instead of tree order";
}

// ---- the Design -------------------------------------------------------------

TEST(Fp32MacDesign, EmulateIsTheFirstBeatOfTheStream) {
  const auto d = load_design_text(
      "unit = \"baseline.fp32_mac\"\n[params]\nlanes = 3\npipeline = \"none\"\n", "t.toml");
  EXPECT_EQ(d->latency(), 1);
  EXPECT_EQ(d->operations().count, 3);
  EXPECT_EQ(d->operations().name, "MAC");
  std::mt19937_64 rng(1);
  auto stream = d->stream_model();
  for (int i = 0; i < 200; ++i) {
    const auto tv = d->random_case(rng);
    const auto s = stream->step(tv.inputs);
    // done follows last; y is 0 on every beat that does not end a row.
    EXPECT_EQ(s[0].get(0, 1), tv.inputs[0].get(0, 1));
    if (s[0].get(0, 1) == 0) {
      EXPECT_EQ(s[1].get(0, 32), 0u);
    }
  }
  rng.seed(1);
  const auto tv = d->random_case(rng);
  EXPECT_EQ(d->emulate(tv.inputs)[1].get(0, 32), d->stream_model()->step(tv.inputs)[1].get(0, 32));
}

TEST(Fp32MacDesign, GemmRowsComputeTheDotProductTheyClaim) {
  for (int lanes : {1, 3}) {
    SCOPED_TRACE(lanes);
    const auto d = load_design_text(
        "unit = \"baseline.fp32_mac\"\n[params]\nlanes = " + std::to_string(lanes) + "\n",
        "t.toml");
    const auto w = d->workloads();
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].name, "gemm");
    const int beats = (256 + lanes - 1) / lanes;
    EXPECT_DOUBLE_EQ(w[0].ops, 256.0 / beats);  // MACs per beat, padding excluded
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      std::mt19937_64 rng(seed), ref(seed);
      const auto chunk = d->workload_chunk("gemm", rng);
      ASSERT_EQ(chunk.size(), static_cast<std::size_t>(beats));
      auto model = d->stream_model();
      PortValues out;
      for (const auto& v : chunk) out = model->step(v.inputs);
      ASSERT_EQ(out[0].get(0, 1), 1u);
      const float y = std::bit_cast<float>(static_cast<uint32_t>(out[1].get(0, 32)));
      using golden::flexblock::MatrixKind;
      const auto a = golden::flexblock::make_matrix(MatrixKind::Gaussian, 1, 256, ref());
      const auto b = golden::flexblock::make_matrix(MatrixKind::Gaussian, 1, 256, ref());
      double exact = 0, abs_sum = 0;
      for (std::size_t i = 0; i < 256; ++i) {
        exact += static_cast<double>(a[i]) * b[i];
        abs_sum += std::abs(static_cast<double>(a[i]) * b[i]);
      }
      // Each of the 256 products and 256 additions errs by at most 2^-24 of
      // the sum of magnitudes: the unit computes this dot product.
      EXPECT_LT(std::abs(y - exact), 512 * 0x1p-24 * abs_sum) << y << " vs " << exact;
      EXPECT_GT(abs_sum, 100.0);  // N(0, 1) x N(0, 1): E|ab| = 2 / pi per element
    }
  }
}

TEST(Fp32MacRtl, OneAdderModuleRegisteredMultipliersCombinationalTree) {
  const std::string reg = testing::code_of(
      "unit = \"baseline.fp32_mac\"\nname = \"t\"\n[params]\nlanes = 4\npipeline = "
      "\"registered\"\n");
  for (const char* mod : {"module t_mul", "module t_add", "module t ("})
    EXPECT_NE(reg.find(mod), std::string::npos) << mod;
  EXPECT_EQ(reg.find("t_add_p1"), std::string::npos);  // the tree adders are combinational
  // 3 tree adders and the accumulator, all of module t_add; 4 multipliers.
  auto count = [](const std::string& s, const std::string& what) {
    int n = 0;
    for (auto i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(reg, "t_add u_"), 4);
  EXPECT_EQ(count(reg, "t_mul u_mul_"), 4);
  EXPECT_NE(reg.find("a_i[127:96]"), std::string::npos);  // 32-bit lanes
  EXPECT_NE(reg.find("b_i[127:96]"), std::string::npos);
  // pipeline = "none": no register stage in the multiplier.
  const std::string none = testing::code_of(
      "unit = \"baseline.fp32_mac\"\nname = \"t\"\n[params]\nlanes = 1\npipeline = \"none\"\n");
  EXPECT_EQ(none.find("en_i"), std::string::npos);
}

}  // namespace
}  // namespace bf
