#include "golden/units/opal_quantizer.hpp"

#include <stdexcept>

namespace bf::golden {

MxOpalFormat OpalQuantizerParams::format() const {
  MxOpalFormat f;
  f.block_size = block;
  f.outliers = outliers;
  f.bits = bits;
  f.int_encoding = *parse_int_encoding(int_encoding);
  f.rounding = *parse_rounding(rounding);
  return f;
}

void OpalQuantizerParams::validate() const {
  if (outliers > block - 2)
    throw ParamError("outliers", "outliers must leave at least 2 inliers in the block");
  if (selection == "rank" && block > 64)
    throw ParamError("selection",
                     "selection = \"rank\" compares every pair (k^2/2 comparators): use it for "
                     "block <= 64, or selection = \"iterative\"");
}

}  // namespace bf::golden
