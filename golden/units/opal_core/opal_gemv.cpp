#include "golden/units/opal_core/opal_gemv.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "golden/arith/fp_core.hpp"
#include "golden/formats/float_format.hpp"

namespace bf::golden {

OpalActivation opal_quantize_activation(const OpalPeConfig& c, int mode,
                                        std::span<const uint32_t> x) {
  if (x.size() % static_cast<std::size_t>(c.block) != 0)
    throw std::invalid_argument("opal_quantize_activation: length is not a multiple of the block");
  MxOpalFormat f;
  f.block_size = c.block;
  f.outliers = c.outliers;
  f.bits = c.act_bits.at(static_cast<std::size_t>(mode));
  f.int_encoding = c.act_encoding;
  OpalActivation a;
  a.mode = mode;
  const std::size_t k = static_cast<std::size_t>(c.block);
  for (std::size_t b = 0; b < x.size(); b += k) {
    MxOpalBlock q = mx_opal_quantize(f, x.subspan(b, k));
    const auto codes = mx_opal_codes_by_position(f, q);
    a.codes.insert(a.codes.end(), codes.begin(), codes.end());
    a.blocks.push_back(std::move(q));
  }
  return a;
}

uint32_t opal_pe_dot(const OpalPeConfig& c, const OpalActivation& a, std::span<const uint32_t> w,
                     uint32_t wscale) {
  if (w.size() != a.codes.size())
    throw std::invalid_argument("opal_pe_dot: weight row and activation lengths differ");
  OpalPeModel pe(c);
  const int B = c.beats_per_block();
  const std::size_t lanes = static_cast<std::size_t>(c.lanes);
  OpalPeBeat beat;
  beat.mode = a.mode;
  beat.wscale = wscale;
  for (std::size_t blk = 0; blk < a.blocks.size(); ++blk) {
    const MxOpalBlock& q = a.blocks[blk];
    beat.scale = q.scale;
    beat.indices = q.indices;
    beat.outliers = q.outliers;
    for (int t = 0; t < B; ++t) {
      const std::size_t first =
          (blk * static_cast<std::size_t>(B) + static_cast<std::size_t>(t)) * lanes;
      beat.codes.assign(a.codes.begin() + static_cast<std::ptrdiff_t>(first),
                        a.codes.begin() + static_cast<std::ptrdiff_t>(first + lanes));
      beat.weights.assign(w.begin() + static_cast<std::ptrdiff_t>(first),
                          w.begin() + static_cast<std::ptrdiff_t>(first + lanes));
      beat.last = blk + 1 == a.blocks.size();
      const auto out = pe.step(beat);
      if (out.done) return out.y;
    }
  }
  throw std::invalid_argument("opal_pe_dot: empty activation");
}

IntWeightRow quantize_weight_row(std::span<const float> w, int bits) {
  float amax = 0;
  for (float v : w) amax = std::max(amax, std::fabs(v));
  const int qmax = (1 << (bits - 1)) - 1;
  IntWeightRow r;
  if (amax > 0) {
    r.scale_bf16 = fp32_to_bf16(fp32_bits(amax / static_cast<float>(qmax)));
  }
  const float scale = fp32_from_bits(r.scale_bf16 << 16);
  for (float v : w) {
    const float q = std::nearbyint(v / scale);
    const auto code = static_cast<int64_t>(
        std::clamp(q, -static_cast<float>(qmax + 1), static_cast<float>(qmax)));
    r.codes.push_back(static_cast<uint32_t>(code) & ((1u << bits) - 1));
  }
  return r;
}

}  // namespace bf::golden
