#pragma once
// lightnorm.bn_fwd: LightNorm's range batch normalization, forward, for
// `lanes` channels in parallel. Its arithmetic is the contract of
// golden/lightnorm/range_bn.hpp (range_bn_stats steps 1-6, then
// range_bn_normalize step 7), bit for bit; this file adds the stream
// protocol (baseline.bn_fp32's, so one driver feeds both units), LightNorm's
// channel-group BFP on the data ports, and the unit's state machine.
//
// ---- Protocol ---------------------------------------------------------------
// One beat carries one value per lane; lane l is channel c0 + l, and all
// lanes are at the same (b, h, w) position. A channel group of n values per
// channel is processed as
//   1 LOAD beat, n STAT beats (the values in (b, h, w) order),
//   finish_beats() FINISH beats, n NORM beats (the same values again, in the
//   same order).
// op_i (2 bits, golden::BnOp):
//   0 LOAD    samples len_i (L = n / chunks, an unsigned len_bits-bit
//             integer), inv_n_i and c_i (fp32 codes of range_bn_constants:
//             1/n and C(n) = 1/sqrt(2 ln(n / chunks)), computed by the driver
//             once per layer; the unit converts them into stat), and per lane
//             gamma_i (io code) and beta_i (norm code); clears the
//             statistics (S = +0, no chunk complete, the next STAT beat
//             starts chunk 0).
//   1 STAT    x_i per lane: S += x (step 1); the running maximum and minimum
//             of the current chunk (fp_max / fp_min, the first extreme on
//             ties, as range_bn_stats); every L-th STAT beat completes a
//             chunk and stores its extremes (io codes).
//   2 FINISH  no data: the per-lane scalar datapath (Smax, Smin, mean,
//             range, d, scale: steps 2-6) advances one step. After
//             finish_beats() of them the statistics are complete.
//   3 NORM    x_i per lane in; out: norm_o = 1 and per lane y (io, the
//             BFP-encoded group when bfp is on), x_hat (io: what backward
//             reads), amax_o / amin_o (the element is its chunk's argmax /
//             argmin, range_bn_stats' positions) and scale_o (the stat code
//             of scale, which backward loads).
// Every other beat, and a NORM beat with incomplete statistics, outputs
// norm_o = 0 and all other output bits 0. Beats stream back to back, one per
// cycle; each beat's outputs leave latency() cycles after it.
//
// Why the driver supplies inv_n and C (the issue's "C from the hardware or
// a small table"): both are per-layer constants of n alone, one division
// and one logarithm plus square root per layer against n * lanes elements,
// so the unit holds neither a logarithm nor a square root nor a table; it
// takes C as an fp32 code like 1/n and converts it into stat exactly as
// range_bn_stats does.
//
// ---- Formats ------------------------------------------------------------------
// Any the range BN keys accept (golden/lightnorm/range_bn_fields.hpp), with
// two rules of this unit (validate()): io has no Inf/NaN (see "Why the flags
// are exact"; LightNorm's small floats have none), and stat and norm have
// IEEE Inf/NaN, because the generator's adders, multipliers and rounding
// step round into such formats only (fp32, bf16, fp16 and their "+K"
// widenings such as fp16+8 = e5m18; e5m12, the widening of fp10 1-5-4, runs
// in the golden model and the studies, not here).
//
// ---- BFP on the data ports (bfp = keep_max or plain) -----------------------
// x_i and y_o carry lanes / bfp_group packed groups of
// golden/formats/lightnorm_bfp_storage.hpp (element format io, bfp_bits,
// the variant), group j at [G*j +: G], G = group_bits(); the lanes of group
// j are lanes bfp_group*j ... One group is a channel group at one (b, h, w),
// the authors' BFP along channels. x is decoded (lightnorm_bfp_unpack_
// element) before anything else, so the arithmetic sees io codes; y is
// encoded (lightnorm_bfp_encode) after range_bn_normalize. gamma, beta,
// x_hat and scale are never BFP. bfp = none: x_i and y_o are io codes.
//
// ---- Defined behaviour outside the protocol ----------------------------------
// The statistics are complete when at least finish_beats() FINISH beats came
// after the last LOAD or STAT beat (NORM beats in between do not matter).
// Then, and only then, per lane:
//   S     = +0 + x_0 + x_1 + ...  over every STAT value since the last LOAD;
//   chunks: the STAT beats since the last LOAD are numbered 0, 1, ...; beat
//           i belongs to chunk i / L (L = 0 stands for 2^len_bits); a chunk
//           is complete after its L-th beat. At most `chunks` chunks are
//           kept: STAT beats after the last one only add to S.
//   Smax  = +0 + mx_0 + ... + mx_{k-1}, Smin likewise, over the k complete
//           chunks (k = chunks in the protocol; an incomplete chunk counts
//           nowhere);
//   mean, range, d, scale: range_bn_stats' steps 3-6 on S, Smax, Smin with
//           the loaded inv_n and c.
// Hence the protocol's group (n = chunks * L STAT beats) gives exactly
// range_bn_stats, and:
//   - a NORM beat before the statistics are complete outputs zeros (dropped);
//   - more FINISH beats than finish_beats() change nothing;
//   - a STAT beat after FINISH beats continues S and the chunks, and the
//     statistics are incomplete until finish_beats() more FINISH beats;
//   - STAT beats without a LOAD continue the previous group's statistics;
//   - any number of NORM beats each normalize their own x (range_bn_
//     normalize) with the statistics; the NORM beats since the last beat of
//     another kind are numbered 0, 1, ... into chunks of L like the STAT
//     beats, and element i of complete chunk c is flagged amax when it is the
//     first in that chunk whose code equals mx_c (amin: mn_c). On a protocol
//     group that is exactly range_bn_stats' argmax / argmin (see "Why the
//     flags are exact"); NORM beats in no complete chunk are never flagged.
// Reset acts as a LOAD of len = inv_n = c = gamma = beta = 0.
//
// ---- Why the flags are exact -------------------------------------------------
// range_bn_stats moves a chunk's argmax to element i iff fp_max(x[argmax],
// x[i]) != x[argmax], i.e. iff x[i] is strictly later in fp_compare's order
// (the unit's io format has no NaN, the only codes for which fp_max returns
// neither operand; validate() refuses io formats with special values). That
// order is a total preorder whose classes are single codes except +0/-0 and,
// in formats without subnormals, a subnormal with its signed zero (DAZ). So
// the argmax is the first element of the chunk's largest class, and its code
// is mx. Any element with code mx is in that class, hence not before the
// argmax: the first element whose code equals mx is the argmax. This costs
// the chunk extremes (stored anyway, for Smax and Smin), one io-wide
// equality compare and a "found" bit per lane and extreme; position counters
// would store chunks * 2 * len_bits bits per lane instead.
//
// ---- Hardware structure (the RTL generator's, for the model's users) --------
// Per lane: the statistics (one stat adder for S, the compare-select nodes of
// the running chunk extremes, a memory of the chunk extremes), the scalar
// datapath (one stat adder and one stat multiplier shared by its steps over
// the FINISH beats, then the reciprocal: a divider with div_stages internal
// cuts, or the pow2 exponent logic), and the normalize datapath (norm
// subtractor, norm x stat multiplier, io x io multiplier, norm adder, the
// conversions), a register after each operation. Nothing is shared between
// the three datapaths or between lanes (baseline.bn_fp32's rule, so the
// comparison measures arithmetic). Scalar schedule, one step per FINISH
// beat (F = finish beat index from 0, K = chunks):
//   F = 0 .. K-1      Smax += mx_F (adder)          mean = S * inv_n at F = 0
//   F = K .. 2K-1     Smin += mn_(F-K)              pa = Smax * 2^-log2(K) at F = K
//   F = 2K            pb = Smin * 2^-log2(K)  (multiplier)
//   F = 2K+1          range = pa - pb         (adder)
//   F = 2K+2          dc = range * C          (multiplier)
//   F = 2K+3          d = dc + eps            (adder)
//   F = 2K+4 ...      scale = 1 / d: div_stages + 1 beats (divider), 1 (pow2)
// An incomplete chunk's extreme enters its addition as -0, which leaves
// every sum as it is (x + -0 = x for every x, +0 + -0 = +0), so skipping a
// chunk needs no separate path.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "golden/formats/lightnorm_bfp_storage.hpp"
#include "golden/lightnorm/range_bn.hpp"
#include "golden/lightnorm/range_bn_fields.hpp"
#include "golden/params/param_spec.hpp"
#include "golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp"

namespace bf::golden {

struct LnBnFwdParams {
  int lanes = 8;
  int len_bits = 24;
  // Register cuts inside the divider (reciprocal = divider), as
  // baseline.bn_fp32's div_stages, so both units run at the same clock.
  int div_stages = 4;
  std::string bfp = "keep_max";
  int bfp_group = 8;
  int bfp_bits = 5;
  lightnorm::RangeBnTextFields rb;

  template <class V>
  void visit(V& v) {
    v.field("lanes", lanes,
            "channels normalized in parallel: one value of each per beat, each lane with its "
            "own statistics, scalar datapath and normalize datapath",
            IntRange{1, 64});
    v.field("len_bits", len_bits,
            "width of len_i, the chunk length L = n / chunks loaded per layer (and of the chunk "
            "position counters): channels of up to chunks * (2^len_bits - 1) values",
            IntRange{1, 40});
    v.field("div_stages", div_stages,
            "reciprocal = divider: register cuts inside each stat divider (1 / d), spread evenly "
            "over its quotient rows; the quotient is registered after them, so it takes "
            "div_stages + 1 FINISH beats. Default 4, as baseline.bn_fp32's, so both units run "
            "at the same clock",
            IntRange{0, 4});
    v.field("bfp", bfp,
            "LightNorm's channel-group BFP on x_i and y_o: keep_max (elements at a group's "
            "largest exponent kept whole, LightNorm), plain (every element aligned to the "
            "largest, BFPsim) or none (io codes on the ports)",
            Choices{{"keep_max", "plain", "none"}});
    v.field("bfp_group", bfp_group, "lanes per BFP group (g; lanes must be a multiple of it)",
            IntRange{1, 64});
    v.field("bfp_bits", bfp_bits,
            "magnitude bits of an aligned BFP element, counting the hidden one (LightNorm: 5)",
            IntRange{1, 16});
    lightnorm::visit_range_bn_fields(v, rb);
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;

  lightnorm::RangeBnParams range_bn() const { return lightnorm::range_bn_params(rb); }
  bool has_bfp() const { return bfp != "none"; }
  // The BFP storage of the data ports (element format io).
  LightnormBfpStorage storage() const;
  // FINISH beats the statistics need (the scalar schedule in the header).
  int finish_beats() const;
  // Cycles from accepting a beat to its output: the input register, the
  // normalize datapath's four stages, the BFP encoder's stage (bfp only),
  // the output register.
  int latency() const { return has_bfp() ? 6 : 5; }
};

// The unit's state machine, beat by beat from reset: what the RTL computes
// (on io codes: the BFP decoding of x and encoding of y are the Design's).
class LnBnFwdModel {
 public:
  explicit LnBnFwdModel(const LnBnFwdParams& p);

  struct Output {
    bool norm = false;
    std::vector<uint32_t> y, x_hat;  // io codes per lane; +0 unless norm
    std::vector<uint32_t> scale;     // stat codes per lane; +0 unless norm
    std::vector<bool> amax, amin;
  };
  // One beat. x, gamma: `lanes` io codes; beta: `lanes` norm codes (only
  // the ones the op reads matter); len, inv_n, c: read by LOAD.
  Output step(BnOp op, uint64_t len, uint32_t inv_n, uint32_t c, std::span<const uint32_t> x,
              std::span<const uint32_t> gamma, std::span<const uint32_t> beta);

  bool complete() const { return finishes_ == finish_beats_; }
  // Lane l's statistics (valid while complete(); argmax / argmin are not
  // kept: the flags come out of NORM beats).
  const lightnorm::RangeBnStats& stats(int lane) const;

 private:
  struct Lane {
    uint32_t gamma = 0, beta = 0;
    uint32_t sum = 0;                   // S, stat
    uint32_t run_max = 0, run_min = 0;  // the current chunk's extremes, io
    std::vector<uint32_t> mx, mn;       // complete chunks' extremes, io
    lightnorm::RangeBnStats stats;
    bool found_max = false, found_min = false;  // NORM: the chunk's flag was given
  };
  void compute_stats(Lane& ln) const;

  LnBnFwdParams p_;
  lightnorm::RangeBnParams rp_;
  std::vector<Lane> lanes_;
  uint64_t len_ = 0, len_mask_;
  uint32_t inv_n_ = 0, c_ = 0;
  uint64_t pos_ = 0;   // STAT beats into the current chunk
  int done_ = 0;       // complete chunks since the last LOAD
  uint64_t npos_ = 0;  // NORM beats into the current chunk
  int nchunk_ = 0;     // the NORM beats' chunk (saturates at chunks)
  int finish_beats_;
  int finishes_ = 0;  // FINISH beats since the last LOAD / STAT, saturating
};

}  // namespace bf::golden
