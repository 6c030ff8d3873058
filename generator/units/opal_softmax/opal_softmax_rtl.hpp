#pragma once
// Verilog for opal.softmax: <top>_term (one element's scaled difference and
// sum term, instantiated n times), <top>_out (one element's output antilog,
// instantiated n times) and <top> (max tree, adder tree, log2 of the sum,
// pipeline, handshake).

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/opal_softmax/opal_softmax.hpp"

namespace bf::opal_softmax {

// Modules in dependency order, the top last. `header` is prepended to each
// module's own description.
// `embedded`: stalled by a parent's en_i (opal.core's score route): en_i /
// valid_i in, valid_o out, no handshake of its own.
std::vector<vlog::Module> build_rtl(const golden::OpalSoftmaxParams& p, const std::string& top,
                                    const std::vector<std::string>& header, bool embedded = false);

}  // namespace bf::opal_softmax
