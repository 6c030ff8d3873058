#pragma once
// Verilog for flexblock.converter: one element quantizer module per mode
// (the foundation's, quant_block::build_element_module) and the top (the
// group's shared-exponent reduction, the element quantizers of every mode
// whose group covers a position, the mode mux, pipeline and handshake).

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/flexblock_converter/flexblock_converter.hpp"

namespace bf::flexblock_converter {

// Modules in dependency order, the top last. `header` is prepended to each
// module's own description.
std::vector<vlog::Module> build_rtl(const golden::FlexblockConverterParams& p,
                                    const std::string& top, const std::vector<std::string>& header);

}  // namespace bf::flexblock_converter
