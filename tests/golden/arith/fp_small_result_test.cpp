// fp_add / fp_mul / fp_round_pack with result formats that have no special
// values (LightNorm's fp10 1-5-4 and 1-6-3, fp12, fp15, "+K" widenings, fp6,
// fp4) and the Overflow policy, against the exact search-based reference of
// exact_reference.hpp: every pair of codes for the 10-bit formats, samples for
// the wider ones, and a proof that the checker reports a wrong answer.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"
#include "tests/golden/arith/exact_reference.hpp"

namespace bf {
namespace {

using golden::FloatFormat;
using golden::FpAddSpec;
using golden::FpMulSpec;
using golden::Overflow;
using golden::Rounding;
using golden::SpecialValues;

constexpr Rounding kModes[] = {Rounding::NearestEven, Rounding::NearestAway, Rounding::Truncate};

FloatFormat fmt_of(const char* name, bool subnormals = true) {
  FloatFormat f = *FloatFormat::parse(name);
  f.subnormals = subnormals;
  return f;
}

// Compares `golden` with `ref` on every pair (a, b) in [0, na) x [0, nb);
// returns the number of mismatches and describes the first few.
struct Mismatches {
  long count = 0;
  std::string first;
};
template <class G, class R>
Mismatches all_pairs(uint32_t na, uint32_t nb, G golden, R ref) {
  Mismatches m;
  for (uint32_t a = 0; a < na; ++a)
    for (uint32_t b = 0; b < nb; ++b) {
      const uint32_t got = golden(a, b), want = ref(a, b);
      if (got != want && m.count++ < 5)
        m.first +=
            fmt::format(" [0x{:x}, 0x{:x}: golden 0x{:x} reference 0x{:x}]", a, b, got, want);
    }
  return m;
}

// ---- every pair of the 10-bit LightNorm formats ------------------------------

TEST(FpSmallResult, Fp10AddEveryPair) {
  for (const char* name : {"fp10_e5m4", "fp10_e6m3"})
    for (bool sub : {true, false})
      for (Rounding mode : kModes) {
        const FloatFormat f = fmt_of(name, sub);
        const FpAddSpec s{f, mode};
        s.validate();
        const Mismatches m = all_pairs(
            1024, 1024, [&](uint32_t a, uint32_t b) { return golden::fp_add(s, a, b); },
            [&](uint32_t a, uint32_t b) { return testref::exact_ref_add(f, a, b, {mode}); });
        EXPECT_EQ(m.count, 0) << f.name() << " " << to_string(mode) << m.first;
      }
}

TEST(FpSmallResult, Fp10MulEveryPair) {
  for (const char* name : {"fp10_e5m4", "fp10_e6m3"})
    for (bool sub : {true, false})
      for (Rounding mode : kModes) {
        const FloatFormat f = fmt_of(name, sub);
        const FpMulSpec s{f, f, f, mode};
        s.validate();
        const Mismatches m = all_pairs(
            1024, 1024, [&](uint32_t a, uint32_t b) { return golden::fp_mul(s, a, b); },
            [&](uint32_t a, uint32_t b) { return testref::exact_ref_mul(f, a, f, b, f, {mode}); });
        EXPECT_EQ(m.count, 0) << f.name() << " " << to_string(mode) << m.first;
      }
}

// Mixed formats: 1-5-4 (forward) times 1-6-3 (gradient) into either, where
// products overflow and underflow the narrower exponent often.
TEST(FpSmallResult, Fp10MixedMulEveryPair) {
  const FloatFormat f154 = fmt_of("fp10_e5m4"), f163 = fmt_of("fp10_e6m3");
  for (const FloatFormat& y : {f154, f163})
    for (Rounding mode : kModes) {
      const FpMulSpec s{f154, f163, y, mode};
      const Mismatches m = all_pairs(
          1024, 1024, [&](uint32_t a, uint32_t b) { return golden::fp_mul(s, a, b); },
          [&](uint32_t a, uint32_t b) {
            return testref::exact_ref_mul(f154, a, f163, b, y, {mode});
          });
      EXPECT_EQ(m.count, 0) << y.name() << " " << to_string(mode) << m.first;
    }
}

// IEEE operands with Inf and NaN into a format without them: NaN -> +max,
// Inf -> +-max (encode_from_fp32's policy), every e5m2 x fp10 pair.
TEST(FpSmallResult, IeeeOperandsIntoFormatWithoutSpecials) {
  const FloatFormat e5m2 = FloatFormat::e5m2(), y = fmt_of("fp10_e5m4");
  for (Rounding mode : kModes) {
    const FpMulSpec s{e5m2, y, y, mode};
    const Mismatches m = all_pairs(
        256, 1024, [&](uint32_t a, uint32_t b) { return golden::fp_mul(s, a, b); },
        [&](uint32_t a, uint32_t b) { return testref::exact_ref_mul(e5m2, a, y, b, y, {mode}); });
    EXPECT_EQ(m.count, 0) << to_string(mode) << m.first;
  }
  const FpMulSpec s{e5m2, y, y, Rounding::NearestEven};
  const uint32_t max = 0x1ff, neg = 0x200;               // 1-5-4: 2^16 * 1.9375 = 126976
  EXPECT_EQ(golden::fp_mul(s, 0x7d, 0x0f0), max);        // NaN * 1.0 -> +max
  EXPECT_EQ(golden::fp_mul(s, 0xfd, 0x0f0), max);        // -NaN too: positive, as a canonical NaN
  EXPECT_EQ(golden::fp_mul(s, 0x7c, 0x000), max);        // Inf * 0 = NaN -> +max
  EXPECT_EQ(golden::fp_mul(s, 0x7c, 0x2f0), neg | max);  // Inf * -1 = -Inf -> -max
  EXPECT_EQ(golden::fp_mul(s, 0xfc, 0x2f0), max);        // -Inf * -1 = +Inf -> +max
}

// ---- smaller and wider formats without specials ----------------------------

TEST(FpSmallResult, Fp6Fp4EveryPair) {
  for (const char* name : {"e3m2", "e2m3", "e2m1"})
    for (bool sub : {true, false})
      for (Rounding mode : kModes) {
        const FloatFormat f = fmt_of(name, sub);
        const uint32_t n = 1u << f.width();
        const FpAddSpec sa{f, mode};
        const FpMulSpec sm{f, f, f, mode};
        const Mismatches ma = all_pairs(
            n, n, [&](uint32_t a, uint32_t b) { return golden::fp_add(sa, a, b); },
            [&](uint32_t a, uint32_t b) { return testref::exact_ref_add(f, a, b, {mode}); });
        const Mismatches mm = all_pairs(
            n, n, [&](uint32_t a, uint32_t b) { return golden::fp_mul(sm, a, b); },
            [&](uint32_t a, uint32_t b) { return testref::exact_ref_mul(f, a, f, b, f, {mode}); });
        EXPECT_EQ(ma.count, 0) << f.name() << " add " << to_string(mode) << ma.first;
        EXPECT_EQ(mm.count, 0) << f.name() << " mul " << to_string(mode) << mm.first;
      }
}

// fp12 1-5-6 / 1-6-5, fp15 1-6-8 and the "+K" formats (fp10 1-5-4+8 = e5m12,
// 1-6-3+8 = e6m11): random pairs, half of them with close exponents
// (cancellation and rounding ties).
TEST(FpSmallResult, WiderFormatsSampled) {
  std::mt19937_64 rng(11);
  for (const char* name : {"fp12_e5m6", "fp12_e6m5", "fp15_e6m8", "fp10_e5m4+8", "fp10_e6m3+8"})
    for (bool sub : {true, false})
      for (Rounding mode : kModes) {
        const FloatFormat f = fmt_of(name, sub);
        const uint32_t mask = (1u << f.width()) - 1;
        const FpAddSpec sa{f, mode};
        const FpMulSpec sm{f, f, f, mode};
        long fails = 0;
        for (int i = 0; i < 40000; ++i) {
          const uint32_t a = static_cast<uint32_t>(rng()) & mask;
          uint32_t b = static_cast<uint32_t>(rng()) & mask;
          if (i % 2)
            b = (a ^ (b & (1u << (f.width() - 1)))) + static_cast<uint32_t>(rng() % 7) - 3u;
          b &= mask;
          if (golden::fp_add(sa, a, b) != testref::exact_ref_add(f, a, b, {mode}) && ++fails <= 3)
            ADD_FAILURE() << f.name() << " add " << a << " " << b;
          if (golden::fp_mul(sm, a, b) != testref::exact_ref_mul(f, a, f, b, f, {mode}) &&
              ++fails <= 3)
            ADD_FAILURE() << f.name() << " mul " << a << " " << b;
        }
        EXPECT_EQ(fails, 0) << f.name() << " " << to_string(mode);
      }
}

// ---- overflow: worked examples and the policy on IEEE formats --------------

TEST(FpSmallResult, SaturationByHand) {
  const FloatFormat f = fmt_of("fp10_e5m4");  // max normal 0x1ff = 126976
  for (Rounding mode : kModes) {
    const FpAddSpec s{f, mode};
    EXPECT_EQ(golden::fp_add(s, 0x1ff, 0x1ff), 0x1ffu) << to_string(mode);  // max + max
    EXPECT_EQ(golden::fp_add(s, 0x3ff, 0x3ff), 0x3ffu) << to_string(mode);  // -max - max
    EXPECT_EQ(golden::fp_add(s, 0x1ff, 0x3ff), 0x000u) << to_string(mode);  // x - x = +0
    EXPECT_EQ(golden::fp_add(s, 0x200, 0x200), 0x200u) << to_string(mode);  // -0 + -0
    // 2^16 * 2^1 = 2^17: beyond max, saturates (no Inf code exists).
    EXPECT_EQ(golden::fp_mul(FpMulSpec{f, f, f, mode}, 0x1f0, 0x100), 0x1ffu);
    // The all-ones exponent is a normal binade here: 2^15 * 2 = 2^16 (0x1f0).
    EXPECT_EQ(golden::fp_mul(FpMulSpec{f, f, f, mode}, 0x1e0, 0x100), 0x1f0u);
  }
  // Overflow::Saturate and Overflow::Infinity agree where there is no Inf.
  const FpAddSpec sat{f, Rounding::NearestEven, Overflow::Saturate};
  EXPECT_EQ(golden::fp_add(sat, 0x1ff, 0x1ff), 0x1ffu);
  // fp_round_pack: 2^17 into 1-5-4 (sig 1, exp 17).
  EXPECT_EQ(golden::fp_round_pack(f, true, 1, 17, Rounding::NearestEven), 0x3ffu);
}

// Overflow::Saturate on IEEE formats: finite overflow gives max normal under
// every mode; Inf operands still give Inf. Every e5m2 pair.
TEST(FpSmallResult, SaturatingIeeeArithmetic) {
  const FloatFormat f = FloatFormat::e5m2();
  for (bool sat : {false, true})
    for (Rounding mode : kModes) {
      const Overflow ov = sat ? Overflow::Saturate : Overflow::Infinity;
      const FpAddSpec sa{f, mode, ov};
      const FpMulSpec sm{f, f, f, mode, ov};
      const testref::ResultPolicy p{mode, sat};
      const Mismatches ma = all_pairs(
          256, 256, [&](uint32_t a, uint32_t b) { return golden::fp_add(sa, a, b); },
          [&](uint32_t a, uint32_t b) { return testref::exact_ref_add(f, a, b, p); });
      const Mismatches mm = all_pairs(
          256, 256, [&](uint32_t a, uint32_t b) { return golden::fp_mul(sm, a, b); },
          [&](uint32_t a, uint32_t b) { return testref::exact_ref_mul(f, a, f, b, f, p); });
      EXPECT_EQ(ma.count, 0) << "add " << sat << " " << to_string(mode) << ma.first;
      EXPECT_EQ(mm.count, 0) << "mul " << sat << " " << to_string(mode) << mm.first;
    }
  const FpAddSpec s{f, Rounding::NearestEven, Overflow::Saturate};
  EXPECT_EQ(golden::fp_add(s, 0x7b, 0x7b), 0x7bu);  // 57344 + 57344 -> 57344
  EXPECT_EQ(golden::fp_add(s, 0x7c, 0x7b), 0x7cu);  // Inf + max = Inf
  EXPECT_EQ(golden::fp_round_pack(FloatFormat::fp32(), false, 1, 128, Rounding::NearestEven,
                                  Overflow::Saturate),
            0x7f7fffffu);
  EXPECT_EQ(golden::fp_round_pack(FloatFormat::fp32(), false, 1, 128, Rounding::NearestEven),
            0x7f800000u);
}

TEST(FpSmallResult, ResultFormatsAccepted) {
  EXPECT_NO_THROW((FpAddSpec{fmt_of("fp10_e5m4"), Rounding::Truncate}.validate()));
  EXPECT_NO_THROW(
      (FpMulSpec{FloatFormat::bf16(), FloatFormat::bf16(), fmt_of("e2m1"), Rounding::NearestEven}
           .validate()));
  // e4m3 (NaN but no Inf) is not a result format.
  EXPECT_THROW((FpAddSpec{FloatFormat::e4m3(), Rounding::NearestEven}.validate()),
               std::invalid_argument);
  EXPECT_THROW((FpMulSpec{FloatFormat::bf16(), FloatFormat::bf16(), FloatFormat::e4m3(),
                          Rounding::NearestEven}
                    .validate()),
               std::invalid_argument);
}

// ---- the checker catches wrong answers ---------------------------------------

TEST(FpSmallResult, CheckerReportsWrongAnswers) {
  const FloatFormat f = fmt_of("fp10_e5m4");
  const FpAddSpec s{f, Rounding::NearestEven};
  const auto ref = [&](uint32_t a, uint32_t b) {
    return testref::exact_ref_add(f, a, b, {Rounding::NearestEven});
  };
  // One corrupted bit in one of 2^20 results is found, and only that one.
  const Mismatches one = all_pairs(
      1024, 1024,
      [&](uint32_t a, uint32_t b) {
        return golden::fp_add(s, a, b) ^ (a == 0x123 && b == 0x0f1 ? 1u : 0u);
      },
      ref);
  EXPECT_EQ(one.count, 1);
  EXPECT_NE(one.first.find("0x123, 0xf1"), std::string::npos) << one.first;
  // A wrong tie rule (ties away instead of to even) is found.
  const FpAddSpec away{f, Rounding::NearestAway};
  const Mismatches ties = all_pairs(
      1024, 1024, [&](uint32_t a, uint32_t b) { return golden::fp_add(away, a, b); }, ref);
  EXPECT_GT(ties.count, 1000);
  // And the reference itself is not vacuous: 1 + 2^-5 (a tie in 1-5-4) -> 1.
  EXPECT_EQ(testref::exact_ref_add(f, 0x0f0, 0x0a0, {Rounding::NearestEven}), 0x0f0u);
  EXPECT_EQ(testref::exact_ref_add(f, 0x0f0, 0x0a0, {Rounding::NearestAway}), 0x0f1u);
}

}  // namespace
}  // namespace bf
