#include "golden/units/flexblock_array/flexblock_array.hpp"

namespace bf::golden {

namespace fb = flexblock;

FlexblockArrayBeat FlexblockArrayBeat::zeros(const FlexblockArrayParams& p) {
  FlexblockArrayBeat b;
  const auto rows = static_cast<std::size_t>(p.rows), cols = static_cast<std::size_t>(p.cols);
  b.a_mag.assign(rows, 0);
  b.a_sign.assign(rows, 0);
  b.exp_a.assign(rows, 0);
  b.b_mag.assign(cols, 0);
  b.b_sign.assign(cols, 0);
  b.exp_b.assign(cols, 0);
  return b;
}

FlexblockArrayModel::FlexblockArrayModel(FlexblockArrayParams p)
    : p_(p), seg_bits_(fb::segment_sum_bits(p.max_segment)) {
  const auto n = static_cast<std::size_t>(p.rows * p.cols);
  seg_.assign(n, 0);
  chain_.assign(n, 0);
  acc_.assign(n, 0);
  exp_a_cap_.assign(static_cast<std::size_t>(p.rows), 0);
  exp_b_cap_.assign(static_cast<std::size_t>(p.cols), 0);
}

FlexblockArrayOutput FlexblockArrayModel::step(const FlexblockArrayBeat& beat) {
  const int rows = p_.rows, cols = p_.cols;
  auto at = [cols](int r, int c) { return static_cast<std::size_t>(r * cols + c); };
  FlexblockArrayOutput out;
  out.done.assign(static_cast<std::size_t>(rows), 0);
  out.col.assign(static_cast<std::size_t>(rows), 0);
  out.y.assign(static_cast<std::size_t>(rows), 0);
  // Edge units, from the state before this beat.
  if (draining_) {
    const int c = cols - 1 - drain_k_;
    for (int r = 0; r < rows; ++r) {
      const uint32_t term =
          fb::segment_term(chain_[at(r, cols - 1)], exp_a_cap_[static_cast<std::size_t>(r)],
                           exp_b_cap_[static_cast<std::size_t>(c)], mode_a_cap_, mode_b_cap_);
      uint32_t& acc = acc_[at(r, c)];
      acc = fb::accumulate(tile_first_cap_ ? 0u : acc, term);
      if (tile_last_cap_) {
        out.done[static_cast<std::size_t>(r)] = 1;
        out.col[static_cast<std::size_t>(r)] = static_cast<uint32_t>(c);
        out.y[static_cast<std::size_t>(r)] = acc;
      }
    }
    draining_ = drain_k_ + 1 < cols;
    ++drain_k_;
  }
  // PEs.
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const int64_t sum = fb::beat_sum(
          beat.mode_a, beat.mode_b, beat.a_mag[static_cast<std::size_t>(r)],
          beat.a_sign[static_cast<std::size_t>(r)], beat.b_mag[static_cast<std::size_t>(c)],
          beat.b_sign[static_cast<std::size_t>(c)]);
      int64_t& seg = seg_[at(r, c)];
      seg = fb::wrap_segment_sum((seg_start_ ? 0 : seg) + sum, seg_bits_);
    }
  if (beat.seg_last) {
    chain_ = seg_;
    exp_a_cap_ = beat.exp_a;
    exp_b_cap_ = beat.exp_b;
    mode_a_cap_ = beat.mode_a;
    mode_b_cap_ = beat.mode_b;
    tile_first_cap_ = tile_start_;
    tile_last_cap_ = beat.tile_last;
    draining_ = true;
    drain_k_ = 0;
  } else {
    for (int r = 0; r < rows; ++r)
      for (int c = cols - 1; c >= 1; --c) chain_[at(r, c)] = chain_[at(r, c - 1)];
  }
  seg_start_ = beat.seg_last;
  if (beat.seg_last) tile_start_ = beat.tile_last;
  return out;
}

}  // namespace bf::golden
