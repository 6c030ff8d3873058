#pragma once
// flexblock.pe and flexblock.pe_fixed: FlexBlock's multiply-accumulate unit,
// one beat per transaction. The arithmetic is the contract of
// golden/flexblock/bfp_dot.hpp; this header adds the stream:
//
//   per beat:   S = wrap(S_prev + beat_sum(mode_a, mode_b, buses)), where
//               S_prev = 0 on a segment's first beat (after reset or after a
//               beat with seg_last), and wrap() keeps segment_sum_bits(
//               max_segment) bits (two's complement);
//   seg_last:   T = segment_term(S, exp_a, exp_b, mode_a, mode_b) with this
//               beat's exponents and modes (read on this beat only);
//               acc = fp_add(row_start ? +0 : acc, T);
//   row_last:   (read with seg_last only) the output ends: done, y = acc, and
//               the next segment starts a new output (row_start).
// Outputs per beat: done = seg_last & row_last; y = acc when done, else 0.
//
// The multi-mode PE reads mode_a / mode_b on every beat (lanes and the
// scaling); the fixed PE has one mode for both operands and narrower buses
// (P lanes of m bits; P = 16 / (m/4)^2).

#include <cstdint>
#include <string>

#include "golden/flexblock/bfp_dot.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

// The engine both units generate.
struct FlexblockPeConfig {
  bool fixed = false;                           // one mode, no mode ports
  flexblock::Mode mode = flexblock::Mode::M16;  // the fixed PE's mode
  int max_segment = 216;
  // Fixed PE only: one multiplier per product written as `*` (the synthesis
  // tool builds it) instead of the 4b x 4b sub-multiplier array with the mode
  // tied.
  bool direct_multipliers = true;

  // The segment accumulator's width: for the widest pair the PE supports.
  int segment_sum_bits() const {
    return fixed ? flexblock::segment_sum_bits(max_segment, mode, mode)
                 : flexblock::segment_sum_bits(max_segment);
  }
  // The beat sum's width (sign included): P * (2^m - 1)^2 for the fixed PE,
  // (2^16 - 1)^2 (the largest pair's single product) for the multi-mode one.
  int beat_sum_bits() const;
  // Lanes and bus widths: the multi-mode PE has 16 lanes of 4 bits (64-bit
  // buses); the fixed PE P lanes of m bits.
  int lanes() const;
  int bus_bits() const;
  int lane_bits() const;  // m of the fixed PE, 4 for the multi-mode bus
};

struct FlexblockPeParams {
  int max_segment = 216;

  template <class V>
  void visit(V& v) {
    v.field("max_segment", max_segment,
            "longest segment (run of K sharing both group exponents) the integer accumulator "
            "holds without wrapping; sets its width (216: the 4-bit mode's default group)",
            IntRange{1, 4096});
  }
  FlexblockPeConfig config() const;
};

struct FlexblockPeBeat {
  flexblock::Mode mode_a = flexblock::Mode::M16;
  flexblock::Mode mode_b = flexblock::Mode::M16;
  uint64_t a_mag = 0;  // bus bits (lanes * lane_bits)
  uint32_t a_sign = 0;
  uint64_t b_mag = 0;
  uint32_t b_sign = 0;
  uint32_t exp_a = 127;
  uint32_t exp_b = 127;
  bool seg_last = false;
  bool row_last = false;
};

struct FlexblockPeOutput {
  bool done = false;
  uint32_t y = 0;  // fp32, 0 unless done
};

class FlexblockPeModel {
 public:
  explicit FlexblockPeModel(FlexblockPeConfig c) : c_(c) {}
  FlexblockPeOutput step(const FlexblockPeBeat& beat);

 private:
  FlexblockPeConfig c_;
  int64_t seg_sum_ = 0;
  bool seg_start_ = true;
  uint32_t acc_ = 0;
  bool row_start_ = true;
};

}  // namespace bf::golden
