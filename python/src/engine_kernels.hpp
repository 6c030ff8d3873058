#pragma once
// The GEMM kernels behind blockforge.OpalPe / MxDot / Bf16Dot: whole float32
// matrices through the exact arithmetic of one dot-product engine, with no
// Python in sight (the bindings release the GIL around these calls).
//
// out[m, n] is what the unit outputs when it is fed row m of x and row n of
// w as one dot product (a sequence of beats ending with last = 1):
// - opal.pe / baseline.mx_dot: x's row quantized by opal_quantize_activation,
//   w's row by quantize_weight_row, the result that of opal_pe_dot
//   (golden/units/opal_core/opal_gemv.hpp). The kernel restates the per-block
//   contract of golden/units/opal_pe/opal_pe.hpp on operands prepared once
//   (an exact integer sum per block, then the block's n + 1 fp32 terms added
//   in fp32 in the unit's order), so that a GEMM costs one quantization per
//   row and integer MACs, not a cycle model per output. The cycle model
//   itself is the test's reference (engine_testing_py.cpp).
// - baseline.bf16_dot: both rows rounded to bf16, then bf16_dot_row
//   (restated for speed where exact: engine_bf16_kernels.cpp).
// The fp32 additions and multiplications run in host floats where those are
// the golden operators' results (golden/arith/host_ieee.hpp), else with the
// golden operators.
//
// Rows whose length K is not a whole number of blocks are zero-padded to
// whole blocks. The unit takes whole blocks only, so zero padding is how a
// K-element dot product is fed to it, and it then computes exactly the dot
// product of the K real elements' quantized values: a zero never raises a
// block's shared scale (the maximum over its inliers) nor displaces a
// nonzero element from the outliers (chosen by magnitude), its code is 0 and
// the padded weights are 0, so the padding adds exact zeros to the integer
// sum and +0 outlier terms, which leave the fp32 accumulator as it is (it
// starts at +0 and never holds -0: x + (-x) and +0 + (-0) are +0).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::py {

// Whether the kernels compute their fp32 additions and multiplications in
// host floats (golden/arith/host_ieee.hpp says when that is the golden arithmetic;
// the default where supported) or with the golden operators (always the
// case where unsupported). The tests run both against the cycle models.
void use_host_float_arithmetic(bool on);
bool host_float_arithmetic();

// K rounded up to whole blocks of the engine.
std::size_t padded_length(const golden::OpalPeConfig& c, std::size_t k);

// The weights of an opal.pe / baseline.mx_dot GEMM, quantized once: row n is
// output channel n, zero-padded to whole blocks.
struct OpalWeights {
  std::size_t rows = 0;
  std::size_t k = 0;                  // the caller's K
  std::size_t padded_k = 0;           // whole blocks
  std::vector<int16_t> values;        // rows x padded_k: the weight_bits integers
  std::vector<uint32_t> scales_bf16;  // per row
};

// quantize_weight_row on each row of w (rows x k, row-major).
OpalWeights quantize_opal_weights(const golden::OpalPeConfig& c, const float* w, std::size_t rows,
                                  std::size_t k);
// Pre-quantized weights: `values` (rows x k) two's complement integers already
// checked to fit weight_bits, `scales_bf16` bf16 codes.
OpalWeights opal_weights_from_values(const golden::OpalPeConfig& c, const int8_t* values,
                                     const uint16_t* scales_bf16, std::size_t rows, std::size_t k);

// y (m x w.rows, fp32 codes) = the engine's dot product of every x row
// (m x w.k, row-major float32) with every weight row, activations quantized in
// `mode` (an index into act_bits, checked by the caller).
void opal_gemm(const golden::OpalPeConfig& c, int mode, const float* x, std::size_t m,
               const OpalWeights& w, uint32_t* y);

// y (m x n, fp32 codes) = bf16_dot_row of every x row with every w row (both
// k long, rounded to bf16 to nearest even first).
void bf16_gemm(const golden::Bf16DotParams& p, const float* x, std::size_t m, const float* w,
               std::size_t n, std::size_t k, uint32_t* y);

}  // namespace bf::py
