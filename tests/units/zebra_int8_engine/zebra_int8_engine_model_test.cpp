// The golden model of zebra.int8_engine
// (golden/units/zebra_int8_engine/zebra_int8_engine.hpp): the requantizer on
// hand-computed values (round-half-up ties, negative values, clamps, relu,
// shift 0 and 31, mult 0 and max) and against an independent reference
// (floor division, no shifts); the dot function (exact products, int32
// wrap-around); the transaction stream (writes, reads of the same word,
// first / last, addresses past the memory); and a flipped weight bit in the
// memory changing acc by exactly x * (+-2^b), so a wrong weight is caught.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"

namespace bf {
namespace {

using golden::int8_engine_dot;
using golden::int8_engine_requantize;
using golden::Int8EngineModel;
using golden::Int8EngineParams;

constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kMin = std::numeric_limits<int32_t>::min();

int rq(int32_t t, uint32_t mult, int shift, bool relu = false) {
  return int8_engine_requantize(t, mult, shift, relu);
}

TEST(Int8EngineRequantize, TiesRoundHalfUp) {
  EXPECT_EQ(rq(1, 1, 1), 1);    // 0.5 -> 1
  EXPECT_EQ(rq(-1, 1, 1), 0);   // -0.5 -> 0
  EXPECT_EQ(rq(3, 1, 1), 2);    // 1.5 -> 2
  EXPECT_EQ(rq(-3, 1, 1), -1);  // -1.5 -> -1
  EXPECT_EQ(rq(5, 1, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(rq(-5, 1, 1), -2);  // -2.5 -> -2
  EXPECT_EQ(rq(6, 1, 2), 2);    // 1.5 -> 2
  EXPECT_EQ(rq(-6, 1, 2), -1);  // -1.5 -> -1
  EXPECT_EQ(rq(5, 1, 2), 1);    // 1.25 -> 1
  EXPECT_EQ(rq(7, 1, 2), 2);    // 1.75 -> 2
  EXPECT_EQ(rq(-7, 1, 2), -2);  // -1.75 -> -2
  EXPECT_EQ(rq(-5, 1, 2), -1);  // -1.25 -> -1
}

TEST(Int8EngineRequantize, MultiplierAndNegativeValues) {
  EXPECT_EQ(rq(7, 3, 2), 5);         // 21 / 4 = 5.25
  EXPECT_EQ(rq(-7, 3, 2), -5);       // -21 / 4 = -5.25
  EXPECT_EQ(rq(-10, 3, 2), -7);      // -30 / 4 = -7.5 -> -7 (half up)
  EXPECT_EQ(rq(1000, 100, 10), 98);  // 100000 / 1024 = 97.66
  EXPECT_EQ(rq(-1000, 100, 10), -98);
  EXPECT_EQ(rq(12345, 0, 0), 0);  // mult 0
  EXPECT_EQ(rq(kMin, 0, 31), 0);
}

TEST(Int8EngineRequantize, ClampsAndRelu) {
  EXPECT_EQ(rq(127, 1, 0), 127);
  EXPECT_EQ(rq(128, 1, 0), 127);
  EXPECT_EQ(rq(-128, 1, 0), -128);
  EXPECT_EQ(rq(-129, 1, 0), -128);
  EXPECT_EQ(rq(100, 3, 1), 127);    // 150
  EXPECT_EQ(rq(-100, 3, 1), -128);  // -150
  EXPECT_EQ(rq(-100, 3, 1, true), 0);
  EXPECT_EQ(rq(-1, 1, 0, true), 0);
  EXPECT_EQ(rq(-1, 1, 1, true), 0);  // -0.5 -> 0
  EXPECT_EQ(rq(100, 1, 0, true), 100);
  EXPECT_EQ(rq(1000, 1, 0, true), 127);
  EXPECT_EQ(rq(kMax, 1, 0), 127);
  EXPECT_EQ(rq(kMin, 1, 0), -128);
}

TEST(Int8EngineRequantize, ShiftThirtyOneAndTheLargestMultiplier) {
  EXPECT_EQ(rq(kMax, 1, 31), 1);        // (2^31 - 1) / 2^31 -> 1
  EXPECT_EQ(rq(kMin, 1, 31), -1);       // -1 exactly
  EXPECT_EQ(rq(1 << 30, 1, 31), 1);     // 0.5 -> 1
  EXPECT_EQ(rq(-(1 << 30), 1, 31), 0);  // -0.5 -> 0
  EXPECT_EQ(rq((1 << 30) - 1, 1, 31), 0);
  const uint32_t mmax = (1u << 31) - 1;
  // (2^31 - 1)^2 / 2^31 = 2^31 - 2 + tiny: clamps to 127.
  EXPECT_EQ(rq(kMax, mmax, 31), 127);
  EXPECT_EQ(rq(kMin, mmax, 31), -128);
  EXPECT_EQ(rq(kMin, mmax, 31, true), 0);
  EXPECT_EQ(rq(1, mmax, 31), 1);    // (2^31 - 1) / 2^31 -> 1
  EXPECT_EQ(rq(-1, mmax, 31), -1);  // -(2^31 - 1) / 2^31 = -0.99.. -> -1
}

// round(p / 2^s) half up by floor division, clamped: no shifts.
int reference(int32_t t, uint32_t mult, int shift, bool relu) {
  const int64_t p = static_cast<int64_t>(t) * static_cast<int64_t>(mult);
  const int64_t d = int64_t{1} << shift;
  // floor((2p + d) / (2d)) = floor(p / d + 1/2); 2p + d fits: |p| < 2^62.
  const int64_t num = 2 * p + d, den = 2 * d;
  int64_t q = num / den;
  if ((num % den != 0) && ((num < 0) != (den < 0))) --q;
  const int64_t lo = relu ? 0 : -128;
  return static_cast<int>(q < lo ? lo : q > 127 ? 127 : q);
}

TEST(Int8EngineRequantize, MatchesFloorDivisionReference) {
  std::mt19937_64 rng(3);
  for (int k = 0; k < 200000; ++k) {
    const int32_t t = static_cast<int32_t>(static_cast<uint32_t>(rng())) >> (rng() % 32);
    const uint32_t mult = static_cast<uint32_t>(rng()) >> (1 + rng() % 31);
    const int shift = static_cast<int>(rng() % 32);
    const bool relu = rng() & 1;
    ASSERT_EQ(rq(t, mult, shift, relu), reference(t, mult, shift, relu))
        << "t=" << t << " mult=" << mult << " shift=" << shift << " relu=" << relu;
  }
}

TEST(Int8EngineDot, ExactProductsAndInt32WrapAround) {
  const std::vector<int8_t> w = {1, -2, 3, -128}, x = {4, 5, -6, -128};
  EXPECT_EQ(int8_engine_dot(w.data(), x.data(), 4), 4 - 10 - 18 + 16384);
  EXPECT_EQ(int8_engine_dot(w.data(), x.data(), 0), 0);
  // 2^17 products of -128 * -128 = 2^31: wraps to INT32_MIN; one more adds 2^14.
  const std::vector<int8_t> m(132200, -128);
  EXPECT_EQ(int8_engine_dot(m.data(), m.data(), 131072), kMin);
  EXPECT_EQ(int8_engine_dot(m.data(), m.data(), 131073), kMin + 16384);
  // -128 * 127 products past INT32_MIN wrap to positive.
  const std::vector<int8_t> p(132200, 127);
  const int64_t exact = int64_t{-16256} * 132200;
  EXPECT_EQ(int8_engine_dot(m.data(), p.data(), 132200),
            static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(exact))));
  EXPECT_GT(int8_engine_dot(m.data(), p.data(), 132200), 0);
}

Int8EngineParams params(int lanes, int words, int mult_bits = 16) {
  Int8EngineParams p;
  p.lanes = lanes;
  p.words = words;
  p.mult_bits = mult_bits;
  return p;
}

Int8EngineModel::Beat beat(uint32_t addr, const std::vector<int8_t>& x, bool first, bool last,
                           int32_t bias = 0, uint32_t mult = 1, int shift = 0, bool relu = false) {
  Int8EngineModel::Beat b;
  b.addr = addr;
  b.x = x.data();
  b.first = first;
  b.last = last;
  b.bias = bias;
  b.mult = mult;
  b.shift = shift;
  b.relu = relu;
  return b;
}

TEST(Int8EngineModel, DerivedWidths) {
  EXPECT_EQ(params(8, 1024).addr_bits(), 10);
  EXPECT_TRUE(params(8, 1024).exact_depth());
  EXPECT_EQ(params(8, 1000).addr_bits(), 10);
  EXPECT_FALSE(params(8, 1000).exact_depth());
  EXPECT_EQ(params(1, 2).addr_bits(), 1);
  EXPECT_EQ(params(1, 65536).addr_bits(), 16);
  EXPECT_EQ(params(8, 1024).memory_bits(), 65536);
  EXPECT_EQ(params(1, 2).dot_bits(), 16);
  EXPECT_EQ(params(5, 2).dot_bits(), 19);
  EXPECT_EQ(params(64, 2).dot_bits(), 22);
  EXPECT_EQ(params(8, 2).latency(), 3);
}

TEST(Int8EngineModel, WritesReadsAndTheAccumulator) {
  Int8EngineModel m(params(2, 4));
  const std::vector<int8_t> w0 = {3, -4}, w1 = {-128, 127}, x = {10, 2};
  EXPECT_FALSE(m.write(0, w0.data()).done);
  m.write(1, w1.data());
  // The first beat after reset adds to 0 even without first.
  auto o = m.mac(beat(0, x, false, false));
  EXPECT_FALSE(o.done);
  EXPECT_EQ(o.acc, 0);
  EXPECT_EQ(m.acc(), 30 - 8);
  // A write inside a dot product leaves the accumulator alone.
  m.write(2, w0.data());
  o = m.mac(beat(1, x, false, true, 5, 1, 0));
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.acc, 22 + (-1280 + 254) + 5);
  EXPECT_EQ(o.y, -128);
  // After a last beat the sum continues unless first restarts it.
  o = m.mac(beat(2, x, false, true));
  EXPECT_EQ(o.acc, 22 - 1026 + 22);
  o = m.mac(beat(2, x, true, true, 0, 1, 0, true));
  EXPECT_EQ(o.acc, 22);
  EXPECT_EQ(o.y, 22);
  // A write followed by a read of the same word reads the new word.
  m.write(2, w1.data());
  EXPECT_EQ(m.mac(beat(2, x, true, true)).acc, -1026);
}

TEST(Int8EngineModel, AddressesPastTheMemoryWriteNothingAndReadZeros) {
  Int8EngineModel m(params(2, 3));  // addresses 0..3, word 3 does not exist
  const std::vector<int8_t> w = {7, 7}, x = {1, 1};
  m.write(3, w.data());
  EXPECT_EQ(m.word(3), std::vector<int8_t>({0, 0}));
  EXPECT_EQ(m.mac(beat(3, x, true, true, 9)).acc, 9);
}

TEST(Int8EngineModel, AccPlusBiasWraps) {
  Int8EngineModel m(params(1, 2));
  const std::vector<int8_t> w = {-128}, x = {-128};
  m.write(0, w.data());
  const auto o = m.mac(beat(0, x, true, true, kMax, 1, 0));
  EXPECT_EQ(o.acc, kMin + 16383);
  EXPECT_EQ(o.y, -128);
}

// ZeBRA's fault: one flipped bit b of weight lane i moves that weight by
// +2^b (a 0 bit set, b < 7), -2^b (a 1 bit cleared, b < 7), -128 (sign bit
// set) or +128 (sign bit cleared), so acc moves by exactly x[i] times that.
TEST(Int8EngineModel, FlippedWeightBitChangesAccByXTimesPowerOfTwo) {
  const int L = 8;
  Int8EngineModel m(params(L, 16));
  std::mt19937_64 rng(9);
  std::vector<int8_t> w(L), x(L);
  for (int i = 0; i < L; ++i) {
    w[static_cast<std::size_t>(i)] = static_cast<int8_t>(static_cast<uint8_t>(rng()));
    x[static_cast<std::size_t>(i)] = static_cast<int8_t>(static_cast<uint8_t>(rng()) | 1);
  }
  m.write(5, w.data());
  const int32_t good = m.mac(beat(5, x, true, true)).acc;
  EXPECT_EQ(good, int8_engine_dot(w.data(), x.data(), L));
  for (int b = 0; b < 8 * L; ++b) {
    const int lane = b / 8, k = b % 8;
    const bool was_set = (static_cast<uint8_t>(w[static_cast<std::size_t>(lane)]) >> k) & 1;
    const int32_t weight_delta = k == 7 ? (was_set ? 128 : -128) : (was_set ? -(1 << k) : 1 << k);
    m.flip_bit(5, b);
    const int32_t bad = m.mac(beat(5, x, true, true)).acc;
    EXPECT_EQ(bad - good, x[static_cast<std::size_t>(lane)] * weight_delta) << "bit " << b;
    EXPECT_NE(bad, good) << "a flipped weight bit must change the answer (x odd)";
    m.flip_bit(5, b);  // repair
    ASSERT_EQ(m.mac(beat(5, x, true, true)).acc, good);
  }
  EXPECT_THROW(m.flip_bit(5, 8 * L), std::out_of_range);
  EXPECT_THROW(m.flip_bit(16, 0), std::out_of_range);
}

}  // namespace
}  // namespace bf
