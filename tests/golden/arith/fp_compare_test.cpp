// fp_compare / fp_min / fp_max: every pair of codes of formats with each
// special-value policy against an order computed from exact decoded values
// (exact_reference.hpp), plus the signed-zero, DAZ and NaN rules by hand.
#include "golden/arith/fp_compare.hpp"

#include <gtest/gtest.h>

#include "tests/golden/arith/exact_reference.hpp"

namespace bf {
namespace {

using golden::FloatFormat;
using testref::Exact;

// The documented order from exact values: NaNs by sign beyond the
// infinities, -0 < +0, numbers by value.
int ref_compare(const FloatFormat& f, uint32_t a, uint32_t b) {
  const Exact x = testref::exact_decode(f, a), z = testref::exact_decode(f, b);
  const auto group = [](const Exact& v) {
    const int g = v.kind == Exact::NaN ? 2 : v.kind == Exact::Inf ? 1 : 0;
    return v.neg ? -g : g;
  };
  const int gx = group(x), gz = group(z);
  if (gx != gz) return gx < gz ? -1 : 1;
  if (x.kind != Exact::Num) return 0;
  if (x.neg != z.neg) return x.neg ? -1 : 1;  // -0 < +0 included
  const int m = testref::cmp_mag(x, z);
  return x.neg ? -m : m;
}

bool ref_is_nan(const FloatFormat& f, uint32_t c) {
  return testref::exact_decode(f, c).kind == Exact::NaN;
}

TEST(FpCompare, EveryPairMatchesExactOrder) {
  for (const char* name : {"e5m2", "e4m3", "e3m2", "e2m1", "fp10_e5m4", "fp10_e6m3"})
    for (bool sub : {true, false}) {
      FloatFormat f = *FloatFormat::parse(name);
      f.subnormals = sub;
      const uint32_t n = 1u << f.width();
      const uint32_t nan = f.specials == golden::SpecialValues::Ieee
                               ? (((1u << f.exp_bits) - 1) << f.man_bits) | (1u << (f.man_bits - 1))
                               : (1u << (f.width() - 1)) - 1;
      long fails = 0;
      for (uint32_t a = 0; a < n; ++a)
        for (uint32_t b = 0; b < n; ++b) {
          const int want = ref_compare(f, a, b);
          const bool any_nan = ref_is_nan(f, a) || ref_is_nan(f, b);
          const uint32_t want_min = any_nan ? nan : want <= 0 ? a : b;
          const uint32_t want_max = any_nan ? nan : want >= 0 ? a : b;
          if ((golden::fp_compare(f, a, b) != want || golden::fp_min(f, a, b) != want_min ||
               golden::fp_max(f, a, b) != want_max) &&
              ++fails <= 5)
            ADD_FAILURE() << f.name() << " " << a << " vs " << b;
        }
      EXPECT_EQ(fails, 0) << f.name();
    }
}

TEST(FpCompare, SignedZerosDazAndNanByHand) {
  const FloatFormat f32 = FloatFormat::fp32();
  const uint32_t pz = 0x00000000u, nz = 0x80000000u;
  EXPECT_EQ(golden::fp_compare(f32, nz, pz), -1);
  EXPECT_EQ(golden::fp_min(f32, pz, nz), nz);  // min(+0, -0) = -0 in either order
  EXPECT_EQ(golden::fp_min(f32, nz, pz), nz);
  EXPECT_EQ(golden::fp_max(f32, nz, pz), pz);
  EXPECT_EQ(golden::fp_max(f32, pz, nz), pz);
  EXPECT_EQ(golden::fp_max(f32, 0x3f800000u, 0x7fc12345u), 0x7fc00000u);  // NaN: canonical
  EXPECT_EQ(golden::fp_min(f32, 0xffc00001u, 0xff800000u), 0x7fc00000u);
  EXPECT_EQ(golden::fp_compare(f32, 0xff800000u, 0xff7fffffu), -1);  // -Inf < -max
  EXPECT_EQ(golden::fp_min(FloatFormat::e4m3(), 0x7f, 0x01), 0x7fu);
  // Subnormals read as zero when the format flushes them: +subnormal == +0,
  // and the operand order decides which code is returned.
  FloatFormat ftz = f32;
  ftz.subnormals = false;
  EXPECT_EQ(golden::fp_compare(ftz, 0x00000001u, pz), 0);
  EXPECT_EQ(golden::fp_compare(ftz, 0x80000001u, pz), -1);  // reads as -0
  EXPECT_EQ(golden::fp_max(ftz, 0x00000001u, pz), 0x00000001u);
  EXPECT_EQ(golden::fp_max(ftz, pz, 0x00000001u), pz);
  EXPECT_EQ(golden::fp_compare(f32, 0x00000001u, pz), 1);
  // No specials: the all-ones exponent is an ordinary binade.
  const FloatFormat f154 = *FloatFormat::parse("fp10_e5m4");
  EXPECT_EQ(golden::fp_max(f154, 0x1ff, 0x1f0), 0x1ffu);
  EXPECT_EQ(golden::fp_min(f154, 0x3ff, 0x1ff), 0x3ffu);
  EXPECT_LT(golden::fp_order_key(f154, 0x3ff), golden::fp_order_key(f154, 0x200));
}

}  // namespace
}  // namespace bf
