#pragma once
// lightnorm.bn_fwd's Verilog: the operator modules, the lane module (the
// statistics, the scalar datapath, the normalize datapath of one channel)
// and the top module (op decode, chunk counters, FINISH schedule, BFP decode
// and encode, the lanes in a generate loop, the stream shell).

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp"

namespace bf::lightnorm_bn_fwd {

// Modules in dependency order, the top (named `top`) last. `header` gives a
// module's comment header from its name.
std::vector<vlog::Module> build_rtl(
    const golden::LnBnFwdParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

}  // namespace bf::lightnorm_bn_fwd
