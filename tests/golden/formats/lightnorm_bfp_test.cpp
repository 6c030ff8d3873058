// LightNorm's channel-group BFP (lightnorm_bfp.hpp): groups worked by hand
// from formats.md's rules, the tensor function against a transliteration of
// the authors' simulator kernel, the plain variant against the BFP block
// format, the small-code view against the fp32 view, and a mutant rule that
// the tests reject.
#include "golden/formats/lightnorm_bfp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <vector>

#include "golden/formats/block_format.hpp"
#include "golden/formats/small_float_convert.hpp"

namespace bf::golden {
namespace {

using Variant = LightnormBfp::Variant;

uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }

LightnormBfp params(int bits, Variant v, int g = 4) {
  LightnormBfp p;
  p.group = g;
  p.bits = bits;
  p.variant = v;
  return p;
}

std::vector<uint32_t> group_of(std::vector<float> xs) {
  std::vector<uint32_t> c;
  for (float x : xs) c.push_back(bits(x));
  return c;
}

// ---- groups by hand (fp32 codes, bits = 5) ------------------------------------

TEST(LightnormBfp, KeepMaxByHand) {
  const FloatFormat f32 = FloatFormat::fp32();
  const LightnormBfp p = params(5, Variant::KeepMax);
  // Exponent fields 130, 128, 127, 123: Emax = 130 (8.75 kept), E2 = 128, so
  // k = 5 - 128 + e - 1 = e - 124: 3.3 keeps 4 fraction bits (1.1010b * 2 =
  // 3.25), 1.2 keeps 3 (1.001b = 1.125), -0.1 has k = -1 and becomes +0.
  auto g = group_of({8.75f, 3.3f, 1.2f, -0.1f});
  EXPECT_EQ(lightnorm_bfp_exponents(f32, g), (BfpGroupExponents{130, 128}));
  lightnorm_bfp_group(p, f32, g);
  EXPECT_EQ(g, group_of({8.75f, 3.25f, 1.125f, 0.0f}));
  EXPECT_EQ(g[3], 0u);  // +0, the sign dropped
  // k = 0 (e = 124): only the hidden one survives, sign kept: +-2^-3.
  g = group_of({8.75f, 3.3f, 0.2f, -0.2f});
  lightnorm_bfp_group(p, f32, g);
  EXPECT_EQ(g, group_of({8.75f, 3.25f, 0.125f, -0.125f}));
  // The maximum counted with multiplicity: 4.0 and -5.5 share e = 129, so
  // E2 = 129 and both are kept; 0.7 (e = 126) keeps k = 1 bit: 1.0b * 2^-1.
  g = group_of({4.0f, -5.5f, 0.7f, 1.0f});
  EXPECT_EQ(lightnorm_bfp_exponents(f32, g), (BfpGroupExponents{129, 129}));
  lightnorm_bfp_group(p, f32, g);
  EXPECT_EQ(g, group_of({4.0f, -5.5f, 0.5f, 1.0f}));
  // All exponent fields 0 (zeros, fp32 subnormals): left as is.
  g = {0x00000000u, 0x80000000u, 0x00000001u, 0x80000003u};
  const auto zeros = g;
  lightnorm_bfp_group(p, f32, g);
  EXPECT_EQ(g, zeros);
}

TEST(LightnormBfp, PlainByHand) {
  const FloatFormat f32 = FloatFormat::fp32();
  const LightnormBfp p = params(5, Variant::Plain);
  // Shared exponent 130: k = e - 126. 8.75 = 1.00011b * 2^3 keeps 4 bits
  // (8.5), 3.3 keeps 2 (1.10b * 2 = 3.0), 1.2 keeps 1 (1.0), -0.1 -> +0: the
  // LSB weight is 2^(3 - 5 + 1) = 0.5.
  auto g = group_of({8.75f, 3.3f, 1.2f, -0.1f});
  lightnorm_bfp_group(p, f32, g);
  EXPECT_EQ(g, group_of({8.5f, 3.0f, 1.0f, 0.0f}));
  // No all-zero exception: k = 4, so zeros stay and subnormals lose bits.
  g = {0x00000000u, 0x80000000u, 0x00000001u, 0x80000003u};
  lightnorm_bfp_group(p, f32, g);
  EXPECT_EQ(g, (std::vector<uint32_t>{0x00000000u, 0x80000000u, 0x00000000u, 0x80000000u}));
}

// C = 6 with g = 4: at each position the channels {0..3} and {4, 5} form the
// groups. NCHW with H = 1, W = 2, element (c, w) at c * 2 + w.
TEST(LightnormBfp, TensorGroupsAlongChannelsWithPartialLastGroup) {
  const std::vector<float> in = {
      8.75f, 4.0f,   // c0
      3.3f,  -5.5f,  // c1
      1.2f,  0.7f,   // c2
      -0.1f, 1.0f,   // c3
      0.7f,  0.0f,   // c4: group {0.7, 1.0}: Emax = 127 (1.0), E2 = 126: 0.7 keeps
      1.0f,  -0.3f,  // c5   k = 4 bits: 1.0110b * 2^-1 = 0.6875; {0, -0.3}: 0 has k = 4, stays
  };
  const std::vector<float> want = {8.75f, 4.0f, 3.25f,   -5.5f, 1.125f, 0.5f,
                                   0.0f,  1.0f, 0.6875f, 0.0f,  1.0f,   -0.3f};
  std::vector<float> out(in.size());
  lightnorm_bfp_nchw(params(5, Variant::KeepMax), in.data(), out.data(), 1, 6, 1, 2);
  for (std::size_t i = 0; i < in.size(); ++i) EXPECT_EQ(bits(out[i]), bits(want[i])) << i;
}

// ---- the tensor function against the authors' kernel -----------------------

// make_groups_4d_internal for group_dim (1, g, 1, 1), as their simulator loops:
// one group at a time, the max / second-max update with its two ifs, the early
// return, then k and the AND mask. Plain: BFPsim's single running max.
void simulator(std::vector<uint32_t>& v, std::size_t n, std::size_t c, std::size_t h, std::size_t w,
               int g, int group_bits, bool keep_max) {
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t c0 = 0; c0 < c; c0 += g)
      for (std::size_t y = 0; y < h; ++y)
        for (std::size_t x = 0; x < w; ++x) {
          const auto at = [&](std::size_t ch) -> uint32_t& {
            return v[((b * c + ch) * h + y) * w + x];
          };
          const std::size_t end = std::min(c, c0 + g);
          int m_max = 0, m_second = 0;
          for (std::size_t ch = c0; ch < end; ++ch) {
            const int e = static_cast<int>((at(ch) & 0x7f800000u) >> 23);
            if (keep_max) {
              if (m_second < e) {
                if (m_max < e) {
                  m_second = m_max;
                  m_max = e;
                } else {
                  m_second = e;
                }
              }
            } else if (m_max < e) {
              m_max = e;
            }
          }
          if (keep_max && m_max == 0) continue;
          for (std::size_t ch = c0; ch < end; ++ch) {
            const int e = static_cast<int>((at(ch) & 0x7f800000u) >> 23);
            if (keep_max && e == m_max) continue;
            const int k = group_bits - (keep_max ? m_second : m_max) + e - 1;
            at(ch) = k >= 0 ? at(ch) & (0xffffffffu << (23 - k)) : 0u;
          }
        }
}

// Channel values with clustered exponents, outliers, zeros, subnormals, Inf, NaN.
std::vector<uint32_t> random_tensor(std::size_t size, std::mt19937_64& rng) {
  std::vector<uint32_t> v(size);
  for (auto& x : v) {
    const int r = static_cast<int>(rng() % 100);
    uint32_t e = 120 + static_cast<uint32_t>(rng() % 8);
    if (r < 10) e = 130 + static_cast<uint32_t>(rng() % 4);  // outliers
    if (r >= 10 && r < 14) e = 0;                            // zeros and subnormals
    if (r == 14) e = 255;                                    // Inf / NaN
    if (r == 15) e = 1 + static_cast<uint32_t>(rng() % 254);
    uint32_t frac = static_cast<uint32_t>(rng()) & 0x7fffffu;
    if (r >= 10 && r < 12) frac = 0;
    if (r == 14 && rng() % 2) frac = 0;
    x = (static_cast<uint32_t>(rng()) & 0x80000000u) | e << 23 | frac;
  }
  return v;
}

struct Shape {
  std::size_t n, c, h, w;
  int g;
};

TEST(LightnormBfp, TensorMatchesSimulatorKernel) {
  std::mt19937_64 rng(17);
  const Shape shapes[] = {{2, 6, 3, 5, 4},   {1, 64, 1, 1, 8},    {1, 3, 25, 25, 4},
                          {2, 70, 2, 3, 64}, {1, 16, 1, 600, 16}, {3, 40, 4, 4, 32},
                          {1, 9, 7, 1, 1}};
  for (const Shape& s : shapes)
    for (Variant v : {Variant::KeepMax, Variant::Plain})
      for (int b : {1, 4, 5, 8, 9, 24}) {
        const LightnormBfp p = params(b, v, s.g);
        const std::vector<uint32_t> x = random_tensor(s.n * s.c * s.h * s.w, rng);
        std::vector<uint32_t> want = x;
        simulator(want, s.n, s.c, s.h, s.w, s.g, b, v == Variant::KeepMax);
        std::vector<float> in(x.size()), out(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) in[i] = std::bit_cast<float>(x[i]);
        lightnorm_bfp_nchw(p, in.data(), out.data(), s.n, s.c, s.h, s.w);
        lightnorm_bfp_nchw(p, in.data(), in.data(), s.n, s.c, s.h, s.w);  // in place
        long fails = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
          if ((bits(out[i]) != want[i] || bits(in[i]) != want[i]) && ++fails <= 3)
            ADD_FAILURE() << "g " << s.g << " bits " << b << " at " << i << std::hex << ": in 0x"
                          << x[i] << " got 0x" << bits(out[i]) << " want 0x" << want[i];
        EXPECT_EQ(fails, 0);
      }
}

// The group function, the element function and the tensor function are one rule.
TEST(LightnormBfp, GroupElementAndTensorAgree) {
  std::mt19937_64 rng(19);
  const FloatFormat f32 = FloatFormat::fp32();
  for (Variant v : {Variant::KeepMax, Variant::Plain})
    for (int n : {1, 2, 4, 7, 64}) {
      const LightnormBfp p = params(5, v, n);
      std::vector<uint32_t> g = random_tensor(static_cast<std::size_t>(n), rng);
      const BfpGroupExponents ex = lightnorm_bfp_exponents(f32, g);
      std::vector<float> t(g.size());
      for (std::size_t i = 0; i < g.size(); ++i) t[i] = std::bit_cast<float>(g[i]);
      lightnorm_bfp_nchw(p, t.data(), t.data(), 1, g.size(), 1, 1);
      std::vector<uint32_t> whole = g;
      lightnorm_bfp_group(p, f32, whole);
      for (std::size_t i = 0; i < g.size(); ++i) {
        EXPECT_EQ(lightnorm_bfp_element(p, f32, ex, g[i]), whole[i]);
        EXPECT_EQ(bits(t[i]), whole[i]);
      }
    }
}

// ---- cross-checks with other definitions ---------------------------------------

// Plain = BFPsim = the BFP block format with an 8-bit shared exponent and
// truncation (block_format.hpp), in value, for normal and zero elements.
TEST(LightnormBfp, PlainEqualsBfpBlockFormat) {
  std::mt19937_64 rng(23);
  for (int b : {2, 4, 5, 8, 9, 16, 24})
    for (int trial = 0; trial < 300; ++trial) {
      const std::size_t n = 1 + rng() % 16;
      std::vector<uint32_t> g(n);
      for (auto& x : g) {
        const uint32_t e = rng() % 6 == 0 ? 0 : 100 + static_cast<uint32_t>(rng() % 40);
        x = (static_cast<uint32_t>(rng()) & 0x80000000u) | e << 23 |
            (e == 0 ? 0 : static_cast<uint32_t>(rng()) & 0x7fffffu);
      }
      BlockFormat bfp;
      bfp.kind = BlockFormat::Kind::Bfp;
      bfp.block_size = static_cast<int>(n);
      bfp.man_bits = b;
      bfp.exp_bits = 8;
      bfp.rounding = Rounding::Truncate;
      std::vector<uint32_t> codes(n);
      const uint32_t scale = quantize_block(bfp, g, codes);
      std::vector<uint32_t> q = g;
      lightnorm_bfp_group(params(b, Variant::Plain), FloatFormat::fp32(), q);
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_EQ(static_cast<double>(std::bit_cast<float>(q[i])),
                  dequantize_element(bfp, scale, codes[i]))
            << "bits " << b << " element " << i;
    }
}

// The RTL's view (fp10 codes) and the simulator's (fp32 codes of the same
// values) give the same values when no element is an fp10 subnormal.
TEST(LightnormBfp, SmallCodesAgreeWithFp32InValue) {
  std::mt19937_64 rng(29);
  for (const char* name : {"fp10_e5m4", "fp10_e6m3", "fp12_e5m6"}) {
    const FloatFormat f = *FloatFormat::parse(name);
    const uint32_t fields = (1u << f.exp_bits) - 1;
    for (Variant v : {Variant::KeepMax, Variant::Plain})
      for (int b : {1, 4, 5, 8, 9})
        for (int trial = 0; trial < 2000; ++trial) {
          const std::size_t n = 1 + rng() % 16;
          const uint32_t center = 1 + static_cast<uint32_t>(rng() % fields);
          std::vector<uint32_t> small(n), wide(n);
          for (std::size_t i = 0; i < n; ++i) {
            const uint32_t spread = static_cast<uint32_t>(rng() % 12);
            uint32_t e = center > spread ? center - spread : 1;
            if (rng() % 8 == 0) e = 0;  // a zero (fp10 subnormals excluded)
            const uint32_t man =
                e == 0 ? 0 : static_cast<uint32_t>(rng()) & ((1u << f.man_bits) - 1);
            small[i] =
                (static_cast<uint32_t>(rng() & 1) << (f.width() - 1)) | e << f.man_bits | man;
            wide[i] = small_to_fp32(f, small[i]);
          }
          const LightnormBfp p = params(b, v);
          lightnorm_bfp_group(p, f, small);
          lightnorm_bfp_group(p, FloatFormat::fp32(), wide);
          for (std::size_t i = 0; i < n; ++i)
            ASSERT_EQ(decode(f, small[i]), static_cast<double>(std::bit_cast<float>(wide[i])))
                << name << " bits " << b << " element " << i;
        }
  }
}

// ---- a wrong rule is caught ------------------------------------------------------

// A plausible misreading - the second-largest exponent taken among the
// exponents strictly below the maximum - differs on a group whose maximum
// occurs twice, and the hand example above pins the right answer.
TEST(LightnormBfp, WrongSecondExponentIsCaught) {
  auto g = group_of({4.0f, -5.5f, 0.7f, 1.0f});
  std::vector<uint32_t> mutant = g;
  uint32_t emax = 0, below = 0;
  for (uint32_t x : g) emax = std::max(emax, (x >> 23) & 0xffu);
  for (uint32_t x : g)
    if (((x >> 23) & 0xffu) < emax) below = std::max(below, (x >> 23) & 0xffu);
  const LightnormBfp p = params(5, Variant::KeepMax);
  for (auto& x : mutant)
    x = lightnorm_bfp_element(p, FloatFormat::fp32(), BfpGroupExponents{emax, below}, x);
  lightnorm_bfp_group(p, FloatFormat::fp32(), g);
  EXPECT_NE(mutant, g);
  EXPECT_EQ(mutant[2], bits(0.6875f));  // 1.011b * 2^-1 under E2 = 127
  EXPECT_EQ(g[2], bits(0.5f));
}

TEST(LightnormBfp, Validation) {
  EXPECT_THROW(params(0, Variant::KeepMax).validate(), std::invalid_argument);
  EXPECT_THROW(params(25, Variant::KeepMax).validate(), std::invalid_argument);
  EXPECT_THROW(params(5, Variant::KeepMax, 0).validate(), std::invalid_argument);
  EXPECT_NO_THROW(params(24, Variant::Plain, 64).validate());
}

}  // namespace
}  // namespace bf::golden
