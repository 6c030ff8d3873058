#include "golden/units/flexblock_array/flexblock_array_schedule.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace bf::golden {

namespace fb = flexblock;

namespace {

// Lanes [k0 + b*P, ...) of one row packed as a bus and a sign word.
void pack_lanes(const fb::BfpMatrix& x, int row, int from, int to, uint64_t& mag, uint32_t& sign) {
  mag = 0;
  sign = 0;
  if (row >= x.rows) return;
  const int w = fb::mantissa_bits(x.mode);
  for (int kk = from; kk < to; ++kk) {
    const int32_t v = x.mantissa(row, kk);  // sign and magnitude on the buses
    mag |= static_cast<uint64_t>(v < 0 ? -static_cast<int64_t>(v) : v) << (w * (kk - from));
    sign |= static_cast<uint32_t>(v < 0) << (kk - from);
  }
}

uint32_t group_exp(const fb::BfpMatrix& x, int row, int kk) {
  return row >= x.rows ? 0 : x.exponent(row, kk / x.group);
}

}  // namespace

ArraySchedule schedule_gemm(const FlexblockArrayParams& p, const fb::BfpMatrix& a,
                            const fb::BfpMatrix& bt, bool drain) {
  if (a.k != bt.k) throw std::invalid_argument("schedule_gemm: A and B differ in K");
  const int lanes = fb::products_per_beat(a.mode, bt.mode);
  const auto segments = fb::segment_lengths(a.k, a.group, bt.group);
  ArraySchedule s;
  for (int m0 = 0; m0 < a.rows; m0 += p.rows)
    for (int n0 = 0; n0 < bt.rows; n0 += p.cols) {
      ++s.tiles;
      int k0 = 0;
      for (std::size_t seg = 0; seg < segments.size(); ++seg) {
        const int len = segments[seg];
        const int beats = std::max(fb::segment_beats(len, a.mode, bt.mode), p.cols);
        for (int b = 0; b < beats; ++b) {
          FlexblockArrayBeat beat = FlexblockArrayBeat::zeros(p);
          beat.mode_a = a.mode;
          beat.mode_b = bt.mode;
          const int from = std::min(k0 + b * lanes, k0 + len);
          const int to = std::min(from + lanes, k0 + len);
          for (int r = 0; r < p.rows; ++r) {
            const auto i = static_cast<std::size_t>(r);
            pack_lanes(a, m0 + r, from, to, beat.a_mag[i], beat.a_sign[i]);
            beat.exp_a[i] = group_exp(a, m0 + r, k0);
          }
          for (int c = 0; c < p.cols; ++c) {
            const auto i = static_cast<std::size_t>(c);
            pack_lanes(bt, n0 + c, from, to, beat.b_mag[i], beat.b_sign[i]);
            beat.exp_b[i] = group_exp(bt, n0 + c, k0);
          }
          beat.seg_last = b + 1 == beats;
          beat.tile_last = beat.seg_last && seg + 1 == segments.size();
          s.beats.push_back(std::move(beat));
        }
        k0 += len;
      }
    }
  if (drain)
    for (int i = 0; i < array_drain_cycles(p); ++i) s.beats.push_back(FlexblockArrayBeat::zeros(p));
  return s;
}

std::vector<uint32_t> collect_gemm(const FlexblockArrayParams& p, int m, int n,
                                   const std::vector<FlexblockArrayOutput>& outputs) {
  const int col_tiles = (n + p.cols - 1) / p.cols;
  const int tiles = ((m + p.rows - 1) / p.rows) * col_tiles;
  std::vector<uint32_t> c(static_cast<std::size_t>(m) * static_cast<std::size_t>(n), 0);
  std::vector<char> seen(c.size(), 0);
  int tile = 0;
  for (const auto& out : outputs) {
    if (!out.done[0]) continue;
    if (tile >= tiles) throw std::runtime_error("collect_gemm: more results than tiles");
    const int m0 = (tile / col_tiles) * p.rows, n0 = (tile % col_tiles) * p.cols;
    for (int r = 0; r < p.rows; ++r) {
      const int row = m0 + r, col = n0 + static_cast<int>(out.col[static_cast<std::size_t>(r)]);
      if (row < m && col < n) {
        const auto e = static_cast<std::size_t>(row) * static_cast<std::size_t>(n) +
                       static_cast<std::size_t>(col);
        c[e] = out.y[static_cast<std::size_t>(r)];
        seen[e] = 1;
      }
    }
    if (out.col[0] == 0) ++tile;
  }
  for (std::size_t e = 0; e < c.size(); ++e)
    if (!seen[e])
      throw std::runtime_error("collect_gemm: no result for output " + std::to_string(e));
  return c;
}

}  // namespace bf::golden
