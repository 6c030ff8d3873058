#pragma once
// The second simulator: a generated self-checking Verilog-2005 testbench run
// with Icarus Verilog (iverilog -g2005, vvp) on the first vectors of a run.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "tb/sim_run.hpp"
#include "tb/vectors.hpp"
#include "tb/verify.hpp"

namespace bf::tb {

struct IcarusBench {
  std::size_t vectors = 0;  // N: vectors in the $readmemh files
  uint64_t seed = 1;        // bubble/stall pattern (xorshift32)
  double bubble_prob = 0.25;
  double stall_prob = 0.25;
  int max_errors = 10;
  long watchdog_cycles = -1;  // -1: 1000 + 4 * latency
};

// tb.v, module bf_tb: reads in<p>.hex / exp<p>.hex (one line per vector, one
// file per data port, p = port index) from the working directory and prints
//   MISMATCH <vector> <cycle> <hex of each output port>
//   ERROR: <protocol error>
//   LATENCY <cycles of vector 0>      CYCLES <cycles>
//   PASS: ... / FAIL: ...             (the harness's fixed line)
std::string icarus_testbench(const Design& design, const IcarusBench& bench);

// Writes <work_dir>/icarus/{tb.v,in*.hex,exp*.hex}, compiles with iverilog
// (compile.log) and runs vvp (sim.log).
SimRun run_icarus(const Design& design, const std::vector<std::string>& rtl_files,
                  const VectorSet& vectors, const VerifyOptions& opt);

}  // namespace bf::tb
