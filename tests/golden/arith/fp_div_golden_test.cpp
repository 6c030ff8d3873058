// golden::fp_div against independent references: the host's correctly
// rounded fp32 division (divss) on millions of biased pairs, a round-to-odd
// double quotient for every other result format and mode
// (div_sqrt_reference.hpp), exhaustive e5m2, the IEEE special cases, and a
// check that the comparison catches a divider that drops its sticky bit.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "generator/design/fp_operand_io.hpp"
#include "golden/arith/fp_div.hpp"
#include "tests/golden/arith/div_sqrt_reference.hpp"

namespace bf {
namespace {

using golden::FloatFormat;
using golden::FpDivSpec;
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

// Operands whose quotient has exponent L_a - L_b = L (the quotient's own
// exponent is L or L - 1).
std::pair<uint32_t, uint32_t> quotient_near(const FloatFormat& fa, const FloatFormat& fb, int L,
                                            std::mt19937_64& rng) {
  const int lo = std::max(io::l_lo(fa), L + io::l_lo(fb));
  const int hi = std::min(io::l_hi(fa), L + io::l_hi(fb));
  const int la = lo > hi ? std::clamp(L, io::l_lo(fa), io::l_hi(fa))
                         : lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
  return {io::make_code(fa, rng() & 1, la, io::random_frac(fa, rng)),
          io::make_code(fb, rng() & 1, la - L, io::random_frac(fb, rng))};
}

// Biased fp-format operand pairs: specials, quotients at the underflow and
// overflow thresholds (subnormal results, ties on the subnormal grid, round
// up to min normal, overflow), exact quotients (b * c exact, so a / b = c),
// quotients near 1 (close significands), subnormal operands, anything.
std::pair<uint32_t, uint32_t> div_pair(const FloatFormat& fa, const FloatFormat& fb,
                                       const FloatFormat& fy, std::mt19937_64& rng) {
  const int r = static_cast<int>(rng() % 100);
  if (r < 8) {
    const auto sa = io::special_codes(fa), sb = io::special_codes(fb);
    return {sa[rng() % sa.size()], sb[rng() % sb.size()]};
  }
  if (r < 25)
    return quotient_near(fa, fb, fy.emin() + 2 - static_cast<int>(rng() % (fy.man_bits + 6)), rng);
  if (r < 35) return quotient_near(fa, fb, fy.emax() - 1 + static_cast<int>(rng() % 3), rng);
  if (r < 45) {
    // a = b * c for short significands (exact in double and, when the check
    // passes, in fa): a / b = c exactly, the remainder is 0.
    const auto short_code = [&rng](const FloatFormat& f) {
      const int M = f.man_bits;
      const uint32_t frac = io::random_frac(f, rng) & ~((1u << (M - M / 2)) - 1);
      return io::make_code(f, rng() & 1, static_cast<int>(rng() % 41) - 20, frac);
    };
    const uint32_t b = short_code(fb), c = short_code(fy);
    const double p = golden::decode(fb, b) * golden::decode(fy, c);
    const float pf = static_cast<float>(p);
    if (static_cast<double>(pf) == p) {
      const uint32_t a = golden::encode_from_fp32(fa, bits_of(pf), Rounding::Truncate);
      if (golden::decode(fa, a) == p) return {a, b};
    }
    return {io::random_code(fa, rng), b};
  }
  if (r < 55) {
    const int L = static_cast<int>(rng() % 21) - 10;
    const uint32_t frac = io::random_frac(fa, rng);
    const int d = fa.man_bits - fb.man_bits;
    const uint32_t fbits =
        (d >= 0 ? frac >> d : frac << -d) + static_cast<uint32_t>(rng() % 5) - 2u;
    return {io::make_code(fa, rng() & 1, L, frac), io::make_code(fb, rng() & 1, L, fbits)};
  }
  if (r < 65) {
    const auto sub = [&rng](const FloatFormat& f) {
      return io::make_code(f, rng() & 1, f.emin() - 1 - static_cast<int>(rng() % f.man_bits),
                           io::random_frac(f, rng));
    };
    if (rng() % 3 == 0) return {sub(fa), sub(fb)};
    return (rng() & 1) ? std::pair{sub(fa), io::random_code(fb, rng)}
                       : std::pair{io::random_code(fa, rng), sub(fb)};
  }
  if (r < 85) return {io::random_code(fa, rng), io::random_code(fb, rng)};
  const auto any = [&rng](const FloatFormat& f) {
    return static_cast<uint32_t>(rng()) & ((uint32_t{1} << f.width()) - 1);
  };
  return {any(fa), any(fb)};
}

// Mismatches of `model` against the reference on n biased pairs of spec s
// (failures beyond the first few are only counted).
using DivModel = std::function<uint32_t(const FpDivSpec&, uint32_t, uint32_t)>;
long div_mismatches(const FpDivSpec& s, const DivModel& model, int n, uint64_t seed, bool report) {
  std::mt19937_64 rng(seed);
  long fails = 0;
  for (int i = 0; i < n; ++i) {
    const auto [a, b] = div_pair(s.a, s.b, s.y, rng);
    const uint32_t want = testref::div_reference(s.a, a, s.b, b, s.y, s.rounding);
    const uint32_t got = model(s, a, b);
    if (got != want && ++fails <= 10 && report)
      ADD_FAILURE() << s.a.name() << " / " << s.b.name() << " -> " << s.y.name() << " "
                    << to_string(s.rounding) << " " << hex(a) << " / " << hex(b) << ": golden "
                    << hex(got) << " reference " << hex(want);
  }
  return fails;
}

uint32_t golden_div(const FpDivSpec& s, uint32_t a, uint32_t b) { return golden::fp_div(s, a, b); }

// ---- fp32 against the host's float division --------------------------------

TEST(FpDivGolden, Fp32MatchesHostFloatDivide) {
  std::mt19937_64 rng(21);
  const FloatFormat f = FloatFormat::fp32();
  long n = 0, fails = 0;
  const auto check = [&](uint32_t a, uint32_t b) {
    for (Rounding mode : {Rounding::NearestEven, Rounding::Truncate}) {
      const uint32_t want = testref::host_div_fp32(a, b, mode);
      const uint32_t got = golden::fp_div(FpDivSpec{f, f, f, mode}, a, b);
      ++n;
      if (got != want && ++fails <= 10)
        ADD_FAILURE() << to_string(mode) << " " << hex(a) << " / " << hex(b) << ": golden "
                      << hex(got) << " host " << hex(want);
    }
  };
  const auto sp = io::special_codes(f);
  for (uint32_t a : sp)
    for (uint32_t b : sp) check(a, b);
  for (int i = 0; i < 2000000; ++i) {
    const auto [a, b] = div_pair(f, f, f, rng);
    check(a, b);
  }
  EXPECT_EQ(fails, 0) << "of " << n;
  EXPECT_GE(n, 4000000);
}

// Exact quotients built on the host: a = b * c with short significands, so
// a / b = c exactly and the sticky bit must be 0 (no rounding at all).
TEST(FpDivGolden, Fp32ExactQuotientsAreExact) {
  std::mt19937_64 rng(22);
  const FloatFormat f = FloatFormat::fp32();
  long n = 0;
  for (int i = 0; i < 300000; ++i) {
    const uint32_t b = io::make_code(f, rng() & 1, static_cast<int>(rng() % 201) - 100,
                                     io::random_frac(f, rng) & ~0xfffu);
    const uint32_t c = io::make_code(f, rng() & 1, static_cast<int>(rng() % 201) - 100,
                                     io::random_frac(f, rng) & ~0x7ffu);
    bool inexact = true;
    const float a =
        testref::host_op<float>(testref::Op::Mul, float_of(b), float_of(c), FE_TONEAREST, &inexact);
    if (inexact || std::isinf(a) || a == 0.0f) continue;
    for (Rounding mode : kModes)
      ASSERT_EQ(golden::fp_div(FpDivSpec{f, f, f, mode}, bits_of(a), b), c)
          << to_string(mode) << " " << hex(bits_of(a)) << " / " << hex(b);
    ++n;
  }
  EXPECT_GE(n, 100000);
}

// ---- every result format, rounding mode and subnormal policy ---------------

TEST(FpDivGolden, AllFormatsAndModesMatchRoundToOddReference) {
  long n = 0, fails = 0;
  uint64_t seed = 23;
  for (const char* name : {"fp32", "bf16", "fp16", "e5m2"})
    for (bool sub : {true, false})
      for (Rounding mode : kModes) {
        const FloatFormat f = with_subnormals(*FloatFormat::parse(name), sub);
        fails += div_mismatches(FpDivSpec{f, f, f, mode}, golden_div, 100000, seed++, true);
        n += 100000;
      }
  EXPECT_EQ(fails, 0) << "of " << n;
}

TEST(FpDivGolden, MixedFormatsMatchRoundToOddReference) {
  long n = 0, fails = 0;
  uint64_t seed = 24;
  const std::vector<std::string> ops = {"fp32", "bf16", "fp16", "e5m2", "e4m3", "e2m1"};
  for (const auto& an : ops)
    for (const auto& bn : ops)
      for (const char* yn : {"fp32", "bf16", "fp16", "e5m2"})
        for (bool sub : {true, false})
          for (Rounding mode : kModes) {
            const FpDivSpec s{with_subnormals(*FloatFormat::parse(an), sub),
                              with_subnormals(*FloatFormat::parse(bn), sub),
                              with_subnormals(*FloatFormat::parse(yn), sub), mode};
            fails += div_mismatches(s, golden_div, 2000, seed++, true);
            n += 2000;
          }
  EXPECT_EQ(fails, 0) << "of " << n;
}

TEST(FpDivGolden, E5m2Exhaustive) {
  long fails = 0;
  for (bool sub : {true, false})
    for (Rounding mode : kModes) {
      const FloatFormat f = with_subnormals(FloatFormat::e5m2(), sub);
      const FpDivSpec s{f, f, f, mode};
      for (uint32_t a = 0; a < 256; ++a)
        for (uint32_t b = 0; b < 256; ++b) {
          const uint32_t want = testref::div_reference(f, a, f, b, f, mode);
          const uint32_t got = golden::fp_div(s, a, b);
          if (got != want && ++fails <= 10)
            ADD_FAILURE() << f.name() << " " << to_string(mode) << " " << hex(a) << " / " << hex(b)
                          << ": golden " << hex(got) << " reference " << hex(want);
        }
    }
  EXPECT_EQ(fails, 0);
}

// bf16 / bf16 -> bf16: every dividend against a set of special and random
// divisors.
TEST(FpDivGolden, Bf16EveryDividend) {
  std::mt19937_64 rng(25);
  const FloatFormat bf = FloatFormat::bf16();
  std::vector<uint32_t> bs = io::special_codes(bf);
  for (int i = 0; i < 12; ++i) bs.push_back(static_cast<uint32_t>(rng()) & 0xffffu);
  long fails = 0;
  for (Rounding mode : kModes) {
    const FpDivSpec s{bf, bf, bf, mode};
    for (uint32_t a = 0; a < 0x10000u; ++a)
      for (uint32_t b : bs) {
        const uint32_t want = testref::div_reference(bf, a, bf, b, bf, mode);
        const uint32_t got = golden::fp_div(s, a, b);
        if (got != want && ++fails <= 10)
          ADD_FAILURE() << to_string(mode) << " " << hex(a) << " / " << hex(b) << ": golden "
                        << hex(got) << " reference " << hex(want);
      }
  }
  EXPECT_EQ(fails, 0);
}

// ---- IEEE facts --------------------------------------------------------------

TEST(FpDivGolden, IeeeSpecials) {
  for (bool sub : {true, false}) {
    const FloatFormat f = with_subnormals(FloatFormat::fp32(), sub);
    for (Rounding mode : kModes) {
      const FpDivSpec s{f, f, f, mode};
      // x / 0 is an exact infinity in every mode (division by zero, not overflow).
      EXPECT_EQ(golden::fp_div(s, 0x3f800000u, 0x00000000u), 0x7f800000u);
      EXPECT_EQ(golden::fp_div(s, 0x3f800000u, 0x80000000u), 0xff800000u);
      EXPECT_EQ(golden::fp_div(s, 0xff800000u, 0x00000000u), 0xff800000u);  // -Inf / +0
      EXPECT_EQ(golden::fp_div(s, 0x00000000u, 0x00000000u), 0x7fc00000u);  // 0 / 0
      EXPECT_EQ(golden::fp_div(s, 0xff800000u, 0x7f800000u), 0x7fc00000u);  // Inf / Inf
      EXPECT_EQ(golden::fp_div(s, 0xffc12345u, 0x3f800000u), 0x7fc00000u);  // canonical NaN
      EXPECT_EQ(golden::fp_div(s, 0x3f800000u, 0x7fa00000u), 0x7fc00000u);
      EXPECT_EQ(golden::fp_div(s, 0x42280000u, 0xff800000u), 0x80000000u);  // 42 / -Inf = -0
      EXPECT_EQ(golden::fp_div(s, 0x80000000u, 0x40a00000u), 0x80000000u);  // -0 / 5 = -0
      EXPECT_EQ(golden::fp_div(s, 0x7f800000u, 0x80000001u), 0xff800000u);
      EXPECT_EQ(golden::fp_div(s, 0x40c00000u, 0x40000000u), 0x40400000u);  // 6 / 2 = 3
      // 1 / 3 = 0x3eaaaaaa.aa..: nearest even and away give ...ab, truncate ...aa.
      EXPECT_EQ(golden::fp_div(s, 0x3f800000u, 0x40400000u),
                mode == Rounding::Truncate ? 0x3eaaaaaau : 0x3eaaaaabu);
      // max / 0.5 overflows: Inf (nearest), max normal (truncate).
      EXPECT_EQ(golden::fp_div(s, 0x7f7fffffu, 0x3f000000u),
                mode == Rounding::Truncate ? 0x7f7fffffu : 0x7f800000u);
    }
    // Subnormal results: 2^-126 / 4 = 2^-128 (0x00200000), flushed to 0
    // without subnormals; a subnormal operand reads as zero without them.
    const FpDivSpec s{f, f, f, Rounding::NearestEven};
    EXPECT_EQ(golden::fp_div(s, 0x00800000u, 0x40800000u), sub ? 0x00200000u : 0x00000000u);
    EXPECT_EQ(golden::fp_div(s, 0x00000001u, 0x3f800000u), sub ? 0x00000001u : 0x00000000u);
    EXPECT_EQ(golden::fp_div(s, 0x3f800000u, 0x80000001u), 0xff800000u);
    // A tie on the subnormal grid: 3 * 2^-149 / 2 = 1.5 ulp -> 2 ulp (even).
    EXPECT_EQ(golden::fp_div(s, 0x00000003u, 0x40000000u), sub ? 0x00000002u : 0x00000000u);
    // Just below 2^-126 rounds up to the smallest normal, kept without subnormals.
    EXPECT_EQ(golden::fp_div(s, 0x00ffffffu, 0x40000000u), 0x00800000u);
  }
}

// ---- the comparison can fail -------------------------------------------------

// A divider sized like the hardware (M_y + 3 quotient bits) that forgets the
// remainder: right under truncation and ties-away (they never need a sticky
// bit), wrong under nearest-even when the dropped bits look like a tie. The
// biased pairs and the reference must expose it, and a one-bit corruption in
// any mode.
TEST(FpDivGolden, ReferenceCatchesAWrongDivider) {
  const DivModel no_sticky = [](const FpDivSpec& s, uint32_t a, uint32_t b) {
    const golden::FpValue x = golden::fp_unpack(s.a, a), z = golden::fp_unpack(s.b, b);
    if (x.cls != golden::FpValue::Class::Finite || z.cls != golden::FpValue::Class::Finite)
      return golden::fp_div(s, a, b);
    const int sh = s.y.man_bits + 3 + static_cast<int>(std::bit_width(z.sig)) -
                   static_cast<int>(std::bit_width(x.sig));
    const uint64_t q = (x.sig << sh) / z.sig;  // remainder dropped
    return golden::fp_round_pack(s.y, x.sign != z.sign, q, x.exp - sh - z.exp, s.rounding);
  };
  const DivModel flipped = [](const FpDivSpec& s, uint32_t a, uint32_t b) {
    const uint32_t y = golden::fp_div(s, a, b);
    return (a ^ b) % 1024 == 7 ? y ^ 1u : y;
  };
  for (const char* name : {"fp32", "bf16", "fp16"}) {
    const FloatFormat f = *FloatFormat::parse(name);
    const FpDivSpec rne{f, f, f, Rounding::NearestEven};
    EXPECT_GT(div_mismatches(rne, no_sticky, 20000, 26, false), 100) << name;
    for (Rounding mode : kModes) {
      const FpDivSpec s{f, f, f, mode};
      EXPECT_GT(div_mismatches(s, flipped, 20000, 27, false), 0) << name << " " << to_string(mode);
      EXPECT_EQ(div_mismatches(s, golden_div, 20000, 26, true), 0) << name;
    }
  }
}

}  // namespace
}  // namespace bf
