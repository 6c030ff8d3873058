#pragma once
// Counterexamples of `blockforge equiv`: the model Yosys' `sat -show-ports`
// prints when a proof fails, read back from the log and decoded into the
// designs' port names, one cycle at a time.
//
// The miter (synth/equiv_miter.hpp) has the designs' inputs as its inputs
// (same names) and each design's outputs as its outputs, prefixed "a__" and
// "b__"; decoding strips the prefixes back to "A" / "B" and the port name.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bf::synth {

// The table `sat -show-*` prints: signal -> bits (MSB first, '0'/'1'/'x')
// per time step 1..steps. Rows of the initial state ("init") are skipped.
struct SatModel {
  std::vector<std::string> names;  // order of first appearance, without '\'
  std::map<std::string, std::map<int, std::string>> bits;
  int steps = 0;
};

// The last table printed after the last line of `log` that contains `marker`
// (e.g. "model found for base case: FAIL!"); nullopt when there is none.
std::optional<SatModel> parse_sat_model(const std::string& log, const std::string& marker);

// "0x1f" for "11111": hexadecimal of a binary string (MSB first); an 'x' in
// a nibble prints that nibble as 'x'. One bit: "0"/"1"/"x".
std::string bits_to_hex(const std::string& bits);

struct CexValue {
  std::string port;   // the design's port name
  std::string value;  // bits_to_hex
};

struct CexCycle {
  int cycle = 0;
  std::vector<CexValue> inputs;        // the shared inputs (rst_ni, in_valid_i, ...)
  std::vector<CexValue> a;             // design A's outputs (aligned, see the miter)
  std::vector<CexValue> b;             // design B's outputs
  std::vector<std::string> differing;  // output ports whose A and B values differ
  bool trigger = false;                // the miter flagged this cycle
};

struct Counterexample {
  std::vector<CexCycle> cycles;
  bool empty() const { return cycles.empty(); }
};

// Decodes a model of the miter: every miter port becomes a value of its
// cycle; `clk_i` is left out (the proof's time steps are the clock cycles).
Counterexample decode_counterexample(const SatModel& model);

// Readable text, one block per cycle:
//   cycle 3  rst_ni=1 in_valid_i=1 a_i=0x42 b_i=0x3b
//            A: in_ready_o=1 out_valid_o=1 y_o=0x3c
//            B: in_ready_o=1 out_valid_o=1 y_o=0x3d   <- differs: y_o
std::string to_text(const Counterexample& cex);

}  // namespace bf::synth
