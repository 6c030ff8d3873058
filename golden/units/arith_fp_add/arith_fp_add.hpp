#pragma once
// arith.fp_add: one floating-point add per lane per transaction. Its
// golden model is bf::golden::fp_add (golden/arith/), bit for bit; the
// hardware operator is the module of generator/blocks/fp_modules.hpp that
// opal.pe and baseline.bf16_dot reuse.

#include <string>

#include "golden/arith/fp_add.hpp"
#include "golden/params/fp_choices.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct FpAddParams {
  std::string format = "fp32";
  std::string rounding = "nearest_even";
  bool subnormals = true;
  int lanes = 1;
  int pipeline_stages = 0;

  template <class V>
  void visit(V& v) {
    v.field("format", format, "format of operands and sum (IEEE Inf/NaN required)",
            Choices{fp_result_format_names()});
    v.field("rounding", rounding,
            "rounding of the sum: nearest_even (IEEE default), nearest_away, truncate (toward "
            "zero; overflow saturates at max normal)",
            Choices{{"nearest_even", "nearest_away", "truncate"}});
    v.field("subnormals", subnormals,
            "true: subnormal operands and sums exact (IEEE); false: subnormal operands read as "
            "signed zero and subnormal sums flush to signed zero");
    v.field("lanes", lanes, "independent adders per transaction", IntRange{1, 16});
    v.field("pipeline_stages", pipeline_stages,
            "0 = combinational adder with a registered output (latency 1); 1 = also a register "
            "after the significand add (latency 2)",
            IntRange{0, 1});
  }

  void validate() const;
  FpAddSpec spec() const;
};

}  // namespace bf::golden
