// Range BN's fp32 steps run as host float operations inside the element loops
// (range_bn.cpp, golden/arith/host_ieee.hpp). They must give the soft-float
// kernels' bits whatever the caller's FPU state: checked element by element
// against the soft path (RangeBnDxElement's two constructors) on every grad
// code, specials and subnormals included, and on a channel of subnormal data
// under a caller that set flush-to-zero / denormals-are-zero.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "golden/arith/host_ieee.hpp"
#include "golden/lightnorm/range_bn.hpp"

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace {

namespace ln = bf::golden::lightnorm;
using bf::golden::FloatFormat;
using bf::golden::fp32_bits;
using bf::golden::fp32_from_bits;

TEST(RangeBnHostFloat, DxElementEqualsTheSoftFloatKernelsOnEveryGradCode) {
  const ln::RangeBnParams p;  // grad e6m3, stat and norm fp32
  std::mt19937 rng(3);
  // a, b_mu and k from tiny (subnormal products) to huge (overflow), and specials.
  const std::vector<float> scales = {1e-30f, 3e-20f, 0.75f, 1.5e3f, 4e30f};
  const std::vector<uint32_t> specials = {0x7f800000u, 0xff800000u, 0x7fc00000u, 0x00000001u,
                                          0x80000000u};
  int compared = 0, zeros = 0;
  for (float scale : scales)
    for (int trial = 0; trial < 4; ++trial) {
      std::uniform_real_distribution<float> d(-1.0f, 1.0f);
      ln::RangeBnGrads gr;
      gr.a = fp32_bits(scale * d(rng));
      gr.b_mu = fp32_bits(scale * d(rng));
      gr.k = fp32_bits(scale * d(rng));
      if (trial == 3) gr.b_mu = specials[compared % specials.size()];
      const ln::RangeBnDxElement soft(p, gr);
      const bf::golden::HostIeeeScope ieee;
      const ln::RangeBnDxElement host(p, gr, ln::RangeBnDxElement::UnderHostIeeeScope{});
      for (uint32_t g = 0; g < (1u << 10); ++g)
        for (int where = 0; where < 3; ++where) {
          const bool at_max = where == 1, at_min = where == 2;
          const uint32_t want = soft(g, at_max, at_min), got = host(g, at_max, at_min);
          ASSERT_EQ(got, want) << "g 0x" << std::hex << g << " a 0x" << gr.a << " b_mu 0x"
                               << gr.b_mu;
          ++compared;
          zeros += (want & 0x1ffu) == 0;  // e6m3: 9 magnitude bits
        }
    }
  EXPECT_EQ(compared, 5 * 4 * 1024 * 3);
  EXPECT_GT(zeros, 0);  // the tiny scales reached results below the format's range
}

#if defined(__x86_64__)
// A caller (torch.set_flush_denormal(True), say) with FTZ and DAZ set: the
// statistics and the normalize pass still see subnormal inputs as values.
TEST(RangeBnHostFloat, SubnormalDataIgnoresTheCallersFlushToZero) {
  ln::RangeBnParams p;
  p.io = p.grad = p.stat = p.norm = FloatFormat::fp32();
  std::mt19937 rng(5);
  std::uniform_int_distribution<uint32_t> mag(1, 0x007fffffu);  // every subnormal
  std::vector<uint32_t> x(64);
  for (auto& v : x) v = mag(rng) | (rng() & 1u ? 0x80000000u : 0u);
  const auto k = ln::range_bn_constants(p, 64);
  const auto run = [&] {
    const auto s = ln::range_bn_stats(p, k, x);
    std::vector<uint32_t> xh(64), y(64);
    ln::range_bn_normalize(p, s, fp32_bits(1.0f), fp32_bits(0.0f), x, xh, y);
    return std::pair{s, y};
  };
  const auto [want_s, want_y] = run();
  ASSERT_NE(want_s.sum, 0u);  // the sum of subnormals is not flushed
  ASSERT_NE(want_s.range, 0u);
  const unsigned saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040u);  // FTZ | DAZ
  const auto [s, y] = run();
  const unsigned after = _mm_getcsr();
  _mm_setcsr(saved);
  EXPECT_EQ(after, saved | 0x8040u);  // the caller's state is restored
  EXPECT_EQ(s.sum, want_s.sum);
  EXPECT_EQ(s.mean, want_s.mean);
  EXPECT_EQ(s.range, want_s.range);
  EXPECT_EQ(s.scale, want_s.scale);
  EXPECT_EQ(y, want_y);
}
#endif

}  // namespace
