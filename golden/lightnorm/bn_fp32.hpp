#pragma once
// The conventional batch normalization that LightNorm replaces, in IEEE fp32
// (round to nearest even, subnormals exact): the arithmetic contract of
// baseline.bn_fp32. Forward only, per channel over its n values:
//   1. S = x_0 + ... + x_{n-1},  Q = x_0*x_0 + ... + x_{n-1}*x_{n-1}
//      (serial from +0, each square rounded to fp32 before it is added)
//   2. mean = S * inv_n,  var = max(Q * inv_n - mean * mean, +0)
//      (the sum-of-squares variance; the clamp catches a rounding below 0)
//   3. inv_std = 1 / sqrt(var + eps)   (fp_sqrt, then fp_div, each rounded once)
//   4. per element: y = ((x - mean) * inv_std) * gamma + beta
// inv_n is the driver's per-layer constant, as in range BN
// (range_bn_constants: 1/n correctly rounded), so neither unit divides by n.
// eps = 1e-5 (fp32 0x3727c5ac).

#include <cstdint>
#include <span>

namespace bf::golden::lightnorm {

struct BnFp32Stats {
  uint32_t sum = 0, sum_sq = 0, mean = 0, var = 0, inv_std = 0;  // fp32 codes
};

inline constexpr uint32_t kBnEps = 0x3727c5acu;  // fp32 1e-5

// Steps 1-3 over x (fp32 codes); inv_n as range_bn_constants gives it.
BnFp32Stats bn_fp32_stats(std::span<const uint32_t> x, uint32_t inv_n, uint32_t eps = kBnEps);
// Step 4 into y (same length as x).
void bn_fp32_normalize(const BnFp32Stats& s, uint32_t gamma, uint32_t beta,
                       std::span<const uint32_t> x, std::span<uint32_t> y);

}  // namespace bf::golden::lightnorm
