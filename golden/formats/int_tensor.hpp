#pragma once
// Per-tensor symmetric integer quantization: one step for the whole tensor,
// step = max|x| / (2^(b-1) - 1), values round(x / step) (ties to even)
// clipped to +-(2^(b-1) - 1). This is the usual "INT8 per tensor" baseline
// and the weight format of ZeBRA's victim models.

#include <cstddef>

namespace bf::golden {

struct PerTensorInt {
  double step = 0;  // 0 for an all-zero (or empty) tensor
};

// Fake-quantizes n values (out may alias in); non-finite inputs are ignored
// for the step and pass through unchanged.
PerTensorInt quantize_dequantize_per_tensor(int bits, const float* in, float* out, std::size_t n);

}  // namespace bf::golden
