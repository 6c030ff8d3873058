#pragma once
// quant.block: streaming block quantizer. One transaction = one block of k
// fp32 or bf16 values in, the shared scale field and k packed element codes
// out. Its golden model is bf::golden::quantize_block, bit for bit.

#include <string>
#include <vector>

#include "golden/formats/block_format.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct QuantBlockParams {
  std::string format = "mxint8";
  int block = 32;
  std::string input = "fp32";
  std::string rounding = "nearest_even";
  std::string int_encoding = "sign_magnitude";
  int bfp_exp_bits = 8;
  int stochastic_bits = 8;
  int pipeline_stages = 0;

  template <class V>
  void visit(V& v) {
    v.field("format", format,
            "block format: mxint2..mxint8, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, "
            "mxfp4_e2m1, bfp2..bfp24 (bfp<m>: m magnitude bits + sign)",
            Choices{format_names()});
    v.field("block", block, "elements per block (k); one block per transaction", IntRange{2, 256});
    v.field("input", input, "input element format", Choices{{"fp32", "bf16"}});
    v.field("rounding", rounding,
            "element rounding; stochastic adds a rand_i port of stochastic_bits per element",
            Choices{{"nearest_even", "nearest_away", "truncate", "stochastic"}});
    v.field("int_encoding", int_encoding,
            "integer element encoding (mxint formats only): sign_magnitude is symmetric "
            "(microxcaling), twos_complement reaches -2^(b-1) (OCP MXINT8)",
            Choices{{"sign_magnitude", "twos_complement"}});
    v.field("bfp_exp_bits", bfp_exp_bits,
            "shared exponent width of bfp formats (bias 2^(w-1)-1); 8 = the fp32 exponent",
            IntRange{2, 8});
    v.field("stochastic_bits", stochastic_bits,
            "random bits per element for stochastic rounding (R)", IntRange{1, 16});
    v.field("pipeline_stages", pipeline_stages,
            "register stages inside the datapath: 0 = combinational core with a registered "
            "output (latency 1); 1 = also a register after the shared-exponent reduction "
            "(latency 2)",
            IntRange{0, 1});
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;

  // The golden block format these parameters describe.
  BlockFormat block_format() const;
  int input_width() const { return input == "bf16" ? 16 : 32; }
  bool stochastic() const { return rounding == "stochastic"; }

  static std::vector<std::string> format_names();
};

}  // namespace bf::golden
