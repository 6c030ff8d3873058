#pragma once
// Formal equivalence of two streaming designs with Yosys (`blockforge equiv`):
// a design's RTL against its netlist mapped onto the cell library, or two
// configurations of one unit that must compute the same function (different
// pipelining, a different selection network, ...).
//
// Verdicts:
//   Proven     an induction proof succeeded (`method` says which);
//   NotProven  a base case failed: `cex` is the counterexample per cycle;
//   Unknown    the time limit hit first, or only a bounded check passed
//              ("no difference within N cycles", not a proof).
//
// Methods:
//   sat (default): a miter (synth/equiv_miter.hpp, synth/equiv_miter.ys)
//      proved with `sat -tempinduct`: k-induction over loop-free paths (Een
//      and Soerensson; the induction step's states are all distinct), base
//      case from reset, k = 1..depth. Its environment (reset in cycle 1;
//      out_ready_i free for equal latencies, held 1 and the faster design
//      delayed otherwise) is the claim: `claim` spells it out. Finds
//      counterexamples.
//   struct (equal latencies only): Yosys' equivalence cells
//      (synth/equiv_struct.ys: equiv_make / equiv_simple / equiv_induct),
//      signals matched by name. Fast on RTL vs netlist, but its claim is
//      weaker (equiv_induct does not check the cycles after reset: once the
//      matched signals agreed for N cycles they agree forever) and it finds
//      no counterexamples.
// SAT on multipliers is hard: designs with wide multipliers may end Unknown.

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "synth/equiv_cex.hpp"
#include "synth/equiv_miter.hpp"

namespace bf::synth {

// One side of the proof: Verilog files with a top module following the
// streaming port convention (generator/design/design.hpp).
struct EquivSide {
  std::string description;         // for messages: "configs/x.toml (RTL)"
  std::vector<std::string> files;  // RTL, or a netlist mapped onto `liberty`
  std::string top;
  int latency = 1;
  // Non-empty: the files are a netlist of this library's cells; the library
  // is read with `read_liberty` (no -lib) so that cells become logic.
  std::string liberty;
};

enum class EquivVerdict { Proven, NotProven, Unknown };

enum class EquivMethod { Sat, Struct };

struct EquivOptions {
  double timeout_seconds = 120;  // whole proof (all Yosys runs); <= 0: none
  int depth = 20;                // longest induction / bounded check, cycles
  EquivMethod method = EquivMethod::Sat;
  const std::atomic<bool>* cancel = nullptr;
};

struct EquivResult {
  EquivVerdict verdict = EquivVerdict::Unknown;
  std::string a, b;              // the sides' descriptions
  std::string method;            // how the verdict was reached
  std::string claim;             // what a Proven verdict claims exactly
  std::string detail;            // one line: why Unknown, the bounded depth, ...
  int bounded_cycles = 0;        // base case held for this many cycles (sat)
  Counterexample cex;            // NotProven
  std::string cex_vcd;           // NotProven: the model as a VCD, when written
  std::vector<std::string> log;  // one line per method tried
  double seconds = 0;
  std::string work_dir;
};

// "PROVEN" / "NOT PROVEN" / "UNKNOWN".
std::string verdict_name(EquivVerdict v);

// Proves `a` and `b` equivalent over the data ports given (both designs must
// have them, plus clk_i, rst_ni, in_valid_i, in_ready_o, out_valid_o,
// out_ready_i). Writes scripts, logs and the miter into `work_dir`
// (cleared first). Throws std::runtime_error on a tool or input error (a
// missing file, a port Yosys cannot connect, ...), util::ToolCancelled when
// cancelled; a time-out is a verdict (Unknown), not an exception.
EquivResult run_equiv(const EquivSide& a, const EquivSide& b,
                      const std::vector<EquivPort>& data_inputs,
                      const std::vector<EquivPort>& data_outputs, const std::string& work_dir,
                      const EquivOptions& options = {});

// The report: the verdict line first (exactly one of PROVEN / NOT PROVEN /
// UNKNOWN followed by ": ..."), then the claim, the methods tried and the
// counterexample.
std::string to_text(const EquivResult& r);
nlohmann::ordered_json to_json(const EquivResult& r);

}  // namespace bf::synth
