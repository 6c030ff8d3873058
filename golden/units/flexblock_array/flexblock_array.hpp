#pragma once
// flexblock.array's golden stream model: the beat-level behaviour of the
// array described in flexblock_array_params.hpp, register for register, so
// the RTL must equal it on every beat (outputs included), and the cycle
// counts of the mapping model can be checked against it.
//
// Per beat (one transaction), with the state before the beat:
//   edge (every row r, when a drain is active, counter k = 0 .. cols-1):
//       c = cols - 1 - k; S = chain[r][cols-1];
//       T = segment_term(S, exp_a_cap[r], exp_b_cap[c], modes_cap);
//       acc[r][c] = fp_add(tile_first_cap ? +0 : acc[r][c], T);
//       output row r: done = tile_last_cap, col = c, y = acc[r][c]
//       (done 0, col 0, y 0 when no drain is active or tile_last_cap is 0);
//       the drain ends after k = cols - 1.
//   PEs: seg[r][c] = wrap((seg_start ? 0 : seg[r][c]) + beat_sum(modes,
//       A row r, B column c)), wrap to segment_sum_bits(max_segment);
//   seg_last: chain[r][c] = seg[r][c] for all r, c; exp_a_cap[r] = exp_a[r];
//       exp_b_cap[c] = exp_b[c]; modes_cap = the beat's modes;
//       tile_first_cap = tile_start; tile_last_cap = tile_last; a drain
//       starts (k = 0 on the next beat; a drain in progress is cut);
//   otherwise: chain[r][c] = chain[r][c-1] for c >= 1 (towards the edge);
//   seg_start = seg_last; tile_start = seg_last ? tile_last : tile_start.
// Reset: seg_start = tile_start = 1, no drain.

#include <cstdint>
#include <vector>

#include "golden/flexblock/bfp_dot.hpp"
#include "golden/units/flexblock_array/flexblock_array_params.hpp"

namespace bf::golden {

struct FlexblockArrayBeat {
  flexblock::Mode mode_a = flexblock::Mode::M16;
  flexblock::Mode mode_b = flexblock::Mode::M16;
  bool seg_last = false;
  bool tile_last = false;
  std::vector<uint64_t> a_mag;   // per row: 64-bit bus
  std::vector<uint32_t> a_sign;  // per row: 16 lane signs
  std::vector<uint32_t> exp_a;   // per row
  std::vector<uint64_t> b_mag;   // per column
  std::vector<uint32_t> b_sign;
  std::vector<uint32_t> exp_b;

  // A beat of zeros (a flush or padding beat) for the array's shape.
  static FlexblockArrayBeat zeros(const FlexblockArrayParams& p);
};

struct FlexblockArrayOutput {
  std::vector<uint8_t> done;  // per row
  std::vector<uint32_t> col;  // per row
  std::vector<uint32_t> y;    // per row, fp32
};

class FlexblockArrayModel {
 public:
  explicit FlexblockArrayModel(FlexblockArrayParams p);
  FlexblockArrayOutput step(const FlexblockArrayBeat& beat);

 private:
  FlexblockArrayParams p_;
  int seg_bits_;
  std::vector<int64_t> seg_, chain_;  // [r * cols + c]
  std::vector<uint32_t> acc_;         // [r * cols + c]
  std::vector<uint32_t> exp_a_cap_, exp_b_cap_;
  flexblock::Mode mode_a_cap_ = flexblock::Mode::M16, mode_b_cap_ = flexblock::Mode::M16;
  bool tile_first_cap_ = false, tile_last_cap_ = false;
  bool seg_start_ = true, tile_start_ = true;
  bool draining_ = false;
  int drain_k_ = 0;
};

}  // namespace bf::golden
