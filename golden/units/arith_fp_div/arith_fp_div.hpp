#pragma once
// arith.fp_div: one floating-point divide per lane per transaction. Its
// golden model is bf::golden::fp_div (golden/arith/), bit for bit; the
// hardware operator is the module of generator/blocks/fp_div.hpp (a restoring
// digit recurrence on the significands, then the shared fp_round_pack).

#include <string>

#include "golden/arith/fp_div.hpp"
#include "golden/params/fp_choices.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct FpDivParams {
  std::string a_format = "fp32";
  std::string b_format = "fp32";
  std::string y_format = "fp32";
  std::string rounding = "nearest_even";
  bool subnormals = true;
  int lanes = 1;
  int pipeline_stages = 0;

  template <class V>
  void visit(V& v) {
    v.field("a_format", a_format, "format of the dividend a", Choices{fp_operand_format_names()});
    v.field("b_format", b_format, "format of the divisor b", Choices{fp_operand_format_names()});
    v.field("y_format", y_format, "format of the quotient (IEEE Inf/NaN required)",
            Choices{fp_result_format_names()});
    v.field("rounding", rounding,
            "rounding of the quotient: nearest_even (IEEE default), nearest_away, truncate "
            "(toward zero; overflow saturates at max normal, x / 0 is still Inf)",
            Choices{{"nearest_even", "nearest_away", "truncate"}});
    v.field("subnormals", subnormals,
            "true: subnormal operands and quotients exact (IEEE); false: subnormal operands "
            "read as signed zero and subnormal quotients flush to signed zero");
    v.field("lanes", lanes, "independent dividers per transaction", IntRange{1, 16});
    v.field("pipeline_stages", pipeline_stages,
            "registers between rows of the quotient recurrence, spread evenly: 0 = "
            "combinational divider with a registered output (latency 1); n: latency n + 1",
            IntRange{0, 4});
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;
  FpDivSpec spec() const;
};

}  // namespace bf::golden
