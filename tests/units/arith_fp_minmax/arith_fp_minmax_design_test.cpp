// arith.fp_minmax: b_taken is what a running-extreme register needs (loading
// b exactly when b_taken keeps the first extreme of a stream, ties and -0/+0
// and DAZ aliases included), y is fp_max / fp_min, and bad parameters name
// their key. The RTL is checked against this model by the AllUnits tests.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "generator/design/registry.hpp"
#include "golden/arith/fp_compare.hpp"
#include "golden/units/arith_fp_minmax/arith_fp_minmax.hpp"

namespace bf {
namespace {

using golden::FloatFormat;
using golden::FpMinMaxSpec;

// Codes drawn from a few values so that ties, -0/+0 and DAZ aliases are
// common.
std::vector<uint32_t> stream(const FloatFormat& f, std::mt19937_64& rng, int n, bool nan) {
  const uint32_t sgn = 1u << (f.exp_bits + f.man_bits);
  const uint32_t one = static_cast<uint32_t>(f.bias()) << f.man_bits;
  std::vector<uint32_t> pool = {0u,
                                sgn,
                                1u,
                                sgn | 1u,
                                one,
                                one | sgn,
                                one + 1,
                                f.max_normal_code(),
                                sgn | f.max_normal_code()};
  std::vector<uint32_t> xs;
  for (int i = 0; i < n; ++i) xs.push_back(pool[rng() % pool.size()]);
  if (nan && f.specials == golden::SpecialValues::Ieee)
    xs[rng() % xs.size()] = (((1u << f.exp_bits) - 1) << f.man_bits) | 1u;
  return xs;
}

TEST(ArithFpMinMax, BTakenKeepsTheFirstExtremeOfAStream) {
  std::mt19937_64 rng(9);
  for (const char* name : {"fp32", "fp16_ftz", "fp10_e5m4", "e4m3"})
    for (bool max : {true, false})
      for (int trial = 0; trial < 2000; ++trial) {
        const FloatFormat f = *FloatFormat::parse(name);
        const FpMinMaxSpec s{f, max};
        const auto xs = stream(f, rng, 1 + static_cast<int>(rng() % 12), trial % 7 == 0);
        uint32_t run = xs[0];
        std::size_t pos = 0;
        for (std::size_t i = 1; i < xs.size(); ++i) {
          const auto r = golden::fp_minmax(s, run, xs[i]);
          if (r.b_taken) pos = i;
          run = r.b_taken ? xs[i] : run;
        }
        // The first index whose order key is the extreme.
        std::size_t want = 0;
        for (std::size_t i = 1; i < xs.size(); ++i) {
          const int64_t ki = golden::fp_order_key(f, xs[i]), kw = golden::fp_order_key(f, xs[want]);
          if (max ? ki > kw : ki < kw) want = i;
        }
        ASSERT_EQ(pos, want) << name << (max ? " max" : " min");
        ASSERT_EQ(golden::fp_order_key(f, run), golden::fp_order_key(f, xs[want]));
      }
}

TEST(ArithFpMinMax, YIsFpMaxOrFpMin) {
  std::mt19937_64 rng(10);
  const FloatFormat f = FloatFormat::fp16();
  for (int k = 0; k < 100000; ++k) {
    const uint32_t a = static_cast<uint32_t>(rng()) & 0xffffu,
                   b = static_cast<uint32_t>(rng()) & 0xffffu;
    EXPECT_EQ(golden::fp_minmax({f, true}, a, b).y, golden::fp_max(f, a, b));
    EXPECT_EQ(golden::fp_minmax({f, false}, a, b).y, golden::fp_min(f, a, b));
  }
  // -0 < +0 whatever the order; equal keys return a.
  EXPECT_EQ(golden::fp_minmax({f, true}, 0x8000u, 0x0000u).y, 0x0000u);
  EXPECT_TRUE(golden::fp_minmax({f, true}, 0x8000u, 0x0000u).b_taken);
  EXPECT_FALSE(golden::fp_minmax({f, true}, 0x3c00u, 0x3c00u).b_taken);
  const FloatFormat ftz = *FloatFormat::parse("fp16_ftz");
  EXPECT_FALSE(golden::fp_minmax({ftz, true}, 0x0000u, 0x0001u).b_taken);  // DAZ: equal keys
  EXPECT_EQ(golden::fp_minmax({ftz, true}, 0x0000u, 0x0001u).y, 0x0000u);
}

void expect_param_error(const std::string& params, const std::string& key) {
  try {
    load_design_text("unit = \"arith.fp_minmax\"\n[params]\n" + params + "\n", "t.toml");
    FAIL() << "accepted: " << params;
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
  }
}

TEST(ArithFpMinMax, BadParametersNameTheKey) {
  expect_param_error("format = \"fp7_e9m2\"", "format");
  expect_param_error("op = \"argmax\"", "op");
}

}  // namespace
}  // namespace bf
