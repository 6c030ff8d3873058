#include "golden/formats/small_float_convert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace bf::golden {

namespace {

constexpr uint32_t kSign = 0x80000000u;
constexpr uint32_t kFrac = 0x007fffffu;
constexpr uint32_t kQuietNan = 0x7fc00000u;

// The simulator's conversion (the header's formula): the exponent field ANDed
// with the bound it violates, the fraction with the top-M-bits mask.
inline uint32_t authors_mask(uint32_t x, uint32_t lo, uint32_t hi, uint32_t frac) {
  const uint32_t e = (x >> 23) & 0xffu;
  const uint32_t b = e < lo ? lo : e > hi ? hi : 0xffu;
  return x & (kSign | b << 23 | frac);
}

// The constants of one conversion, hoisted out of element loops.
struct Consts {
  FloatFormat f;
  ExponentPolicy policy;
  Rounding mode;
  int M, bias, emin;
  uint32_t lo, hi;     // formats.md's bounds on the fp32 exponent field
  uint32_t top;        // fp32 exponent field of f's largest normal binade
  uint32_t max_mag;    // fp32 code of f's max normal
  uint32_t mask_frac;  // the top min(M, 23) bits of the fp32 fraction
  uint32_t drop;       // 23 - M (0 when M >= 23): fraction bits f does not hold
  uint32_t man_mask, mag_mask, field_ones;

  explicit Consts(const SmallFloatConvert& c)
      : f(c.f),
        policy(c.exponent),
        mode(c.rounding),
        M(c.f.man_bits),
        bias(c.f.bias()),
        emin(c.f.emin()),
        lo(static_cast<uint32_t>(127 + c.f.emin())),
        hi(static_cast<uint32_t>(127 + c.f.bias())),
        top(static_cast<uint32_t>(127 + c.f.emax())),
        max_mag(0),
        mask_frac(kFrac & ~((uint32_t{1} << (23 - (M < 23 ? M : 23))) - 1)),
        drop(static_cast<uint32_t>(M < 23 ? 23 - M : 0)),
        man_mask((uint32_t{1} << M) - 1),
        mag_mask((uint32_t{1} << (c.f.exp_bits + M)) - 1),
        field_ones((uint32_t{1} << c.f.exp_bits) - 1) {
    max_mag = to_fp32(f.max_normal_code());  // needs the members above
  }

  // small_to_fp32 (the header states the cases).
  uint32_t to_fp32(uint32_t code) const {
    const uint32_t sign = (code >> (f.exp_bits + M)) & 1u ? kSign : 0u;
    const uint32_t mag = code & mag_mask;
    const uint32_t field = mag >> M;
    const uint32_t man = mag & man_mask;
    if (f.specials == SpecialValues::Ieee && field == field_ones)
      return sign | (man == 0 ? 0x7f800000u : kQuietNan);
    if (f.specials == SpecialValues::NanOnlyAllOnes && mag == mag_mask) return sign | kQuietNan;
    if (field != 0) {
      return sign | (static_cast<uint32_t>(static_cast<int>(field) - bias + 127) << 23) |
             (man << (23 - M));
    }
    if (man == 0 || !f.subnormals) return sign;
    // man * 2^(emin - M), normalized; below fp32's normal range only when
    // E = 8 (then the fp32 fraction is man << (23 - M), the same grid).
    const int w = std::bit_width(man) - 1;
    const int e32 = emin - M + w + 127;
    if (e32 >= 1) return sign | (static_cast<uint32_t>(e32) << 23) | ((man << (23 - w)) & kFrac);
    return sign | (man << (emin - M + 149));
  }

  uint32_t encode(uint32_t x) const {
    if (policy == ExponentPolicy::FlushToZero && ((x >> 23) & 0xffu) < lo)
      return (x & kSign) != 0 ? uint32_t{1} << (f.exp_bits + M) : 0u;
    return encode_from_fp32(f, x, mode, Overflow::Saturate);
  }

  uint32_t authors_mask(uint32_t x) const { return bf::golden::authors_mask(x, lo, hi, mask_frac); }
};

// Saturate / FlushToZero inside f's normal binades (lo <= e <= top): an
// integer rounding of the fp32 magnitude at bit `drop` (a carry moves into the
// exponent, as it should) and saturation by a compare. `in_range` tells
// whether that answer is the conversion's; elsewhere encode + to_fp32 is.
// A small value type, so the array loop holds its constants in registers
// (through a reference the compiler must assume the stores to out change them).
struct InRange {
  uint32_t lo, span, drop, max_mag;
  explicit InRange(const Consts& k)
      : lo(k.lo), span(k.top - k.lo), drop(k.drop), max_mag(k.max_mag) {}

  // Ties to even adds half - 1 plus the kept LSB; nothing when drop == 0.
  template <Rounding R>
  uint32_t quantize(uint32_t x, uint32_t& in_range) const {
    const uint32_t mag = x & ~kSign;
    in_range = (mag >> 23) - lo <= span;  // unsigned: also false below lo
    const uint32_t half = (uint32_t{1} << drop) >> 1;
    uint32_t r = mag;
    if constexpr (R == Rounding::NearestEven) {
      if (drop != 0) r += half - 1 + ((mag >> drop) & 1u);
    }
    if constexpr (R == Rounding::NearestAway) r += half;
    r &= ~uint32_t{0} << drop;
    return (x & kSign) | (r > max_mag ? max_mag : r);
  }
};

// Positions per chunk of the array paths (the chunk's inputs are copied to
// the stack first, so out may alias in).
constexpr std::size_t kChunk = 256;

// One straight-line pass that GCC vectorizes computes the in-range answer for
// every element of a chunk; the rare out-of-range elements (tiny values,
// overflow, Inf, NaN) are then redone by the scalar path.
template <Rounding R>
void quantize_array(const Consts& k, const float* in, float* out, std::size_t n) {
  const InRange q(k);
  uint32_t xs[kChunk];
  for (std::size_t i0 = 0; i0 < n; i0 += kChunk) {
    const std::size_t t = std::min(kChunk, n - i0);
    for (std::size_t j = 0; j < t; ++j) xs[j] = std::bit_cast<uint32_t>(in[i0 + j]);
    uint32_t all_in = 1;
    for (std::size_t j = 0; j < t; ++j) {
      uint32_t ok = 0;
      out[i0 + j] = std::bit_cast<float>(q.quantize<R>(xs[j], ok));
      all_in &= ok;
    }
    if (all_in) continue;
    for (std::size_t j = 0; j < t; ++j) {
      uint32_t ok = 0;
      q.quantize<R>(xs[j], ok);
      if (!ok) out[i0 + j] = std::bit_cast<float>(k.to_fp32(k.encode(xs[j])));
    }
  }
}

// The bounds are copied to locals: through `k` the compiler would have to
// assume the stores to out may change them, and the loop would stay scalar.
void mask_array(const Consts& k, const float* in, float* out, std::size_t n) {
  const uint32_t lo = k.lo, hi = k.hi, frac = k.mask_frac;
  for (std::size_t i = 0; i < n; ++i)
    out[i] = std::bit_cast<float>(authors_mask(std::bit_cast<uint32_t>(in[i]), lo, hi, frac));
}

// The array driver, compiled for AVX2 and for baseline x86-64 (runtime
// dispatch, as tensor_quant.cpp does).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define BF_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define BF_TARGET_CLONES
#endif

BF_TARGET_CLONES void quantize_driver(const Consts& k, const float* in, float* out, std::size_t n) {
  if (k.policy == ExponentPolicy::AuthorsMask) return mask_array(k, in, out, n);
  switch (k.mode) {
    case Rounding::NearestEven:
      return quantize_array<Rounding::NearestEven>(k, in, out, n);
    case Rounding::NearestAway:
      return quantize_array<Rounding::NearestAway>(k, in, out, n);
    default:
      return quantize_array<Rounding::Truncate>(k, in, out, n);
  }
}

}  // namespace

std::string_view to_string(ExponentPolicy p) {
  switch (p) {
    case ExponentPolicy::Saturate:
      return "saturate";
    case ExponentPolicy::FlushToZero:
      return "flush_to_zero";
    case ExponentPolicy::AuthorsMask:
      return "authors_mask";
  }
  return "?";
}

std::optional<ExponentPolicy> parse_exponent_policy(std::string_view name) {
  for (ExponentPolicy p :
       {ExponentPolicy::Saturate, ExponentPolicy::FlushToZero, ExponentPolicy::AuthorsMask}) {
    if (name == to_string(p)) return p;
  }
  return std::nullopt;
}

void SmallFloatConvert::validate() const {
  if (rounding == Rounding::Stochastic)
    throw std::invalid_argument(
        "small float conversion: stochastic rounding is not offered; use truncate, nearest_even "
        "or nearest_away");
  if (exponent == ExponentPolicy::AuthorsMask && rounding != Rounding::Truncate)
    throw std::invalid_argument(fmt::format(
        "small float conversion: authors_mask reproduces a simulator that only truncates; "
        "rounding {} is not defined for it",
        to_string(rounding)));
  if (f.exp_bits == 8 && f.specials != SpecialValues::Ieee)
    throw std::invalid_argument(fmt::format(
        "small float conversion: format {} has values of 2^128 and above, which fp32 cannot hold",
        f.name()));
}

uint32_t small_encode(const SmallFloatConvert& c, uint32_t x) {
  c.validate();
  if (c.exponent == ExponentPolicy::AuthorsMask)
    throw std::invalid_argument(
        "small float conversion: authors_mask results need not be values of the format; use "
        "small_quantize (fp32 values)");
  return Consts(c).encode(x);
}

uint32_t small_quantize(const SmallFloatConvert& c, uint32_t x) {
  c.validate();
  const Consts k(c);
  return c.exponent == ExponentPolicy::AuthorsMask ? k.authors_mask(x) : k.to_fp32(k.encode(x));
}

void small_quantize(const SmallFloatConvert& c, const float* in, float* out, std::size_t n) {
  c.validate();
  quantize_driver(Consts(c), in, out, n);
}

uint32_t small_to_fp32(const FloatFormat& f, uint32_t code) {
  SmallFloatConvert c;
  c.f = f;
  c.validate();
  return Consts(c).to_fp32(code);
}

}  // namespace bf::golden
