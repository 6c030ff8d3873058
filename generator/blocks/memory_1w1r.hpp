#pragma once
// A memory with one write port and one registered read port, as an SRAM
// macro offers it: `reg [width-1:0] mem [0:depth-1]` without per-entry
// reset, written at the clock edge when we_i, read into rdata_q when re_i.
// Ports: clk_i, we_i, waddr_i, wdata_i, re_i, raddr_i, rdata_o.
// A read and a write of the same word in one cycle return the old word
// (read-first) or, with write_through, the word being written.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"

namespace bf::blocks {

struct Memory1w1rSpec {
  std::string name;
  std::vector<std::string> header;
  int width = 1;
  int depth = 2;
  bool write_through = false;
  std::string rdata_doc;   // comment of rdata_o
  std::string memory_doc;  // comment of the memory array
};

vlog::Module memory_1w1r(Memory1w1rSpec spec);

// The nets an instance of such a memory connects; its clock is clk_i.
struct Memory1w1rNets {
  std::string we, waddr, wdata, re, raddr, rdata;
};
// An instance `name` of `memory` (a module memory_1w1r built) on `nets`.
vlog::Instance memory_1w1r_instance(const vlog::Module& memory, std::string name,
                                    const Memory1w1rNets& nets, std::string comment = {});

}  // namespace bf::blocks
