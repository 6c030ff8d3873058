#pragma once
// A GEMV as OPAL computes it (decode is GEMV): the activation vector is
// quantized once to MX-OPAL blocks, every weight row is streamed through the
// opal.pe arithmetic (golden/units/opal_pe/opal_pe.hpp) and scaled by its bf16
// per-channel scale. The composed model that opal-accuracy reports and that
// opal.core's hardware must equal.
//
// The result does not depend on `lanes`: a block's inlier sum is exact and
// its fp32 terms are added in the same order whatever the beat width (the
// order depends on fp_units only: groups of fp_units terms, opal_pe.hpp).

#include <cstdint>
#include <span>
#include <vector>

#include "golden/formats/mx_opal.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::golden {

// The activation vector after the quantizer, as the PE reads it.
struct OpalActivation {
  int mode = 0;
  std::vector<MxOpalBlock> blocks;
  std::vector<uint32_t> codes;  // per element; 0 at outlier positions
};

// x: fp32 encodings, length a multiple of c.block. The format of mode `mode`
// (act_bits[mode], c.outliers, c.act_encoding, nearest even).
OpalActivation opal_quantize_activation(const OpalPeConfig& c, int mode,
                                        std::span<const uint32_t> x_fp32);

// One output: the row's weight codes (c.weight_bits, two's complement, one per
// element) and its bf16 scale. Returns the fp32 result of opal.pe.
uint32_t opal_pe_dot(const OpalPeConfig& c, const OpalActivation& a,
                     std::span<const uint32_t> weight_codes, uint32_t wscale_bf16);

// Symmetric per-row weight quantization: scale = max|w| / (2^(b-1) - 1)
// rounded to bf16 (nearest even), codes = w / scale rounded to nearest even
// and clamped to the two's complement range; an all-zero row has scale 1.
struct IntWeightRow {
  std::vector<uint32_t> codes;
  uint32_t scale_bf16 = 0x3f80;
};
IntWeightRow quantize_weight_row(std::span<const float> w, int bits);

}  // namespace bf::golden
