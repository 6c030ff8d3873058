#include "golden/formats/lightnorm_bfp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace bf::golden {

namespace {

// The rule's constants for one format: where the exponent field sits.
struct Fields {
  int M;
  uint32_t field_ones;
  explicit Fields(const FloatFormat& f)
      : M(f.man_bits), field_ones((uint32_t{1} << f.exp_bits) - 1) {}
  uint32_t exponent(uint32_t code) const { return (code >> M) & field_ones; }
};

// The top-2 update with multiplicity (the header's formula), shared by the
// group and tensor paths so both reduce identically.
inline void top2(uint32_t e, uint32_t& emax, uint32_t& second) {
  second = std::max(second, std::min(emax, e));
  emax = std::max(emax, e);
}

// The AND mask one element gets: all ones (kept), 0 (+0), or the mantissa
// bits above the cut. Branch-free on the data so tensor loops vectorize.
inline uint32_t element_mask(bool keep_max, int bits, int M, uint32_t e, uint32_t emax,
                             uint32_t second) {
  const uint32_t shared = keep_max ? second : emax;
  const int k = bits - 1 + static_cast<int>(e) - static_cast<int>(shared);
  const int drop = M - std::clamp(k, 0, M);
  const uint32_t cut = ~uint32_t{0} << drop;
  const bool keep = keep_max && (emax == 0 || e == emax);
  return keep ? ~uint32_t{0} : (k < 0 ? 0u : cut);
}

// Positions per tile of lightnorm_bfp_nchw: the exponents live on the stack.
constexpr std::size_t kTile = 512;

// The tensor loop, compiled for AVX2 and for baseline x86-64 (runtime
// dispatch, as tensor_quant.cpp does): AVX2 has the per-lane variable shift
// and unsigned min/max the element pass needs to vectorize.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define BF_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define BF_TARGET_CLONES
#endif

BF_TARGET_CLONES void nchw_driver(bool keep_max, int bits, std::size_t g, const float* in,
                                  float* out, std::size_t batch, std::size_t channels,
                                  std::size_t hw) {
  uint32_t emax[kTile], second[kTile];
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t c0 = 0; c0 < channels; c0 += g) {
      const std::size_t gc = std::min(g, channels - c0);
      const std::size_t base = (b * channels + c0) * hw;
      for (std::size_t p0 = 0; p0 < hw; p0 += kTile) {
        const std::size_t t = std::min(kTile, hw - p0);
        std::fill_n(emax, t, 0u);
        std::fill_n(second, t, 0u);
        // Pass 1 reads every channel of the group before pass 2 writes any,
        // which is what makes in == out safe.
        for (std::size_t c = 0; c < gc; ++c) {
          const float* row = in + base + c * hw + p0;
          for (std::size_t j = 0; j < t; ++j)
            top2((std::bit_cast<uint32_t>(row[j]) >> 23) & 0xffu, emax[j], second[j]);
        }
        for (std::size_t c = 0; c < gc; ++c) {
          const float* row = in + base + c * hw + p0;
          float* dst = out + base + c * hw + p0;
          for (std::size_t j = 0; j < t; ++j) {
            const uint32_t x = std::bit_cast<uint32_t>(row[j]);
            const uint32_t m =
                element_mask(keep_max, bits, 23, (x >> 23) & 0xffu, emax[j], second[j]);
            dst[j] = std::bit_cast<float>(x & m);
          }
        }
      }
    }
}

}  // namespace

void LightnormBfp::validate() const {
  if (group < 1 || group > 4096)
    throw std::invalid_argument(
        fmt::format("lightnorm_bfp: group must be in 1..4096 channels, got {}", group));
  if (bits < 1 || bits > 24)
    throw std::invalid_argument(fmt::format(
        "lightnorm_bfp: bits must be in 1..24 (counting the hidden one), got {}", bits));
}

BfpGroupExponents lightnorm_bfp_exponents(const FloatFormat& f, std::span<const uint32_t> codes) {
  const Fields k(f);
  BfpGroupExponents g;
  for (uint32_t c : codes) top2(k.exponent(c), g.max, g.second);
  return g;
}

uint32_t lightnorm_bfp_element(const LightnormBfp& p, const FloatFormat& f,
                               const BfpGroupExponents& g, uint32_t code) {
  p.validate();
  const Fields k(f);
  const bool keep_max = p.variant == LightnormBfp::Variant::KeepMax;
  return code & element_mask(keep_max, p.bits, k.M, k.exponent(code), g.max, g.second);
}

void lightnorm_bfp_group(const LightnormBfp& p, const FloatFormat& f, std::span<uint32_t> codes) {
  p.validate();
  const Fields k(f);
  const BfpGroupExponents g = lightnorm_bfp_exponents(f, codes);
  const bool keep_max = p.variant == LightnormBfp::Variant::KeepMax;
  for (uint32_t& c : codes)
    c &= element_mask(keep_max, p.bits, k.M, k.exponent(c), g.max, g.second);
}

void lightnorm_bfp_nchw(const LightnormBfp& p, const float* in, float* out, std::size_t batch,
                        std::size_t channels, std::size_t height, std::size_t width) {
  p.validate();
  nchw_driver(p.variant == LightnormBfp::Variant::KeepMax, p.bits,
              static_cast<std::size_t>(p.group), in, out, batch, channels, height * width);
}

}  // namespace bf::golden
