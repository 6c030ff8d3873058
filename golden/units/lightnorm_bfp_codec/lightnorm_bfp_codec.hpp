#pragma once
// lightnorm.bfp_codec: LightNorm's channel-group BFP as storage, one group per
// transaction. mode = "encode": g codes of a small float in, the packed group
// out (golden: lightnorm_bfp_encode); mode = "decode": a packed group in, g
// codes out (lightnorm_bfp_decode). The encoding and its bit layout are
// golden/formats/lightnorm_bfp_storage.hpp's; encode applies the rule of
// lightnorm_bfp.hpp on the way, so decode(encode(x)) == lightnorm_bfp_group(x).

#include <string>
#include <vector>

#include "golden/formats/lightnorm_bfp_storage.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct LightnormBfpCodecParams {
  std::string mode = "encode";
  std::string format = "fp10_e5m4";
  int group = 8;
  int bits = 5;
  std::string variant = "keep_max";
  int pipeline_stages = 0;

  template <class V>
  void visit(V& v) {
    v.field("mode", mode,
            "encode: g codes of format in, the packed group out; decode: the packed group in, "
            "g codes out",
            Choices{{"encode", "decode"}});
    v.field("format", format,
            "element format (no Inf/NaN, subnormals kept): fp10_e5m4 (LightNorm's forward), "
            "fp10_e6m3 (gradients), fp12_e5m6, fp12_e6m5, fp15_e6m8",
            Choices{format_names()});
    v.field("group", group, "elements per group (g: LightNorm's BN groups are 4..64 channels)",
            IntRange{1, 64});
    v.field("bits", bits,
            "magnitude bits of an aligned element, counting the hidden one (LightNorm: 5 for "
            "inputs and outputs, 4, 8 or 9 for gradients)",
            IntRange{1, 16});
    v.field("variant", variant,
            "keep_max: elements at the group's largest exponent are kept whole, the others "
            "align to the second largest (LightNorm); plain: every element aligns to the "
            "largest (BFPsim)",
            Choices{{"keep_max", "plain"}});
    v.field("pipeline_stages", pipeline_stages,
            "encode: 0 = combinational core with a registered output (latency 1); 1 = also a "
            "register after the Emax/E2 reduction (latency 2). decode has one level of logic "
            "per lane and takes 0 only",
            IntRange{0, 1});
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;

  bool encode() const { return mode == "encode"; }
  FloatFormat float_format() const;
  LightnormBfpStorage storage() const;

  static std::vector<std::string> format_names();
};

}  // namespace bf::golden
