#pragma once
// LightNorm's range batch normalization, forward and backward, for one
// channel: the arithmetic contract that lightnorm.bn_fwd and
// lightnorm.bn_bwd implement and that the tensor-level functions
// (range_bn_tensor.hpp) and the numerics studies run. Every value is a code
// of a declared format and every operation rounds once into the format it
// is declared in, so the RTL can match it bit for bit.
//
// Range BN (Banner et al. 2018; reference/formats.md, last section): over a
// channel's n = B*H*W values x_0 .. x_{n-1} in (b, h, w) order, cut into
// `chunks` contiguous chunks of L = n / chunks values,
//   x_hat = (x - mean) * scale,   scale = 1 / (C(n) * range + eps)
//   range = (sum of chunk maxima - sum of chunk minima) / chunks
//   C(n)  = 1 / sqrt(2 ln(n / chunks))
//   y     = gamma * x_hat + beta
//
// Formats (RangeBnParams): x, gamma, x_hat and y in `io` (fp10 1-5-4 by
// default), gradients in `grad` (fp10 1-6-3), the per-channel statistics
// and scalars in `stat` (fp32, the authors' choice), the per-element
// arithmetic in `norm` (fp32 by default, as the authors' simulator; a
// "+8" small format such as e5m12 for a narrow datapath). A value enters an
// addition in the addition's format: widening is exact, narrowing rounds by
// `convert` (exponent policy and rounding, truncation by default). Products
// take their operands in their own formats (fp_mul is exact before its one
// rounding). Arithmetic rounds by `arith_rounding` (nearest even).
//
// ---- Forward, one channel ---------------------------------------------------
// Inputs: x (n codes of io), gamma (io), beta (norm), and the per-layer
// constants of RangeBnConstants (n, 1/n and C as fp32 codes: the driver
// computes them once per layer with range_bn_constants(); the unit stores
// them, so the hardware needs no logarithm or square root).
//   1. S      = x_0 + x_1 + ... + x_{n-1}        (stat, serial from +0)
//   2. per chunk c: mx_c = max, mn_c = min of its L values (fp_max/fp_min:
//      the first extreme on ties; their positions are saved for backward)
//      Smax   = mx_0 + ... + mx_{chunks-1}         (stat, serial from +0)
//      Smin   = mn_0 + ... + mn_{chunks-1}
//   3. mean   = S * inv_n                          (stat)
//   4. range  = Smax * 2^-log2(chunks) - Smin * 2^-log2(chunks)  (stat;
//      the two products are exact unless they underflow)
//   5. d      = range * C + eps                    (stat: mul, then add)
//   6. scale  = 1 / d by `reciprocal`:
//      divider  fp_div(1, d), correctly rounded
//      newton   y0 = table[top `table_bits` fraction bits of d] (the
//               reciprocal of the bucket's midpoint, rounded to stat), scaled
//               by d's exponent; then `newton_steps` times y = y * (2 - d*y),
//               each step three stat operations (mul, sub from 2, mul)
//      pow2     2^-(e + f1), e = d's unbiased exponent, f1 = d's first
//               fraction bit (log2 rounded on the linear mantissa), so
//               d * scale lies in [0.75, 1.5)
//   7. per element, in order:
//      t      = x - mean                 (norm)
//      u      = t * scale                (norm)
//      x_hat  = convert(u) into io
//      v      = x_hat * gamma            (norm)
//      y      = convert(v + beta) into io (the add in norm)
//
// ---- Backward, one channel --------------------------------------------------
// Inputs: g (n codes of grad), x_hat and gamma (io), the forward's scale and
// chunk extreme positions, and the constants. The gradient of the forward
// above, rounding treated as identity (straight-through), is
//   dx_i = g_i*gamma*s - s*gamma*sum(g)/n
//          + (i = argmax of its chunk ? -k : 0) + (i = argmin ? +k : 0)
//   k = gamma * sum(g * x_hat) * s * C / chunks
// (ds/dSmax = -s^2 C / chunks and sum g (x - mean) = sum g x_hat / s). The
// range term reaches only the first argmax and argmin of each chunk.
//   1. dbeta  = g_0 + ... + g_{n-1}                          (stat)
//      dgs    = g_0*x_hat_0 + ... (each product in stat)    (stat)
//      dgamma = convert(dgs) into grad
//   2. a      = gamma * scale                                (stat)
//      b_mu   = -(a * dbeta * inv_n)     (stat: mul, mul; sign flipped)
//      k      = a * dgs * C * 2^-log2(chunks)  (stat: mul, mul, mul)
//   3. b_max = b_mu - k, b_min = b_mu + k (stat), and b_mu, b_max, b_min
//      converted into norm; per element b_i = b_max at a chunk's argmax,
//      b_min at its argmin, else b_mu (also where argmax and argmin
//      coincide, a constant chunk: the two terms cancel exactly);
//      dx_i   = convert(g_i * a + b_i) into grad   (norm: mul, then add)
//
// What is outside this file: the conversion of fp32 tensors into io/grad
// and LightNorm's channel-group BFP on inputs and outputs (tensor level).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "golden/formats/float_format.hpp"
#include "golden/formats/rounding.hpp"
#include "golden/formats/small_float_convert.hpp"

namespace bf::golden::lightnorm {

enum class Reciprocal { Divider, Newton, Pow2 };
std::string_view to_string(Reciprocal r);  // "divider", "newton", "pow2"

struct RangeBnParams {
  int chunks = 8;  // a power of two, 1..64
  FloatFormat io = FloatFormat::custom(5, 4);
  FloatFormat grad = FloatFormat::custom(6, 3);
  FloatFormat stat = FloatFormat::fp32();
  FloatFormat norm = FloatFormat::fp32();
  // Narrowing conversions (into io, grad, norm or stat): exponent policy and
  // rounding. Saturate + Truncate by default; AuthorsMask is an fp32-only
  // policy and is refused here.
  ExponentPolicy exponent = ExponentPolicy::Saturate;
  Rounding convert_rounding = Rounding::Truncate;
  Rounding arith_rounding = Rounding::NearestEven;
  Reciprocal reciprocal = Reciprocal::Divider;
  int table_bits = 6;          // newton: the seed table has 2^table_bits entries
  int newton_steps = 2;        // newton: refinement steps
  uint32_t eps = 0x3727c5acu;  // fp32 1e-5, converted into stat

  // Throws std::invalid_argument naming the field and the accepted range.
  void validate() const;
  int log2_chunks() const;
};

// The per-layer constants the driver loads with n (fp32 codes).
struct RangeBnConstants {
  int64_t n = 0;
  uint32_t inv_n = 0;  // 1/n, correctly rounded (nearest even)
  uint32_t c = 0;      // 1/sqrt(2 ln(n / chunks)), rounded to nearest from double
};

// Throws std::invalid_argument unless n is a multiple of chunks with
// n / chunks >= 2 (C(n) is infinite at 1) and n < 2^40.
RangeBnConstants range_bn_constants(const RangeBnParams& p, int64_t n);

// What backward needs from forward, and what the statistics pass found.
struct RangeBnStats {
  uint32_t sum = 0, sum_max = 0, sum_min = 0;  // stat codes
  uint32_t mean = 0, range = 0, scale = 0;     // stat codes
  std::vector<int64_t> argmax, argmin;         // per chunk, positions in 0..n-1
};

// The statistics pass (steps 1-6). x: n codes of p.io.
RangeBnStats range_bn_stats(const RangeBnParams& p, const RangeBnConstants& k,
                            std::span<const uint32_t> x);
// Statistics frozen for inference: mean and sigma (fp32 codes of the running
// mean and of the running C(n) * range) converted into stat, and
// scale = reciprocal(sigma + eps), the stats pass's step 6 with C(n) * range
// replaced by sigma. argmax/argmin are empty (there is no backward).
RangeBnStats range_bn_frozen_stats(const RangeBnParams& p, uint32_t mean, uint32_t sigma);

// scale = 1 / d by p.reciprocal (step 6); d a stat code.
uint32_t range_bn_reciprocal(const RangeBnParams& p, uint32_t d);
// The normalize pass (step 7): x_hat and y (io codes), n each.
void range_bn_normalize(const RangeBnParams& p, const RangeBnStats& s, uint32_t gamma,
                        uint32_t beta, std::span<const uint32_t> x, std::span<uint32_t> x_hat,
                        std::span<uint32_t> y);

struct RangeBnGrads {
  uint32_t dbeta = 0;               // stat
  uint32_t dgs = 0;                 // stat: sum g * x_hat
  uint32_t dgamma = 0;              // grad
  uint32_t a = 0, b_mu = 0, k = 0;  // stat: the per-element coefficients
};

// Backward pass 1 and the coefficients (steps 1-2). g: grad codes, x_hat:
// io codes, both n long.
RangeBnGrads range_bn_grad_sums(const RangeBnParams& p, const RangeBnConstants& k,
                                const RangeBnStats& s, uint32_t gamma, std::span<const uint32_t> g,
                                std::span<const uint32_t> x_hat);
// Backward pass 2 (step 3): dx, n grad codes.
void range_bn_dx(const RangeBnParams& p, const RangeBnStats& s, const RangeBnGrads& gr,
                 std::span<const uint32_t> g, std::span<uint32_t> dx);

// Step 3 for one element, its constants hoisted: b_mu, b_max and b_min
// converted into norm once, then dx = convert(g * a + b) per element.
// range_bn_dx runs it over a channel and lightnorm.bn_bwd's stream model
// beat by beat, so the unit and the contract share one arithmetic.
class RangeBnDxElement {
 public:
  RangeBnDxElement(const RangeBnParams& p, const RangeBnGrads& gr);
  // For a caller that holds a golden::HostIeeeScope (host_ieee.hpp) while it
  // uses the element: fp32 steps then run as host float operations (the same
  // bits); without the scope the soft-float kernels (any FPU state).
  struct UnderHostIeeeScope {};
  RangeBnDxElement(const RangeBnParams& p, const RangeBnGrads& gr, UnderHostIeeeScope);
  ~RangeBnDxElement();
  RangeBnDxElement(RangeBnDxElement&&) noexcept;
  RangeBnDxElement& operator=(RangeBnDxElement&&) noexcept;

  // b_mu, b_max = b_mu - k, b_min = b_mu + k as norm codes.
  uint32_t b_mu() const;
  uint32_t b_max() const;
  uint32_t b_min() const;
  // dx of an element with gradient g (grad code): b_max when it is its
  // chunk's argmax only, b_min when its argmin only, else b_mu.
  uint32_t operator()(uint32_t g, bool at_max, bool at_min) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bf::golden::lightnorm
