#pragma once
// The miter `blockforge equiv` proves with `sat -tempinduct`: both designs
// (Yosys modules side_a and side_b, flattened) driven with the same inputs,
// and one output `trigger` that is 1 in a cycle where they differ.
//
// Its environment, i.e. what a proof on it claims:
//   - Cycle 1 is a reset cycle: an internal flop (0 in the initial state)
//     holds both designs' rst_ni low; afterwards rst_ni is a free input
//     shared by both (a reset at any later cycle resets both and the delay
//     line). All flops start at 0 (`sat -set-init-zero`); flops with a reset
//     take their reset value in cycle 1.
//   - in_valid_i and every data input are free in every cycle, shared.
//   - Equal latencies: out_ready_i is a free shared input (backpressure
//     included). Different latencies: out_ready_i is held 1 in both designs
//     and the faster design's out_valid_o and data outputs are delayed by the
//     difference (a shift register reset with the designs).
//   - trigger = in_ready_o differ, or the (aligned) out_valid_o differ, or
//     both are valid and a data output differs.

#include <string>
#include <vector>

namespace bf::synth {

struct EquivPort {
  std::string name;  // Verilog port name, e.g. "a_i"
  int width = 1;
};

struct MiterSpec {
  std::vector<EquivPort> data_inputs;
  std::vector<EquivPort> data_outputs;
  int latency_a = 1;
  int latency_b = 1;
};

inline constexpr const char* kMiterTop = "equiv_miter";

// Whether the miter leaves out_ready_i free (equal latencies) or holds it 1.
inline bool miter_out_ready_free(const MiterSpec& s) { return s.latency_a == s.latency_b; }

// Verilog-2005 text of module equiv_miter.
std::string miter_verilog(const MiterSpec& spec);

// One paragraph: the environment of the miter above, for this spec (which
// design is delayed by how many cycles, whether out_ready_i is free).
std::string miter_claim(const MiterSpec& spec);

}  // namespace bf::synth
