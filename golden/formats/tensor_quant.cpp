// Whole-tensor fake quantization and packing (see tensor_quant.hpp).
//
// Fast path. For a block with shared exponent se (scale value 2^se) every
// format in block_format.hpp rounds |x| to a multiple of a quantum and
// saturates. We work in "y space", y = |x| * 2^-se:
//   - 2^-se is an exact float for every se in [-127, 127], so y is exact
//     whenever it is a normal float. A subnormal y (< 2^-126) may be inexact,
//     but every y-space quantum here is >= 2^-23 (its half >= 2^-24), so such a
//     y rounds to 0 in every fast mode whatever its low bits.
//   - the quantum q is a block constant for MX int (2^(2-b)) and BFP
//     (2^(1-m)); for MX float q = 2^(max(floor(log2 y), emin) - M), built
//     from y's exponent field (and, or, max, multiply: no libm, no branch).
//   - round to nearest, ties to even, is the magic-number trick s = y + C,
//     t = s - C with C = q * 2^23: for y < C the sum's ulp is q, and t is exact.
//     Truncation and ties-away correct s by one ulp (its bit pattern -1 / +1;
//     the floats of [C, 2C] have consecutive patterns) when t > y, resp. when
//     y - t == q/2. BFP with m = 24 has y in [1, 2) >= C = 1, already exact.
//   - MX int / BFP truncation instead counts quanta directly: float->int
//     truncation of |x| / 2^(se + log2 q) (when that scale is a float).
//   - saturation is a min against the largest element value (per sign for
//     two's complement); rounding carries into the next binade are free.
//   - the dequantized value t * 2^se is exact (a multiple of 2^-149 with <= 24
//     significant bits), except MX two's-complement -2^(b-1) at se = 127,
//     whose value -2^128 overflows to -Inf exactly as the reference's double
//     -> float cast does.
// Every element is thus the reference value rounded to float once, which is
// what (float)dequantize_element gives. Signs follow the reference: MX float
// elements keep the input sign (-0 results); integer and BFP zero codes are +0.
// Blocks holding NaN/Inf become the reference's NaN value. Stochastic rounding
// (and any format the fast path does not cover) runs the reference per block.
//
// Vectorization: per block, one max pass over the bit patterns and one element
// pass, straight-line loops that GCC vectorizes. Two GCC habits are avoided on
// purpose: with its default -ftrapping-math a conditional floating-point
// operation (also one that a ternary's arm attracts) keeps a loop scalar, so
// selects are mask blends on bit patterns and compares of values >= +0 are
// integer compares; and loops of a known short trip count (k = 16, 32) are
// completely unrolled before vectorization unless told not to. The driver is
// compiled for AVX2 and for baseline x86-64 and picked at run time
// (target_clones), so the library runs on any x86-64.

#include "golden/formats/tensor_quant.hpp"

#include <fmt/format.h>

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
// The bit pattern as a signed integer: for floats >= +0 (and not NaN) its order
// is the order of the floats, and signed compares are the cheap ones in SIMD.
inline int32_t ibits(float x) { return std::bit_cast<int32_t>(x); }

// 2^e exactly, e in [-149, 127].
inline float pow2f(int e) {
  return e >= -126 ? as_float(static_cast<uint32_t>(e + 127) << 23)
                   : as_float(uint32_t{1} << (e + 149));
}

enum class Mode { Even, Away, Trunc };

// Element loops: `out` may equal `in` (same index, no loop-carried dependence),
// and no complete unrolling of the known short trip counts (16, 32) before
// vectorization.
#if defined(__clang__)
#define BF_ELEMENT_LOOP _Pragma("clang loop vectorize(assume_safety)")
#else
#define BF_ELEMENT_LOOP _Pragma("GCC ivdep") _Pragma("GCC unroll 1")
#endif

// Constants of the fast path for one format.
struct Fast {
  Kind kind = Kind::MxInt;
  Mode mode = Mode::Even;
  std::size_t k = 32;
  int emax = 0;        // MX: emax_elem
  int bfp_bias = 127;  // BFP: bias of the w-bit shared exponent
  int bfp_smax = 254;  // BFP: largest stored shared exponent, 2^w - 2
  uint32_t nan_scale = 0xFF;
  float nan_out = 0;     // the reference's value for every element of a NaN block
  float magic = 0;       // MX int, BFP: C = q * 2^23 for the y-space quantum q
  float half = 0;        // MX int, BFP: q / 2
  float to_n = 0;        // MX int, BFP: 1 / q (codes)
  float pmin = 0;        // MX float: 2^emin
  float cmul = 0;        // MX float: 2^(23 - M)
  uint32_t max_pos = 0;  // bits of the largest magnitude (y space)
  uint32_t max_neg = 0;  // same for negative inputs (two's complement: 2.0)
  int qexp = 0;          // MX int, BFP: log2 q
  float nlim_pos = 0;    // MX int, BFP: largest integer magnitude (positive / negative)
  float nlim_neg = 0;
};

// The constants of an element loop, copied into registers first (loads through
// `const Fast&` inside the loop could alias the output).
struct ElemConsts {
  float magic, half, pmin, cmul, nlim_pos, nlim_neg;
  uint32_t max_pos, max_neg;
  explicit ElemConsts(const Fast& p)
      : magic(p.magic),
        half(p.half),
        pmin(p.pmin),
        cmul(p.cmul),
        nlim_pos(p.nlim_pos),
        nlim_neg(p.nlim_neg),
        max_pos(p.max_pos),
        max_neg(p.max_neg) {}
};

// c ? a : b as a mask blend. A ternary is control flow for GCC until
// if-conversion, and floating-point operations feeding one arm may be sunk
// into it, where (with GCC's default -ftrapping-math) they block if-conversion
// and keep the loop scalar. For the same reason no floating-point operation
// below is conditional; compares of values >= +0 use their bit patterns.
[[gnu::always_inline]] inline uint32_t select_bits(bool c, uint32_t a, uint32_t b) {
  const uint32_t m = 0u - static_cast<uint32_t>(c);
  return (a & m) | (b & ~m);
}

// The rounded, saturated magnitude of one element in y space (>= +0).
//   s = y + C rounds y to the quantum q = ulp(C) (ties to even) for y < C;
//   t = s - C is exact. Truncation steps s one ulp down when t > y, ties-away
//   one ulp up when y - t == q/2: consecutive floats of [C, 2C] have
//   consecutive bit patterns.
template <Kind K, Mode R>
[[gnu::always_inline]] inline float quant_t(uint32_t b, float inv, const ElemConsts& c) {
  const float y = as_float(b & kAbsMask) * inv;
  float cc = c.magic;
  float h = c.half;
  if constexpr (K == Kind::MxFloat) {  // C = 2^(max(floor(log2 y), emin) - M + 23)
    cc = std::max(as_float(as_bits(y) & kExpMask), c.pmin) * c.cmul;
    h = cc * 0x1p-24f;
  }
  const float s = y + cc;
  float t = s - cc;
  if constexpr (R == Mode::Trunc) {
    t = as_float(as_bits(s) - static_cast<uint32_t>(ibits(t) > ibits(y))) - cc;
  } else if constexpr (R == Mode::Away) {
    t = as_float(as_bits(s) + static_cast<uint32_t>(as_bits(y - t) == as_bits(h))) - cc;
  }
  uint32_t tb = as_bits(t);
  if constexpr (K == Kind::Bfp) {
    // y >= C only for m = 24 (y in [1, 2) is exact already) or when the
    // exponent was clamped from above (y >= 2 saturates either way).
    tb = select_bits(ibits(y) >= ibits(cc), as_bits(y), tb);
  }
  if constexpr (K == Kind::MxInt) {
    const uint32_t lim = select_bits((b & kSignMask) != 0, c.max_neg, c.max_pos);
    return as_float(
        static_cast<uint32_t>(std::min(static_cast<int32_t>(tb), static_cast<int32_t>(lim))));
  } else {
    return as_float(
        static_cast<uint32_t>(std::min(static_cast<int32_t>(tb), static_cast<int32_t>(c.max_pos))));
  }
}

template <Kind K, Mode R>
[[gnu::always_inline]] inline void dequant_block(const float* in, float* out, std::size_t n,
                                                 float inv, float scale, const ElemConsts c) {
  BF_ELEMENT_LOOP
  for (std::size_t i = 0; i < n; ++i) {
    const uint32_t b = as_bits(in[i]);
    const uint32_t sign = b & kSignMask;
    const float t = quant_t<K, R>(b, inv, c);
    uint32_t r = as_bits(t * scale);
    if constexpr (K == Kind::MxFloat) {
      r |= sign;  // the input sign is always kept
    } else {
      r |= as_bits(t) != 0 ? sign : 0u;  // a zero code is +0
    }
    out[i] = as_float(r);
  }
}

// Truncation for a constant quantum (MX int, BFP), counted in quanta: the
// integer n = trunc(min(|x| / 2^(se + qexp), limit)) by float->int conversion,
// value n * 2^(se + qexp). Fewer operations than the magic-number path; needs
// 2^-(se + qexp) to be a float (the caller checks).
template <Kind K>
[[gnu::always_inline]] inline void trunc_block(const float* in, float* out, std::size_t n,
                                               float inv_q, float value_q, const ElemConsts c) {
  BF_ELEMENT_LOOP
  for (std::size_t i = 0; i < n; ++i) {
    const uint32_t b = as_bits(in[i]);
    const uint32_t sign = b & kSignMask;
    const float a = as_float(b & kAbsMask) * inv_q;
    float lim = c.nlim_pos;
    if constexpr (K == Kind::MxInt) {
      lim = as_float(select_bits(sign != 0, as_bits(c.nlim_neg), as_bits(c.nlim_pos)));
    }
    const auto nf = static_cast<float>(static_cast<int32_t>(std::min(a, lim)));
    out[i] = as_float(as_bits(nf * value_q) | (as_bits(nf) != 0 ? sign : 0u));
  }
}

[[gnu::always_inline]] inline uint32_t block_max_abs(const float* in, std::size_t n) {
  int32_t m = 0;  // abs bit patterns are < 2^31: signed max (cheaper without SSE4.1)
#pragma GCC unroll 1
  for (std::size_t i = 0; i < n; ++i) {
    m = std::max(m, static_cast<int32_t>(as_bits(in[i]) & kAbsMask));
  }
  return static_cast<uint32_t>(m);
}

// Shared exponent se of a finite block (max_abs < 0x7F800000) and its scale field.
template <Kind K>
[[gnu::always_inline]] inline int block_exponent(uint32_t max_abs, const Fast& p, uint32_t& field) {
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
  if constexpr (K != Kind::MxFloat && R == Mode::Trunc) {
    if (-(se + p.qexp) <= 127) {  // else (tiny blocks) the y-space path below
      trunc_block<K>(in, out, n, pow2f(-(se + p.qexp)), pow2f(se + p.qexp), ElemConsts(p));
      return;
    }
  }
  dequant_block<K, R>(in, out, n, pow2f(-se), pow2f(se), ElemConsts(p));
}

template <Kind K, Mode R>
[[gnu::always_inline]] inline void dequant_rows(const Fast& p, const float* in, float* out,
                                                std::size_t rows, std::size_t cols) {
  const std::size_t k = p.k;
  if (cols % k == 0) {  // every block is full: one flat run of blocks
    const std::size_t total = rows * cols;
    // Common block sizes get element loops of a known trip count (no remainder).
    switch (k) {
      case 16:
        for (std::size_t i = 0; i < total; i += 16) dequant_span<K, R>(p, in + i, out + i, 16);
        return;
      case 32:
        for (std::size_t i = 0; i < total; i += 32) dequant_span<K, R>(p, in + i, out + i, 32);
        return;
      case 64:
        for (std::size_t i = 0; i < total; i += 64) dequant_span<K, R>(p, in + i, out + i, 64);
        return;
      default:
        for (std::size_t i = 0; i < total; i += k) dequant_span<K, R>(p, in + i, out + i, k);
        return;
    }
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

BF_TARGET_CLONES void fast_dequantize(const Fast& p, const float* in, float* out, std::size_t rows,
                                      std::size_t cols) {
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
  p.nan_scale = (uint32_t{1} << f.scale_bits()) - 1;
  p.nan_out = static_cast<float>(dequantize_element(f, p.nan_scale, 0));
  switch (f.kind) {
    case Kind::MxInt: {
      const int b = f.int_bits;
      if (b < 2 || b > 8) return false;
      const float q = pow2f(2 - b);
      p.emax = 0;
      p.magic = q * 0x1p23f;
      p.half = q * 0.5f;
      p.to_n = pow2f(b - 2);
      p.max_pos = as_bits(static_cast<float>((1 << (b - 1)) - 1) * q);
      p.max_neg = f.int_encoding == IntEncoding::TwosComplement ? as_bits(2.0f) : p.max_pos;
      p.qexp = 2 - b;
      p.nlim_pos = static_cast<float>((1 << (b - 1)) - 1);
      p.nlim_neg = f.int_encoding == IntEncoding::TwosComplement ? p.nlim_pos + 1 : p.nlim_pos;
      return true;
    }
    case Kind::MxFloat: {
      const FloatFormat& ef = f.elem_float;
      // y-space argument: subnormal elements, C = 2^(Qy + 23) finite, and quanta
      // far above 2^-126.
      if (!ef.subnormals || ef.emin() - ef.man_bits < -60 || ef.emax() - ef.man_bits > 60) {
        return false;
      }
      p.emax = f.emax_elem();
      p.pmin = pow2f(ef.emin());
      p.cmul = pow2f(23 - ef.man_bits);
      p.max_pos = as_bits(static_cast<float>(ef.max_normal()));
      return true;
    }
    case Kind::Bfp: {
      const int m = f.man_bits;
      const int w = f.exp_bits;
      if (m < 2 || m > 24 || w < 2 || w > 8) return false;
      const float q = pow2f(1 - m);
      p.bfp_bias = (1 << (w - 1)) - 1;
      p.bfp_smax = (1 << w) - 2;
      p.magic = q * 0x1p23f;
      p.half = q * 0.5f;
      p.to_n = pow2f(m - 1);
      p.max_pos = as_bits(2.0f - q);
      p.max_neg = p.max_pos;
      p.qexp = 1 - m;
      p.nlim_pos = static_cast<float>((1 << m) - 1);
      p.nlim_neg = p.nlim_pos;
      return true;
    }
  }
  return false;
}

// ---- reference path ------------------------------------------------------------

// Runs `fn(row, first_col, n, scale, codes)` for every block after quantizing
// it with the reference quantize_block.
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
        for (std::size_t i = 0; i < n; ++i) {
          rand[i] = stochastic_rand(seed, flat + i, f.stochastic_bits);
        }
      }
      const uint32_t scale = quantize_block(
          f, std::span<const uint32_t>(bits.data(), n), std::span<uint32_t>(codes.data(), n),
          stochastic ? std::span<const uint32_t>(rand.data(), n) : std::span<const uint32_t>{});
      fn(r, c, n, scale, std::span<const uint32_t>(codes.data(), n));
    }
  }
}

// ---- packing -------------------------------------------------------------------

// Packs one block (scale, then the codes; missing codes stay 0) into a zeroed
// buffer: the little-endian bit stream of block_format.hpp, byte by byte.
void pack_into(const BlockFormat& f, uint8_t* dst, uint32_t scale,
               std::span<const uint32_t> codes) {
  const int eb = f.elem_bits();  // <= 25: acc never holds more than 7 + 25 bits
  uint64_t acc = scale;
  int pending = f.scale_bits();
  for (uint32_t c : codes) {
    for (; pending >= 8; pending -= 8, acc >>= 8) *dst++ = static_cast<uint8_t>(acc);
    acc |= uint64_t{c} << pending;
    pending += eb;
  }
  for (; pending > 0; pending -= 8, acc >>= 8) *dst++ = static_cast<uint8_t>(acc);
}

// Element codes on the fast path (same rounding as dequant_block).
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
  if constexpr (K == Kind::MxFloat) {
    const FloatFormat& ef = f.elem_float;
    const int M = ef.man_bits;
    const int emin = ef.emin();
    // Normal element t = 2^L * 1.f: code = ((L - emin + 1) << M) | f; below
    // 2^emin: code = t / 2^(emin - M).
    const uint32_t normal_offset = static_cast<uint32_t>(127 + emin - 1) << M;
    const float sub_to_n = pow2f(M - emin);
    const uint32_t sign_bit = uint32_t{1} << (ef.exp_bits + M);
    for (std::size_t i = 0; i < n; ++i) {
      const uint32_t bits = as_bits(in[i]);
      const float t = quant_t<K, R>(bits, inv, ec);
      const uint32_t mag = as_bits(t) >= as_bits(p.pmin) ? (as_bits(t) >> (23 - M)) - normal_offset
                                                         : static_cast<uint32_t>(t * sub_to_n);
      codes[i] = ((bits & kSignMask) != 0 ? sign_bit : 0u) | mag;
    }
  } else {
    // MX int: b-bit code; BFP: sign << m | n. A zero magnitude gives code 0.
    const int width = f.elem_bits();
    const uint32_t mask = (uint32_t{1} << width) - 1;
    const uint32_t sign_bit = uint32_t{1} << (width - 1);
    const bool twos = K == Kind::MxInt && f.int_encoding == IntEncoding::TwosComplement;
    for (std::size_t i = 0; i < n; ++i) {
      const uint32_t bits = as_bits(in[i]);
      const auto mag = static_cast<uint32_t>(quant_t<K, R>(bits, inv, ec) * p.to_n);
      const bool neg = (bits & kSignMask) != 0;
      if (twos) {
        codes[i] = (neg ? 0u - mag : mag) & mask;
      } else {
        codes[i] = mag == 0 ? 0u : (neg ? sign_bit : 0u) | mag;
      }
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

void check_packed_size(std::string_view format, std::size_t size, std::size_t rows,
                       std::size_t cols, std::size_t block, std::size_t block_bytes) {
  const std::size_t expected = rows * ((cols + block - 1) / block) * block_bytes;
  if (size != expected)
    throw std::invalid_argument(fmt::format(
        "packed {}: {} bytes, but {} x {} values in blocks of {} take {} bytes ({} per block)",
        format, size, rows, cols, block, expected, block_bytes));
}

void dequantize_packed(const BlockFormat& f, const uint8_t* bytes, std::size_t size,
                       std::size_t rows, std::size_t cols, float* out) {
  f.validate();
  const std::size_t k = static_cast<std::size_t>(f.block_size);
  const std::size_t blocks_per_row = (cols + k - 1) / k;
  const std::size_t block_bytes = (static_cast<std::size_t>(f.block_storage_bits()) + 7) / 8;
  check_packed_size(f.name(), size, rows, cols, k, block_bytes);
  std::vector<uint32_t> codes(k);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t b = 0; b < blocks_per_row; ++b) {
      uint32_t scale = 0;
      unpack_block(f, {bytes + (r * blocks_per_row + b) * block_bytes, block_bytes}, scale, codes);
      const std::size_t first = b * k, len = std::min(k, cols - first);
      for (std::size_t i = 0; i < len; ++i)
        out[r * cols + first + i] = static_cast<float>(dequantize_element(f, scale, codes[i]));
    }
  }
}

}  // namespace bf::golden
