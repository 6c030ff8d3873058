// The golden float arithmetic (golden/arith/) against independent references:
// the host's IEEE float/double hardware in the matching rounding mode
// (host_reference.hpp), exhaustive small formats, and the IEEE facts the
// spec names (signed zeros, canonical NaN, overflow per rounding mode).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <string>
#include <vector>

#include "generator/design/fp_operand_io.hpp"
#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_kernels.hpp"
#include "golden/arith/fp_mul.hpp"
#include "tests/golden/arith/host_reference.hpp"

namespace bf {
namespace {

using golden::FloatFormat;
using golden::FpAddSpec;
using golden::FpMulSpec;
using golden::Rounding;
using testref::bits_of;
using testref::float_of;
using testref::Op;

constexpr Rounding kModes[] = {Rounding::NearestEven, Rounding::NearestAway, Rounding::Truncate};

FloatFormat with_subnormals(FloatFormat f, bool s) {
  f.subnormals = s;
  return f;
}

std::string hex(uint32_t v) { return fmt::format("0x{:08x}", v); }

// Biased operand pairs for addition: same exponent (cancellation), 1 apart,
// inside the guard/sticky window, far apart, specials, subnormals, overflow.
std::pair<uint32_t, uint32_t> add_pair(const FloatFormat& f, std::mt19937_64& rng) {
  const int M = f.man_bits;
  const uint32_t sgn = 1u << (f.exp_bits + M);
  uint32_t a = fp_operand_io::random_code(f, rng);
  const int r = static_cast<int>(rng() % 100);
  if (r < 15) return {a, fp_operand_io::random_code(f, rng)};
  if (r < 25) return {a, (a ^ sgn) + static_cast<uint32_t>(rng() % 5) - 2u};
  const golden::FpValue v = golden::fp_unpack(f, a);
  const int la = v.cls == golden::FpValue::Class::Finite
                     ? static_cast<int>(std::bit_width(v.sig)) - 1 + v.exp
                     : 0;
  int d;
  if (r < 45) {
    d = 0;
  } else if (r < 55) {
    d = 1;
  } else if (r < 85) {
    d = 2 + static_cast<int>(rng() % (M + 4));
  } else {
    d = M + 4 + static_cast<int>(rng() % 60);
  }
  uint32_t frac = fp_operand_io::random_frac(f, rng);
  if (d >= 1 && d <= M && (rng() & 1)) {
    const uint32_t low = (1u << d) - 1;
    frac = (frac & ~low) | ((rng() & 1) ? 1u << (d - 1) : 0u);  // a half or zero falls off
  }
  uint32_t b = fp_operand_io::make_code(f, rng() & 1, la - d, frac);
  if (rng() & 1) std::swap(a, b);
  return {a, b};
}

std::pair<uint32_t, uint32_t> mul_pair(const FloatFormat& fa, const FloatFormat& fb,
                                       const FloatFormat& fy, std::mt19937_64& rng) {
  const int r = static_cast<int>(rng() % 100);
  if (r < 40) {
    // Product exponent near y's underflow or overflow threshold.
    const int L = r < 30 ? fy.emin() + 2 - static_cast<int>(rng() % (fy.man_bits + 6))
                         : fy.emax() - 1 + static_cast<int>(rng() % 3);
    const int la_lo = std::max(fp_operand_io::l_lo(fa), L - fp_operand_io::l_hi(fb));
    const int la_hi = std::min(fp_operand_io::l_hi(fa), L - fp_operand_io::l_lo(fb));
    const int la = la_lo > la_hi
                       ? std::clamp(L / 2, fp_operand_io::l_lo(fa), fp_operand_io::l_hi(fa))
                       : la_lo + static_cast<int>(rng() % (la_hi - la_lo + 1));
    return {fp_operand_io::make_code(fa, rng() & 1, la, fp_operand_io::random_frac(fa, rng)),
            fp_operand_io::make_code(fb, rng() & 1, L - la, fp_operand_io::random_frac(fb, rng))};
  }
  return {fp_operand_io::random_code(fa, rng), fp_operand_io::random_code(fb, rng)};
}

// ---- fp32 add against the host's float add ---------------------------------

// The reference itself: the rounding mode reaches the FPU (volatile operands
// keep the compiler from folding or moving the operation).
TEST(HostReference, HonorsTheRoundingMode) {
  const float x = 1.0f, e = 0x1.8p-24f;  // 1 + 0.75 ulp
  EXPECT_EQ(testref::host_op<float>(Op::Add, x, e, FE_TONEAREST, nullptr), 0x1.000002p0f);
  EXPECT_EQ(testref::host_op<float>(Op::Add, x, e, FE_TOWARDZERO, nullptr), 1.0f);
  EXPECT_EQ(testref::round_away_to_float(1.0 + 0x1p-24), 0x1.000002p0f);  // tie: away
  EXPECT_EQ(testref::rto_float(1.0 + 0x1p-30), 0x1.000002p0f);            // inexact: odd
}

TEST(FpAddGolden, Fp32MatchesHostFloatAdd) {
  std::mt19937_64 rng(1);
  const FpAddSpec rne{FloatFormat::fp32(), Rounding::NearestEven};
  const FpAddSpec rtz{FloatFormat::fp32(), Rounding::Truncate};
  const auto sp = fp_operand_io::special_codes(FloatFormat::fp32());
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (uint32_t a : sp)
    for (uint32_t b : sp) pairs.push_back({a, b});
  long n = 0, fails = 0;
  const auto check = [&](uint32_t a, uint32_t b) {
    for (const auto* s : {&rne, &rtz}) {
      const float h = testref::host_op<float>(Op::Add, float_of(a), float_of(b),
                                              testref::fenv_mode(s->rounding), nullptr);
      const uint32_t want = std::isnan(h) ? 0x7fc00000u : bits_of(h);
      const uint32_t got = golden::fp_add(*s, a, b);
      ++n;
      if (got != want && ++fails <= 10)
        ADD_FAILURE() << to_string(s->rounding) << " " << hex(a) << " + " << hex(b) << ": golden "
                      << hex(got) << " host " << hex(want);
    }
  };
  for (const auto& [a, b] : pairs) check(a, b);
  for (int i = 0; i < 1500000; ++i) {
    const auto [a, b] = add_pair(FloatFormat::fp32(), rng);
    check(a, b);
  }
  for (int i = 0; i < 500000; ++i)
    check(static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()));
  EXPECT_EQ(fails, 0) << "of " << n;
  EXPECT_GE(n, 4000000);
}

// ---- every result format, rounding mode and subnormal policy ---------------

TEST(FpAddGolden, AllFormatsAndModesMatchRoundToOddReference) {
  std::mt19937_64 rng(2);
  long n = 0, fails = 0;
  for (const char* name : {"fp32", "bf16", "fp16", "e5m2"}) {
    for (bool sub : {true, false}) {
      const FloatFormat f = with_subnormals(*FloatFormat::parse(name), sub);
      for (Rounding mode : kModes) {
        const FpAddSpec s{f, mode};
        for (int i = 0; i < 150000; ++i) {
          const auto [a, b] = add_pair(f, rng);
          const uint32_t want = testref::reference(Op::Add, f, a, f, b, f, mode);
          const uint32_t got = golden::fp_add(s, a, b);
          ++n;
          if (got != want && ++fails <= 10)
            ADD_FAILURE() << f.name() << " " << to_string(mode) << " " << hex(a) << " + " << hex(b)
                          << ": golden " << hex(got) << " reference " << hex(want);
        }
      }
    }
  }
  EXPECT_EQ(fails, 0) << "of " << n;
}

TEST(FpAddGolden, E5m2Exhaustive) {
  long fails = 0;
  for (bool sub : {true, false}) {
    const FloatFormat f = with_subnormals(FloatFormat::e5m2(), sub);
    for (Rounding mode : kModes) {
      const FpAddSpec s{f, mode};
      for (uint32_t a = 0; a < 256; ++a)
        for (uint32_t b = 0; b < 256; ++b) {
          const uint32_t want = testref::reference(Op::Add, f, a, f, b, f, mode);
          const uint32_t got = golden::fp_add(s, a, b);
          if (got != want && ++fails <= 10)
            ADD_FAILURE() << f.name() << " " << to_string(mode) << " " << hex(a) << " + " << hex(b)
                          << ": golden " << hex(got) << " reference " << hex(want);
        }
    }
  }
  EXPECT_EQ(fails, 0);
}

TEST(FpAddGolden, IeeeSignedZerosNanAndOverflow) {
  for (bool sub : {true, false}) {
    const FloatFormat f32 = with_subnormals(FloatFormat::fp32(), sub);
    for (Rounding mode : kModes) {
      const FpAddSpec s{f32, mode};
      EXPECT_EQ(golden::fp_add(s, 0x80000000u, 0x80000000u), 0x80000000u);  // -0 + -0 = -0
      EXPECT_EQ(golden::fp_add(s, 0x00000000u, 0x80000000u), 0x00000000u);  // +0 + -0 = +0
      EXPECT_EQ(golden::fp_add(s, 0x80000000u, 0x00000000u), 0x00000000u);
      EXPECT_EQ(golden::fp_add(s, 0x3fc00000u, 0xbfc00000u), 0x00000000u);  // x + (-x) = +0
      EXPECT_EQ(golden::fp_add(s, 0xbfc00000u, 0x3fc00000u), 0x00000000u);
      EXPECT_EQ(golden::fp_add(s, 0x7f800000u, 0xff800000u), 0x7fc00000u);  // Inf - Inf
      EXPECT_EQ(golden::fp_add(s, 0xffc12345u, 0x3f800000u), 0x7fc00000u);  // canonical NaN
      EXPECT_EQ(golden::fp_add(s, 0xff800000u, 0x7f7fffffu), 0xff800000u);
      EXPECT_EQ(golden::fp_sub(s, 0x3f800000u, 0x3f800000u), 0x00000000u);
      // max + max: Inf when rounding to nearest, max normal when truncating.
      EXPECT_EQ(golden::fp_add(s, 0x7f7fffffu, 0x7f7fffffu),
                mode == Rounding::Truncate ? 0x7f7fffffu : 0x7f800000u);
      EXPECT_EQ(golden::fp_add(s, 0xff7fffffu, 0xff7fffffu),
                mode == Rounding::Truncate ? 0xff7fffffu : 0xff800000u);
    }
    // Subnormal operands: read as zero when flushed.
    const FpAddSpec s{f32, Rounding::NearestEven};
    EXPECT_EQ(golden::fp_add(s, 0x00000001u, 0x00000001u), sub ? 0x00000002u : 0x00000000u);
    EXPECT_EQ(golden::fp_add(s, 0x80000001u, 0x80000000u), sub ? 0x80000001u : 0x80000000u);
    // min normal - min subnormal: a subnormal result, flushed to +0.
    EXPECT_EQ(golden::fp_add(s, 0x00800000u, 0x80000001u), sub ? 0x007fffffu : 0x00800000u);
  }
}

// ---- fp_mul ----------------------------------------------------------------

TEST(FpMulGolden, Fp32MatchesHostFloatMul) {
  std::mt19937_64 rng(3);
  const FloatFormat f = FloatFormat::fp32();
  long n = 0, fails = 0;
  for (Rounding mode : {Rounding::NearestEven, Rounding::Truncate}) {
    const FpMulSpec s{f, f, f, mode};
    for (int i = 0; i < 1000000; ++i) {
      const auto [a, b] =
          i % 4 == 3 ? std::pair{static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng())}
                     : mul_pair(f, f, f, rng);
      const float h = testref::host_op<float>(Op::Mul, float_of(a), float_of(b),
                                              testref::fenv_mode(mode), nullptr);
      const uint32_t want = std::isnan(h) ? 0x7fc00000u : bits_of(h);
      const uint32_t got = golden::fp_mul(s, a, b);
      ++n;
      if (got != want && ++fails <= 10)
        ADD_FAILURE() << to_string(mode) << " " << hex(a) << " * " << hex(b) << ": golden "
                      << hex(got) << " host " << hex(want);
    }
  }
  EXPECT_EQ(fails, 0) << "of " << n;
}

// bf16 x bf16 -> fp32: every bf16 value times a set of special and random
// bf16 values, against the exact double product rounded by the host.
TEST(FpMulGolden, Bf16TimesBf16MatchesDoubleProduct) {
  std::mt19937_64 rng(4);
  const FloatFormat bf = FloatFormat::bf16();
  std::vector<uint32_t> bs = fp_operand_io::special_codes(bf);
  for (int i = 0; i < 40; ++i) bs.push_back(static_cast<uint32_t>(rng()) & 0xffffu);
  long n = 0, fails = 0;
  for (Rounding mode : kModes) {
    const FpMulSpec s{bf, bf, FloatFormat::fp32(), mode};
    for (uint32_t a = 0; a < 0x10000u; ++a)
      for (uint32_t b : bs) {
        const uint32_t want = testref::reference(Op::Mul, bf, a, bf, b, s.y, mode);
        const uint32_t got = golden::fp_mul(s, a, b);
        ++n;
        if (got != want && ++fails <= 10)
          ADD_FAILURE() << to_string(mode) << " " << hex(a) << " * " << hex(b) << ": golden "
                        << hex(got) << " reference " << hex(want);
      }
  }
  EXPECT_EQ(fails, 0) << "of " << n;
  EXPECT_GE(n, 10000000);
}

TEST(FpMulGolden, MixedFormatsMatchRoundToOddReference) {
  std::mt19937_64 rng(5);
  long n = 0, fails = 0;
  const std::vector<std::string> ops = {"fp32", "bf16", "fp16", "e5m2", "e4m3", "e2m1"};
  for (const auto& an : ops)
    for (const auto& bn : ops)
      for (const char* yn : {"fp32", "bf16", "fp16", "e5m2"})
        for (bool sub : {true, false})
          for (Rounding mode : kModes) {
            const FpMulSpec s{with_subnormals(*FloatFormat::parse(an), sub),
                              with_subnormals(*FloatFormat::parse(bn), sub),
                              with_subnormals(*FloatFormat::parse(yn), sub), mode};
            for (int i = 0; i < 3000; ++i) {
              const auto [a, b] = mul_pair(s.a, s.b, s.y, rng);
              const uint32_t want = testref::reference(Op::Mul, s.a, a, s.b, b, s.y, mode);
              const uint32_t got = golden::fp_mul(s, a, b);
              ++n;
              if (got != want && ++fails <= 10)
                ADD_FAILURE() << s.a.name() << " x " << s.b.name() << " -> " << s.y.name() << " "
                              << to_string(mode) << " " << hex(a) << " * " << hex(b) << ": golden "
                              << hex(got) << " reference " << hex(want);
            }
          }
  EXPECT_EQ(fails, 0) << "of " << n;
}

TEST(FpMulGolden, IeeeSpecials) {
  const FpMulSpec s;                                            // bf16 x bf16 -> fp32, nearest even
  EXPECT_EQ(golden::fp_mul(s, 0x0000u, 0x7f80u), 0x7fc00000u);  // 0 * Inf = NaN
  EXPECT_EQ(golden::fp_mul(s, 0xff80u, 0x8000u), 0x7fc00000u);
  EXPECT_EQ(golden::fp_mul(s, 0xff81u, 0x3f80u), 0x7fc00000u);  // NaN -> canonical quiet NaN
  EXPECT_EQ(golden::fp_mul(s, 0xff80u, 0xbf80u), 0x7f800000u);  // -Inf * -1 = +Inf
  EXPECT_EQ(golden::fp_mul(s, 0x8000u, 0x3f80u), 0x80000000u);  // -0 * 1 = -0
  EXPECT_EQ(golden::fp_mul(s, 0x8000u, 0x8000u), 0x00000000u);
  EXPECT_EQ(golden::fp_mul(s, 0x3fc0u, 0x3fc0u), 0x40100000u);  // 1.5 * 1.5 = 2.25
  // max * max overflows fp32: Inf (nearest), max normal (truncate).
  EXPECT_EQ(golden::fp_mul(s, 0x7f7fu, 0x7f7fu), 0x7f800000u);
  const FpMulSpec t{FloatFormat::bf16(), FloatFormat::bf16(), FloatFormat::fp32(),
                    Rounding::Truncate};
  EXPECT_EQ(golden::fp_mul(t, 0x7f7fu, 0xff7fu), 0xff7fffffu);
  // Smallest subnormals: 2^-133 * 2^-133 underflows to +0 / the sign kept.
  EXPECT_EQ(golden::fp_mul(s, 0x0001u, 0x8001u), 0x80000000u);
  // 2^-126 * 2^-8 = 2^-134 (subnormal fp32 0x00008000), exact.
  EXPECT_EQ(golden::fp_mul(s, 0x0080u, 0x3b80u), 0x00008000u);
  // Flushed: subnormal operands are zero, subnormal results flush.
  const FpMulSpec f{with_subnormals(FloatFormat::bf16(), false),
                    with_subnormals(FloatFormat::bf16(), false),
                    with_subnormals(FloatFormat::fp32(), false), Rounding::NearestEven};
  EXPECT_EQ(golden::fp_mul(f, 0x0040u, 0x3f80u), 0x00000000u);
  EXPECT_EQ(golden::fp_mul(f, 0x0080u, 0xbb80u), 0x80000000u);
  EXPECT_EQ(golden::fp_mul(f, 0x0040u, 0x7f80u), 0x7fc00000u);  // DAZ zero * Inf = NaN
}

TEST(FpMulGolden, StaticFacts) {
  const FloatFormat bf = FloatFormat::bf16(), f32 = FloatFormat::fp32();
  const FpMulSpec bb{bf, bf, f32, Rounding::NearestEven};
  EXPECT_TRUE(bb.precision_exact());
  EXPECT_FALSE(bb.exact());
  EXPECT_TRUE(bb.may_overflow());
  EXPECT_TRUE(bb.may_underflow());
  EXPECT_EQ(bb.l_min(), -266);
  EXPECT_EQ(bb.l_max(), 255);
  const FpMulSpec e4{FloatFormat::e4m3(), FloatFormat::e4m3(), f32, Rounding::NearestEven};
  EXPECT_TRUE(e4.exact());
  const FpMulSpec bf32{bf, f32, f32, Rounding::NearestEven};
  EXPECT_FALSE(bf32.precision_exact());
  // fp16 x fp16 -> fp32 is exact: 22 significand bits, L in [-48, 31].
  const FpMulSpec hh{FloatFormat::fp16(), FloatFormat::fp16(), f32, Rounding::NearestEven};
  EXPECT_TRUE(hh.exact());
  EXPECT_EQ(hh.l_min(), -48);
  // e4m3 x e4m3 -> bf16: 8 bits into 8, L in [-18, 17]: exact.
  const FpMulSpec eb{FloatFormat::e4m3(), FloatFormat::e4m3(), bf, Rounding::NearestEven};
  EXPECT_TRUE(eb.exact());
  // bf16 x e4m3 -> fp32 flushing subnormals: exact significands, but
  // 2^-126 * 2^-6 underflows and 2^127 * 448 overflows.
  const FpMulSpec be{with_subnormals(bf, false), with_subnormals(FloatFormat::e4m3(), false),
                     with_subnormals(f32, false), Rounding::NearestEven};
  EXPECT_TRUE(be.precision_exact());
  EXPECT_TRUE(be.may_overflow());
  EXPECT_TRUE(be.may_underflow());
  EXPECT_FALSE(be.exact());
}

// When the spec says every product is exact, the rounding mode cannot matter.
TEST(FpMulGolden, ExactSpecsNeverRound) {
  std::mt19937_64 rng(6);
  for (const auto& [an, bn] : std::vector<std::pair<std::string, std::string>>{{"e4m3", "e4m3"},
                                                                               {"e5m2", "e4m3"},
                                                                               {"e2m1", "fp16"},
                                                                               {"e3m2", "e2m3"},
                                                                               {"fp16", "e5m2"}}) {
    FpMulSpec s{*FloatFormat::parse(an), *FloatFormat::parse(bn), FloatFormat::fp32(),
                Rounding::NearestEven};
    ASSERT_TRUE(s.exact()) << an << " x " << bn;
    FpMulSpec t = s;
    t.rounding = Rounding::Truncate;
    for (uint32_t a = 0; a < (1u << s.a.width()); ++a)
      for (int k = 0; k < 64; ++k) {
        const uint32_t b = static_cast<uint32_t>(rng()) & ((1u << s.b.width()) - 1);
        ASSERT_EQ(golden::fp_mul(s, a, b), golden::fp_mul(t, a, b)) << an << " x " << bn;
      }
  }
}

// ---- the rounding primitive and the accumulation orders --------------------

// fp_round_pack and encode_from_fp32 are the same derivation: rounding an
// fp32 value given as (sig, exp) gives the same code for every format.
TEST(FpCoreGolden, RoundPackAgreesWithEncodeFromFp32) {
  std::mt19937_64 rng(7);
  for (const char* name : {"bf16", "fp16", "e5m2"})
    for (bool sub : {true, false})
      for (Rounding mode : kModes) {
        const FloatFormat f = with_subnormals(*FloatFormat::parse(name), sub);
        for (int i = 0; i < 20000; ++i) {
          uint32_t x = static_cast<uint32_t>(rng());
          if ((x >> 23 & 0xff) == 0xff) x &= 0xbfffffffu;  // finite only
          const golden::FpValue v = golden::fp_unpack(FloatFormat::fp32(), x);
          const uint32_t got = golden::fp_round_pack(f, v.sign, v.sig, v.exp, mode);
          ASSERT_EQ(got, golden::encode_from_fp32(f, x, mode, golden::Overflow::Infinity))
              << f.name() << " " << to_string(mode) << " " << hex(x);
        }
      }
}

// The inline kernel's rounding is golden::round_shift_right (the rounding
// primitive of every quantizer), for every shift.
TEST(FpCoreGolden, KernelRoundingIsRoundShiftRight) {
  std::mt19937_64 rng(8);
  for (Rounding mode : kModes)
    for (int i = 0; i < 200000; ++i) {
      const int width = 1 + static_cast<int>(rng() % 64);
      uint64_t mag = rng() >> (64 - width);
      if (rng() % 4 == 0) mag &= ~uint64_t{0} << (rng() % 64);  // ties
      const int shift = static_cast<int>(rng() % 80) - 8;
      if (shift < 0) mag &= ~uint64_t{0} >> -shift;   // the left shift must not overflow
      if (shift > 0 && shift < 64 && rng() % 3 == 0)  // exactly a half below the quantum
        mag = (mag & (~uint64_t{0} << shift)) | (uint64_t{1} << (shift - 1));
      const uint64_t want =
          shift <= 0 ? mag << -shift : golden::round_shift_right(mag, shift, mode);
      ASSERT_EQ(golden::fp_detail::round_shift(mag, shift, mode), want)
          << to_string(mode) << " mag " << mag << " shift " << shift;
    }
}

TEST(FpSumGolden, TreeMatchesLevelByLevelReference) {
  std::mt19937_64 rng(9);
  const FpAddSpec s{FloatFormat::bf16(), Rounding::NearestEven};
  for (std::size_t n = 1; n <= 40; ++n) {
    std::vector<uint32_t> x(n);
    for (auto& v : x) v = fp_operand_io::random_code(s.f, rng);
    std::vector<uint32_t> level = x;
    while (level.size() > 1) {
      std::vector<uint32_t> next;
      for (std::size_t i = 0; i + 1 < level.size(); i += 2)
        next.push_back(golden::fp_add(s, level[i], level[i + 1]));
      if (level.size() % 2) next.push_back(level.back());
      level = next;
    }
    EXPECT_EQ(golden::fp_sum_tree(s, x.data(), n), level[0]) << "n = " << n;
  }
}

TEST(FpSumGolden, TreeAndSerialOrders) {
  const FpAddSpec s{FloatFormat::fp32(), Rounding::NearestEven};
  // 1 + 2^-24 + 2^-24 + ...: serial loses every tiny term, a tree keeps them.
  std::vector<uint32_t> x(8, bits_of(0x1p-24f));
  x[0] = bits_of(1.0f);
  EXPECT_EQ(golden::fp_sum_serial(s, 0u, x.data(), x.size()), bits_of(1.0f));
  // Tree: ((1 + e) + (e + e)) + ((e + e) + (e + e)) = 1 + 2^-23 (1 + e rounds to 1, the rest is
  // exact).
  EXPECT_EQ(golden::fp_sum_tree(s, x.data(), x.size()), bits_of(1.0f + 0x1p-23f * 3.0f));
  // Odd lengths: the last element passes up a level.
  const std::vector<uint32_t> y = {bits_of(1.0f), bits_of(2.0f), bits_of(4.0f)};
  EXPECT_EQ(golden::fp_sum_tree(s, y.data(), 3), bits_of(7.0f));
  EXPECT_EQ(golden::fp_sum_tree(s, y.data(), 0), 0u);
  // fp_dot_step: bf16 products exact in fp32, summed by the tree, then added
  // to the accumulator.
  const FpMulSpec m;
  const std::vector<uint32_t> a = {0x3fc0u, 0x4000u, 0xbf80u};  // 1.5, 2, -1
  const std::vector<uint32_t> b = {0x4000u, 0x3f00u, 0x3e80u};  // 2, 0.5, 0.25
  EXPECT_EQ(golden::fp_dot_step(m, s, bits_of(10.0f), a.data(), b.data(), 3), bits_of(13.75f));
  // fp_dot: chunks of `lanes`, each a dot step on the running accumulator.
  EXPECT_EQ(golden::fp_dot(m, s, bits_of(10.0f), a.data(), b.data(), 3, 8), bits_of(13.75f));
  // Where the chunking shows, worked out by hand: 1 + four products 2^-24
  // (bf16 0x3380 x 1.0). One lane: each 1 + 2^-24 is a tie that rounds back
  // to 1 (even). Two lanes: each chunk adds its exact tree sum 2^-23, giving
  // 1 + 2^-23, then 1 + 2^-22. Four lanes: one chunk, 1 + 2^-22.
  const std::vector<uint32_t> tiny(4, 0x3380u), ones(4, 0x3f80u);
  EXPECT_EQ(golden::fp_dot(m, s, bits_of(1.0f), tiny.data(), ones.data(), 4, 1), bits_of(1.0f));
  EXPECT_EQ(golden::fp_dot(m, s, bits_of(1.0f), tiny.data(), ones.data(), 4, 2),
            bits_of(1.0f + 0x1p-22f));
  EXPECT_EQ(golden::fp_dot(m, s, bits_of(1.0f), tiny.data(), ones.data(), 4, 4),
            bits_of(1.0f + 0x1p-22f));
  // Three products, two lanes: 1 + 2^-23 (odd), then + 2^-24, a tie that
  // rounds up to the even 1 + 2^-22; one lane stays at 1.
  EXPECT_EQ(golden::fp_dot(m, s, bits_of(1.0f), tiny.data(), ones.data(), 3, 2),
            bits_of(1.0f + 0x1p-22f));
  EXPECT_EQ(golden::fp_dot(m, s, bits_of(1.0f), tiny.data(), ones.data(), 3, 1), bits_of(1.0f));
}

}  // namespace
}  // namespace bf
