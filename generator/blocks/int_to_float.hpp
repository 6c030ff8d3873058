#pragma once
// A two's complement integer times a power of two, rounded once to fp32: the
// hardware twin of golden::fp_round_pack(fp32, value < 0, |value|, exp,
// NearestEven) for a nonzero value, as block-scaled dot products need it
// (opal.pe's inlier sum, FlexBlock's segment sums).
//
//   <prefix>_neg   the sign (value's top bit)
//   <prefix>_mag   |value| (width bits)
//   <prefix>_norm  |value| shifted left by its leading-zero count
//   <prefix>_exp   exp_base + (width - 1) - lzc, the exponent of the leading
//                  one with bias `base_bias`
// then fp_round_pack. The caller overrides a zero value (<prefix>_mag == 0)
// and its own special cases (a NaN scale).

#include <string>

#include "generator/verilog/module.hpp"

namespace bf::blocks {

struct ScaledIntToFp32 {
  std::string value;  // two's complement, `width` bits
  int width = 0;
  // value * 2^(exp_base - base_bias); exp_base is unsigned, exp_base_width
  // bits, at most exp_base_max.
  std::string exp_base;
  int exp_base_width = 8;
  int exp_base_max = 255;
  int base_bias = 0;
  std::string exp_base_doc = "S";  // how <prefix>_exp's comment names exp_base
};

// Returns the fp32 code wire (valid for a nonzero value).
std::string scaled_int_to_fp32(vlog::Module& m, const std::string& prefix,
                               const ScaledIntToFp32& x);

}  // namespace bf::blocks
