// Golden models of the weight-memory protections of zebra.int8_engine
// (golden/units/zebra_int8_engine/weight_protection.hpp): the word layout;
// parity (every odd number of flips detected, every even one not); SECDED
// sizes, hand-computed check bits, exhaustive single and double flips on
// k = 8 and k = 32, random ones up to k = 512, triple flips; the RADAR-style
// checksum (hand-computed signatures, key bit i mod 64, every sign flip
// detected, low-bit flips only through a carry, cancelling sign flips
// missed, the key mattering); and protect_and_read on a small image with
// flips in known words.
#include "golden/units/zebra_int8_engine/weight_protection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

namespace bf {
namespace {

using golden::CheckStatus;
using golden::group_check;
using golden::group_signature;
using golden::group_signatures;
using golden::OnDetect;
using golden::parity_bit;
using golden::parity_check;
using golden::protect_and_read;
using golden::Protection;
using golden::Secded;
using golden::secded_check_bits;
using golden::secded_decode;
using golden::secded_encode;
using golden::weight_word;
using golden::word_weights;

BitVec random_word(int k, std::mt19937_64& rng) {
  BitVec v(k);
  for (int i = 0; i < k; ++i) v.set_bit(i, rng() & 1);
  return v;
}

BitVec word_of(int k, uint64_t value) {
  BitVec v(k);
  v.set(0, std::min(k, 64), value);
  return v;
}

std::vector<int8_t> random_weights(std::size_t n, std::mt19937_64& rng) {
  std::vector<int8_t> w(n);
  for (int8_t& x : w) x = static_cast<int8_t>(static_cast<uint8_t>(rng()));
  return w;
}

// Stored bit t of a SECDED word: data bits 0..k-1, then the r + 1 check bits.
void flip_stored(BitVec& data, BitVec& check, int t) {
  if (t < data.width())
    data.flip_bit(t);
  else
    check.flip_bit(t - data.width());
}

// ---- Words ----------------------------------------------------------------

TEST(WeightProtectionWord, LaneIAtBits8iTo8iPlus8) {
  const int8_t w[9] = {1, -1, 0x12, -128, 0, 0, 0, 0x7f, -2};
  const BitVec v = weight_word(w, 9);
  ASSERT_EQ(v.width(), 72);
  EXPECT_EQ(v.get(0, 64), 0x7f00000080'12ff01ull);
  EXPECT_EQ(v.get(64, 8), 0xfeu);
  int8_t back[9] = {};
  word_weights(v, back);
  EXPECT_TRUE(std::equal(w, w + 9, back));
  EXPECT_THROW(weight_word(w, 0), std::invalid_argument);
  EXPECT_THROW(weight_word(w, 65), std::invalid_argument);
}

// ---- Parity ---------------------------------------------------------------

TEST(WeightProtectionParity, HandComputed) {
  EXPECT_EQ(parity_bit(word_of(8, 0x00)), 0);
  EXPECT_EQ(parity_bit(word_of(8, 0xa5)), 0);  // four ones
  EXPECT_EQ(parity_bit(word_of(8, 0xa4)), 1);  // three ones
  BitVec wide(512);
  wide.set_bit(511, true);
  EXPECT_EQ(parity_bit(wide), 1);
  wide.set_bit(64, true);
  EXPECT_EQ(parity_bit(wide), 0);
  EXPECT_EQ(parity_check(word_of(8, 0xa4), 1), CheckStatus::Ok);
  EXPECT_EQ(parity_check(word_of(8, 0xa4), 0), CheckStatus::Detected);
  EXPECT_THROW(parity_bit(BitVec(12)), std::invalid_argument);
  EXPECT_THROW(parity_check(word_of(8, 0), 2), std::invalid_argument);
}

TEST(WeightProtectionParity, OddFlipCountsDetectedEvenOnesNot) {
  std::mt19937_64 rng(11);
  for (const int lanes : {1, 2, 3, 8, 9, 64}) {
    const int k = 8 * lanes;
    for (int rep = 0; rep < 8; ++rep) {
      const BitVec clean = random_word(k, rng);
      const int stored = parity_bit(clean);
      std::vector<int> pos(static_cast<std::size_t>(k + 1));  // k: the parity bit
      std::iota(pos.begin(), pos.end(), 0);
      for (int m = 0; m <= k + 1; ++m) {
        std::shuffle(pos.begin(), pos.end(), rng);
        BitVec data = clean;
        int p = stored;
        for (int f = 0; f < m; ++f) {
          if (pos[static_cast<std::size_t>(f)] == k)
            p ^= 1;
          else
            data.flip_bit(pos[static_cast<std::size_t>(f)]);
        }
        EXPECT_EQ(parity_check(data, p), m % 2 ? CheckStatus::Detected : CheckStatus::Ok)
            << "k " << k << ", " << m << " flips";
      }
    }
  }
}

// ---- SECDED ---------------------------------------------------------------

TEST(WeightProtectionSecded, Sizes) {
  EXPECT_EQ(secded_check_bits(8), 5);     // (13,8)
  EXPECT_EQ(secded_check_bits(16), 6);    // (22,16)
  EXPECT_EQ(secded_check_bits(32), 7);    // (39,32)
  EXPECT_EQ(secded_check_bits(64), 8);    // (72,64)
  EXPECT_EQ(secded_check_bits(128), 9);   // (137,128)
  EXPECT_EQ(secded_check_bits(248), 10);  // 2^8 = 248 + 8: r = 9, not 8
  EXPECT_EQ(secded_check_bits(256), 10);
  EXPECT_EQ(secded_check_bits(512), 11);  // r = 10: 1024 >= 523
  EXPECT_EQ(Secded(8).codeword_bits(), 13);
  EXPECT_EQ(Secded(32).codeword_bits(), 39);
  EXPECT_EQ(Secded(64).codeword_bits(), 72);
  EXPECT_EQ(Secded(512).hamming_bits(), 10);
  EXPECT_EQ(secded_encode(word_of(64, 1)).width(), 8);
  const Secded c8(8);
  const int expected_pos[8] = {3, 5, 6, 7, 9, 10, 11, 12};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(c8.data_position(i), expected_pos[i]) << i;
  EXPECT_EQ(Secded(512).data_position(511), 522);  // n = 522, not a power of two
  EXPECT_THROW(secded_check_bits(0), std::invalid_argument);
  EXPECT_THROW(secded_check_bits(520), std::invalid_argument);
  EXPECT_THROW(secded_check_bits(12), std::invalid_argument);
  EXPECT_THROW(secded_decode(word_of(8, 0), BitVec(4)), std::invalid_argument);
}

TEST(WeightProtectionSecded, HandComputedCheckBitsK8) {
  // Data bit d_i at position 3, 5, 6, 7, 9, 10, 11, 12; check bit j covers
  // the positions with bit j set; bit 4 = parity of all 12 Hamming bits.
  //   0xa5: d0 d2 d5 d7 at 3, 6, 10, 12: 3^6^10^12 = 0b0011, 4 + 2 ones -> 0
  //   0x01: d0 at 3 = 0b0011, 1 + 2 ones -> 1
  //   0x80: d7 at 12 = 0b1100, 1 + 2 ones -> 1
  //   0x10: d4 at 9 = 0b1001, 1 + 2 ones -> 1
  //   0xff: 3^5^6^7^9^10^11^12 = 0b0011, 8 + 2 ones -> 0
  //   0x6e: d1 d2 d3 d5 d6 at 5, 6, 7, 10, 11: 5^6^7^10^11 = 0b0101, 5 + 2 -> 1
  struct Case {
    uint64_t data;
    uint64_t check;
  };
  const Case cases[] = {{0x00, 0b00000}, {0xa5, 0b00011}, {0x01, 0b10011}, {0x80, 0b11100},
                        {0x10, 0b11001}, {0xff, 0b00011}, {0x6e, 0b10101}};
  for (const Case& c : cases) {
    const BitVec check = secded_encode(word_of(8, c.data));
    ASSERT_EQ(check.width(), 5);
    EXPECT_EQ(check.get(0, 5), c.check) << std::hex << c.data;
  }
}

TEST(WeightProtectionSecded, ExhaustiveK8EverySingleCorrectedEveryPairUncorrectable) {
  const Secded code(8);
  const int stored = code.codeword_bits();  // 13
  for (uint64_t v = 0; v < 256; ++v) {
    const BitVec data = word_of(8, v);
    const BitVec check = code.encode(data);
    const golden::SecdedResult ok = code.decode(data, check);
    EXPECT_EQ(ok.status, CheckStatus::Ok) << v;
    EXPECT_EQ(ok.data, data);
    for (int a = 0; a < stored; ++a) {
      BitVec d1 = data, c1 = check;
      flip_stored(d1, c1, a);
      const golden::SecdedResult r1 = code.decode(d1, c1);
      EXPECT_EQ(r1.status, CheckStatus::Corrected) << v << " bit " << a;
      EXPECT_EQ(r1.data, data) << v << " bit " << a;
      for (int b = a + 1; b < stored; ++b) {
        BitVec d2 = d1, c2 = c1;
        flip_stored(d2, c2, b);
        const golden::SecdedResult r2 = code.decode(d2, c2);
        EXPECT_EQ(r2.status, CheckStatus::Uncorrectable) << v << " bits " << a << ", " << b;
        EXPECT_EQ(r2.data, d2) << v << " bits " << a << ", " << b;
      }
    }
  }
}

TEST(WeightProtectionSecded, K32RandomWordsEverySingleAndEveryPair) {
  std::mt19937_64 rng(32);
  const Secded code(32);
  const int stored = code.codeword_bits();  // 39
  for (int rep = 0; rep < 48; ++rep) {
    const BitVec data = random_word(32, rng);
    const BitVec check = code.encode(data);
    EXPECT_EQ(code.decode(data, check).status, CheckStatus::Ok);
    for (int a = 0; a < stored; ++a) {
      BitVec d1 = data, c1 = check;
      flip_stored(d1, c1, a);
      const golden::SecdedResult r1 = code.decode(d1, c1);
      ASSERT_EQ(r1.status, CheckStatus::Corrected) << "bit " << a;
      ASSERT_EQ(r1.data, data) << "bit " << a;
      for (int b = a + 1; b < stored; ++b) {
        BitVec d2 = d1, c2 = c1;
        flip_stored(d2, c2, b);
        const golden::SecdedResult r2 = code.decode(d2, c2);
        ASSERT_EQ(r2.status, CheckStatus::Uncorrectable) << "bits " << a << ", " << b;
        ASSERT_EQ(r2.data, d2);
      }
    }
  }
}

TEST(WeightProtectionSecded, EveryLaneCountSinglesCorrectedRandomPairsUncorrectable) {
  std::mt19937_64 rng(64);
  for (int lanes = 1; lanes <= 64; ++lanes) {
    const int k = 8 * lanes;
    const Secded code(k);
    const int stored = code.codeword_bits();
    for (int rep = 0; rep < 2; ++rep) {
      const BitVec data = random_word(k, rng);
      const BitVec check = code.encode(data);
      EXPECT_EQ(secded_encode(data), check);
      EXPECT_EQ(code.decode(data, check).status, CheckStatus::Ok) << k;
      for (int a = 0; a < stored; ++a) {
        BitVec d1 = data, c1 = check;
        flip_stored(d1, c1, a);
        const golden::SecdedResult r1 = code.decode(d1, c1);
        ASSERT_EQ(r1.status, CheckStatus::Corrected) << "k " << k << " bit " << a;
        ASSERT_EQ(r1.data, data) << "k " << k << " bit " << a;
      }
      for (int pair = 0; pair < 300; ++pair) {
        const int a = static_cast<int>(rng() % static_cast<uint64_t>(stored));
        int b = static_cast<int>(rng() % static_cast<uint64_t>(stored - 1));
        b += b >= a;
        BitVec d2 = data, c2 = check;
        flip_stored(d2, c2, a);
        flip_stored(d2, c2, b);
        const golden::SecdedResult r2 = secded_decode(d2, c2);
        ASSERT_EQ(r2.status, CheckStatus::Uncorrectable) << "k " << k << " bits " << a << ", " << b;
        ASSERT_EQ(r2.data, d2);
      }
    }
  }
}

TEST(WeightProtectionSecded, TripleFlipsAreNeverOkAndMayMiscorrect) {
  std::mt19937_64 rng(3);
  const Secded code(64);
  const int stored = code.codeword_bits();
  int miscorrected = 0, uncorrectable = 0;
  for (int rep = 0; rep < 2000; ++rep) {
    const BitVec data = random_word(64, rng);
    BitVec d = data, c = code.encode(data);
    std::vector<int> pos(static_cast<std::size_t>(stored));
    std::iota(pos.begin(), pos.end(), 0);
    std::shuffle(pos.begin(), pos.end(), rng);
    for (int f = 0; f < 3; ++f) flip_stored(d, c, pos[static_cast<std::size_t>(f)]);
    const golden::SecdedResult r = code.decode(d, c);
    ASSERT_NE(r.status, CheckStatus::Ok);  // odd: overall parity always fires
    if (r.status == CheckStatus::Corrected) {
      miscorrected += !(r.data == data);
    } else {
      ++uncorrectable;
      EXPECT_EQ(r.data, d);
    }
  }
  EXPECT_GT(miscorrected, 0);   // the documented weakness
  EXPECT_GT(uncorrectable, 0);  // syndromes past n = 71 (72..127)
}

// ---- Checksum -------------------------------------------------------------

TEST(WeightProtectionChecksum, HandComputedSignatures) {
  // A group of two 2-lane words, key 0b0101: s = -1, +1, -1, +1.
  //   S = -100 - 50 - 30 - 128 = -308, floor(-308 / 128) = -3 = ...11101 -> 1.
  const std::vector<int8_t> mem = {100, -50, 30, -128};
  EXPECT_EQ(group_signature(mem.data(), 4, 0b0101), 1);
  EXPECT_EQ(group_signatures(mem, 2, 2, 0b0101), std::vector<uint8_t>{1});
  //   key 0: S = 100 - 50 + 30 - 128 = -48, floor -1 -> 3.
  EXPECT_EQ(group_signature(mem.data(), 4, 0), 3);
  //   key 0b1010: S = 100 + 50 + 30 + 128 = 308, floor 2 -> 2.
  EXPECT_EQ(group_signature(mem.data(), 4, 0b1010), 2);
  const std::vector<int8_t> m2 = {10, -20, 30, 40};
  EXPECT_EQ(group_signature(m2.data(), 4, 0b0110), 0);  // 10 + 20 - 30 + 40 = 40
  EXPECT_EQ(group_signature(m2.data(), 4, 0b0101), 3);  // -10 - 20 - 30 + 40 = -20
  const int8_t hi[4] = {127, 127, 127, 127}, lo[4] = {-128, -128, -128, -128};
  const int8_t mix[4] = {127, 127, 127, -1}, sixty4[2] = {64, 64};
  EXPECT_EQ(group_signature(hi, 4, 0), 3);       // 508: floor 3
  EXPECT_EQ(group_signature(lo, 4, 0), 0);       // -512: floor -4 = ...100
  EXPECT_EQ(group_signature(lo, 4, 0b0001), 2);  // 128 - 384 = -256: floor -2 = ...110
  EXPECT_EQ(group_signature(mix, 4, 0), 2);      // 380: floor 2
  EXPECT_EQ(group_signature(sixty4, 2, 0), 1);   // 128: floor 1
  EXPECT_EQ(group_signature(sixty4, 0, 0), 0);   // an empty group: S = 0
  EXPECT_EQ(group_check(mem.data(), 4, 0b0101, 1), CheckStatus::Ok);
  EXPECT_EQ(group_check(mem.data(), 4, 0b0101, 2), CheckStatus::Detected);
  EXPECT_THROW(group_check(mem.data(), 4, 0, 4), std::invalid_argument);
  EXPECT_THROW(group_signature(mem.data(), -1, 0), std::invalid_argument);
}

TEST(WeightProtectionChecksum, KeyBitIsTheWeightIndexModulo64) {
  // One group of 8 words x 16 lanes = 128 weights; only weight 64 + 5 = 69
  // is non-zero, so its sign comes from key bit 5.
  std::vector<int8_t> mem(128, 0);
  mem[69] = -128;
  EXPECT_EQ(group_signatures(mem, 16, 8, 0), std::vector<uint8_t>{3});  // -128: floor -1
  EXPECT_EQ(group_signatures(mem, 16, 8, uint64_t{1} << 5), std::vector<uint8_t>{1});  // +128
  EXPECT_EQ(group_signatures(mem, 16, 8, uint64_t{1} << 6), std::vector<uint8_t>{3});
}

TEST(WeightProtectionChecksum, GroupsOfConsecutiveWordsLastOneShorter) {
  std::mt19937_64 rng(5);
  const int lanes = 3, group_words = 4, words = 10;  // groups: 4, 4, 2 words
  const std::vector<int8_t> mem = random_weights(static_cast<std::size_t>(words * lanes), rng);
  const uint64_t key = rng();
  const std::vector<uint8_t> sig = group_signatures(mem, lanes, group_words, key);
  ASSERT_EQ(sig.size(), 3u);
  EXPECT_EQ(sig[0], group_signature(mem.data(), 12, key));
  EXPECT_EQ(sig[1], group_signature(mem.data() + 12, 12, key));
  EXPECT_EQ(sig[2], group_signature(mem.data() + 24, 6, key));
  EXPECT_EQ(group_signatures({}, lanes, group_words, key).size(), 0u);
  EXPECT_EQ(group_signatures(mem, lanes).size(), 2u);  // default 8 words a group
  EXPECT_THROW(group_signatures(mem, lanes, 0, key), std::invalid_argument);
  EXPECT_THROW(group_signatures(mem, 0, 1, key), std::invalid_argument);
  EXPECT_THROW(group_signatures(std::vector<int8_t>(65 * 2), 65, 1, key), std::invalid_argument);
  EXPECT_THROW(group_signatures(mem, 4, 1, key), std::invalid_argument);  // 30 % 4 != 0
}

TEST(WeightProtectionChecksum, EverySignBitFlipChangesTheSignature) {
  std::mt19937_64 rng(7);
  for (const int lanes : {1, 8, 16, 64}) {
    for (int rep = 0; rep < 4; ++rep) {
      const int count = 8 * lanes;  // a group of 8 words
      std::vector<int8_t> w = random_weights(static_cast<std::size_t>(count), rng);
      const uint64_t key = rng();
      const int sig = group_signature(w.data(), count, key);
      int negative = 0;
      for (int i = 0; i < count; ++i) {
        int8_t& x = w[static_cast<std::size_t>(i)];
        negative += x < 0;
        x = static_cast<int8_t>(static_cast<uint8_t>(x) ^ 0x80u);
        EXPECT_EQ(group_check(w.data(), count, key, sig), CheckStatus::Detected)
            << "lanes " << lanes << " weight " << i;
        x = static_cast<int8_t>(static_cast<uint8_t>(x) ^ 0x80u);
      }
      EXPECT_GT(negative, 0);  // both signs flipped
      EXPECT_LT(negative, count);
    }
  }
}

TEST(WeightProtectionChecksum, LowBitFlipsOnlyThroughACarry) {
  // S = 127 + 0 (key 0): flipping bit 0 of the 0 carries into bit 7.
  int8_t a[2] = {127, 0};
  EXPECT_EQ(group_signature(a, 2, 0), 0);
  a[1] = 1;
  EXPECT_EQ(group_signature(a, 2, 0), 1);
  // S = 100 + 0: flipping bit 4 of the 0 gives 116, no carry: missed.
  int8_t b[2] = {100, 0};
  EXPECT_EQ(group_signature(b, 2, 0), 0);
  b[1] = 16;
  EXPECT_EQ(group_signature(b, 2, 0), 0);
  // Against floor(S / 128) mod 4 computed by division for every bit b < 7.
  std::mt19937_64 rng(8);
  for (int rep = 0; rep < 500; ++rep) {
    std::vector<int8_t> w = random_weights(16, rng);
    const uint64_t key = rng();
    const auto ref = [&] {
      int s = 0;
      for (int i = 0; i < 16; ++i) s += ((key >> i) & 1 ? -1 : 1) * w[static_cast<std::size_t>(i)];
      const int q = s >= 0 ? s / 128 : -((-s + 127) / 128);  // floor
      return ((q % 4) + 4) % 4;
    };
    EXPECT_EQ(group_signature(w.data(), 16, key), ref());
    const std::size_t i = rng() % 16;
    w[i] = static_cast<int8_t>(static_cast<uint8_t>(w[i]) ^ (1u << (rng() % 7)));
    EXPECT_EQ(group_signature(w.data(), 16, key), ref());
  }
}

TEST(WeightProtectionChecksum, TwoSignFlipsThatCancelUnderTheKeyAreMissed) {
  // Weights 50 and 60, key 0b10 (s = +1, -1): S = -10. Flipping both sign
  // bits gives -78 and -68: S = -78 + 68 = -10 again: missed. Under key 0
  // (s = +1, +1) the same flips move S from 110 to -146: detected.
  const std::vector<int8_t> clean = {50, 60};
  const std::vector<int8_t> flipped = {-78, -68};
  EXPECT_EQ(group_signature(clean.data(), 2, 0b10), group_signature(flipped.data(), 2, 0b10));
  EXPECT_NE(group_signature(clean.data(), 2, 0), group_signature(flipped.data(), 2, 0));
  const golden::ProtectionOutcome missed =
      protect_and_read(Protection::Checksum, clean, flipped, 2, 1, 0b10);
  EXPECT_EQ(missed.flipped, 1);
  EXPECT_EQ(missed.detected, 0);
  EXPECT_EQ(missed.undetected, 1);
  EXPECT_EQ(missed.zero_image, flipped);  // nothing zeroed: the attack gets through
  const golden::ProtectionOutcome caught =
      protect_and_read(Protection::Checksum, clean, flipped, 2, 1, 0);
  EXPECT_EQ(caught.detected, 1);
  EXPECT_EQ(caught.zero_image, (std::vector<int8_t>{0, 0}));
}

TEST(WeightProtectionChecksum, TheKeyChangesSomeSignature) {
  std::mt19937_64 rng(9);
  const std::vector<int8_t> mem = random_weights(64 * 8, rng);
  const std::vector<uint8_t> a = group_signatures(mem, 8, 8, golden::kDefaultChecksumKey);
  EXPECT_EQ(group_signatures(mem, 8), a);  // the defaults
  for (const uint64_t key : {uint64_t{0}, ~uint64_t{0}, golden::kDefaultChecksumKey ^ 1})
    EXPECT_NE(group_signatures(mem, 8, 8, key), a) << std::hex << key;
}

// ---- protect_and_read -----------------------------------------------------

// 8 words of 2 lanes, groups of 2 words, key 0b0101 (s = -1, +1, -1, +1 in
// every group). Flips:
//   word 1, lane 0 sign bit: 30 -> -98 (one flip);
//   word 4, lane 0 sign bit and lane 1 bit 0: 50 -> -78, 60 -> 61 (two flips);
//   word 6, lane 1 bit 0: 4 -> 5 (one flip).
// Groups: 0 (words 0, 1): S = -10 - 20 - 30 + 40 = -20 -> 3, flipped
// S = 108 -> 0: detected. 2 (words 4, 5): S = -50 + 60 - 1 + 2 = 11 -> 0,
// flipped 78 + 61 - 1 + 2 = 140 -> 1: detected. 3 (words 6, 7):
// S = -3 + 4 - 5 + 6 = 2 -> 0, flipped 3 -> 0: missed.
const std::vector<int8_t> kClean = {10, -20, 30, 40, -5, 6, 7, -8, 50, 60, 1, 2, 3, 4, 5, 6};
const std::vector<int8_t> kFlipped = {10,       -20, -98, 40, -5, 6, 7, -8,
                                      50 - 128, 61,  1,   2,  3,  5, 5, 6};
constexpr uint64_t kKey = 0b0101;

TEST(WeightProtectionProtectAndRead, Parity) {
  const golden::ProtectionOutcome o =
      protect_and_read(Protection::Parity, kClean, kFlipped, 2, 2, kKey);
  EXPECT_EQ(o.protection, Protection::Parity);
  EXPECT_EQ(o.units, 8);
  EXPECT_EQ(o.flipped, 3);
  EXPECT_EQ(o.detected, 2);  // words 1 and 6; word 4's two flips cancel
  EXPECT_EQ(o.corrected, 0);
  EXPECT_EQ(o.uncorrectable, 0);
  EXPECT_EQ(o.undetected, 1);
  const std::vector<CheckStatus> st(8, CheckStatus::Ok);
  std::vector<CheckStatus> expected = st;
  expected[1] = expected[6] = CheckStatus::Detected;
  EXPECT_EQ(o.status, expected);
  EXPECT_EQ(o.image(OnDetect::Flag), kFlipped);
  EXPECT_EQ(o.image(OnDetect::Zero),
            (std::vector<int8_t>{10, -20, 0, 0, -5, 6, 7, -8, -78, 61, 1, 2, 0, 0, 5, 6}));
}

TEST(WeightProtectionProtectAndRead, Secded) {
  const golden::ProtectionOutcome o =
      protect_and_read(Protection::Secded, kClean, kFlipped, 2, 2, kKey);
  EXPECT_EQ(o.units, 8);
  EXPECT_EQ(o.flipped, 3);
  EXPECT_EQ(o.detected, 3);
  EXPECT_EQ(o.corrected, 2);      // words 1 and 6
  EXPECT_EQ(o.uncorrectable, 1);  // word 4
  EXPECT_EQ(o.undetected, 0);
  EXPECT_EQ(o.miscorrected, 0);
  std::vector<CheckStatus> expected(8, CheckStatus::Ok);
  expected[1] = expected[6] = CheckStatus::Corrected;
  expected[4] = CheckStatus::Uncorrectable;
  EXPECT_EQ(o.status, expected);
  EXPECT_EQ(o.image(OnDetect::Flag),
            (std::vector<int8_t>{10, -20, 30, 40, -5, 6, 7, -8, -78, 61, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(o.image(OnDetect::Zero),
            (std::vector<int8_t>{10, -20, 30, 40, -5, 6, 7, -8, 0, 0, 1, 2, 3, 4, 5, 6}));
}

TEST(WeightProtectionProtectAndRead, Checksum) {
  const golden::ProtectionOutcome o =
      protect_and_read(Protection::Checksum, kClean, kFlipped, 2, 2, kKey);
  EXPECT_EQ(o.units, 4);
  EXPECT_EQ(o.flipped, 3);  // groups 0, 2, 3
  EXPECT_EQ(o.detected, 2);
  EXPECT_EQ(o.corrected, 0);
  EXPECT_EQ(o.undetected, 1);  // group 3: a low-bit flip without carry
  EXPECT_EQ(o.status, (std::vector<CheckStatus>{CheckStatus::Detected, CheckStatus::Ok,
                                                CheckStatus::Detected, CheckStatus::Ok}));
  EXPECT_EQ(o.image(OnDetect::Flag), kFlipped);
  EXPECT_EQ(o.image(OnDetect::Zero),
            (std::vector<int8_t>{0, 0, 0, 0, -5, 6, 7, -8, 0, 0, 0, 0, 3, 5, 5, 6}));
  // Groups of 3 words: 3 + 3 + 2, the last one shorter.
  const golden::ProtectionOutcome o3 =
      protect_and_read(Protection::Checksum, kClean, kFlipped, 2, 3, kKey);
  EXPECT_EQ(o3.units, 3);
}

TEST(WeightProtectionProtectAndRead, CleanImageReadsOkAndBadShapesThrow) {
  std::mt19937_64 rng(12);
  const std::vector<int8_t> mem = random_weights(40 * 5, rng);
  for (const Protection p : {Protection::Parity, Protection::Secded, Protection::Checksum}) {
    const golden::ProtectionOutcome o = protect_and_read(p, mem, mem, 5);
    EXPECT_EQ(o.flipped, 0) << golden::to_string(p);
    EXPECT_EQ(o.detected, 0) << golden::to_string(p);
    EXPECT_EQ(o.zero_image, mem);
    EXPECT_EQ(o.flag_image, mem);
    EXPECT_EQ(o.units, p == Protection::Checksum ? 5 : 40);
  }
  EXPECT_THROW(protect_and_read(Protection::Parity, mem, std::vector<int8_t>(5), 5),
               std::invalid_argument);
  EXPECT_THROW(protect_and_read(Protection::Parity, mem, mem, 3), std::invalid_argument);
  EXPECT_THROW(protect_and_read(Protection::Parity, mem, mem, 0), std::invalid_argument);
  EXPECT_THROW(protect_and_read(Protection::Checksum, mem, mem, 5, 0), std::invalid_argument);
}

TEST(WeightProtectionProtectAndRead, RandomSingleFlipsPerWord) {
  // One random flip in each of some words: SECDED corrects all of them,
  // parity detects all of them, the checksum detects every group holding a
  // single sign flip.
  std::mt19937_64 rng(13);
  const int lanes = 8, words = 256;
  const std::vector<int8_t> clean = random_weights(static_cast<std::size_t>(lanes * words), rng);
  std::vector<int8_t> flipped = clean;
  int flips = 0;
  for (int a = 0; a < words; a += 3) {
    const int bit = static_cast<int>(rng() % 64);
    int8_t& x = flipped[static_cast<std::size_t>(a * lanes + bit / 8)];
    x = static_cast<int8_t>(static_cast<uint8_t>(x) ^ (1u << (bit % 8)));
    ++flips;
  }
  const golden::ProtectionOutcome par = protect_and_read(Protection::Parity, clean, flipped, lanes);
  EXPECT_EQ(par.flipped, flips);
  EXPECT_EQ(par.detected, flips);
  const golden::ProtectionOutcome sec = protect_and_read(Protection::Secded, clean, flipped, lanes);
  EXPECT_EQ(sec.corrected, flips);
  EXPECT_EQ(sec.flag_image, clean);
  EXPECT_EQ(sec.zero_image, clean);
  // Sign flips only, one per group of 8 words: all detected.
  std::vector<int8_t> signs = clean;
  for (int g = 0; g < words / 8; ++g) {
    int8_t& x = signs[static_cast<std::size_t>(g * 8 * lanes) + rng() % (8 * lanes)];
    x = static_cast<int8_t>(static_cast<uint8_t>(x) ^ 0x80u);
  }
  const golden::ProtectionOutcome chk = protect_and_read(Protection::Checksum, clean, signs, lanes);
  EXPECT_EQ(chk.units, words / 8);
  EXPECT_EQ(chk.detected, words / 8);
  EXPECT_EQ(chk.zero_image, std::vector<int8_t>(clean.size(), 0));
}

}  // namespace
}  // namespace bf
