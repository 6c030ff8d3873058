// The FlexBlock BFP GEMM (golden/flexblock/bfp_gemm.hpp): the conversion is
// golden::quantize_block per group; the fast GEMM equals the contract written
// out (bfp_gemm_reference) bit for bit, with every kernel this CPU runs, on
// random shapes that are not multiples of anything, every mode pair, both
// roundings, zero groups, Inf/NaN groups, overflow and subnormal outputs; a
// hand-computed 1 x 1 x 3 product; and a changed mantissa changes the answer.
#include "golden/flexblock/bfp_gemm.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace bf::golden::flexblock {
namespace {

constexpr Mode kModes[] = {Mode::M4, Mode::M8, Mode::M16};

std::vector<BfpGemmKernel> kernels() {
  std::vector<BfpGemmKernel> ks = {BfpGemmKernel::Generic};
  for (BfpGemmKernel k : {BfpGemmKernel::Avx2, BfpGemmKernel::Avx512Vnni})
    if (bfp_gemm_kernel_supported(k)) ks.push_back(k);
  return ks;
}

std::string kernel_name(BfpGemmKernel k) {
  switch (k) {
    case BfpGemmKernel::Avx2:
      return "avx2";
    case BfpGemmKernel::Avx512Vnni:
      return "avx512_vnni";
    default:
      return "generic";
  }
}

// Values whose exponents vary per element (so groups mix large and small),
// with some rows scaled far up or down (overflowing or subnormal outputs).
std::vector<float> random_matrix(std::mt19937_64& rng, int rows, int cols, float row_scale_hi,
                                 float row_scale_lo) {
  std::normal_distribution<float> g(0, 1);
  std::uniform_int_distribution<int> e(-12, 12);
  std::vector<float> x(static_cast<std::size_t>(rows) * cols);
  for (int r = 0; r < rows; ++r) {
    const float scale = r % 7 == 3 ? row_scale_hi : r % 7 == 5 ? row_scale_lo : 1.0f;
    for (int c = 0; c < cols; ++c) x[r * cols + c] = std::ldexp(g(rng), e(rng)) * scale;
  }
  return x;
}

// Number of outputs where fast and reference differ (0 = bit-exact).
int mismatches(const std::vector<uint32_t>& got, const std::vector<uint32_t>& want,
               std::string* first) {
  int n = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i] && n++ == 0)
      *first = "output " + std::to_string(i) + ": got " + std::to_string(got[i]) + ", want " +
               std::to_string(want[i]);
  return n;
}

void expect_fast_equals_reference(const BfpMatrix& a, const BfpMatrix& b, const std::string& what) {
  const auto want = bfp_gemm_reference(a, b);
  for (BfpGemmKernel k : kernels()) {
    std::string first;
    EXPECT_EQ(mismatches(bfp_gemm(a, b, k), want, &first), 0)
        << what << ", kernel " << kernel_name(k) << ": " << first;
  }
}

// bfp_quantize has its own group quantizer (the hot loop of every training
// GEMM); it must equal quantize_block group by group in every mode and
// rounding, on values that reach each of its branches: zeros of both signs,
// subnormals, values that round up into a carry and saturate, Inf and NaN.
TEST(BfpGemm, ConversionIsQuantizeBlockPerGroup) {
  std::mt19937_64 rng(11);
  const int k = 130, n = 5;  // groups of 54: 54, 54, 22 (the last padded)
  auto bm = random_matrix(rng, k, n, 1, 1);
  const auto at = [&](int kk, int j) -> float& { return bm[static_cast<std::size_t>(kk) * n + j]; };
  for (int kk = 0; kk < k; ++kk) at(kk, 1) *= 1e-39f;  // subnormal column
  at(3, 2) = 0.0f;
  at(4, 2) = -0.0f;
  at(5, 2) = std::numeric_limits<float>::infinity();  // makes group 0 of column 2 Inf/NaN
  at(60, 2) = std::numeric_limits<float>::quiet_NaN();
  for (int kk = 108; kk < k; ++kk) at(kk, 3) = std::bit_cast<float>(0x3fffffffu);  // 1.99999..
  at(108, 3) = 2.0f;  // the others round up to the group's top and saturate
  for (Mode mode : {Mode::M4, Mode::M8, Mode::M16})
    for (Rounding r : {Rounding::Truncate, Rounding::NearestEven, Rounding::NearestAway}) {
      const int group = 54;
      const BfpMatrix q = bfp_quantize_b(bm.data(), k, n, mode, group, r);
      ASSERT_EQ(q.rows, n);
      ASSERT_EQ(q.groups_per_row(), 3);
      const int m = mantissa_bits(mode);
      const BlockFormat f = bfp_format(mode, group, r);
      std::size_t nonzero = 0, flushed = 0;  // the zero-setting error, counted here
      for (int j = 0; j < n; ++j)
        for (int g = 0; g < 3; ++g) {
          const int k0 = g * group, len = std::min(group, k - k0);
          std::vector<uint32_t> in(len), codes(len);
          for (int i = 0; i < len; ++i) in[i] = std::bit_cast<uint32_t>(at(k0 + i, j));
          const std::string where = fmt::format("mode {} rounding {} column {} group {}",
                                                mode_name(mode), to_string(r), j, g);
          EXPECT_EQ(q.exponent(j, g), quantize_block(f, in, codes)) << where;
          for (int i = 0; i < len; ++i) {
            const int32_t mag = static_cast<int32_t>(codes[i] & ((1u << m) - 1));
            EXPECT_EQ(q.mantissa(j, k0 + i), (codes[i] >> m) & 1 ? -mag : mag) << where;
            if (std::isfinite(at(k0 + i, j)) && at(k0 + i, j) != 0.0f) {
              ++nonzero;
              flushed += mag == 0;
            }
          }
        }
      EXPECT_EQ(mode == Mode::M16 ? q.man16.size() : q.man32.size(), 0u);
      EXPECT_EQ(q.nonzero_inputs, nonzero);
      EXPECT_EQ(q.flushed_inputs, flushed);
      EXPECT_GT(flushed, 0u);  // the subnormal column and the Inf/NaN groups
    }
  EXPECT_THROW(bfp_quantize_a(bm.data(), 1, 4, Mode::M8, 5000), std::invalid_argument);
  EXPECT_THROW(bfp_quantize_a(bm.data(), 1, 4, Mode::M8, 0, Rounding::Stochastic),
               std::invalid_argument);
}

TEST(BfpGemm, HandComputedOneByOneByThree) {
  // A = [1.0, 0.3, 3.0] in M8 groups of 2, B = [2.0, 1.0, 0.25]^T in M8
  // groups of 3; segments [0, 2) and [2, 3).
  // A group 0: max exponent field 127, LSB 2^-7: n = 128, 0.3 * 128 = 38.4
  //   truncated to 38. A group 1 {3.0}: field 128, LSB 2^-6: n = 192.
  // B group 0: field 128, LSB 2^-6: n = 128, 64, 16.
  // S1 = 128 * 128 + 38 * 64 = 18816, scale 2^(127 + 128 - 254 - 16 + 2) =
  //   2^-13: T1 = 2.296875. S2 = 192 * 16 = 3072, scale 2^-12: T2 = 0.75.
  // C = +0 + T1 + T2 = 3.046875 (exact).
  const float a[] = {1.0f, 0.3f, 3.0f};
  const float b[] = {2.0f, 1.0f, 0.25f};
  const BfpMatrix qa = bfp_quantize_a(a, 1, 3, Mode::M8, 2);
  const BfpMatrix qb = bfp_quantize_b(b, 3, 1, Mode::M8, 3);
  EXPECT_EQ(qa.exps, (std::vector<uint8_t>{127, 128}));
  EXPECT_EQ(qa.man16, (std::vector<int16_t>{128, 38, 192}));
  EXPECT_EQ(qb.exps, (std::vector<uint8_t>{128}));
  EXPECT_EQ(qb.man16, (std::vector<int16_t>{128, 64, 16}));
  const uint32_t want = std::bit_cast<uint32_t>(3.046875f);
  EXPECT_EQ(bfp_gemm_reference(qa, qb), (std::vector<uint32_t>{want}));
  for (BfpGemmKernel k : kernels()) EXPECT_EQ(bfp_gemm(qa, qb, k), (std::vector<uint32_t>{want}));
}

TEST(BfpGemm, FastEqualsReferenceOnRandomShapesAndEveryModePair) {
  std::mt19937_64 rng(2024);
  std::uniform_int_distribution<int> dm(1, 23), dn(1, 41), dk(1, 600), dg(1, 300);
  for (int trial = 0; trial < 108; ++trial) {
    const Mode ma = kModes[trial % 3], mb = kModes[trial / 3 % 3];
    const int m = dm(rng), n = dn(rng), k = trial == 0 ? 1 : dk(rng);
    // Default groups, and group sizes that nest with nothing.
    const int ga = trial % 4 < 2 ? 0 : dg(rng), gb = trial % 4 == 1 || trial % 4 == 3 ? dg(rng) : 0;
    const Rounding r = trial % 2 ? Rounding::NearestEven : Rounding::Truncate;
    const auto av = random_matrix(rng, m, k, 0x1p100f, 0x1p-60f);
    const auto bv = random_matrix(rng, k, n, 0x1p60f, 0x1p-70f);
    const BfpMatrix a = bfp_quantize_a(av.data(), m, k, ma, ga, r);
    const BfpMatrix b = bfp_quantize_b(bv.data(), k, n, mb, gb, r);
    expect_fast_equals_reference(a, b,
                                 "trial " + std::to_string(trial) + " (M=" + std::to_string(m) +
                                     " N=" + std::to_string(n) + " K=" + std::to_string(k) + " A" +
                                     mode_name(ma) + "/" + std::to_string(a.group) + " B" +
                                     mode_name(mb) + "/" + std::to_string(b.group) + ")");
  }
}

TEST(BfpGemm, FastEqualsReferenceOnLargerBlockedShapes) {
  // Several K blocks and panels, full mantissas (M16 magnitudes near 2^16).
  std::mt19937_64 rng(5);
  for (auto [ma, mb] : {std::pair{Mode::M8, Mode::M8},
                        {Mode::M16, Mode::M16},
                        {Mode::M4, Mode::M16},
                        {Mode::M16, Mode::M4}}) {
    const int m = 37, n = 53, k = 1111;
    const auto av = random_matrix(rng, m, k, 1, 1);
    const auto bv = random_matrix(rng, k, n, 1, 1);
    expect_fast_equals_reference(bfp_quantize_a(av.data(), m, k, ma),
                                 bfp_quantize_b(bv.data(), k, n, mb),
                                 "A" + mode_name(ma) + " x B" + mode_name(mb));
  }
}

TEST(BfpGemm, ZeroGroupsAndEmptyReductions) {
  const int m = 5, n = 7, k = 300;
  std::mt19937_64 rng(3);
  auto av = random_matrix(rng, m, k, 1, 1);
  const auto bv = random_matrix(rng, k, n, 1, 1);
  for (int kk = 108; kk < 216; ++kk) av[2 * k + kk] = 0.0f;               // one zero group in row 2
  for (int kk = 0; kk < k; ++kk) av[4 * k + kk] = kk % 2 ? -0.0f : 0.0f;  // row 4 all zero
  const BfpMatrix a = bfp_quantize_a(av.data(), m, k, Mode::M8);
  const BfpMatrix b = bfp_quantize_b(bv.data(), k, n, Mode::M8);
  expect_fast_equals_reference(a, b, "zero groups");
  const auto c = bfp_gemm(a, b);
  for (int j = 0; j < n; ++j) EXPECT_EQ(c[4 * n + j], 0u) << "an all-zero row gives +0";
  // K = 0: no segment, every output is the initial +0.
  const BfpMatrix a0 = bfp_quantize_a(av.data(), m, 0, Mode::M4);
  const BfpMatrix b0 = bfp_quantize_b(bv.data(), 0, n, Mode::M16);
  EXPECT_EQ(bfp_gemm(a0, b0), std::vector<uint32_t>(m * n, 0u));
  EXPECT_EQ(bfp_gemm_reference(a0, b0), std::vector<uint32_t>(m * n, 0u));
}

TEST(BfpGemm, InfAndNanInputsMakeNanGroups) {
  const int m = 4, n = 9, k = 250;
  std::mt19937_64 rng(8);
  auto av = random_matrix(rng, m, k, 1, 1);
  auto bv = random_matrix(rng, k, n, 1, 1);
  av[1 * k + 100] = std::numeric_limits<float>::infinity();
  bv[200 * n + 6] = std::numeric_limits<float>::quiet_NaN();
  for (Mode ma : kModes)
    for (Mode mb : kModes) {
      const BfpMatrix a = bfp_quantize_a(av.data(), m, k, ma);
      const BfpMatrix b = bfp_quantize_b(bv.data(), k, n, mb);
      EXPECT_EQ(a.exponent(1, 100 / a.group), kNanExp);
      EXPECT_EQ(b.exponent(6, 200 / b.group), kNanExp);
      expect_fast_equals_reference(a, b, "NaN groups A" + mode_name(ma) + " B" + mode_name(mb));
      const auto c = bfp_gemm(a, b);
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
          const bool nan = i == 1 || j == 6;
          EXPECT_EQ(c[i * n + j] == 0x7fc00000u, nan) << i << "," << j;
        }
    }
}

TEST(BfpGemm, OverflowGivesInfAndCancellationGivesPlusZero) {
  const float big[] = {3e38f, 3e38f};
  const float neg[] = {-3e38f, -3e38f};
  const BfpMatrix a = bfp_quantize_a(big, 1, 2, Mode::M8);
  EXPECT_EQ(bfp_gemm(a, bfp_quantize_b(big, 2, 1, Mode::M8)), (std::vector<uint32_t>{0x7f800000u}));
  EXPECT_EQ(bfp_gemm(a, bfp_quantize_b(neg, 2, 1, Mode::M8)), (std::vector<uint32_t>{0xff800000u}));
  // Two segments (groups of 1) of +x and -x: (+0 + x) + (-x) = +0.
  const float x[] = {1.5f, 1.5f};
  const float y[] = {2.0f, -2.0f};
  const BfpMatrix ax = bfp_quantize_a(x, 1, 2, Mode::M4, 1);
  const BfpMatrix by = bfp_quantize_b(y, 2, 1, Mode::M4, 1);
  EXPECT_EQ(bfp_gemm(ax, by), (std::vector<uint32_t>{0u}));
  EXPECT_EQ(bfp_gemm_reference(ax, by), (std::vector<uint32_t>{0u}));
}

TEST(BfpGemm, AChangedMantissaChangesTheAnswer) {
  // The comparison can fail: one mantissa of A changed by one unit changes
  // row 2 of C (where B's column has a nonzero element at that K) and
  // nothing else, and the fast GEMM still matches the reference. K = 100 is
  // one segment whose |S| < 100 * 255^2 < 2^24, so C = T is exact and any
  // change of S shows.
  std::mt19937_64 rng(99);
  const int m = 6, n = 10, k = 100;
  const auto av = random_matrix(rng, m, k, 1, 1);
  const auto bv = random_matrix(rng, k, n, 1, 1);
  const BfpMatrix a = bfp_quantize_a(av.data(), m, k, Mode::M8);
  const BfpMatrix b = bfp_quantize_b(bv.data(), k, n, Mode::M8);
  const auto before = bfp_gemm(a, b);
  BfpMatrix changed = a;
  changed.set_mantissa(2, 77, a.mantissa(2, 77) + (a.mantissa(2, 77) < 255 ? 1 : -1));
  const auto after = bfp_gemm(changed, b);
  std::string first;
  EXPECT_EQ(mismatches(after, bfp_gemm_reference(changed, b), &first), 0) << first;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      const bool touched = i == 2 && b.mantissa(j, 77) != 0;
      EXPECT_EQ(after[i * n + j] != before[i * n + j], touched) << i << "," << j;
    }
  EXPECT_GT(mismatches(after, before, &first), 0);
}

TEST(BfpGemm, RejectsInconsistentOperands) {
  const float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const BfpMatrix a = bfp_quantize_a(x, 2, 4, Mode::M8);
  const BfpMatrix b = bfp_quantize_b(x, 2, 4, Mode::M8);  // K = 2
  EXPECT_THROW(bfp_gemm(a, b), std::invalid_argument);
  EXPECT_THROW(bfp_gemm_reference(a, b), std::invalid_argument);
  const BfpMatrix b4 = bfp_quantize_b(x, 4, 2, Mode::M8);
  BfpMatrix bad = a;
  bad.man16.pop_back();
  EXPECT_THROW(bfp_gemm(bad, b4), std::invalid_argument);
  bad = a;
  bad.set_mantissa(1, 3, -256);  // wider than 8 bits
  EXPECT_THROW(bfp_gemm(bad, b4), std::invalid_argument);
  EXPECT_NO_THROW(bfp_gemm(a, b4));
}

#if defined(__x86_64__) || defined(__i386__)
TEST(BfpGemm, IgnoresAndRestoresTheCallersFlushToZeroMode) {
  // Outputs near 2^-140 are fp32 subnormals: a caller's flush-to-zero /
  // denormals-are-zero (as set by some training frameworks) must not change
  // them, and the caller's mode comes back afterwards.
  std::mt19937_64 rng(4);
  const int m = 8, n = 16, k = 64;
  auto av = random_matrix(rng, m, k, 1, 1);
  auto bv = random_matrix(rng, k, n, 1, 1);
  for (float& v : av) v *= 0x1p-70f;
  for (float& v : bv) v *= 0x1p-70f;
  const BfpMatrix a = bfp_quantize_a(av.data(), m, k, Mode::M8);
  const BfpMatrix b = bfp_quantize_b(bv.data(), k, n, Mode::M8);
  const auto want = bfp_gemm_reference(a, b);
  int subnormals = 0;
  for (uint32_t w : want) subnormals += (w & 0x7f800000u) == 0 && (w & 0x7fffffu) != 0;
  ASSERT_GT(subnormals, 0);
  const unsigned saved = _mm_getcsr();
  const unsigned ftz_daz = saved | 0x8040u;
  for (BfpGemmKernel kern : kernels()) {
    _mm_setcsr(ftz_daz);
    const auto got = bfp_gemm(a, b, kern);
    const unsigned after = _mm_getcsr();
    _mm_setcsr(saved);
    EXPECT_EQ(after & 0xffc0u, ftz_daz & 0xffc0u) << kernel_name(kern);
    std::string first;
    EXPECT_EQ(mismatches(got, want, &first), 0) << kernel_name(kern) << ": " << first;
  }
}
#endif

}  // namespace
}  // namespace bf::golden::flexblock
