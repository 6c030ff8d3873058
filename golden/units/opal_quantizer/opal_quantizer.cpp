#include "golden/units/opal_quantizer/opal_quantizer.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace bf::golden {

MxOpalFormat OpalQuantizerParams::format(int mode) const {
  MxOpalFormat f;
  f.block_size = block;
  f.outliers = outliers;
  const int m = std::clamp(mode, 0, modes() - 1);
  f.bits = m == 0 ? bits : alt_bits[static_cast<std::size_t>(m - 1)];
  f.int_encoding = *parse_int_encoding(int_encoding);
  f.rounding = *parse_rounding(rounding);
  return f;
}

int OpalQuantizerParams::mode_bits() const {
  return modes() <= 1 ? 0 : std::bit_width(static_cast<unsigned>(modes() - 1));
}

int OpalQuantizerParams::selection_registers() const {
  if (passes_per_stage == 0 || outliers == 0) return 0;
  return (outliers + passes_per_stage - 1) / passes_per_stage - 1;
}

void OpalQuantizerParams::validate() const {
  int prev = bits;
  for (int b : alt_bits) {
    if (b <= prev)
      throw ParamError("alt_bits",
                       "bits, alt_bits must be strictly ascending (e.g. bits = 3, "
                       "alt_bits = [5])");
    prev = b;
  }
  if (outliers > block - 2)
    throw ParamError("outliers", "outliers must leave at least 2 inliers in the block");
  if (passes_per_stage > 0 && selection != "iterative")
    throw ParamError("passes_per_stage",
                     "passes_per_stage pipelines the iterative selection's passes: set "
                     "selection = \"iterative\" or passes_per_stage = 0");
  if (selection == "rank" && block > 64)
    throw ParamError("selection",
                     "selection = \"rank\" compares every pair (k^2/2 comparators): use it for "
                     "block <= 64, or selection = \"iterative\"");
}

}  // namespace bf::golden
