#pragma once
// The verification flow: prove a generated design bit-exact against its
// golden model (Design::emulate) in a cycle-based simulation.
//
//   vectors:  corner_cases(), then random_case(rng) with
//             std::mt19937_64(seed) until corner + random_vectors; expected
//             outputs from emulate(). Written to <work_dir>/vectors.bin
//             (format: tb/sim/vector_file.hpp).
//   Verilator (default): a generated driver (<build dir>/driver.cpp) naming
//             the design's ports plus the shared harness (tb/sim/harness.hpp),
//             built with CMake verilate() and cached by a hash of its inputs.
//   Icarus:   a generated self-checking Verilog-2005 testbench reading the
//             first max_vectors_icarus vectors as $readmemh files
//             (<work_dir>/icarus/).
//
// Both simulators drive the same handshake: reset, a latency phase (first 16
// vectors back to back; each output must come exactly latency() cycles after
// its input), then random input bubbles and output stalls. The printed report
// ends with exactly one line
//   PASS: <N> vectors bit-exact (<top>)
//   FAIL: <M> mismatches in <N> vectors (<top>)
// preceded, on failure, by each mismatch decoded into the ports' fields.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "tb/vectors.hpp"
#include "util/process.hpp"

namespace bf::tb {

struct VerifyOptions {
  std::string work_dir;  // required: vectors, logs, results, trace go here
  uint64_t seed = 1;     // vector generation and bubble/stall pattern
  std::size_t random_vectors = 100000;
  int max_errors = 10;  // stop after this many mismatches; also caps the report
  bool trace = false;   // FST dump to <work_dir>/trace.fst (Verilator; separate build)
  enum class Simulator { Verilator, Icarus } simulator = Simulator::Verilator;
  double bubble_prob = 0.25;  // probability of in_valid_i low in a cycle, [0, 1)
  double stall_prob = 0.25;   // probability of out_ready_i low in a cycle, [0, 1)
  // Test hook: flip this bit of the expected output stream (bit index into
  // vector 0, 1, ... in order; within a vector the output ports in order, LSB
  // first) to prove the checker fails. -1: off.
  long corrupt_expected_bit = -1;
  // Icarus is slower: it runs the first N of the same vectors.
  std::size_t max_vectors_icarus = 20000;

  // Verilator build directory; empty: <work_dir>/sim. Calls that share it
  // with an identical build (same RTL contents, driver, harness, options)
  // skip the build; concurrent calls are serialized by a lock file. A traced
  // build lives next to it in "<dir>-trace".
  std::string build_dir;
  // Cycles without any handshake while the testbench offers one before the
  // run fails as "design hung"; -1: 1000 + 4 * latency().
  long watchdog_cycles = -1;
  bool quiet = false;  // do not print the report to stdout
  // Compile the Verilator model without C++ optimization (gate-level
  // netlists: a shorter build, a slower run).
  bool fast_compile = false;
  // The sources are a mapped gate-level netlist (VerilatorProject::netlist).
  bool netlist = false;
  // Time limit and cancellation of the tool calls (cmake, the simulation,
  // iverilog, vvp): each gets what is left of the budget. A stopped call
  // throws util::ToolTimeout or util::ToolCancelled.
  util::ToolBudget budget;
};

struct VerifyResult {
  bool pass = false;
  std::size_t vectors = 0;  // vectors checked (fewer when stopped at max_errors)
  std::size_t mismatches = 0;
  double build_seconds = 0;  // Verilator: cmake configure + build (0-ish when cached)
  double sim_seconds = 0;    // the simulation loop only (Verilator: measured inside the binary)
  double vectors_per_second = 0;  // vectors / sim_seconds
  std::string report;             // the text printed

  bool build_cached = false;
  long latency_measured = -1;       // -1: no output seen
  uint64_t cycles = 0;              // simulated clock cycles (Verilator)
  double vector_seconds = 0;        // generating vectors with emulate()
  std::vector<std::string> errors;  // protocol errors (latency, hang, spurious output)
};

// Verifies `design` using exactly the files in `rtl_files` (the ones `gen`
// wrote: the file verified is the file taped out). Returns pass = false on
// any mismatch or protocol error; throws std::invalid_argument for bad
// options and std::runtime_error when a tool fails (the message names the
// log to read).
VerifyResult verify(const Design& design, const std::vector<std::string>& rtl_files,
                    const VerifyOptions& opt);

// The same on the caller's vectors (vectors_from) instead of the design's
// corner and random cases (opt.seed and opt.random_vectors then only seed
// the handshake pattern and are not used).
VerifyResult verify_vectors(const Design& design, const std::vector<std::string>& rtl_files,
                            VectorSet vectors, const VerifyOptions& opt);

}  // namespace bf::tb
