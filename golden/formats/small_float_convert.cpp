#include "golden/formats/small_float_convert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "golden/formats/small_float_kernels.hpp"

namespace bf::golden {

namespace {

using namespace small_float_detail;

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
