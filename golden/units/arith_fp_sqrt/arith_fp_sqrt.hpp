#pragma once
// arith.fp_sqrt: one floating-point square root per lane per transaction. Its
// golden model is bf::golden::fp_sqrt (golden/arith/), bit for bit; the
// hardware operator is the module of generator/blocks/fp_sqrt.hpp (a
// restoring digit recurrence on the significand, then the shared
// fp_round_pack).

#include <string>

#include "golden/arith/fp_sqrt.hpp"
#include "golden/params/fp_choices.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct FpSqrtParams {
  std::string a_format = "fp32";
  std::string y_format = "fp32";
  std::string rounding = "nearest_even";
  bool subnormals = true;
  int lanes = 1;
  int pipeline_stages = 0;

  template <class V>
  void visit(V& v) {
    v.field("a_format", a_format, "format of the operand a", Choices{fp_operand_format_names()});
    v.field("y_format", y_format, "format of the root (IEEE Inf/NaN required)",
            Choices{fp_result_format_names()});
    v.field("rounding", rounding,
            "rounding of the root: nearest_even (IEEE default), nearest_away, truncate (toward "
            "zero)",
            Choices{{"nearest_even", "nearest_away", "truncate"}});
    v.field("subnormals", subnormals,
            "true: subnormal operands and roots exact (IEEE); false: subnormal operands read as "
            "signed zero and subnormal roots flush to signed zero");
    v.field("lanes", lanes, "independent square-root operators per transaction", IntRange{1, 16});
    v.field("pipeline_stages", pipeline_stages,
            "registers between rows of the root recurrence, spread evenly: 0 = combinational "
            "square root with a registered output (latency 1); n: latency n + 1",
            IntRange{0, 4});
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;
  FpSqrtSpec spec() const;
};

}  // namespace bf::golden
