#pragma once
// Verilog for zebra.int8_engine (golden/units/zebra_int8_engine/zebra_int8_engine.hpp):
//   <top>_wmem     the weight memory: `reg [8*lanes-1:0] mem [0:words-1]`
//                  without reset, one write port, one synchronous (registered)
//                  read port, as an SRAM macro would be
//   <top>_mac      the MAC primitive: lanes int8 x int8 products (a generate
//                  loop) summed by a balanced signed adder tree
//                  (blocks::signed_adder_tree), instantiated once
//   <top>_requant  the requantizer (golden::int8_engine_requantize):
//                  combinational t * mult, round half up, arithmetic shift,
//                  clamp to int8 (or to [0, 127] with relu)
//   <top>          the engine: valid/ready stream, three stages that all move
//                  on one global enable (advance):
//                    q1: the memory read register (the word of addr_i) and
//                        the beat's fields
//                    q2: MAC + accumulator (acc_q, int32 wrap) and t = acc +
//                        bias
//                    q3: the requantizer into the output register
//                  latency 3.
// With a protection (zebra_int8_engine_protection_rtl.hpp) also:
//   <top>_cmem     parity / SECDED: the check bits, a memory beside the
//                  weight memory (same address, same ports)
//   <top>_smem     checksum: the signatures, one word per group
//   <top>_secded_enc, <top>_secded_dec, <top>_gsum (the checkers)
// and in the top: the check of the word in q1, bad-group flags and the
// running keyed sum (checksum), the zeroing mux (on_detect = zero) and the
// halt state (on_detect = stop), all in stage q2.
// The memory's interface (D = words, A = ceil(log2 D), W = 8 * lanes):
//   clk_i; we_i, waddr_i[A-1:0], wdata_i[W-1:0] (write at the edge);
//   re_i, raddr_i[A-1:0] (read at the edge into rdata_o[W-1:0], held
//   otherwise). A read and a write of one word in the same cycle return the
//   old word; the engine never issues both (a transaction is a write or a
//   read), so a MAC beat right after a write of its word reads the new word.

#include <functional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"

namespace bf::zebra_int8_engine {

// `header(module_name)` gives the generated-file comment block of a module.
std::vector<vlog::Module> build_rtl(
    const golden::Int8EngineParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header);

}  // namespace bf::zebra_int8_engine
