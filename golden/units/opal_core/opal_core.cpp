#include "golden/units/opal_core/opal_core.hpp"

#include <algorithm>

#include "golden/formats/rounding.hpp"

namespace bf::golden {

void OpalCoreParams::validate() const {
  const bool snake = !sram_macro.empty() && sram_macro[0] >= 'a' && sram_macro[0] <= 'z' &&
                     std::all_of(sram_macro.begin(), sram_macro.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                     });
  if (!snake) {
    const std::string found = "\"" + sram_macro + "\"";
    throw ParamError(
        "sram_macro",
        "must be a lower_snake_case Verilog module name ([a-z][a-z0-9_]*), found " + found);
  }
  try {
    pe.validate();
  } catch (const ParamError& e) {
    throw ParamError("pe." + e.key(), e.what());
  }
  if (route_softmax && softmax.n % rows != 0)
    throw ParamError("softmax.n",
                     "softmax.n must be a multiple of rows: the scores arrive rows "
                     "at a time");
  try {
    quantizer_params().validate();
  } catch (const ParamError& e) {
    throw ParamError("quantizer." + e.key(), e.what());
  }
}

OpalQuantizerParams OpalCoreParams::quantizer_params() const {
  OpalQuantizerParams q;
  q.block = pe.block;
  q.outliers = pe.outliers;
  q.bits = pe.act_bits.front();
  q.alt_bits.assign(pe.act_bits.begin() + 1, pe.act_bits.end());
  q.int_encoding = pe.act_encoding;
  q.rounding = "nearest_even";
  q.selection = quantizer.selection;
  q.pipeline_stages = quantizer.pipeline_stages;
  q.passes_per_stage = quantizer.passes_per_stage;
  q.layout = "positions";
  return q;
}

int32_t fp32_to_fixed(uint32_t u, int width, int frac_bits) {
  const int64_t hi = (int64_t{1} << (width - 1)) - 1, lo = -(int64_t{1} << (width - 1));
  const bool neg = (u >> 31) != 0;
  const uint32_t field = (u >> 23) & 0xff, man = u & 0x7fffff;
  if (field == 0xff) return static_cast<int32_t>(man != 0 ? lo : neg ? lo : hi);
  const uint64_t sig = field ? (man | 0x800000u) : man;
  // |x| * 2^frac = sig * 2^(max(field,1) - 150 + frac)
  const int e = static_cast<int>(field ? field : 1) - 150 + frac_bits;
  int64_t mag;
  if (e >= 0) {
    mag = e >= 40 ? hi + 1 : static_cast<int64_t>(std::min<uint64_t>(sig << e, uint64_t{1} << 40));
  } else {
    mag = static_cast<int64_t>(round_shift_right(sig, -e, Rounding::NearestEven));
  }
  const int64_t v = neg ? -mag : mag;
  return static_cast<int32_t>(std::clamp(v, lo, hi));
}

OpalCoreModel::OpalCoreModel(const OpalCoreParams& p)
    : p_(p), c_(p.pe.config()), buffer_(static_cast<std::size_t>(p.max_blocks)) {
  for (auto& s : buffer_) {
    s.indices.assign(static_cast<std::size_t>(c_.outliers), 0);
    s.outliers.assign(static_cast<std::size_t>(c_.outliers), 0);
    s.codes.assign(static_cast<std::size_t>(c_.block), 0);
  }
  for (int r = 0; r < p.rows; ++r) pes_.emplace_back(c_);
  if (p.route_softmax) p.softmax.validate();
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
  std::vector<uint32_t> fp32_of(static_cast<std::size_t>(p_.rows), 0);
  for (int r = 0; r < p_.rows; ++r) {
    b.weights = in.w[static_cast<std::size_t>(r)];
    b.wscale = in.wscale[static_cast<std::size_t>(r)];
    const auto y = pes_[static_cast<std::size_t>(r)].step(b);
    out.done = y.done;
    fp32_of[static_cast<std::size_t>(r)] = y.y;
    out.y[static_cast<std::size_t>(r)] = !y.done                      ? 0u
                                         : p_.output_format == "bf16" ? fp32_to_bf16(y.y)
                                                                      : y.y;
  }
  if (p_.route_softmax && out.done && in.route) {
    for (int r = 0; r < p_.rows; ++r)
      scores_.push_back(fp32_to_fixed(fp32_of[static_cast<std::size_t>(r)],
                                      p_.softmax.in_int_bits + p_.softmax.in_frac_bits,
                                      p_.softmax.in_frac_bits));
    if (static_cast<int>(scores_.size()) == p_.softmax.n) {
      out.probs_valid = true;
      out.probs.assign(scores_.size(), 0);
      opal_softmax(opal_softmax_shape(p_.softmax), scores_, out.probs);
      scores_.clear();
    }
  }
  if (++beat_ == c_.beats_per_block()) {
    beat_ = 0;
    slot_ = last_block ? 0 : slot_ + 1;
  }
  return out;
}

}  // namespace bf::golden
