#pragma once
// Verilog for softmax.exp_baseline: <top>_exp (one element's exp by range
// reduction, table and interpolation multiplier, instantiated n times),
// <top>_norm (one element's multiply by the reciprocal, instantiated n times)
// and <top> (max tree, adder tree, restoring reciprocal, pipeline, handshake).

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/softmax_exp_baseline/softmax_exp_baseline.hpp"

namespace bf::softmax_exp_baseline {

std::vector<vlog::Module> build_rtl(const golden::SoftmaxExpBaselineParams& p,
                                    const std::string& top, const std::vector<std::string>& header);

}  // namespace bf::softmax_exp_baseline
