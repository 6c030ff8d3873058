#pragma once
// baseline.bn_fp32: the conventional fp32 batch-normalization unit (forward)
// that LightNorm's range BN is compared against. Its arithmetic is the
// contract of golden/lightnorm/bn_fp32.hpp, bit for bit; this file adds the
// stream protocol (shared with LightNorm's forward unit) and the unit's
// state machine.
//
// ---- Protocol ---------------------------------------------------------------
// One beat carries one value per lane; lane l is channel c0 + l, and all
// lanes are at the same (b, h, w) position. A channel group of n values per
// channel is processed as
//   1 LOAD beat, n STAT beats (the values in (b, h, w) order),
//   finish_beats() FINISH beats, n NORM beats (the same values again, in the
//   same order).
// op_i (2 bits):
//   0 LOAD    samples inv_n_i (fp32, 1/n as bn_fp32_inv_n / range_bn_constants
//             computes it; one per layer, shared by the lanes) and per lane
//             gamma_i, beta_i (fp32); clears the sums S and Q to +0.
//   1 STAT    x_i per lane: S += x, Q += x * x (bn_fp32_stats' step 1).
//   2 FINISH  no data: the per-lane scalar datapath (mean, var, inv_std: steps
//             2-3) advances one register stage. After finish_beats() of them
//             the statistics are complete.
//   3 NORM    x_i per lane in, y_o out: y = ((x - mean) * inv_std) * gamma + beta
//             (bn_fp32_normalize), norm_o = 1.
// Every beat outputs norm_o and `lanes` y values; only a NORM beat with
// complete statistics outputs norm_o = 1 and y, every other beat norm_o = 0
// and y = +0. Beats stream back to back, one per cycle, with no gap between
// phases or groups (the first NORM beat may follow the last FINISH beat, the
// next group's LOAD the last NORM beat); each beat's outputs leave latency()
// cycles after it.
//
// ---- Defined behaviour outside the protocol ----------------------------------
// The statistics are complete when at least finish_beats() FINISH beats came
// after the last LOAD or STAT beat (NORM beats in between do not matter).
// Then, and only then, mean and inv_std are those of bn_fp32_stats over the
// STAT values since the last LOAD, with the loaded inv_n (no STAT beat: the
// sums stay +0, as for the single value +0). Hence:
//   - a NORM beat before the statistics are complete outputs norm_o = 0,
//     y = +0 (the beat is dropped);
//   - more FINISH beats than finish_beats() change nothing;
//   - any number of NORM beats (more or fewer than n, any values) each
//     normalize their own x with the group's statistics;
//   - a STAT beat after FINISH beats adds to the sums and the statistics are
//     incomplete until finish_beats() more FINISH beats;
//   - STAT beats without a LOAD keep adding to the previous sums (the model
//     keeps all values since the last LOAD).
// Reset acts as a LOAD of inv_n = gamma = beta = +0.
//
// ---- Hardware structure (the RTL generator's, documented here for the
// model's users) -------------------------------------------------------------
// Per lane: an fp32 adder for S, an fp32 multiplier and adder for Q; the
// scalar datapath mean = S * inv_n and Q * inv_n (two multipliers), mean *
// mean, the subtraction and clamp, + eps, fp_sqrt (sqrt_stages internal
// register cuts), fp_div of 1 by the root (div_stages cuts), a register
// after each; and the normalize datapath (sub, mul, mul, add). Nothing is
// shared between phases, so area and energy measure the arithmetic, not a
// schedule (LightNorm's forward unit has the same structure; sharing would
// be a parameter of both). The scalar datapath is a chain of
// finish_beats() registers that only FINISH beats advance: its last register
// (inv_std) is a function of S, Q and inv_n after that many FINISH beats, and
// a counter of FINISH beats since the last LOAD / STAT says so.

#include <cstdint>
#include <span>
#include <vector>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_div.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/arith/fp_sqrt.hpp"
#include "golden/lightnorm/bn_fp32.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

enum class BnOp : uint8_t { Load = 0, Stat = 1, Finish = 2, Norm = 3 };

struct BnFp32Params {
  int lanes = 8;
  // Register cuts inside the square root and the divider (their
  // pipeline_stages, generator/blocks/fp_sqrt.hpp, fp_div.hpp), spread evenly
  // over the 26 rows of each recurrence. Defaults from `blockforge timing` of
  // arith.fp_sqrt / arith.fp_div on the shipped 45 nm library, against 5.7 ns
  // for an fp32 adder and 4.9 ns for a multiplier: the divider's pieces are
  // 7.2 ns at 4 cuts (the most the blocks' units offer), so it sets the
  // unit's longest operator stage; the root's are 6.8 ns at 3 cuts, under it.
  int sqrt_stages = 3;
  int div_stages = 4;

  template <class V>
  void visit(V& v) {
    v.field("lanes", lanes,
            "channels normalized in parallel: one value of each per beat, each lane with its "
            "own statistics adders, scalar datapath and normalize datapath",
            IntRange{1, 64});
    v.field("sqrt_stages", sqrt_stages,
            "register cuts inside each fp32 square root (sqrt(var + eps)), spread evenly over "
            "its 26 root rows; the root is registered after them, so it takes sqrt_stages + 1 "
            "FINISH beats. Default 3: pieces of about 6.8 ns on the 45 nm library, under the "
            "divider's",
            IntRange{0, 4});
    v.field("div_stages", div_stages,
            "register cuts inside each fp32 divider (1 / sqrt(var + eps)), spread evenly over "
            "its 26 quotient rows; the quotient is registered after them, so it takes "
            "div_stages + 1 FINISH beats. Default 4: pieces of about 7.2 ns on the 45 nm "
            "library (an fp32 adder: 5.7 ns), the unit's longest operator stage",
            IntRange{0, 4});
  }

  void validate() const {}
  // FINISH beats the statistics need: the scalar datapath's registers
  // (mean and Q * inv_n, mean * mean, var, var + eps) plus the square root's
  // and the divider's.
  int finish_beats() const { return 4 + (sqrt_stages + 1) + (div_stages + 1); }
  // Cycles from accepting a beat to its output: the input register, the
  // normalize datapath's three, the output register.
  static constexpr int latency() { return 5; }

  // fp32, nearest even, subnormals exact: the operators of bn_fp32.hpp.
  static FpAddSpec add_spec();
  static FpMulSpec mul_spec();
  static FpSqrtSpec sqrt_spec();
  static FpDivSpec div_spec();
};

// 1/n as the driver loads it: correctly rounded (range_bn_constants' inv_n;
// 1.0 for n = 1). Throws std::invalid_argument for n < 1 or n >= 2^40.
uint32_t bn_fp32_inv_n(int64_t n);

// The unit's state machine, beat by beat from reset: what the RTL computes.
class BnFp32Model {
 public:
  explicit BnFp32Model(const BnFp32Params& p);

  struct Output {
    bool norm = false;
    std::vector<uint32_t> y;  // `lanes` fp32 codes; +0 unless norm
  };
  // One beat. x, gamma, beta: `lanes` fp32 codes each (only the ones the op
  // reads matter); inv_n: read by LOAD.
  Output step(BnOp op, uint32_t inv_n, std::span<const uint32_t> x, std::span<const uint32_t> gamma,
              std::span<const uint32_t> beta);

  // True when NORM beats would be normalized now.
  bool complete() const { return finishes_ == finish_beats_; }
  // Lane l's statistics (valid while complete()).
  const lightnorm::BnFp32Stats& stats(int lane) const;

 private:
  struct Lane {
    std::vector<uint32_t> values;  // STAT values since the last LOAD
    uint32_t gamma = 0, beta = 0;
    lightnorm::BnFp32Stats stats;
  };
  std::vector<Lane> lanes_;
  uint32_t inv_n_ = 0;
  int finish_beats_;
  int finishes_ = 0;  // FINISH beats since the last LOAD / STAT, saturating
};

}  // namespace bf::golden
