#pragma once
// The shared-scale reduction of quant.block: from the elements' exponent
// fields to the block's scale field, as golden::quantize_block computes it.
// Units that quantize a block with the foundation's element quantizer
// (quant_block::build_element_module) feed it with this same logic.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/formats/block_format.hpp"

namespace bf::quant_block {

struct BlockScale {
  std::string scale;  // scale field of a finite block (f.scale_bits() bits)
  std::string nan;    // 1: some field is all ones (Inf/NaN), the block is NaN
};

// Writes into m: the wire nan_block (any of `fields` all ones), the
// max-exponent tree (blocks::max_tree, prefix "maxf") and the scale rule of
// f. `fields` are 8-bit expressions, one per element (a masked element reads
// as 0, so it counts for neither).
BlockScale block_scale(vlog::Module& m, const golden::BlockFormat& f,
                       const std::vector<std::string>& fields);

}  // namespace bf::quant_block
