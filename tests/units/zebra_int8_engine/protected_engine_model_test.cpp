// The golden model of zebra.int8_engine with a protected weight memory
// (golden/units/zebra_int8_engine/protected_memory.hpp): what each protection
// reports and computes on a MAC beat and a check beat after a flip stored
// behind its check bits, what on_detect = flag / zero / stop do, that a
// checksum sweep equals weight_protection's group_signature (the
// independent model) on whole groups, and the parameter rules.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"

namespace bf {
namespace {

using golden::CheckStatus;
using golden::Int8EngineModel;
using golden::Int8EngineParams;

Int8EngineParams params(const std::string& protection, const std::string& on_detect, int lanes = 8,
                        int words = 16, int group_words = 4) {
  Int8EngineParams p;
  p.lanes = lanes;
  p.words = words;
  p.protection = protection;
  p.on_detect = on_detect;
  p.group_words = group_words;
  return p;
}

std::vector<int8_t> ramp(int lanes, int start) {
  std::vector<int8_t> w(static_cast<std::size_t>(lanes));
  for (int i = 0; i < lanes; ++i)
    w[static_cast<std::size_t>(i)] = static_cast<int8_t>(start + 3 * i);
  return w;
}

// One-beat dot product with x = 1 in every lane: the sum of the weights used.
Int8EngineModel::Output sum_of(Int8EngineModel& m, uint32_t addr, int lanes) {
  const std::vector<int8_t> ones(static_cast<std::size_t>(lanes), 1);
  Int8EngineModel::Beat b;
  b.addr = addr;
  b.x = ones.data();
  b.first = b.last = true;
  b.mult = 1;
  return m.mac(b);
}

int sum(const std::vector<int8_t>& w) {
  int s = 0;
  for (const int8_t v : w) s += v;
  return s;
}

// Fills every word with a ramp; returns the image.
std::vector<int8_t> load(Int8EngineModel& m, const Int8EngineParams& p) {
  std::vector<int8_t> image;
  for (int a = 0; a < p.words; ++a) {
    const std::vector<int8_t> w = ramp(p.lanes, 5 * a - 40);
    m.write(static_cast<uint32_t>(a), w.data());
    image.insert(image.end(), w.begin(), w.end());
  }
  return image;
}

TEST(ProtectedEngine, ParityDetectsOddFlipsAndZeroesOnlyWithZero) {
  for (const std::string mode : {"flag", "zero"}) {
    const auto p = params("parity", mode);
    Int8EngineModel m(p);
    load(m, p);
    const int clean = sum(m.word(3));
    EXPECT_EQ(sum_of(m, 3, 8).acc, clean);
    EXPECT_FALSE(sum_of(m, 3, 8).det);
    m.flip_bit(3, 7);  // lane 0's sign: -128 in the sum
    const auto o = sum_of(m, 3, 8);
    EXPECT_TRUE(o.det);
    EXPECT_EQ(o.acc, mode == "zero" ? 0 : sum(m.word(3)));
    EXPECT_TRUE(m.check(3).det);
    m.flip_bit(3, 12);  // two flips: even parity again, silent
    EXPECT_FALSE(sum_of(m, 3, 8).det);
    EXPECT_FALSE(m.check(3).det);
    EXPECT_FALSE(sum_of(m, 4, 8).det);  // another word
  }
}

TEST(ProtectedEngine, CheckWriteStoresCheckBitsAsGiven) {
  const auto p = params("parity", "flag");
  Int8EngineModel m(p);
  load(m, p);
  const uint64_t c = m.memory().check_bits(2);
  m.write_check(2, c ^ 1);  // a flipped parity bit
  EXPECT_TRUE(sum_of(m, 2, 8).det);
  m.write_check(2, c);
  EXPECT_FALSE(sum_of(m, 2, 8).det);
  m.write_check(200, 1);  // past the memory: dropped, no throw
}

TEST(ProtectedEngine, SecdedCorrectsEverySingleFlipAndReportsDoubles) {
  for (const int lanes : {1, 5, 8}) {
    const auto p = params("secded", "flag", lanes);
    Int8EngineModel m(p);
    load(m, p);
    const std::vector<int8_t> w = m.word(6);
    for (int b = 0; b < 8 * lanes; ++b) {
      m.flip_bit(6, b);
      const auto o = sum_of(m, 6, lanes);
      EXPECT_TRUE(o.cor) << b;
      EXPECT_FALSE(o.det);
      EXPECT_EQ(o.acc, sum(w)) << "corrected data, bit " << b;
      EXPECT_TRUE(m.check(6).cor);
      m.flip_bit(6, b);
    }
    m.flip_bit(6, 0);
    m.flip_bit(6, 8 * lanes - 1);
    const auto o = sum_of(m, 6, lanes);
    EXPECT_TRUE(o.det);
    EXPECT_FALSE(o.cor);
    EXPECT_EQ(o.acc, sum(m.word(6)));  // flag: data as read
  }
}

TEST(ProtectedEngine, SecdedZeroReadsAnUncorrectableWordAsZeros) {
  const auto p = params("secded", "zero");
  Int8EngineModel m(p);
  load(m, p);
  m.flip_bit(1, 3);
  EXPECT_EQ(sum_of(m, 1, 8).acc, sum(ramp(8, 5 - 40)));  // corrected
  m.flip_bit(1, 20);
  const auto o = sum_of(m, 1, 8);
  EXPECT_TRUE(o.det);
  EXPECT_EQ(o.acc, 0);
}

TEST(ProtectedEngine, StopHaltsUntilACheckWrite) {
  const auto p = params("parity", "stop");
  Int8EngineModel m(p);
  load(m, p);
  m.flip_bit(0, 0);
  const std::vector<int8_t> ones(8, 1), w = ramp(8, 1);
  // A dot product in progress: the detecting beat and everything after it
  // is dropped.
  Int8EngineModel::Beat b;
  b.addr = 5;
  b.x = ones.data();
  b.first = true;
  m.mac(b);
  const int32_t acc = m.acc();
  const auto halting = sum_of(m, 0, 8);
  EXPECT_TRUE(halting.det);
  EXPECT_TRUE(halting.halt);
  EXPECT_FALSE(halting.done);
  EXPECT_EQ(m.acc(), acc);
  const auto dropped = m.write(5, w.data());
  EXPECT_TRUE(dropped.halt);
  EXPECT_FALSE(dropped.det);
  EXPECT_NE(m.word(5), w);
  EXPECT_FALSE(sum_of(m, 4, 8).done);
  EXPECT_TRUE(m.check(4).halt);
  EXPECT_TRUE(m.halted());
  // The host acknowledges with a check write: performed, and the unit runs.
  const auto resumed = m.write_check(0, m.memory().check_bits(0) ^ 1);
  EXPECT_FALSE(resumed.halt);
  EXPECT_FALSE(m.halted());
  const auto o = sum_of(m, 0, 8);  // the parity now matches the flipped word
  EXPECT_TRUE(o.done);
  EXPECT_FALSE(o.det);
}

TEST(ProtectedEngine, ChecksumSweepEqualsGroupSignature) {
  std::mt19937_64 rng(3);
  for (const int lanes : {1, 3, 8, 64})
    for (const int g : {2, 4, 16})
      for (const int words : {32, 37}) {
        auto p = params("checksum", "flag", lanes, words, g);
        p.checksum_key = "0x" + std::to_string(rng() % 900000 + 100000);  // decimal digits are hex
        Int8EngineModel m(p);
        std::vector<int8_t> image;
        for (int a = 0; a < words; ++a) {
          std::vector<int8_t> w(static_cast<std::size_t>(lanes));
          for (auto& v : w) v = static_cast<int8_t>(rng());
          m.write(static_cast<uint32_t>(a), w.data());
          image.insert(image.end(), w.begin(), w.end());
        }
        const auto sigs = golden::group_signatures(image, lanes, g, p.key());
        ASSERT_EQ(static_cast<int>(sigs.size()), p.groups());
        for (int k = 0; k < p.groups(); ++k) {
          // A wrong signature is detected by the sweep, the right one is not.
          for (const int wrong : {0, 1}) {
            m.write_check(static_cast<uint32_t>(k * g),
                          (sigs[static_cast<std::size_t>(k)] + wrong) & 3);
            bool det = false;
            for (int a = k * g; a < std::min(words, (k + 1) * g); ++a)
              det = m.check(static_cast<uint32_t>(a)).det;
            EXPECT_EQ(det, wrong == 1) << lanes << " " << g << " " << words << " group " << k;
            EXPECT_EQ(m.memory().group_bad(k), wrong == 1);
          }
        }
      }
}

TEST(ProtectedEngine, ChecksumMarksTheGroupBadUntilARecheckPasses) {
  for (const std::string mode : {"flag", "zero", "stop"}) {
    const auto p = params("checksum", mode, 8, 16, 4);
    Int8EngineModel m(p);
    const auto image = load(m, p);
    const auto sigs = golden::group_signatures(image, 8, 4, p.key());
    for (int k = 0; k < 4; ++k)
      m.write_check(static_cast<uint32_t>(4 * k), sigs[static_cast<std::size_t>(k)]);
    const std::vector<int8_t> w5 = m.word(5);
    m.flip_bit(5, 7);  // a sign bit: always changes the signature
    EXPECT_FALSE(sum_of(m, 5, 8).det) << "not checked yet: computes with the flipped word";
    for (uint32_t a = 4; a < 7; ++a) EXPECT_FALSE(m.check(a).det);
    const auto end = m.check(7);
    EXPECT_TRUE(end.det);
    if (mode == "stop") {
      EXPECT_TRUE(end.halt);
      EXPECT_FALSE(m.memory().group_bad(1)) << "the halting check changes nothing";
      m.write_check(4, sigs[1]);
      EXPECT_FALSE(m.halted());
      continue;
    }
    EXPECT_TRUE(m.memory().group_bad(1));
    const auto o = sum_of(m, 6, 8);  // another word of the bad group
    EXPECT_TRUE(o.det);
    EXPECT_EQ(o.acc, mode == "zero" ? 0 : sum(m.word(6)));
    EXPECT_FALSE(sum_of(m, 9, 8).det);  // another group
    m.write(5, w5.data());              // the repair, then a passing re-check
    for (uint32_t a = 4; a < 8; ++a) EXPECT_FALSE(m.check(a).det);
    EXPECT_FALSE(m.memory().group_bad(1));
    EXPECT_FALSE(sum_of(m, 6, 8).det);
  }
}

TEST(ProtectedEngine, AddressesPastTheMemoryReadOk) {
  for (const std::string prot : {"parity", "secded", "checksum"}) {
    const auto p = params(prot, "stop", 4, 37, 8);
    Int8EngineModel m(p);
    load(m, p);
    m.write_check(40, 3);
    const auto o = sum_of(m, 40, 4);
    EXPECT_TRUE(o.done);
    EXPECT_FALSE(o.det);
    EXPECT_EQ(o.acc, 0);
    EXPECT_FALSE(m.check(63).det);
  }
}

// What the engine computes with after an attack equals protect_and_read's
// images (the model the accuracy study uses): the memory loaded with the
// clean image (signatures from the host), the flips stored behind the check
// bits, every group swept once (checksum), then every word read.
TEST(ProtectedEngine, ReadsEqualProtectAndReadAfterAnAttack) {
  std::mt19937_64 rng(11);
  const std::pair<std::string, golden::Protection> kinds[] = {
      {"parity", golden::Protection::Parity},
      {"secded", golden::Protection::Secded},
      {"checksum", golden::Protection::Checksum}};
  for (const auto& [name, prot] : kinds)
    for (const std::string mode : {"flag", "zero"})
      for (int trial = 0; trial < 20; ++trial) {
        const int lanes = 1 + static_cast<int>(rng() % 16),
                  words = 8 + static_cast<int>(rng() % 60);
        const auto p = params(name, mode, lanes, words, 4);
        Int8EngineModel m(p);
        std::vector<int8_t> clean(static_cast<std::size_t>(lanes * words));
        for (auto& v : clean) v = static_cast<int8_t>(rng());
        for (int a = 0; a < words; ++a)
          m.write(static_cast<uint32_t>(a), clean.data() + static_cast<std::ptrdiff_t>(a) * lanes);
        if (name == "checksum") {
          const auto sigs = golden::group_signatures(clean, lanes, 4, p.key());
          for (int g = 0; g < p.groups(); ++g)
            m.write_check(static_cast<uint32_t>(4 * g), sigs[static_cast<std::size_t>(g)]);
        }
        std::vector<int8_t> flipped = clean;
        const int flips = 1 + static_cast<int>(rng() % 12);
        for (int f = 0; f < flips; ++f) {
          const int a = static_cast<int>(rng() % words), b = static_cast<int>(rng() % (8 * lanes));
          m.flip_bit(static_cast<uint32_t>(a), b);
          auto& w = flipped[static_cast<std::size_t>(a * lanes + b / 8)];
          w = static_cast<int8_t>(static_cast<uint8_t>(w) ^ (1u << (b % 8)));
        }
        if (name == "checksum")
          for (int a = 0; a < words; ++a) m.check(static_cast<uint32_t>(a));
        const auto want = golden::protect_and_read(prot, clean, flipped, lanes, 4, p.key());
        const auto& image =
            want.image(mode == "zero" ? golden::OnDetect::Zero : golden::OnDetect::Flag);
        for (int a = 0; a < words; ++a) {
          const auto r = m.memory().read(static_cast<uint32_t>(a));
          const std::vector<int8_t> expect(image.begin() + a * lanes,
                                           image.begin() + (a + 1) * lanes);
          ASSERT_EQ(r.data, expect) << name << " " << mode << " word " << a;
          const int unit = name == "checksum" ? a / 4 : a;
          ASSERT_EQ(r.status, want.status[static_cast<std::size_t>(unit)]) << name << " word " << a;
        }
      }
}

std::string error_of(Int8EngineParams p) {
  try {
    p.validate();
  } catch (const ParamError& e) {
    return e.key() + ": " + e.what();
  }
  return "";
}

TEST(ProtectedEngine, ParameterRulesNameTheKey) {
  EXPECT_EQ(error_of(params("none", "zero")).rfind("on_detect:", 0), 0u);
  EXPECT_EQ(error_of(params("none", "flag")), "");
  EXPECT_EQ(error_of(params("checksum", "flag", 8, 16, 3)).rfind("group_words:", 0), 0u);
  EXPECT_EQ(error_of(params("checksum", "flag", 8, 16, 16)).rfind("group_words:", 0), 0u);
  EXPECT_EQ(error_of(params("parity", "flag", 8, 16, 3)), "") << "group_words is the checksum's";
  auto p = params("checksum", "flag");
  for (const std::string bad : {"", "9e37", "0x", "0x12345678901234567", "0xg1"}) {
    p.checksum_key = bad;
    EXPECT_EQ(error_of(p).rfind("checksum_key:", 0), 0u) << bad;
  }
  p.checksum_key = "0xFFFFFFFFFFFFFFFF";
  EXPECT_EQ(p.key(), ~uint64_t{0});
  EXPECT_EQ(params("secded", "flag", 8).word_check_bits(), 8);
  EXPECT_EQ(params("secded", "flag", 64).word_check_bits(), 11);
  EXPECT_EQ(params("parity", "flag").check_memory_bits(), 16);
  EXPECT_EQ(params("checksum", "flag", 8, 37, 8).check_memory_bits(), 10);  // 5 groups x 2 bits
}

}  // namespace
}  // namespace bf
