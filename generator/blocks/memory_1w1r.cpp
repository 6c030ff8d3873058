#include "generator/blocks/memory_1w1r.hpp"

#include <utility>

#include "generator/verilog/expr.hpp"

namespace bf::blocks {

vlog::Module memory_1w1r(Memory1w1rSpec spec) {
  const int a = vlog::clog2(static_cast<uint64_t>(spec.depth));
  vlog::Module m;
  m.name = std::move(spec.name);
  m.header = std::move(spec.header);
  m.input("clk_i", 1);
  m.input("we_i", 1, "write wdata_i to word waddr_i");
  m.input("waddr_i", a);
  m.input("wdata_i", spec.width);
  m.input("re_i", 1, "read word raddr_i into rdata_o");
  m.input("raddr_i", a);
  m.output("rdata_o", spec.width, spec.rdata_doc);
  m.memory("mem", spec.width, spec.depth, spec.memory_doc);
  auto wp = vlog::register_bank("we_i", "Write port.");
  wp.regs.push_back({"mem[waddr_i]", "wdata_i", ""});
  m.add(wp);
  m.reg("rdata_q", spec.width);
  auto rp = vlog::register_bank("re_i", spec.write_through ? "Read port, registered, write-through."
                                                           : "Read port, registered (read-first).");
  rp.regs.push_back({"rdata_q",
                     spec.write_through ? "(we_i & (waddr_i == raddr_i)) ? wdata_i : mem[raddr_i]"
                                        : "mem[raddr_i]",
                     ""});
  m.add(rp);
  m.assign("rdata_o", "rdata_q");
  return m;
}

vlog::Instance memory_1w1r_instance(const vlog::Module& memory, std::string name,
                                    const Memory1w1rNets& nets, std::string comment) {
  return vlog::instance_of(memory, std::move(name),
                           {{"clk_i", "clk_i"},
                            {"we_i", nets.we},
                            {"waddr_i", nets.waddr},
                            {"wdata_i", nets.wdata},
                            {"re_i", nets.re},
                            {"raddr_i", nets.raddr},
                            {"rdata_o", nets.rdata}},
                           std::move(comment));
}

}  // namespace bf::blocks
