#include "golden/units/flexblock_pe_fixed/flexblock_pe_fixed.hpp"

namespace bf::golden {

void FlexblockPeFixedParams::validate() const {
  if (mode != 4 && mode != 8 && mode != 16)
    throw ParamError("mode",
                     "mode must be 4, 8 or 16 (mantissa bits), got " + std::to_string(mode));
}

FlexblockPeConfig FlexblockPeFixedParams::config() const {
  validate();
  FlexblockPeConfig c;
  c.fixed = true;
  c.mode = flexblock::mode_from_bits(mode);
  c.max_segment = max_segment;
  c.direct_multipliers = multiplier == "direct";
  return c;
}

}  // namespace bf::golden
