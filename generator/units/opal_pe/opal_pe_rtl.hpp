#pragma once
// Verilog for opal.pe and baseline.mx_dot (golden/units/opal_pe/opal_pe.hpp): INT
// multiplier lanes and a signed adder tree per beat, an exact block
// accumulator, and an FP path that turns each finished block into n + 1
// fp32 terms (the scaled inlier sum, then the bf16 outlier products) and
// adds them into the fp32 row accumulator with a single adder: one term per
// cycle with fp_units = 1; with fp_units = u > 1, u terms per cycle (u - 1
// outlier multipliers beside the inlier conversion, then u each) summed by a
// pipelined balanced tree of u - 1 adders before the accumulator.

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::opal_pe {

// Latency of every beat: the block's last beat is followed by G =
// ceil((n + 1) / fp_units) sequencer steps, the term register, the adder
// tree's ceil(log2 fp_units) levels and its group register (fp_units > 1
// only), one accumulator cycle, the scale multiply and the output register:
// n + 4 with one FP unit.
int latency(const golden::OpalPeConfig& c);

// Modules: the outlier multiplier (bf16 x bf16 -> fp32, omitted when n = 0),
// the fp32 accumulator adder, the pipelined fp32 tree adder (fp_units > 1
// only), the scale multiplier (fp32 x bf16 -> fp32) and the top, last. `header(module)` is the
// generated-file header of a module. `embedded`: for a parent that stalls the PE with its own
// global advance (opal.core): en_i / valid_i in, valid_o out, no handshake of its own.
std::vector<vlog::Module> build_rtl(
    const golden::OpalPeConfig& c, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header,
    bool embedded = false);

}  // namespace bf::opal_pe
