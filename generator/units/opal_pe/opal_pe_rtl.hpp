#pragma once
// Verilog for opal.pe and baseline.mx_dot (golden/units/opal_pe/opal_pe.hpp): INT
// multiplier lanes and a signed adder tree per beat, an exact block
// accumulator, and one FP path per PE that turns each finished block into
// fp32 terms (the scaled inlier sum, then one bf16 outlier product per cycle)
// and adds them into the fp32 row accumulator with a single adder.

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::opal_pe {

// Latency of every beat: the block's last beat is followed by n + 1 FP
// terms, one adder cycle, the scale multiply and the output register.
int latency(const golden::OpalPeConfig& c);

// Modules: the outlier multiplier (bf16 x bf16 -> fp32, omitted when n = 0),
// the fp32 accumulator adder, the scale multiplier (fp32 x bf16 -> fp32) and
// the top, last. `header(module)` is the generated-file header of a module.
// `embedded`: for a parent that stalls the PE with its own global advance
// (opal.core): en_i / valid_i in, valid_o out, no handshake of its own.
std::vector<vlog::Module> build_rtl(
    const golden::OpalPeConfig& c, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header,
    bool embedded = false);

}  // namespace bf::opal_pe
