#pragma once
// Verilog for baseline.bn_fp32: <top>_mul and <top>_add (combinational fp32
// operators), <top>_sqrt and <top>_div (fp32 square root and divider with
// sqrt_stages / div_stages register cuts), <top>_lane (one channel: the
// statistics adders, the scalar datapath, the normalize datapath) and <top>
// (handshake, op decode, the FINISH counter, `lanes` lane instances in a
// generate loop, output register).

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp"

namespace bf::baseline_bn_fp32 {

// `header(module_name)` gives the generated-file comment block of a module.
std::vector<vlog::Module> build_rtl(
    const golden::BnFp32Params& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

}  // namespace bf::baseline_bn_fp32
