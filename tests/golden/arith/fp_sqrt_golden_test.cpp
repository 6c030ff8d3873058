// golden::fp_sqrt against independent references: the host's correctly
// rounded std::sqrt(float) (sqrtss) exhaustively over two fp32 binades and
// the subnormals, and on millions of biased operands, a
// round-to-odd double root for every other format and mode
// (div_sqrt_reference.hpp; exhaustive for the 16- and 8-bit formats), the
// IEEE special cases, the integer square root itself, and a check that the
// comparison catches a square root that drops its sticky bit.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "generator/design/fp_operand_io.hpp"
#include "golden/arith/fp_sqrt.hpp"
#include "tests/golden/arith/div_sqrt_reference.hpp"

namespace bf {
namespace {

using golden::FloatFormat;
using golden::FpSqrtSpec;
using golden::Rounding;
using testref::bits_of;
using testref::float_of;
namespace io = fp_operand_io;

constexpr Rounding kModes[] = {Rounding::NearestEven, Rounding::NearestAway, Rounding::Truncate};

FloatFormat with_subnormals(FloatFormat f, bool s) {
  f.subnormals = s;
  return f;
}

std::string hex(uint32_t v) { return fmt::format("0x{:08x}", v); }

// Biased operands: perfect squares of short roots and their neighbours
// (exact roots, remainders of one ulp), subnormals, positive values anywhere,
// anything (negatives, specials).
uint32_t sqrt_operand(const FloatFormat& f, std::mt19937_64& rng) {
  const uint32_t sgn = 1u << (f.exp_bits + f.man_bits);
  const int r = static_cast<int>(rng() % 100);
  if (r < 25) {
    const int keep = f.man_bits / 2;
    const uint32_t frac = io::random_frac(f, rng) & ~((1u << (f.man_bits - keep)) - 1);
    const int L =
        io::l_lo(f) / 2 +
        static_cast<int>(rng() % static_cast<uint64_t>(io::l_hi(f) / 2 - io::l_lo(f) / 2 + 1));
    const double c = golden::decode(f, io::make_code(f, false, L, frac));
    const float sq = static_cast<float>(c * c);  // exact: at most 2 * 12 significant bits
    const uint32_t e = golden::encode_from_fp32(f, bits_of(sq), Rounding::Truncate);
    return ((e & ~sgn) + static_cast<uint32_t>(rng() % 3) - 1u) & ((sgn << 1) - 1);
  }
  if (r < 40)
    return io::make_code(f, false, f.emin() - 1 - static_cast<int>(rng() % f.man_bits),
                         io::random_frac(f, rng));
  if (r < 75)
    return io::make_code(f, false,
                         io::l_lo(f) + static_cast<int>(rng() % static_cast<uint64_t>(
                                                                    io::l_hi(f) - io::l_lo(f) + 1)),
                         io::random_frac(f, rng));
  if (r < 90) return io::random_code(f, rng);
  return static_cast<uint32_t>(rng()) & ((sgn << 1) - 1);
}

using SqrtModel = std::function<uint32_t(const FpSqrtSpec&, uint32_t)>;
long sqrt_mismatches(const FpSqrtSpec& s, const SqrtModel& model, int n, uint64_t seed,
                     bool report) {
  std::mt19937_64 rng(seed);
  long fails = 0;
  for (int i = 0; i < n; ++i) {
    const uint32_t a = sqrt_operand(s.a, rng);
    const uint32_t want = testref::sqrt_reference(s.a, a, s.y, s.rounding);
    const uint32_t got = model(s, a);
    if (got != want && ++fails <= 10 && report)
      ADD_FAILURE() << s.a.name() << " -> " << s.y.name() << " " << to_string(s.rounding)
                    << " sqrt " << hex(a) << ": golden " << hex(got) << " reference " << hex(want);
  }
  return fails;
}

uint32_t golden_sqrt(const FpSqrtSpec& s, uint32_t a) { return golden::fp_sqrt(s, a); }

// ---- fp32 against the host's std::sqrt(float) --------------------------------

// Every code with biased exponent field 0 (subnormals), 127 and 128: both
// exponent parities, every significand, nearest-even (the host's default
// mode, so no fenv switch per call; truncation is checked below).
TEST(FpSqrtGolden, Fp32BinadesExhaustiveMatchHostSqrt) {
  long fails = 0;
  const FloatFormat f = FloatFormat::fp32();
  const FpSqrtSpec s{f, f, Rounding::NearestEven};
  for (uint32_t field : {0u, 127u, 128u})
    for (uint32_t man = 0; man < (1u << 23); ++man) {
      const uint32_t a = field << 23 | man;
      volatile float x = float_of(a);
      const uint32_t want = bits_of(std::sqrt(static_cast<float>(x)));
      const uint32_t got = golden::fp_sqrt(s, a);
      if (got != want && ++fails <= 10)
        ADD_FAILURE() << "sqrt " << hex(a) << ": golden " << hex(got) << " host " << hex(want);
    }
  EXPECT_EQ(fails, 0);
}

TEST(FpSqrtGolden, Fp32MatchesHostSqrt) {
  std::mt19937_64 rng(31);
  const FloatFormat f = FloatFormat::fp32();
  long n = 0, fails = 0;
  const auto check = [&](uint32_t a) {
    for (Rounding mode : {Rounding::NearestEven, Rounding::Truncate}) {
      const uint32_t want = testref::host_sqrt_fp32(a, mode);
      const uint32_t got = golden::fp_sqrt(FpSqrtSpec{f, f, mode}, a);
      ++n;
      if (got != want && ++fails <= 10)
        ADD_FAILURE() << to_string(mode) << " sqrt " << hex(a) << ": golden " << hex(got)
                      << " host " << hex(want);
    }
  };
  for (uint32_t a : io::special_codes(f)) check(a);
  for (int i = 0; i < 2000000; ++i) check(sqrt_operand(f, rng));
  EXPECT_EQ(fails, 0) << "of " << n;
  EXPECT_GE(n, 4000000);
}

// Squares of fp32 values with short significands have exact roots: no
// rounding in any mode (the remainder, hence the sticky bit, is 0).
TEST(FpSqrtGolden, Fp32ExactRootsAreExact) {
  std::mt19937_64 rng(32);
  const FloatFormat f = FloatFormat::fp32();
  long n = 0;
  for (int i = 0; i < 300000; ++i) {
    const uint32_t c = io::make_code(f, false, static_cast<int>(rng() % 121) - 60,
                                     io::random_frac(f, rng) & ~0xfffu);
    bool inexact = true;
    const float a =
        testref::host_op<float>(testref::Op::Mul, float_of(c), float_of(c), FE_TONEAREST, &inexact);
    if (inexact || a == 0.0f) continue;
    for (Rounding mode : kModes)
      ASSERT_EQ(golden::fp_sqrt(FpSqrtSpec{f, f, mode}, bits_of(a)), c)
          << to_string(mode) << " sqrt " << hex(bits_of(a));
    ++n;
  }
  EXPECT_GE(n, 100000);
}

// ---- every format, rounding mode and subnormal policy --------------------------

// Every code of the 16- and 8-bit formats, into themselves.
TEST(FpSqrtGolden, SmallFormatsExhaustiveMatchRoundToOddReference) {
  long fails = 0;
  for (const char* name : {"bf16", "fp16", "e5m2"})
    for (bool sub : {true, false})
      for (Rounding mode : kModes) {
        const FloatFormat f = with_subnormals(*FloatFormat::parse(name), sub);
        const FpSqrtSpec s{f, f, mode};
        for (uint32_t a = 0; a < (1u << f.width()); ++a) {
          const uint32_t want = testref::sqrt_reference(f, a, f, mode);
          const uint32_t got = golden::fp_sqrt(s, a);
          if (got != want && ++fails <= 10)
            ADD_FAILURE() << f.name() << " " << to_string(mode) << " sqrt " << hex(a) << ": golden "
                          << hex(got) << " reference " << hex(want);
        }
      }
  EXPECT_EQ(fails, 0);
}

TEST(FpSqrtGolden, AllFormatPairsMatchRoundToOddReference) {
  long n = 0, fails = 0;
  uint64_t seed = 33;
  for (const char* an : {"fp32", "bf16", "fp16", "e5m2", "e4m3", "e2m1"})
    for (const char* yn : {"fp32", "bf16", "fp16", "e5m2"})
      for (bool sub : {true, false})
        for (Rounding mode : kModes) {
          const FpSqrtSpec s{with_subnormals(*FloatFormat::parse(an), sub),
                             with_subnormals(*FloatFormat::parse(yn), sub), mode};
          const int count = std::string(an) == "fp32" ? 100000 : 5000;
          fails += sqrt_mismatches(s, golden_sqrt, count, seed++, true);
          n += count;
        }
  EXPECT_EQ(fails, 0) << "of " << n;
}

// ---- IEEE facts and the integer root -------------------------------------------

TEST(FpSqrtGolden, IeeeSpecials) {
  for (bool sub : {true, false}) {
    const FloatFormat f = with_subnormals(FloatFormat::fp32(), sub);
    for (Rounding mode : kModes) {
      const FpSqrtSpec s{f, f, mode};
      EXPECT_EQ(golden::fp_sqrt(s, 0x00000000u), 0x00000000u);
      EXPECT_EQ(golden::fp_sqrt(s, 0x80000000u), 0x80000000u);  // sqrt(-0) = -0
      EXPECT_EQ(golden::fp_sqrt(s, 0x7f800000u), 0x7f800000u);
      EXPECT_EQ(golden::fp_sqrt(s, 0xff800000u), 0x7fc00000u);  // sqrt(-Inf) = NaN
      EXPECT_EQ(golden::fp_sqrt(s, 0xbf800000u), 0x7fc00000u);  // sqrt(-1) = NaN
      EXPECT_EQ(golden::fp_sqrt(s, 0xffc12345u), 0x7fc00000u);  // canonical NaN
      EXPECT_EQ(golden::fp_sqrt(s, 0x40800000u), 0x40000000u);  // sqrt(4) = 2
      EXPECT_EQ(golden::fp_sqrt(s, 0x40100000u), 0x3fc00000u);  // sqrt(2.25) = 1.5
      // sqrt(2) = 1.6a09e667f3...: 0x3fb504f3 nearest (the dropped part is
      // below half), 0x3fb504f3 truncated as well.
      EXPECT_EQ(golden::fp_sqrt(s, 0x40000000u), 0x3fb504f3u);
      // sqrt(max normal) is just below 2^64 - 2^39 (below the tie), sqrt(3) =
      // 1.7320508075.. -> 0x3fddb3d7 (below the tie): the same in every mode.
      EXPECT_EQ(golden::fp_sqrt(s, 0x7f7fffffu), 0x5f7fffffu);
      EXPECT_EQ(golden::fp_sqrt(s, 0x40400000u), 0x3fddb3d7u);
    }
    // A negative subnormal is -0 when subnormals are flushed (sqrt(-0) = -0),
    // NaN when they are numbers; sqrt(2^-148) = 2^-74 exactly.
    const FpSqrtSpec s{f, f, Rounding::NearestEven};
    EXPECT_EQ(golden::fp_sqrt(s, 0x80000001u), sub ? 0x7fc00000u : 0x80000000u);
    EXPECT_EQ(golden::fp_sqrt(s, 0x00000002u), sub ? 0x1a800000u : 0x00000000u);
  }
  // Roots of tiny fp32 values underflow fp16: 2^-40 -> 2^-20 is subnormal in
  // fp16 (exact), flushed without subnormals.
  const FpSqrtSpec h{FloatFormat::fp32(), FloatFormat::fp16(), Rounding::NearestEven};
  EXPECT_EQ(golden::fp_sqrt(h, 0x2b800000u), 0x0010u);
  const FpSqrtSpec hf{with_subnormals(FloatFormat::fp32(), false),
                      with_subnormals(FloatFormat::fp16(), false), Rounding::NearestEven};
  EXPECT_EQ(golden::fp_sqrt(hf, 0x2b800000u), 0x0000u);
}

TEST(FpSqrtGolden, IntegerRootIsFloorWithRemainder) {
  std::mt19937_64 rng(34);
  for (int i = 0; i < 200000; ++i) {
    uint64_t n = rng() >> (2 + rng() % 62);
    if (i % 4 == 0) {  // perfect squares and their neighbours
      const uint64_t r = rng() >> 33;
      n = r * r + (rng() % 3) - 1 + (r == 0);
    }
    uint64_t rem = 0;
    const uint64_t r = golden::isqrt_restoring(n, &rem);
    ASSERT_LE(r * r, n) << n;
    ASSERT_GT((r + 1) * (r + 1), n) << n;
    ASSERT_EQ(rem, n - r * r) << n;
  }
  uint64_t rem = 0;
  EXPECT_EQ(golden::isqrt_restoring((uint64_t{1} << 62) - 1, &rem), (uint64_t{1} << 31) - 1);
  EXPECT_EQ(rem, (uint64_t{1} << 32) - 2);
}

// ---- the comparison can fail -----------------------------------------------------

// A square root sized like the hardware (M_y + 3 root bits) that forgets the
// remainder: right under truncation and ties-away, wrong under nearest-even
// when the dropped bits look like a tie. The biased operands and the
// reference must expose it, and a one-bit corruption in any mode.
TEST(FpSqrtGolden, ReferenceCatchesAWrongSquareRoot) {
  const SqrtModel no_sticky = [](const FpSqrtSpec& s, uint32_t a) {
    const golden::FpValue x = golden::fp_unpack(s.a, a);
    if (x.cls != golden::FpValue::Class::Finite || x.sign) return golden::fp_sqrt(s, a);
    // Radicand with 2 (M_y + 3) bits, even exponent.
    int sh = 2 * (s.y.man_bits + 3) - static_cast<int>(std::bit_width(x.sig));
    if ((x.exp - sh) & 1) ++sh;
    uint64_t rem = 0;
    const uint64_t r = golden::isqrt_restoring(x.sig << sh, &rem);  // remainder dropped
    return golden::fp_round_pack(s.y, false, r, (x.exp - sh) / 2, s.rounding);
  };
  const SqrtModel flipped = [](const FpSqrtSpec& s, uint32_t a) {
    const uint32_t y = golden::fp_sqrt(s, a);
    return a % 1024 == 7 ? y ^ 1u : y;
  };
  for (const char* name : {"fp32", "bf16", "fp16"}) {
    const FloatFormat f = *FloatFormat::parse(name);
    EXPECT_GT(sqrt_mismatches(FpSqrtSpec{f, f, Rounding::NearestEven}, no_sticky, 20000, 35, false),
              100)
        << name;
    for (Rounding mode : kModes) {
      const FpSqrtSpec s{f, f, mode};
      EXPECT_GT(sqrt_mismatches(s, flipped, 20000, 36, false), 0) << name << " " << to_string(mode);
      EXPECT_EQ(sqrt_mismatches(s, golden_sqrt, 20000, 35, true), 0) << name;
    }
  }
}

}  // namespace
}  // namespace bf
