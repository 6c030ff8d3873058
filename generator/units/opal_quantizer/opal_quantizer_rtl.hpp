#pragma once
// Verilog for opal.quantizer: top-n outlier selection, inlier MX scale,
// per-element integer quantizers (the quant.block element module) and the
// compaction of the inlier codes into storage order.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/opal_quantizer/opal_quantizer.hpp"

namespace bf::opal_quantizer {

std::vector<vlog::Module> build_rtl(const golden::OpalQuantizerParams& p, const std::string& top,
                                    const std::vector<std::string>& header);

}  // namespace bf::opal_quantizer
