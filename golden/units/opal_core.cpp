#include "golden/units/opal_core.hpp"

#include <algorithm>

namespace bf::golden {

void OpalCoreParams::validate() const {
  try {
    pe.validate();
  } catch (const ParamError& e) {
    throw ParamError("pe." + e.key(), e.what());
  }
  for (int b : pe.act_bits) {
    try {
      quantizer_params(b).validate();
    } catch (const ParamError& e) {
      throw ParamError("quantizer." + e.key(), e.what());
    }
  }
}

OpalQuantizerParams OpalCoreParams::quantizer_params(int bits) const {
  OpalQuantizerParams q;
  q.block = pe.block;
  q.outliers = pe.outliers;
  q.bits = bits;
  q.int_encoding = pe.act_encoding;
  q.rounding = "nearest_even";
  q.selection = quantizer.selection;
  q.pipeline_stages = quantizer.pipeline_stages;
  q.layout = "positions";
  return q;
}

uint32_t fp32_to_bf16_rne(uint32_t u) {
  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0)
    return ((u >> 16) & 0x8000u) | 0x7fc0u;
  return (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
}

OpalCoreModel::OpalCoreModel(const OpalCoreParams& p)
    : p_(p), c_(p.pe.config()), buffer_(static_cast<std::size_t>(p.max_blocks)) {
  for (auto& s : buffer_) {
    s.indices.assign(static_cast<std::size_t>(c_.outliers), 0);
    s.outliers.assign(static_cast<std::size_t>(c_.outliers), 0);
    s.codes.assign(static_cast<std::size_t>(c_.block), 0);
  }
  for (int r = 0; r < p.rows; ++r) pes_.emplace_back(c_);
}

OpalCoreOutput OpalCoreModel::step(const OpalCoreInput& in) {
  OpalCoreOutput out;
  out.y.assign(static_cast<std::size_t>(p_.rows), 0);
  if (in.load) {
    const int mode = std::min(in.mode, static_cast<int>(c_.act_bits.size()) - 1);
    MxOpalFormat f;
    f.block_size = c_.block;
    f.outliers = c_.outliers;
    f.bits = c_.act_bits[static_cast<std::size_t>(mode)];
    f.int_encoding = c_.act_encoding;
    std::vector<uint32_t> x(in.x.size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = in.x[i] << 16;
    const MxOpalBlock q = mx_opal_quantize(f, x);
    const int slot = in.first ? 0 : std::min(length_, p_.max_blocks - 1);
    Slot& s = buffer_[static_cast<std::size_t>(slot)];
    s.scale = q.scale;
    s.indices = q.indices;
    s.outliers = q.outliers;
    s.codes = mx_opal_codes_by_position(f, q);
    s.mode = in.mode;  // the PE applies the same clamp
    length_ = slot + 1;
    return out;
  }
  const Slot& s = buffer_[static_cast<std::size_t>(slot_)];
  const bool last_block = slot_ >= length_ - 1;
  OpalPeBeat b;
  b.mode = s.mode;
  b.last = last_block;
  b.scale = s.scale;
  b.indices = s.indices;
  b.outliers = s.outliers;
  const auto first = static_cast<std::ptrdiff_t>(beat_ * c_.lanes);
  b.codes.assign(s.codes.begin() + first, s.codes.begin() + first + c_.lanes);
  for (int r = 0; r < p_.rows; ++r) {
    b.weights = in.w[static_cast<std::size_t>(r)];
    b.wscale = in.wscale[static_cast<std::size_t>(r)];
    const auto y = pes_[static_cast<std::size_t>(r)].step(b);
    out.done = y.done;
    out.y[static_cast<std::size_t>(r)] = !y.done                      ? 0u
                                         : p_.output_format == "bf16" ? fp32_to_bf16_rne(y.y)
                                                                      : y.y;
  }
  if (++beat_ == c_.beats_per_block()) {
    beat_ = 0;
    slot_ = last_block ? 0 : slot_ + 1;
  }
  return out;
}

}  // namespace bf::golden
