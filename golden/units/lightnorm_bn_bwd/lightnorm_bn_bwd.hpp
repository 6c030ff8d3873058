#pragma once
// lightnorm.bn_bwd: LightNorm's range batch normalization, backward (the
// gradient unit). Its arithmetic is the "Backward, one channel" contract of
// golden/lightnorm/range_bn.hpp bit for bit (range_bn_grad_sums steps 1-2,
// RangeBnDxElement step 3); this file adds the stream protocol (the style of
// baseline.bn_fp32 and lightnorm.bn_fwd) and the unit's state machine.
//
// ---- Protocol ---------------------------------------------------------------
// One beat carries one value per lane; lane l is channel c0 + l, and all
// lanes are at the same (b, h, w) position. A channel group of n values per
// channel is processed as
//   1 LOAD beat, n STAT beats (pass 1, in (b, h, w) order),
//   finish_beats() FINISH beats, n DX beats (pass 2, the same order).
// op_i (2 bits):
//   0 LOAD    samples inv_n_i and c_i (fp32 codes of range_bn_constants: 1/n
//             and C(n), one per layer, shared by the lanes) and per lane
//             gamma_i (io, as the forward used it) and scale_i (stat, the
//             forward unit's scale_o); clears the sums dbeta and dgs to +0.
//   1 STAT    per lane g_i (grad) and x_hat_i (io, the forward's x_hat):
//             dbeta += g, dgs += g * x_hat (each product rounded into stat,
//             then added; range_bn_grad_sums step 1).
//   2 FINISH  no data: the per-lane scalar datapath (dgamma, a, b_mu, k,
//             b_max, b_min and their conversions into norm: steps 1-3's
//             per-channel part) advances one register stage. After
//             finish_beats() of them the coefficients are complete.
//   3 DX      per lane g_i (grad) and the flags amax_i, amin_i (the element
//             is its chunk's first argmax / argmin, as the forward unit
//             reports them) in; dx_o = convert(g * a + b) into grad with b =
//             b_max (amax only), b_min (amin only) or b_mu (both or neither:
//             a constant chunk's terms cancel), valid_o = 1, and per lane
//             dgamma_o (grad) and dbeta_o (stat), constant over the group,
//             on every DX beat so the driver can take them from any.
// Every beat outputs valid_o and `lanes` dx, dgamma and dbeta values; only a
// DX beat with complete coefficients outputs valid_o = 1 and them, every
// other beat valid_o = 0 and +0 codes. Beats stream back to back, one per
// cycle, with no gap between phases or groups; each beat's outputs leave
// latency() cycles after it.
//
// ---- Defined behaviour outside the protocol ----------------------------------
// The coefficients are complete when at least finish_beats() FINISH beats
// came after the last LOAD or STAT beat (DX beats in between do not
// matter). Then, and only then, they are those of range_bn_grad_sums over
// the STAT beats' (g, x_hat) since the last LOAD, with the loaded inv_n, C,
// gamma and scale (no STAT beat: dbeta = dgs = +0). Hence:
//   - a DX beat before the coefficients are complete outputs valid_o = 0 and
//     +0 codes (the beat is dropped);
//   - more FINISH beats than finish_beats() change nothing;
//   - any number of DX beats (more or fewer than n, any g and flags) each
//     compute their own dx with the group's coefficients; the flags are the
//     driver's: the unit does not check that a chunk has one argmax;
//   - a STAT beat after FINISH beats adds to the sums and the coefficients
//     are incomplete until finish_beats() more FINISH beats;
//   - STAT beats without a LOAD keep adding to the previous sums.
// Reset acts as a LOAD of inv_n = C = gamma = scale = +0.
//
// ---- Hardware structure (the RTL generator's, documented here for the
// model's users) -------------------------------------------------------------
// Per lane: pass 1 is a grad -> stat conversion and a grad x io -> stat
// multiplier (g * x_hat: a small multiplier, the operands are 4- and 5-bit
// significands by default) feeding two stat adders (dbeta, dgs); the scalar
// datapath is dgamma = convert(dgs) and a = gamma * scale (stage 1), a *
// dbeta and a * dgs (2), b_mu = -(a * dbeta * inv_n) and a * dgs * C (3),
// k = ... * 2^-log2(chunks) (4, only when chunks > 1: a multiplier whose
// constant operand has a 2-bit significand, so it is exponent arithmetic
// that still rounds like the contract where the product underflows), b_max
// and b_min (two stat adders), their conversions into norm (only when norm
// differs from stat); pass 2 is a grad x stat -> norm multiplier, a norm
// adder and the norm -> grad conversion. A register after every operation.
// Nothing is shared between pass 1, the scalar datapath and pass 2, so area
// and energy measure the arithmetic, not a schedule (baseline.bn_fp32's
// choice). The scalar datapath is a chain of registers that only FINISH
// beats advance (its inputs are constant while it runs); a counter of
// FINISH beats since the last LOAD / STAT says when it is complete. The
// unit converts inv_n and C into stat once, at LOAD (no hardware when stat
// is fp32).
//
// The range-BN keys reciprocal, table_bits and newton_steps are forward's
// (scale arrives at LOAD already computed): backward ignores them. stat and
// norm must have IEEE specials (fp32, bf16, fp16, or a custom format named
// with the _ieee suffix, e.g. "fp10_e5m4_ieee+8" for an e5m12 norm): the
// operators of generator/blocks/fp_modules.hpp round only into those; a
// format without specials (every code finite, saturating) is refused.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/lightnorm/range_bn.hpp"
#include "golden/lightnorm/range_bn_fields.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

enum class BnBwdOp : uint8_t { Load = 0, Stat = 1, Finish = 2, Dx = 3 };

struct BnBwdParams {
  int lanes = 8;
  lightnorm::RangeBnTextFields rb;

  template <class V>
  void visit(V& v) {
    v.field("lanes", lanes,
            "channels processed in parallel: one value of each per beat, each lane with its "
            "own pass-1 sums, scalar datapath and pass-2 datapath",
            IntRange{1, 64});
    // reciprocal, table_bits and newton_steps are forward's: scale arrives
    // at LOAD, so backward reads them nowhere.
    lightnorm::visit_range_bn_fields(v, rb);
  }

  // Throws ParamError naming the key (range_bn_params).
  void validate() const;
  // The golden parameters of the range-BN keys (validated).
  lightnorm::RangeBnParams range_bn() const;

  // FINISH beats the coefficients need: dgamma and a, a * dbeta and a * dgs,
  // b_mu and * C, [* 2^-log2(chunks) when chunks > 1], b_max and b_min,
  // [their conversions into norm when norm differs from stat].
  int finish_beats() const;
  // Cycles from accepting a beat to its output: the input register, the
  // product g * a, the sum + b, the output register (after the conversion).
  static constexpr int latency() { return 4; }

  // The operators of the datapath (golden/lightnorm/range_bn.hpp's steps).
  FpMulSpec gx_spec() const;        // g * x_hat: grad x io -> stat
  FpMulSpec a_spec() const;         // gamma * scale: io x stat -> stat
  FpMulSpec stat_mul_spec() const;  // stat x stat -> stat
  FpAddSpec stat_add_spec() const;  // stat
  // * 2^-log2(chunks): stat x b -> stat with the constant pow2_code(); b a
  // format with one mantissa bit (a 2-bit significand) when the constant is
  // exactly 2^-log2(chunks) in stat (the product is exact before its one
  // rounding, so this is the contract's stat x stat product), else stat.
  FpMulSpec pow2_spec() const;
  uint32_t pow2_code() const;
  FpMulSpec ga_spec() const;        // g * a: grad x stat -> norm
  FpAddSpec norm_add_spec() const;  // norm
};

// The unit's state machine, beat by beat from reset: what the RTL computes.
class BnBwdModel {
 public:
  explicit BnBwdModel(const BnBwdParams& p);

  struct Output {
    bool valid = false;
    std::vector<uint32_t> dx;      // `lanes` grad codes; +0 unless valid
    std::vector<uint32_t> dgamma;  // `lanes` grad codes; +0 unless valid
    std::vector<uint32_t> dbeta;   // `lanes` stat codes; +0 unless valid
  };
  // One beat's inputs: `lanes` codes per lane port (only the ones the op
  // reads matter); inv_n and c: read by LOAD.
  struct Beat {
    BnBwdOp op = BnBwdOp::Finish;
    uint32_t inv_n = 0, c = 0;
    std::span<const uint32_t> gamma, scale, g, x_hat;
    std::span<const uint8_t> amax, amin;  // 0 or 1 per lane
  };
  Output step(const Beat& b);

  // True when DX beats would compute dx now.
  bool complete() const { return finishes_ == finish_beats_; }
  // Lane l's coefficients (valid while complete()).
  const lightnorm::RangeBnGrads& grads(int lane) const;

 private:
  struct Lane {
    std::vector<uint32_t> g, x_hat;  // STAT values since the last LOAD
    uint32_t gamma = 0, scale = 0;
    lightnorm::RangeBnGrads grads;
    std::optional<lightnorm::RangeBnDxElement> dx;
  };
  lightnorm::RangeBnParams rb_;
  std::vector<Lane> lanes_;
  uint32_t inv_n_ = 0, c_ = 0;
  int finish_beats_;
  int finishes_ = 0;  // FINISH beats since the last LOAD / STAT, saturating
};

}  // namespace bf::golden
