#pragma once
// Verilog for opal.core (golden/units/opal_core/opal_core.hpp): one opal.quantizer (all
// activation widths, selection shared) writing an activation buffer, `rows`
// opal.pe instances
// (the embedded variant, stalled by the core's global advance) reading it
// beat by beat, and a token pipeline that keeps load and beat transactions in
// order at the PEs' latency.

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/opal_core/opal_core.hpp"

namespace bf::opal_core {

int latency(const golden::OpalCoreParams& p);

std::vector<vlog::Module> build_rtl(
    const golden::OpalCoreParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

}  // namespace bf::opal_core
