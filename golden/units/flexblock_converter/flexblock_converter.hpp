#pragma once
// flexblock.converter: FlexBlock's fp32-to-BFP converter. One transaction =
// one group: the mode (4, 8 or 16 magnitude bits) and up to max_group() fp32
// values in; the group's 8-bit shared exponent and its element codes out.
// A mode converts the first group(mode) inputs and ignores the rest (they
// count neither for the shared exponent nor for NaN).
//
// The arithmetic is the foundation's BFP quantizer, unchanged:
//   golden::quantize_block(flexblock::bfp_format(mode, group(mode), rounding),
//                          the first group(mode) inputs)
// (golden/formats/block_format.hpp): shared exponent s = max(max exponent
// field, 1), 255 for a group holding Inf/NaN (then every code is 0); element
// code = sign << m | magnitude, m = 4, 8 or 16.

#include <cstdint>
#include <span>
#include <string>

#include "golden/flexblock/bfp_dot.hpp"
#include "golden/formats/block_format.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct FlexblockConverterParams {
  static constexpr int kMaxGroup = 256;

  int group_16 = 54;
  int group_8 = 108;
  int group_4 = 216;
  std::string rounding = "truncate";
  int pipeline_stages = 0;

  template <class V>
  void visit(V& v) {
    v.field("group_16", group_16,
            "elements per group in the 16-bit mode (54: BFPsim's conv group [1,6,3,3])",
            IntRange{1, kMaxGroup});
    v.field("group_8", group_8,
            "elements per group in the 8-bit mode (108: BFPsim's conv group [1,12,3,3])",
            IntRange{1, kMaxGroup});
    v.field("group_4", group_4,
            "elements per group in the 4-bit mode (216: BFPsim's conv group [1,24,3,3])",
            IntRange{1, kMaxGroup});
    v.field("rounding", rounding,
            "element rounding: truncate (toward zero, the authors' simulator) or nearest_even",
            Choices{{"truncate", "nearest_even"}});
    v.field("pipeline_stages", pipeline_stages,
            "register stages inside the datapath: 0 = combinational core with a registered "
            "output (latency 1); 1 = also a register after the shared-exponent reduction "
            "(latency 2)",
            IntRange{0, 1});
  }

  // The same rules as the ranges above, for callers that build the struct in
  // C++ rather than through the config reader; throws ParamError naming the
  // key.
  void validate() const;

  int group(flexblock::Mode m) const;
  // The widest group: the number of inputs the hardware takes.
  int max_group() const;
  Rounding rounding_mode() const;
  // The BFP format of a mode (8-bit shared exponent, group(m) elements).
  BlockFormat format(flexblock::Mode m) const;
  // The code bus: element i of mode m at [(m+1)*i, (m+1)*(i+1)); its width is
  // the widest mode's group(m) * (m + 1).
  int codes_bits() const;
};

// One transaction: converts the first p.group(mode) of `in` (in.size() >=
// group(mode)) into codes (codes.size() == group(mode)) and returns the
// shared exponent field. Throws std::invalid_argument on inconsistent sizes.
uint32_t convert_group(const FlexblockConverterParams& p, flexblock::Mode mode,
                       std::span<const uint32_t> in, std::span<uint32_t> codes);

}  // namespace bf::golden
