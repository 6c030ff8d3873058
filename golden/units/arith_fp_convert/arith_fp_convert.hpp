#pragma once
// arith.fp_convert: one float conversion per lane per transaction, the
// conversion LightNorm's range BN applies between its formats
// (golden/lightnorm/range_bn.cpp, class Convert): the same format is the
// identity; otherwise through fp32,
//   y = small_encode({to, exponent, rounding}, small_to_fp32(from, a))
// (golden/formats/small_float_convert.hpp states the cases). Widening is
// exact; narrowing rounds and saturates. The hardware operator is
// generator/blocks/fp_convert.hpp, which the LightNorm BN units instantiate.

#include <cstdint>
#include <string>

#include "golden/formats/float_format.hpp"
#include "golden/formats/rounding.hpp"
#include "golden/formats/small_float_convert.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct FpConvertSpec {
  FloatFormat from = FloatFormat::fp32();
  FloatFormat to = FloatFormat::custom(5, 4);
  ExponentPolicy exponent = ExponentPolicy::Saturate;
  Rounding rounding = Rounding::Truncate;
};

// The code of s.to that code (of s.from) converts to. The same two steps as
// range BN's Convert, written with the public functions (a test pins the
// equality on every code of the small formats).
uint32_t fp_convert(const FpConvertSpec& s, uint32_t code);

struct FpConvertParams {
  std::string from = "fp32";
  std::string to = "fp10_e5m4";
  std::string exponent = "saturate";
  std::string rounding = "truncate";
  int lanes = 1;

  template <class V>
  void visit(V& v) {
    v.field("from", from,
            "format of the input codes: any float format name (fp32, bf16, fp16, e4m3, "
            "fp10_e5m4 = LightNorm's fp10 1-5-4, fp10_e6m3, fp12_e5m6, fp15_e6m8, ...; an _ftz "
            "suffix reads subnormals as zero; a +K suffix adds K mantissa bits: fp10_e5m4+8)",
            Choices{});
    v.field("to", to, "format of the output codes (the same names as from)", Choices{});
    v.field("exponent", exponent,
            "values beyond to's range: saturate (to +-max normal, Inf included; subnormals "
            "kept) or flush_to_zero (also every value below to's smallest normal, decided "
            "before rounding)",
            Choices{{"saturate", "flush_to_zero"}});
    v.field("rounding", rounding,
            "rounding of a narrowing conversion: truncate (LightNorm's: toward zero), "
            "nearest_even or nearest_away",
            Choices{{"truncate", "nearest_even", "nearest_away"}});
    v.field("lanes", lanes, "independent converters per transaction", IntRange{1, 16});
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;
  FpConvertSpec spec() const;
};

}  // namespace bf::golden
