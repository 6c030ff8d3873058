#pragma once
// Verilog for lightnorm.bn_bwd: the operator modules (<top>_mul_*, <top>_add_*
// combinational float operators in the contract's formats, <top>_*_to_*
// conversions), <top>_lane (one channel: the pass-1 sums, the scalar
// datapath, the pass-2 datapath) and <top> (handshake, op decode, the FINISH
// counter, inv_n and C into stat, `lanes` lane instances in a generate loop,
// output register).

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp"

namespace bf::lightnorm_bn_bwd {

// `header(module_name)` gives the generated-file comment block of a module.
std::vector<vlog::Module> build_rtl(
    const golden::BnBwdParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

}  // namespace bf::lightnorm_bn_bwd
