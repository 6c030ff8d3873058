// quantize_dequantize / quantize_packed (the fast path) against the per-block
// reference quantize_block + dequantize_element / pack_block, bit for bit, on
// biased random tensors: every format, every non-stochastic rounding, both
// integer encodings, block sizes with partial last blocks, and blocks full of
// zeros, subnormals, NaN/Inf, huge and tiny exponents, exact ties, saturation.

#include "golden/formats/tensor_quant.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "golden/formats/block_format.hpp"

namespace {

using bf::golden::BlockFormat;
using bf::golden::IntEncoding;
using bf::golden::Rounding;

uint32_t bits_of(float x) { return std::bit_cast<uint32_t>(x); }
float float_of(uint32_t b) { return std::bit_cast<float>(b); }

// The reference: quantize_block per block (stochastic_rand per flat index) and
// (float)dequantize_element per element.
std::vector<float> reference_dequantize(const BlockFormat& f, const std::vector<float>& in,
                                        std::size_t rows, std::size_t cols, uint64_t seed = 0) {
  std::vector<float> out(in.size());
  const std::size_t k = static_cast<std::size_t>(f.block_size);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; c += k) {
      const std::size_t n = std::min(k, cols - c);
      const std::size_t flat = r * cols + c;
      std::vector<uint32_t> bits(n), codes(n), rand(n);
      for (std::size_t i = 0; i < n; ++i) {
        bits[i] = bits_of(in[flat + i]);
        rand[i] = bf::golden::stochastic_rand(seed, flat + i, f.stochastic_bits);
      }
      const uint32_t scale = bf::golden::quantize_block(f, bits, codes, rand);
      for (std::size_t i = 0; i < n; ++i) {
        out[flat + i] = static_cast<float>(bf::golden::dequantize_element(f, scale, codes[i]));
      }
    }
  }
  return out;
}

std::vector<uint8_t> reference_packed(const BlockFormat& f, const std::vector<float>& in,
                                      std::size_t rows, std::size_t cols, uint64_t seed = 0) {
  std::vector<uint8_t> out;
  const std::size_t k = static_cast<std::size_t>(f.block_size);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; c += k) {
      const std::size_t n = std::min(k, cols - c);
      const std::size_t flat = r * cols + c;
      std::vector<uint32_t> bits(n), codes(k, 0), rand(n);
      for (std::size_t i = 0; i < n; ++i) {
        bits[i] = bits_of(in[flat + i]);
        rand[i] = bf::golden::stochastic_rand(seed, flat + i, f.stochastic_bits);
      }
      const uint32_t scale =
          bf::golden::quantize_block(f, bits, std::span<uint32_t>(codes.data(), n), rand);
      const auto bytes = bf::golden::pack_block(f, scale, codes);
      out.insert(out.end(), bytes.begin(), bytes.end());
    }
  }
  return out;
}

std::string hex(float x) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(bits_of(x)));
  return buf;
}

std::string describe(const BlockFormat& f) {
  std::string s = f.name() + " k=" + std::to_string(f.block_size) + " " +
                  std::string(bf::golden::to_string(f.rounding));
  if (f.kind == BlockFormat::Kind::MxInt) {
    s += " " + std::string(bf::golden::to_string(f.int_encoding));
  }
  if (f.kind == BlockFormat::Kind::Bfp) s += " w=" + std::to_string(f.exp_bits);
  return s;
}

// Bitwise comparison; reports the first mismatch with its block.
::testing::AssertionResult same_bits(const BlockFormat& f, const std::vector<float>& in,
                                     const std::vector<float>& expected,
                                     const std::vector<float>& actual, std::size_t cols) {
  if (expected.size() != actual.size()) return ::testing::AssertionFailure() << "size differs";
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (bits_of(expected[i]) == bits_of(actual[i])) continue;
    const std::size_t k = static_cast<std::size_t>(f.block_size);
    const std::size_t row = i / cols;
    const std::size_t b0 = row * cols + ((i % cols) / k) * k;
    const std::size_t b1 = std::min(b0 + k, (row + 1) * cols);
    auto res = ::testing::AssertionFailure();
    res << describe(f) << ": element " << i << " (row " << row << ", col " << i % cols
        << "): input " << in[i] << " (" << hex(in[i]) << ") expected " << expected[i] << " ("
        << hex(expected[i]) << ") got " << actual[i] << " (" << hex(actual[i])
        << ")\n  block inputs:";
    for (std::size_t j = b0; j < b1 && j < b0 + 40; ++j) res << " " << hex(in[j]);
    return res;
  }
  return ::testing::AssertionSuccess();
}

// ---- biased random tensors ------------------------------------------------------

enum class Style {
  Gaussian,     // sigma 1 with rare large outliers
  CloseExps,    // exponents within a few binades
  WideExps,     // exponents spread over the whole range
  RandomBits,   // uniformly random finite bit patterns
  Ties,         // few significant bits at a random scale: exact ties for many quanta
  NearTies,     // ties +- 1 ulp
  Zeros,        // all +0 / -0
  Subnormals,   // fp32 subnormals (and zeros)
  Huge,         // exponent fields near 254, incl. FLT_MAX
  Tiny,         // exponent fields near 1, mixed with subnormals
  WithSpecial,  // one NaN or Inf somewhere in a normal block
  Saturate,     // values at and just below the top of the format's range
  kCount
};

float random_finite(std::mt19937_64& rng, int field_lo, int field_hi) {
  std::uniform_int_distribution<uint32_t> frac(0, 0x7FFFFF);
  std::uniform_int_distribution<int> field(field_lo, field_hi);
  std::bernoulli_distribution neg(0.5);
  const uint32_t b =
      (neg(rng) ? 0x80000000u : 0u) | (static_cast<uint32_t>(field(rng)) << 23) | frac(rng);
  return float_of(b);
}

void fill_block(std::mt19937_64& rng, Style style, float* x, std::size_t n) {
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::uniform_int_distribution<int> pct(0, 99);
  std::bernoulli_distribution neg(0.5);
  auto sgn = [&](float v) { return neg(rng) ? -v : v; };
  switch (style) {
    case Style::Gaussian:
      for (std::size_t i = 0; i < n; ++i) x[i] = pct(rng) == 0 ? 40.0f * gauss(rng) : gauss(rng);
      break;
    case Style::CloseExps: {
      const int base = std::uniform_int_distribution<int>(1, 250)(rng);
      for (std::size_t i = 0; i < n; ++i) x[i] = random_finite(rng, base, base + 3);
      break;
    }
    case Style::WideExps:
      for (std::size_t i = 0; i < n; ++i) x[i] = random_finite(rng, 0, 254);
      break;
    case Style::RandomBits:
      for (std::size_t i = 0; i < n; ++i) {
        uint32_t b = std::uniform_int_distribution<uint32_t>()(rng);
        if ((b & 0x7F800000u) == 0x7F800000u) b &= 0xBFFFFFFFu;  // keep it finite
        x[i] = float_of(b);
      }
      break;
    case Style::Ties:
    case Style::NearTies: {
      const int e = std::uniform_int_distribution<int>(-140, 120)(rng);
      std::uniform_int_distribution<int> mant(0, 4095);
      for (std::size_t i = 0; i < n; ++i) {
        float v = std::ldexp(static_cast<float>(mant(rng)),
                             e - std::uniform_int_distribution<int>(0, 6)(rng));
        if (style == Style::NearTies && v != 0.0f) {
          v = std::nextafter(v, neg(rng) ? 0.0f : std::numeric_limits<float>::infinity());
        }
        x[i] = sgn(v);
      }
      break;
    }
    case Style::Zeros:
      for (std::size_t i = 0; i < n; ++i) x[i] = sgn(0.0f);
      break;
    case Style::Subnormals:
      for (std::size_t i = 0; i < n; ++i) {
        const uint32_t frac = std::uniform_int_distribution<uint32_t>(0, 0x7FFFFF)(rng) >>
                              std::uniform_int_distribution<int>(0, 22)(rng);
        x[i] = sgn(float_of(pct(rng) < 10 ? 0u : frac));
      }
      break;
    case Style::Huge:
      for (std::size_t i = 0; i < n; ++i) {
        x[i] =
            pct(rng) < 10 ? sgn(std::numeric_limits<float>::max()) : random_finite(rng, 240, 254);
      }
      break;
    case Style::Tiny:
      for (std::size_t i = 0; i < n; ++i) x[i] = random_finite(rng, 0, 8);
      break;
    case Style::WithSpecial: {
      for (std::size_t i = 0; i < n; ++i) x[i] = gauss(rng);
      const std::size_t at = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
      const float specials[] = {
          std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN(),
          std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
          float_of(0x7F800001u)};  // signaling NaN pattern
      x[at] = specials[std::uniform_int_distribution<int>(0, 4)(rng)];
      break;
    }
    case Style::Saturate: {
      // Values near powers of two times the largest element values of every
      // format: 1.984375, 1.75, 7.5, 6, 28, 448, 57344 and their neighbours.
      const float tops[] = {1.984375f, 1.9921875f, 1.75f,    1.875f,   1.5f,  7.5f,
                            7.75f,     6.0f,       7.0f,     28.0f,    30.0f, 448.0f,
                            464.0f,    480.0f,     57344.0f, 61440.0f, 1.0f,  2.0f};
      const int e = std::uniform_int_distribution<int>(-130, 110)(rng);
      for (std::size_t i = 0; i < n; ++i) {
        float v = std::ldexp(tops[std::uniform_int_distribution<int>(0, 17)(rng)], e);
        if (pct(rng) < 30) v = std::nextafter(v, 0.0f);
        if (pct(rng) < 30) v = std::nextafter(v, std::numeric_limits<float>::max());
        x[i] = sgn(v);
      }
      break;
    }
    case Style::kCount:
      break;
  }
}

// rows x cols, each block (of size k along the rows) filled with a random style.
std::vector<float> make_tensor(std::mt19937_64& rng, std::size_t rows, std::size_t cols,
                               std::size_t k) {
  std::vector<float> t(rows * cols);
  std::uniform_int_distribution<int> pick(0, static_cast<int>(Style::kCount) - 1);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; c += k) {
      fill_block(rng, static_cast<Style>(pick(rng)), t.data() + r * cols + c,
                 std::min(k, cols - c));
    }
  }
  return t;
}

std::vector<BlockFormat> all_formats() {
  std::vector<BlockFormat> out;
  for (int b = 2; b <= 8; ++b) {
    for (auto enc : {IntEncoding::SignMagnitude, IntEncoding::TwosComplement}) {
      BlockFormat f = BlockFormat::parse("mxint" + std::to_string(b));
      f.int_encoding = enc;
      out.push_back(f);
    }
  }
  for (const char* n : {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1"}) {
    out.push_back(BlockFormat::parse(n));
  }
  for (int m : {2, 3, 4, 5, 7, 8, 11, 12, 16, 20, 23, 24}) {
    for (int w : {8, 5, 3, 2}) {
      if (w != 8 && m % 4 != 0 && m != 23) continue;  // narrow exponents: a subset
      BlockFormat f = BlockFormat::parse("bfp" + std::to_string(m));
      f.exp_bits = w;
      out.push_back(f);
    }
  }
  return out;
}

constexpr Rounding kFastModes[] = {Rounding::NearestEven, Rounding::NearestAway,
                                   Rounding::Truncate};

// ---- fast path == reference ---------------------------------------------------------

TEST(TensorQuant, FastPathEqualsReferenceEveryFormat) {
  std::mt19937_64 rng(12345);
  struct Shape {
    std::size_t k, rows, cols;
  };
  // Full blocks (flat path, incl. the unrolled 16/32/64) and partial last blocks.
  const Shape shapes[] = {{32, 24, 128}, {32, 9, 45}, {16, 20, 64}, {16, 7, 50},   {64, 6, 192},
                          {7, 10, 30},   {1, 4, 33},  {3, 5, 16},   {100, 3, 250}, {33, 4, 66}};
  for (const BlockFormat& base : all_formats()) {
    for (Rounding r : kFastModes) {
      for (const Shape& s : shapes) {
        BlockFormat f = base;
        f.rounding = r;
        f.block_size = static_cast<int>(s.k);
        const auto in = make_tensor(rng, s.rows, s.cols, s.k);
        const auto expected = reference_dequantize(f, in, s.rows, s.cols);
        std::vector<float> got(in.size(), -1.0f);
        bf::golden::quantize_dequantize(f, in.data(), got.data(), s.rows, s.cols);
        ASSERT_TRUE(same_bits(f, in, expected, got, s.cols));
      }
    }
  }
}

TEST(TensorQuant, EveryStyleEveryFormatLargeBlocks) {
  // One style per tensor so that no block mixes styles (pure subnormal, pure
  // huge, ... blocks of the MX size).
  std::mt19937_64 rng(777);
  for (const BlockFormat& base : all_formats()) {
    for (Rounding r : kFastModes) {
      for (int st = 0; st < static_cast<int>(Style::kCount); ++st) {
        BlockFormat f = base;
        f.rounding = r;
        const std::size_t rows = 8;
        const std::size_t cols = static_cast<std::size_t>(f.block_size) * 2 + 5;
        std::vector<float> in(rows * cols);
        for (std::size_t row = 0; row < rows; ++row) {
          fill_block(rng, static_cast<Style>(st), in.data() + row * cols, cols);
        }
        const auto expected = reference_dequantize(f, in, rows, cols);
        std::vector<float> got(in.size());
        bf::golden::quantize_dequantize(f, in.data(), got.data(), rows, cols);
        ASSERT_TRUE(same_bits(f, in, expected, got, cols)) << " style " << st;
      }
    }
  }
}

TEST(TensorQuant, EveryShareExponent) {
  // One row per largest exponent field 0..254 (so every shared exponent,
  // including the clamped ones of narrow BFP exponents and the tiny-block
  // paths), elements within 30 binades below it, a third of them on ties.
  std::mt19937_64 rng(2718);
  const std::size_t cols = 32;
  std::vector<float> in(255 * cols);
  for (int field = 0; field < 255; ++field) {
    float* row = in.data() + static_cast<std::size_t>(field) * cols;
    for (std::size_t i = 0; i < cols; ++i) {
      float v = random_finite(rng, std::max(field - 30, 0), field);
      if (i % 3 == 0 && field > 0) {  // few significant bits: ties for most quanta
        v = float_of(bits_of(v) & 0xFFFC0000u);
      }
      row[i] = v;
    }
    row[std::uniform_int_distribution<std::size_t>(0, cols - 1)(rng)] =
        float_of((static_cast<uint32_t>(field) << 23) | 0x7FFFFFu);  // the block maximum
  }
  for (const BlockFormat& base : all_formats()) {
    for (Rounding r : kFastModes) {
      BlockFormat f = base;
      f.rounding = r;
      f.block_size = static_cast<int>(cols);
      const auto expected = reference_dequantize(f, in, 255, cols);
      std::vector<float> got(in.size());
      bf::golden::quantize_dequantize(f, in.data(), got.data(), 255, cols);
      ASSERT_TRUE(same_bits(f, in, expected, got, cols));
      ASSERT_EQ(bf::golden::quantize_packed(f, in.data(), 255, cols),
                reference_packed(f, in, 255, cols))
          << describe(f);
    }
  }
}

TEST(TensorQuant, InPlaceEqualsOutOfPlace) {
  std::mt19937_64 rng(99);
  for (const char* name : {"mxint8", "mxfp4_e2m1", "bfp8", "mxfp8_e5m2"}) {
    BlockFormat f = BlockFormat::parse(name);
    const auto in = make_tensor(rng, 16, 100, 32);
    std::vector<float> out(in.size());
    bf::golden::quantize_dequantize(f, in.data(), out.data(), 16, 100);
    std::vector<float> inplace = in;
    bf::golden::quantize_dequantize(f, inplace.data(), inplace.data(), 16, 100);
    EXPECT_TRUE(same_bits(f, in, out, inplace, 100));
  }
}

TEST(TensorQuant, PartiallyOverlappingBuffers) {
  std::mt19937_64 rng(5);
  const BlockFormat f = BlockFormat::parse("mxint8");
  std::vector<float> buf(4 * 64 + 8);
  const auto in = make_tensor(rng, 4, 64, 32);
  std::copy(in.begin(), in.end(), buf.begin() + 8);
  const auto expected = reference_dequantize(f, in, 4, 64);
  bf::golden::quantize_dequantize(f, buf.data() + 8, buf.data(), 4, 64);
  EXPECT_TRUE(same_bits(f, in, expected, std::vector<float>(buf.begin(), buf.begin() + 256), 64));
}

TEST(TensorQuant, CornerCases) {
  const float inf = std::numeric_limits<float>::infinity();
  const float fmax = std::numeric_limits<float>::max();
  const float den = std::numeric_limits<float>::denorm_min();
  const std::vector<std::vector<float>> blocks = {
      {0.0f, -0.0f, 0.0f, -0.0f},                            // zero block
      {den, -den, 2 * den, 0.0f},                            // smallest subnormals
      {fmax, -fmax, 1.0f, -1e-30f},                          // largest exponent
      {-fmax, -fmax * 0.999f, fmax * 0.5f, 3.0f},            // two's complement overflow
      {1.0f, 0.5f, 0.25f, 0.125f},                           // powers of two
      {1.5f, 2.5f, -0.5f, -1.5f},                            // ties
      {inf, 1.0f, 2.0f, 3.0f},                               // Inf block
      {1.0f, std::nanf(""), -2.0f, 0.0f},                    // NaN block
      {1.0f, 1.0f + 0x1p-23f, 1.0f - 0x1p-24f, 0x1p-126f},   // around 1 and FLT_MIN
      {0x1p-126f, 0x1p-127f, -0x1p-149f, 0x1.fffffcp-127f},  // FLT_MIN and subnormals
  };
  for (const BlockFormat& base : all_formats()) {
    for (Rounding r : kFastModes) {
      BlockFormat f = base;
      f.rounding = r;
      f.block_size = 4;
      for (const auto& blk : blocks) {
        const auto expected = reference_dequantize(f, blk, 1, blk.size());
        std::vector<float> got(blk.size());
        bf::golden::quantize_dequantize(f, blk.data(), got.data(), 1, blk.size());
        ASSERT_TRUE(same_bits(f, blk, expected, got, blk.size()));
      }
    }
  }
}

TEST(TensorQuant, TwosComplementOverflowIsNegativeInfinity) {
  BlockFormat f = BlockFormat::parse("mxint8");
  f.int_encoding = IntEncoding::TwosComplement;
  const std::vector<float> in = {-std::numeric_limits<float>::max(), 1.0f};
  std::vector<float> out(2);
  bf::golden::quantize_dequantize(f, in.data(), out.data(), 1, 2);
  EXPECT_EQ(out[0], -std::numeric_limits<float>::infinity());  // -128 * 2^121 = -2^128
  EXPECT_TRUE(same_bits(f, in, reference_dequantize(f, in, 1, 2), out, 2));
}

// ---- packed storage --------------------------------------------------------------

TEST(TensorQuant, PackedEqualsPackBlockOfReferenceCodes) {
  std::mt19937_64 rng(4242);
  for (const BlockFormat& base : all_formats()) {
    for (Rounding r : kFastModes) {
      for (std::size_t k : {32u, 5u}) {
        BlockFormat f = base;
        f.rounding = r;
        f.block_size = static_cast<int>(k);
        const std::size_t rows = 6;
        const std::size_t cols = 3 * k + 2;  // partial last block
        const auto in = make_tensor(rng, rows, cols, k);
        const auto expected = reference_packed(f, in, rows, cols);
        const auto got = bf::golden::quantize_packed(f, in.data(), rows, cols);
        const std::size_t block_bytes = (static_cast<std::size_t>(f.block_storage_bits()) + 7) / 8;
        ASSERT_EQ(got.size(), rows * 4 * block_bytes) << describe(f);
        ASSERT_EQ(got, expected) << describe(f);
      }
    }
  }
}

TEST(TensorQuant, PackedUnpacksToTheDequantizedTensor) {
  std::mt19937_64 rng(8);
  BlockFormat f = BlockFormat::parse("mxfp6_e3m2");
  const std::size_t rows = 3;
  const std::size_t cols = 70;
  const auto in = make_tensor(rng, rows, cols, 32);
  const auto packed = bf::golden::quantize_packed(f, in.data(), rows, cols);
  std::vector<float> deq(in.size());
  bf::golden::quantize_dequantize(f, in.data(), deq.data(), rows, cols);
  const std::size_t block_bytes = (static_cast<std::size_t>(f.block_storage_bits()) + 7) / 8;
  std::size_t block = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; c += 32, ++block) {
      const std::size_t n = std::min<std::size_t>(32, cols - c);
      uint32_t scale = 0;
      std::vector<uint32_t> codes(32);
      bf::golden::unpack_block(
          f, std::span<const uint8_t>(packed.data() + block * block_bytes, block_bytes), scale,
          codes);
      for (std::size_t i = 0; i < n; ++i) {
        const float v = static_cast<float>(bf::golden::dequantize_element(f, scale, codes[i]));
        ASSERT_EQ(bits_of(v), bits_of(deq[r * cols + c + i]));
      }
      for (std::size_t i = n; i < 32; ++i) EXPECT_EQ(codes[i], 0u);  // padding codes
    }
  }
}

// ---- stochastic rounding (reference path) ---------------------------------------------

TEST(TensorQuant, StochasticIsReproducibleAndUsesFlatIndices) {
  std::mt19937_64 rng(31);
  for (const char* name : {"mxint4", "mxfp4_e2m1", "bfp6", "mxfp8_e4m3"}) {
    BlockFormat f = BlockFormat::parse(name);
    f.rounding = Rounding::Stochastic;
    f.stochastic_bits = 8;
    const std::size_t rows = 5;
    const std::size_t cols = 77;
    const auto in = make_tensor(rng, rows, cols, 32);
    std::vector<float> a(in.size()), b(in.size()), c(in.size());
    bf::golden::quantize_dequantize(f, in.data(), a.data(), rows, cols, 2024);
    bf::golden::quantize_dequantize(f, in.data(), b.data(), rows, cols, 2024);
    bf::golden::quantize_dequantize(f, in.data(), c.data(), rows, cols, 2025);
    EXPECT_TRUE(same_bits(f, in, a, b, cols)) << "same seed must give the same tensor";
    EXPECT_TRUE(same_bits(f, in, reference_dequantize(f, in, rows, cols, 2024), a, cols));
    EXPECT_NE(std::memcmp(a.data(), c.data(), a.size() * sizeof(float)), 0)
        << name << ": another seed should change some element";
    EXPECT_EQ(bf::golden::quantize_packed(f, in.data(), rows, cols, 2024),
              reference_packed(f, in, rows, cols, 2024));
  }
}

TEST(TensorQuant, StochasticIsUnbiasedOnAverage) {
  BlockFormat f = BlockFormat::parse("mxint4");  // quantum 2^-2 * scale
  f.rounding = Rounding::Stochastic;
  f.stochastic_bits = 12;
  const std::size_t n = 32 * 2000;
  std::vector<float> in(n);
  for (std::size_t i = 0; i < n; ++i) in[i] = i % 32 == 0 ? 1.0f : 0.3f;  // 0.3 = 1.2 quanta
  std::vector<float> out(n);
  bf::golden::quantize_dequantize(f, in.data(), out.data(), n / 32, 32, 7);
  double sum = 0;
  std::size_t cnt = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 32 == 0) continue;
    sum += out[i];
    ++cnt;
  }
  EXPECT_NEAR(sum / static_cast<double>(cnt), 0.3, 0.01);
}

// ---- validation and error statistics ----------------------------------------------------

TEST(TensorQuant, InvalidFormatThrows) {
  BlockFormat f = BlockFormat::parse("mxint8");
  f.block_size = 0;
  std::vector<float> x(4);
  EXPECT_THROW(bf::golden::quantize_dequantize(f, x.data(), x.data(), 1, 4), std::invalid_argument);
  EXPECT_THROW(bf::golden::quantize_packed(f, x.data(), 1, 4), std::invalid_argument);
}

TEST(TensorQuant, EmptyTensorIsANoOp) {
  const BlockFormat f = BlockFormat::parse("mxint8");
  bf::golden::quantize_dequantize(f, nullptr, nullptr, 0, 32);
  EXPECT_TRUE(bf::golden::quantize_packed(f, nullptr, 0, 32).empty());
}

TEST(ErrorStats, KnownValues) {
  const std::vector<float> x = {1.0f, -2.0f, 3.0f, 0.0f};
  const std::vector<float> q = {1.0f, -2.5f, 2.0f, 0.0f};
  const auto s = bf::golden::error_stats(x.data(), q.data(), x.size());
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.mse, (0.25 + 1.0) / 4);
  EXPECT_DOUBLE_EQ(s.max_abs, 1.0);
  EXPECT_NEAR(s.sqnr_db, 10 * std::log10(14.0 / 1.25), 1e-12);
}

TEST(ErrorStats, ExactIsInfiniteSqnrAndNonFiniteInputsAreSkipped) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> x = {1.0f, nan, inf, 4.0f};
  const std::vector<float> q = {1.0f, nan, nan, 4.0f};
  const auto s = bf::golden::error_stats(x.data(), q.data(), x.size());
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.mse, 0.0);
  EXPECT_EQ(s.max_abs, 0.0);
  EXPECT_EQ(s.sqnr_db, std::numeric_limits<double>::infinity());
}

TEST(ErrorStats, FiniteInputWithNonFiniteResultIsAnInfiniteError) {
  const std::vector<float> x = {1.0f, 2.0f};
  const std::vector<float> q = {std::numeric_limits<float>::quiet_NaN(), 2.0f};
  const auto s = bf::golden::error_stats(x.data(), q.data(), x.size());
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.max_abs, std::numeric_limits<double>::infinity());
  EXPECT_EQ(s.mse, std::numeric_limits<double>::infinity());
}

}  // namespace
