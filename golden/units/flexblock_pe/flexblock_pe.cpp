#include "golden/units/flexblock_pe/flexblock_pe.hpp"

namespace bf::golden {

using flexblock::Mode;

int FlexblockPeConfig::lanes() const {
  return fixed ? flexblock::products_per_beat(mode, mode) : flexblock::kSubMultipliers;
}

int FlexblockPeConfig::lane_bits() const { return fixed ? flexblock::mantissa_bits(mode) : 4; }

int FlexblockPeConfig::bus_bits() const { return lanes() * lane_bits(); }

int FlexblockPeConfig::beat_sum_bits() const {
  const Mode m = fixed ? mode : Mode::M16;
  const uint64_t max_product = (uint64_t{1} << flexblock::mantissa_bits(m)) - 1;
  const uint64_t bound = max_product * max_product * flexblock::products_per_beat(m, m);
  int bits = 0;
  for (uint64_t v = bound; v != 0; v >>= 1) ++bits;
  return bits + 1;
}

FlexblockPeConfig FlexblockPeParams::config() const {
  FlexblockPeConfig c;
  c.max_segment = max_segment;
  return c;
}

FlexblockPeOutput FlexblockPeModel::step(const FlexblockPeBeat& beat) {
  const Mode ma = c_.fixed ? c_.mode : beat.mode_a;
  const Mode mb = c_.fixed ? c_.mode : beat.mode_b;
  const int64_t previous = seg_start_ ? 0 : seg_sum_;
  seg_sum_ = flexblock::wrap_segment_sum(
      previous + flexblock::beat_sum(ma, mb, beat.a_mag, beat.a_sign, beat.b_mag, beat.b_sign),
      c_.segment_sum_bits());
  seg_start_ = beat.seg_last;
  FlexblockPeOutput out;
  if (!beat.seg_last) return out;
  const uint32_t term = flexblock::segment_term(seg_sum_, beat.exp_a, beat.exp_b, ma, mb);
  acc_ = flexblock::accumulate(row_start_ ? 0u : acc_, term);
  row_start_ = beat.row_last;
  if (beat.row_last) out = {true, acc_};
  return out;
}

}  // namespace bf::golden
