#include "golden/units/flexblock_converter/flexblock_converter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace bf::golden {

using flexblock::Mode;

void FlexblockConverterParams::validate() const {
  const std::pair<const char*, int> groups[] = {
      {"group_16", group_16}, {"group_8", group_8}, {"group_4", group_4}};
  for (const auto& [key, g] : groups)
    if (g < 1 || g > kMaxGroup)
      throw ParamError(key, fmt::format("{} must be in 1..{}, got {}", key, kMaxGroup, g));
  if (rounding != "truncate" && rounding != "nearest_even")
    throw ParamError("rounding",
                     fmt::format("rounding must be truncate or nearest_even, got '{}'", rounding));
  if (pipeline_stages < 0 || pipeline_stages > 1)
    throw ParamError("pipeline_stages",
                     fmt::format("pipeline_stages must be 0 or 1, got {}", pipeline_stages));
}

int FlexblockConverterParams::group(Mode m) const {
  switch (m) {
    case Mode::M4:
      return group_4;
    case Mode::M8:
      return group_8;
    default:
      return group_16;
  }
}

int FlexblockConverterParams::max_group() const { return std::max({group_16, group_8, group_4}); }

Rounding FlexblockConverterParams::rounding_mode() const {
  return rounding == "nearest_even" ? Rounding::NearestEven : Rounding::Truncate;
}

BlockFormat FlexblockConverterParams::format(Mode m) const {
  return flexblock::bfp_format(m, group(m), rounding_mode());
}

int FlexblockConverterParams::codes_bits() const {
  int bits = 0;
  for (Mode m : {Mode::M4, Mode::M8, Mode::M16})
    bits = std::max(bits, group(m) * (flexblock::mantissa_bits(m) + 1));
  return bits;
}

uint32_t convert_group(const FlexblockConverterParams& p, Mode mode, std::span<const uint32_t> in,
                       std::span<uint32_t> codes) {
  const std::size_t g = static_cast<std::size_t>(p.group(mode));
  if (in.size() < g || codes.size() != g)
    throw std::invalid_argument(fmt::format(
        "convert_group: the {}-bit mode takes {} inputs into {} codes, got {} inputs and {} codes",
        flexblock::mantissa_bits(mode), g, g, in.size(), codes.size()));
  return quantize_block(p.format(mode), in.first(g), codes);
}

}  // namespace bf::golden
