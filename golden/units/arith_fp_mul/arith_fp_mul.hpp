#pragma once
// arith.fp_mul: one floating-point multiply per lane per transaction. Its
// golden model is bf::golden::fp_mul (golden/arith/), bit for bit; the
// hardware operator is the module of generator/blocks/fp_modules.hpp that
// opal.pe and baseline.bf16_dot reuse.

#include <string>

#include "golden/arith/fp_mul.hpp"
#include "golden/params/fp_choices.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct FpMulParams {
  std::string a_format = "bf16";
  std::string b_format = "bf16";
  std::string y_format = "fp32";
  std::string rounding = "nearest_even";
  bool subnormals = true;
  int lanes = 1;
  int pipeline_stages = 0;

  template <class V>
  void visit(V& v) {
    v.field("a_format", a_format, "format of operand a", Choices{fp_operand_format_names()});
    v.field("b_format", b_format, "format of operand b", Choices{fp_operand_format_names()});
    v.field("y_format", y_format, "format of the product (IEEE Inf/NaN required)",
            Choices{fp_result_format_names()});
    v.field("rounding", rounding,
            "rounding of the product: nearest_even (IEEE default), nearest_away, truncate "
            "(toward zero; overflow saturates at max normal)",
            Choices{{"nearest_even", "nearest_away", "truncate"}});
    v.field("subnormals", subnormals,
            "true: subnormal operands and results exact (IEEE); false: subnormal operands read "
            "as signed zero and subnormal results flush to signed zero (cheaper hardware)");
    v.field("lanes", lanes, "independent multipliers per transaction", IntRange{1, 16});
    v.field("pipeline_stages", pipeline_stages,
            "0 = combinational multiplier with a registered output (latency 1); 1 = also a "
            "register after the significand product (latency 2)",
            IntRange{0, 1});
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;
  FpMulSpec spec() const;
};

}  // namespace bf::golden
