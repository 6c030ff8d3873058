#pragma once
// The one conversion between range BN's formats (range_bn.hpp), its
// constants hoisted: widening is exact, narrowing rounds by the parameters'
// exponent policy and conversion rounding (every format here fits in fp32),
// through fp32: from's code -> fp32 bits -> to. The contract and the BN
// units' stream models share it, so they convert alike by construction.

#include <cstdint>

#include "golden/formats/small_float_kernels.hpp"
#include "golden/lightnorm/range_bn.hpp"

namespace bf::golden::lightnorm {

class RangeBnConvert {
 public:
  RangeBnConvert(const RangeBnParams& p, const FloatFormat& from, const FloatFormat& to)
      : same_(from == to),
        from_fp32_(from == FloatFormat::fp32()),
        from_({from, p.exponent, p.convert_rounding}),
        to_({to, p.exponent, p.convert_rounding}) {}
  uint32_t operator()(uint32_t code) const {
    if (same_) return code;
    return to_.encode(from_fp32_ ? code : from_.to_fp32(code));
  }

 private:
  bool same_, from_fp32_;
  small_float_detail::Consts from_, to_;
};

// A code of f as the float of the same value, the constants hoisted (every
// range BN format fits in fp32, so the widening is exact): what the tensor
// level hands back and what the host-float steps of range_bn.cpp compute on.
class RangeBnValues {
 public:
  explicit RangeBnValues(const FloatFormat& f) : fp32_(f == FloatFormat::fp32()), c_({f}) {}
  float operator()(uint32_t code) const { return fp32_from_bits(fp32_ ? code : c_.to_fp32(code)); }

 private:
  bool fp32_;
  small_float_detail::Consts c_;
};

}  // namespace bf::golden::lightnorm
