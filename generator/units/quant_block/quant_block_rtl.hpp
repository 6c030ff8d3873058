#pragma once
// Verilog for quant.block: <top>_elem (one element's quantizer, instantiated k
// times) and <top> (shared-scale reduction, pipeline, handshake).

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/quant_block/quant_block.hpp"

namespace bf::quant_block {

// Modules in dependency order, the top last. `header` is prepended to each
// module's own description.
std::vector<vlog::Module> build_rtl(const golden::QuantBlockParams& p, const std::string& top,
                                    const std::vector<std::string>& header);

// One element's quantizer alone (ports x_i, scale_i, [rand_i], code_o): other
// units that quantize MX/BFP elements instantiate this same module.
vlog::Module build_element_module(const golden::QuantBlockParams& p, const std::string& name,
                                  const std::vector<std::string>& header);

// An MX integer element quantizer whose width is an input (ports x_i, scale_i,
// sel_i, code_o): sel_i picks widths[sel_i] (past the list: the last); the
// code is that many bits, zero-extended to the widest. p gives the input,
// rounding and integer encoding; its own width is not used.
vlog::Module build_mxint_widths_element_module(const golden::QuantBlockParams& p,
                                               const std::vector<int>& widths,
                                               const std::string& name,
                                               const std::vector<std::string>& header);

}  // namespace bf::quant_block
