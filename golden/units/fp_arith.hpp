#pragma once
// arith.fp_mul and arith.fp_add: one floating-point multiply or add per lane
// per transaction. Their golden models are bf::golden::fp_mul / fp_add
// (golden/arith/), bit for bit; the hardware operators are the modules of
// generator/blocks/fp_modules.hpp that opal.pe and baseline.bf16_dot reuse.

#include <string>
#include <vector>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/units/param_spec.hpp"

namespace bf::golden {

// Operand formats an fp operator accepts, and result formats (IEEE specials).
std::vector<std::string> fp_operand_format_names();
std::vector<std::string> fp_result_format_names();

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
