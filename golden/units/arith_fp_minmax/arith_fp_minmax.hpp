#pragma once
// arith.fp_minmax: one float compare-select per lane per transaction, the node
// of range BN's chunk maxima and minima. Its golden model is golden::fp_max /
// golden::fp_min (golden/arith/fp_compare.hpp: a total order, -0 < +0, NaN ->
// the canonical NaN, DAZ subnormals in formats without subnormals, a on equal
// keys), plus b_taken = 1 iff fp_compare(b, a) puts b strictly beyond a in the
// op's direction: the load enable of a running-extreme register that keeps the
// first extreme's position. The hardware node is generator/blocks/fp_minmax.hpp.

#include <cstdint>
#include <string>

#include "golden/formats/float_format.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct FpMinMaxSpec {
  FloatFormat f = FloatFormat::custom(5, 4);
  bool max = true;
};

struct FpMinMaxResult {
  uint32_t y = 0;
  bool b_taken = false;
};

// fp_max / fp_min of (a, b) and whether b lies strictly beyond a.
FpMinMaxResult fp_minmax(const FpMinMaxSpec& s, uint32_t a, uint32_t b);

struct FpMinMaxParams {
  std::string format = "fp10_e5m4";
  std::string op = "max";
  int lanes = 1;

  template <class V>
  void visit(V& v) {
    v.field("format", format,
            "format of the operands: any float format name (fp10_e5m4 = LightNorm's fp10 1-5-4, "
            "fp10_e6m3, fp32, bf16, fp16, e4m3, ...; an _ftz suffix reads subnormals as zero)",
            Choices{});
    v.field("op", op,
            "max: y = fp_max(a, b), b_taken when b > a; min: y = fp_min(a, b), b_taken "
            "when b < a",
            Choices{{"max", "min"}});
    v.field("lanes", lanes, "independent compare-select nodes per transaction", IntRange{1, 16});
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;
  FpMinMaxSpec spec() const;
};

}  // namespace bf::golden
