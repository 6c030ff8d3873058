// Whole-tensor fake quantization and packing (see tensor_quant.hpp).
//
// Fast path. For one block with shared exponent se (the value of the scale is
// 2^se), every format in block_format.hpp rounds |x| to a multiple of a quantum
// 2^Q and saturates. We do this in "y space", y = |x| * 2^-se:
//   - 2^-se is an exact float for every se in [-127, 127], and y is exact
//     whenever it is a normal float. A subnormal y (< 2^-126) may be inexact,
//     but every y-space quantum here is >= 2^-22, so such a y rounds to 0 in
//     every fast rounding mode whatever its low bits.
//   - the y-space quantum q = 2^Qy is a block constant for MX int (2^(2-b))
//     and BFP (2^(1-m)); for MX float Qy = max(floor(log2 y), emin) - M,
//     taken from y's exponent field (no libm, no branch).
//   - rounding to nearest, ties to even, is the magic-number trick
//     t = (y + C) - C with C = q * 2^23, exact for y < C (the sum's ulp is q).
//     Truncation and ties-away are that result corrected by one compare
//     (t > y: step down; y - t == q/2: step up). All values involved are
//     multiples of ulp(y) within a few ulps, so the corrections are exact.
//   - saturation is a min against the largest element value (y space);
//     rounding carries into the next binade come out of the trick for free.
//   - the result t * 2^se is exact (a multiple of 2^-149 with <= 24
//     significant bits) except for MX two's-complement -2^(b-1) at se = 127,
//     whose value -2^128 overflows to -Inf exactly as the reference's
//     double -> float cast does.
// The result is thus the reference value, rounded to float once, which is what
// (float)dequantize_element gives. Signs follow the reference: MX float
// elements keep the input sign (-0 results), integer and BFP zero codes are +0.
// Blocks holding NaN/Inf become the reference's NaN value. Stochastic rounding
// (and anything the fast path does not cover) runs the reference per block.
//
// Vectorization: per block, one max pass over the bit patterns and one
// element pass, both straight-line loops that GCC vectorizes; the driver is
// compiled twice (AVX2 and baseline x86-64) and picked at run time, so the
// library stays safe on any x86-64.

#include "golden/formats/tensor_quant.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>

namespace bf::golden {

namespace {

using Kind = BlockFormat::Kind;

constexpr uint32_t kAbsMask = 0x7FFFFFFFu;
constexpr uint32_t kSignMask = 0x80000000u;
constexpr uint32_t kExpMask = 0x7F800000u;

inline float as_float(uint32_t b) { return std::bit_cast<float>(b); }
inline uint32_t as_bits(float x) { return std::bit_cast<uint32_t>(x); }

// 2^e exactly, e in [-149, 127].
inline float pow2f(int e) {
  return e >= -126 ? as_float(static_cast<uint32_t>(e + 127) << 23)
                   : as_float(uint32_t{1} << (e + 149));
}

enum class Mode { Even, Away, Trunc };

// Constants of the fast path for one format (all in y space).
struct Fast {
  Kind kind = Kind::MxInt;
  Mode mode = Mode::Even;
  std::size_t k = 32;
  int emax = 0;         // MX: emax_elem
  int bfp_bias = 127;   // BFP: bias of the w-bit shared exponent
  int bfp_smax = 254;   // BFP: largest stored shared exponent, 2^w - 2
  uint32_t nan_scale = 0xFF;
  float magic = 0;      // MX int, BFP: C = q * 2^23
  float quantum = 0;    // MX int, BFP: q
  float half = 0;       // MX int, BFP: q / 2
  float max_pos = 0;    // largest magnitude (y space)
  float max_neg = 0;    // largest magnitude of a negative value (two's complement: 2.0)
  float pmin = 0;       // MX float: 2^emin
  float cmul = 0;       // MX float: 2^(23 - M)
  float nan_out = 0;    // the reference's output for every element of a NaN block
};

// ---- element kernels ----------------------------------------------------------

template <Mode R>
[[gnu::always_inline]] inline float round_y(float y, float c, float q, float h) {
  float t = (y + c) - c;  // nearest, ties to even (y < c)
  if constexpr (R == Mode::Trunc) t = t > y ? t - q : t;
  if constexpr (R == Mode::Away) t = (y - t) == h ? t + q : t;
  return t;
}

// The constants of quant_y, copied into registers before an element loop (a
// load through `const Fast&` inside the loop could alias the output).
struct ElemConsts {
  float magic, quantum, half, max_pos, max_neg, pmin, cmul;
  explicit ElemConsts(const Fast& p)
      : magic(p.magic),
        quantum(p.quantum),
        half(p.half),
        max_pos(p.max_pos),
        max_neg(p.max_neg),
        pmin(p.pmin),
        cmul(p.cmul) {}
};

// The rounded, saturated magnitude of one element in y space.
template <Kind K, Mode R>
[[gnu::always_inline]] inline float quant_y(uint32_t b, float inv, const ElemConsts& p) {
  const float y = as_float(b & kAbsMask) * inv;
  if constexpr (K == Kind::MxInt) {
    const float t = round_y<R>(y, p.magic, p.quantum, p.half);
    const float limit = (b & kSignMask) != 0 ? p.max_neg : p.max_pos;
    return std::min(t, limit);
  } else if constexpr (K == Kind::MxFloat) {
    const float c = std::max(as_float(as_bits(y) & kExpMask), p.pmin) * p.cmul;
    const float t = round_y<R>(y, c, c * 0x1p-23f, c * 0x1p-24f);
    return std::min(t, p.max_pos);
  } else {
    // y >= C only for m = 24 (y in [1, 2) is then exact already) or when the
    // exponent was clamped from above (y >= 2 saturates either way).
    float t = round_y<R>(y, p.magic, p.quantum, p.half);
    t = y >= p.magic ? y : t;
    return std::min(t, p.max_pos);
  }
}

template <Kind K, Mode R>
[[gnu::always_inline]] inline void dequant_block(const float* in, float* out, std::size_t n,
                                                 float inv, float scale, const ElemConsts c) {
#pragma GCC ivdep
  for (std::size_t i = 0; i < n; ++i) {
    const uint32_t b = as_bits(in[i]);
    const uint32_t sign = b & kSignMask;
    const float t = quant_y<K, R>(b, inv, c);
    uint32_t r = as_bits(t * scale);
    if constexpr (K == Kind::MxFloat) {
      r |= sign;  // the input sign is always kept
    } else {
      r |= t != 0.0f ? sign : 0u;  // a zero code is +0
    }
    out[i] = as_float(r);
  }
}

[[gnu::always_inline]] inline uint32_t block_max_abs(const float* in, std::size_t n) {
  uint32_t m = 0;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, as_bits(in[i]) & kAbsMask);
  return m;
}

// Shared exponent se of a finite block (max_abs < 0x7F800000) and its scale field.
template <Kind K>
[[gnu::always_inline]] inline int block_exponent(uint32_t max_abs, const Fast& p,
                                                 uint32_t& field) {
  const int maxfield = static_cast<int>(max_abs >> 23);
  if constexpr (K == Kind::Bfp) {
    const int e = std::max(maxfield, 1);
    const int s = std::clamp(e - 127 + p.bfp_bias, 0, p.bfp_smax);
    field = static_cast<uint32_t>(s);
    return s - p.bfp_bias;
  } else {
    const int s = std::max(maxfield - p.emax, 0);
    field = static_cast<uint32_t>(s);
    return s - 127;
  }
}

template <Kind K, Mode R>
[[gnu::always_inline]] inline void dequant_span(const Fast& p, const float* in, float* out,
                                                std::size_t n) {
  const uint32_t m = block_max_abs(in, n);
  if (m >= kExpMask) {  // NaN or Inf in the block
    std::fill(out, out + n, p.nan_out);
    return;
  }
  uint32_t field = 0;
  const int se = block_exponent<K>(m, p, field);
  dequant_block<K, R>(in, out, n, pow2f(-se), pow2f(se), ElemConsts(p));
}

template <Kind K, Mode R>
[[gnu::always_inline]] inline void dequant_rows(const Fast& p, const float* in, float* out,
                                                std::size_t rows, std::size_t cols) {
  const std::size_t k = p.k;
  if (cols % k == 0) {  // every block is full: one flat run of blocks
    const std::size_t total = rows * cols;
    if (k == 32) {
      for (std::size_t i = 0; i < total; i += 32) dequant_span<K, R>(p, in + i, out + i, 32);
    } else {
      for (std::size_t i = 0; i < total; i += k) dequant_span<K, R>(p, in + i, out + i, k);
    }
    return;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row_in = in + r * cols;
    float* row_out = out + r * cols;
    for (std::size_t c = 0; c < cols; c += k) {
      dequant_span<K, R>(p, row_in + c, row_out + c, std::min(k, cols - c));
    }
  }
}

template <Kind K>
[[gnu::always_inline]] inline void dequant_rows_mode(const Fast& p, const float* in, float* out,
                                                     std::size_t rows, std::size_t cols) {
  switch (p.mode) {
    case Mode::Even:
      return dequant_rows<K, Mode::Even>(p, in, out, rows, cols);
    case Mode::Away:
      return dequant_rows<K, Mode::Away>(p, in, out, rows, cols);
    case Mode::Trunc:
      return dequant_rows<K, Mode::Trunc>(p, in, out, rows, cols);
  }
}

// The fast driver, compiled for AVX2 and for baseline x86-64 (runtime dispatch).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define BF_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define BF_TARGET_CLONES
#endif

BF_TARGET_CLONES void fast_dequantize(const Fast& p, const float* in, float* out,
                                      std::size_t rows, std::size_t cols) {
  switch (p.kind) {
    case Kind::MxInt:
      return dequant_rows_mode<Kind::MxInt>(p, in, out, rows, cols);
    case Kind::MxFloat:
      return dequant_rows_mode<Kind::MxFloat>(p, in, out, rows, cols);
    case Kind::Bfp:
      return dequant_rows_mode<Kind::Bfp>(p, in, out, rows, cols);
  }
}

// ---- setup ---------------------------------------------------------------------

bool fast_mode(Rounding r, Mode& mode) {
  switch (r) {
    case Rounding::NearestEven:
      mode = Mode::Even;
      return true;
    case Rounding::NearestAway:
      mode = Mode::Away;
      return true;
    case Rounding::Truncate:
      mode = Mode::Trunc;
      return true;
    case Rounding::Stochastic:
      return false;
  }
  return false;
}

// Fills `p` and returns true when the fast path covers format f.
bool make_fast(const BlockFormat& f, Fast& p) {
  if (!fast_mode(f.rounding, p.mode)) return false;
  p.kind = f.kind;
  p.k = static_cast<std::size_t>(f.block_size);
  p.nan_scale = f.scale_bits() >= 32 ? ~uint32_t{0} : (uint32_t{1} << f.scale_bits()) - 1;
  p.nan_out = static_cast<float>(dequantize_element(f, p.nan_scale, 0));
  switch (f.kind) {
    case Kind::MxInt: {
      const int b = f.int_bits;
      if (b < 2 || b > 8) return false;
      p.emax = 0;
      p.quantum = pow2f(2 - b);
      p.half = pow2f(1 - b);
      p.magic = pow2f(25 - b);
      p.max_pos = static_cast<float>((1 << (b - 1)) - 1) * p.quantum;
      p.max_neg = f.int_encoding == IntEncoding::TwosComplement ? 2.0f : p.max_pos;
      return true;
    }
    case Kind::MxFloat: {
      const FloatFormat& ef = f.elem_float;
      // The y-space argument needs subnormal elements, a small mantissa (the
      // trick's C = 2^(Qy+23) must stay finite) and a modest exponent range.
      if (!ef.subnormals || ef.man_bits > 20 || ef.emin() < -60 || ef.emax() > 60) return false;
      p.emax = f.emax_elem();
      p.pmin = pow2f(ef.emin());
      p.cmul = pow2f(23 - ef.man_bits);
      p.max_pos = static_cast<float>(ef.max_normal());
      return true;
    }
    case Kind::Bfp: {
      const int m = f.man_bits;
      const int w = f.exp_bits;
      if (m < 2 || m > 24 || w < 2 || w > 8) return false;
      p.bfp_bias = (1 << (w - 1)) - 1;
      p.bfp_smax = (1 << w) - 2;
      p.quantum = pow2f(1 - m);
      p.half = pow2f(-m);
      p.magic = pow2f(24 - m);
      p.max_pos = 2.0f - p.quantum;
      return true;
    }
  }
  return false;
}

// ---- reference path ------------------------------------------------------------

// Runs `fn(block_index_in_row, row, c0, n, scale, codes)` for every block after
// quantizing it with the reference quantize_block.
template <class Fn>
void reference_blocks(const BlockFormat& f, const float* in, std::size_t rows, std::size_t cols,
                      uint64_t seed, Fn&& fn) {
  const std::size_t k = static_cast<std::size_t>(f.block_size);
  const bool stochastic = f.rounding == Rounding::Stochastic;
  std::vector<uint32_t> bits(k), codes(k), rand(stochastic ? k : 0);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; c += k) {
      const std::size_t n = std::min(k, cols - c);
      const std::size_t flat = r * cols + c;
      std::memcpy(bits.data(), in + flat, n * sizeof(float));
      if (stochastic) {
        for (std::size_t i = 0; i < n; ++i) rand[i] = stochastic_rand(seed, flat + i, f.stochastic_bits);
      }
      const uint32_t scale =
          quantize_block(f, std::span<const uint32_t>(bits.data(), n),
                         std::span<uint32_t>(codes.data(), n),
                         stochastic ? std::span<const uint32_t>(rand.data(), n)
                                    : std::span<const uint32_t>{});
      fn(r, c, n, scale, std::span<const uint32_t>(codes.data(), n));
    }
  }
}

// ---- packing -------------------------------------------------------------------

// ORs `value` (< 2^width, width <= 32) into a zeroed little-endian bit stream.
inline void put_bits(uint8_t* dst, std::size_t pos, uint32_t value, int width) {
  uint64_t v = uint64_t{value} << (pos & 7);
  uint8_t* p = dst + (pos >> 3);
  const int nbytes = static_cast<int>(((pos & 7) + static_cast<std::size_t>(width) + 7) / 8);
  for (int j = 0; j < nbytes; ++j, v >>= 8) p[j] |= static_cast<uint8_t>(v);
}

void pack_into(const BlockFormat& f, uint8_t* dst, uint32_t scale, std::span<const uint32_t> codes) {
  const int sb = f.scale_bits();
  const int eb = f.elem_bits();
  put_bits(dst, 0, scale, sb);
  std::size_t pos = static_cast<std::size_t>(sb);
  for (uint32_t c : codes) {  // padding codes are 0: the buffer is already zero
    put_bits(dst, pos, c, eb);
    pos += static_cast<std::size_t>(eb);
  }
}

// Element codes on the fast path, from the y-space magnitude t of quant_y.
template <Kind K, Mode R>
void fast_codes(const BlockFormat& f, const Fast& p, const float* in, std::size_t n,
                uint32_t& scale, uint32_t* codes) {
  const uint32_t m = block_max_abs(in, n);
  if (m >= kExpMask) {
    scale = p.nan_scale;
    std::fill(codes, codes + n, 0u);
    return;
  }
  const int se = block_exponent<K>(m, p, scale);
  const float inv = pow2f(-se);
  const ElemConsts ec(p);
  if constexpr (K == Kind::MxInt) {
    const int b = f.int_bits;
    const float to_int = pow2f(b - 2);
    const uint32_t mask = (uint32_t{1} << b) - 1;
    const bool twos = f.int_encoding == IntEncoding::TwosComplement;
    for (std::size_t i = 0; i < n; ++i) {
      const uint32_t bits = as_bits(in[i]);
      const auto mag = static_cast<uint32_t>(quant_y<K, R>(bits, inv, ec) * to_int);
      const bool neg = (bits & kSignMask) != 0;
      if (twos) {
        codes[i] = (neg ? 0u - mag : mag) & mask;
      } else {
        codes[i] = mag == 0 ? 0u : (neg ? uint32_t{1} << (b - 1) : 0u) | mag;
      }
    }
  } else if constexpr (K == Kind::MxFloat) {
    const FloatFormat& ef = f.elem_float;
    const int M = ef.man_bits;
    const int emin = ef.emin();
    const float sub_scale = pow2f(M - emin);  // subnormal element: code = t * 2^(M - emin)
    const uint32_t normal_offset = static_cast<uint32_t>(127 + emin - 1) << M;
    const uint32_t sign_bit = uint32_t{1} << (ef.exp_bits + M);
    for (std::size_t i = 0; i < n; ++i) {
      const uint32_t bits = as_bits(in[i]);
      const float t = quant_y<K, R>(bits, inv, ec);
      const uint32_t mag = t >= p.pmin ? (as_bits(t) >> (23 - M)) - normal_offset
                                       : static_cast<uint32_t>(t * sub_scale);
      codes[i] = ((bits & kSignMask) != 0 ? sign_bit : 0u) | mag;
    }
  } else {
    const int mb = f.man_bits;
    const float to_int = pow2f(mb - 1);
    for (std::size_t i = 0; i < n; ++i) {
      const uint32_t bits = as_bits(in[i]);
      const auto mag = static_cast<uint32_t>(quant_y<K, R>(bits, inv, ec) * to_int);
      codes[i] = mag == 0 ? 0u : ((bits & kSignMask) != 0 ? uint32_t{1} << mb : 0u) | mag;
    }
  }
}

template <Kind K, Mode R>
void fast_packed_rows(const BlockFormat& f, const Fast& p, const float* in, std::size_t rows,
                      std::size_t cols, uint8_t* dst, std::size_t block_bytes) {
  const std::size_t k = p.k;
  std::vector<uint32_t> codes(k);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; c += k) {
      const std::size_t n = std::min(k, cols - c);
      uint32_t scale = 0;
      fast_codes<K, R>(f, p, in + r * cols + c, n, scale, codes.data());
      pack_into(f, dst, scale, std::span<const uint32_t>(codes.data(), n));
      dst += block_bytes;
    }
  }
}

template <Kind K>
void fast_packed_mode(const BlockFormat& f, const Fast& p, const float* in, std::size_t rows,
                      std::size_t cols, uint8_t* dst, std::size_t block_bytes) {
  switch (p.mode) {
    case Mode::Even:
      return fast_packed_rows<K, Mode::Even>(f, p, in, rows, cols, dst, block_bytes);
    case Mode::Away:
      return fast_packed_rows<K, Mode::Away>(f, p, in, rows, cols, dst, block_bytes);
    case Mode::Trunc:
      return fast_packed_rows<K, Mode::Trunc>(f, p, in, rows, cols, dst, block_bytes);
  }
}

bool overlaps(const float* a, const float* b, std::size_t n) {
  const auto pa = reinterpret_cast<std::uintptr_t>(a);
  const auto pb = reinterpret_cast<std::uintptr_t>(b);
  const std::size_t bytes = n * sizeof(float);
  return pa < pb + bytes && pb < pa + bytes;
}

}  // namespace

void quantize_dequantize(const BlockFormat& f, const float* in, float* out, std::size_t rows,
                         std::size_t cols, uint64_t seed) {
  f.validate();
  const std::size_t total = rows * cols;
  if (total == 0) return;
  // Partial overlap (out != in but sharing memory) would let a block read
  // another block's output: work from a copy of the input.
  std::vector<float> copy;
  if (in != out && overlaps(in, out, total)) {
    copy.assign(in, in + total);
    in = copy.data();
  }
  Fast p;
  if (make_fast(f, p)) {
    fast_dequantize(p, in, out, rows, cols);
    return;
  }
  reference_blocks(f, in, rows, cols, seed,
                   [&](std::size_t r, std::size_t c, std::size_t n, uint32_t scale,
                       std::span<const uint32_t> codes) {
                     float* o = out + r * cols + c;
                     for (std::size_t i = 0; i < n; ++i) {
                       o[i] = static_cast<float>(dequantize_element(f, scale, codes[i]));
                     }
                   });
}

std::vector<uint8_t> quantize_packed(const BlockFormat& f, const float* in, std::size_t rows,
                                     std::size_t cols, uint64_t seed) {
  f.validate();
  const std::size_t k = static_cast<std::size_t>(f.block_size);
  const std::size_t blocks_per_row = (cols + k - 1) / k;
  const std::size_t block_bytes = (static_cast<std::size_t>(f.block_storage_bits()) + 7) / 8;
  std::vector<uint8_t> out(rows * blocks_per_row * block_bytes, 0);
  if (out.empty()) return out;
  Fast p;
  if (make_fast(f, p)) {
    switch (f.kind) {
      case Kind::MxInt:
        fast_packed_mode<Kind::MxInt>(f, p, in, rows, cols, out.data(), block_bytes);
        break;
      case Kind::MxFloat:
        fast_packed_mode<Kind::MxFloat>(f, p, in, rows, cols, out.data(), block_bytes);
        break;
      case Kind::Bfp:
        fast_packed_mode<Kind::Bfp>(f, p, in, rows, cols, out.data(), block_bytes);
        break;
    }
    return out;
  }
  reference_blocks(f, in, rows, cols, seed,
                   [&](std::size_t r, std::size_t c, std::size_t, uint32_t scale,
                       std::span<const uint32_t> codes) {
                     const std::size_t block = r * blocks_per_row + c / k;
                     pack_into(f, out.data() + block * block_bytes, scale, codes);
                   });
  return out;
}

ErrorStats error_stats(const float* ref, const float* q, std::size_t n) {
  ErrorStats s;
  double sum_err2 = 0;
  double sum_ref2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float x = ref[i];
    if (!std::isfinite(x)) continue;
    // A finite input whose quantized value is not finite (an element of a
    // NaN/Inf block, or an overflow) has an unbounded error.
    const double d = std::isfinite(q[i]) ? std::fabs(static_cast<double>(x) - q[i])
                                         : std::numeric_limits<double>::infinity();
    sum_err2 += d * d;
    sum_ref2 += static_cast<double>(x) * x;
    s.max_abs = std::max(s.max_abs, d);
    ++s.count;
  }
  s.mse = s.count != 0 ? sum_err2 / static_cast<double>(s.count) : 0.0;
  s.sqnr_db = sum_err2 == 0 ? std::numeric_limits<double>::infinity()
                            : 10.0 * std::log10(sum_ref2 / sum_err2);
  return s;
}

}  // namespace bf::golden
