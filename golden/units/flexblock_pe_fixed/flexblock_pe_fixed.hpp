#pragma once
// flexblock.pe_fixed: FlexBlock's PE with one mantissa mode for both
// operands, the comparison point of the multi-mode flexblock.pe. Same
// stream and arithmetic (golden/units/flexblock_pe/flexblock_pe.hpp); P =
// 16 / (m/4)^2 lanes of m bits, no mode ports.

#include <string>

#include "golden/units/flexblock_pe/flexblock_pe.hpp"

namespace bf::golden {

struct FlexblockPeFixedParams {
  int mode = 16;
  int max_segment = 216;
  std::string multiplier = "direct";

  template <class V>
  void visit(V& v) {
    v.field("mode", mode, "mantissa bits of both operands: 4, 8 or 16", IntRange{4, 16});
    v.field("max_segment", max_segment,
            "longest segment the integer accumulator holds without wrapping (as flexblock.pe)",
            IntRange{1, 4096});
    v.field("multiplier", multiplier,
            "direct: one m x m multiplier per lane written as `*` (synthesis builds it: the "
            "strongest fixed design); sub_multipliers: the multi-mode PE's 4b x 4b array with "
            "the mode tied (what the multi-mode structure costs once its muxes are constant)",
            Choices{{"direct", "sub_multipliers"}});
  }
  void validate() const;
  FlexblockPeConfig config() const;
};

}  // namespace bf::golden
