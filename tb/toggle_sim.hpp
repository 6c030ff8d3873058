#pragma once
// Gate-level activity: runs a design's mapped netlist (plus the models of its
// cells) in the verification harness under a workload, checks every output
// against the golden model exactly as verify() does, and counts the value
// changes of every signal with Verilator's toggle coverage.
//
// The simulation is a separate Verilator build (<build dir>-toggle, its own
// hash): the generated driver wraps the model so that the coverage counters
// are written (VerilatedCov::write, per instance) before the model is
// destroyed, and the netlist is verilated with --coverage-toggle
// --coverage-underscore. Normal verify() builds are untouched.
//
// What is counted: Verilator evaluates zero-delay, so a signal changes at
// most once per evaluation (twice per clock cycle: inputs and clock low, then
// the rising edge); glitches inside combinational logic are not seen. Each
// change counts once (Verilator 5.006 has one counter per bit, for both
// directions).

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "generator/design/design.hpp"
#include "tb/verify.hpp"

namespace bf::tb {

// Toggle counts keyed by toggle_key(instance, signal): `instance` is the
// instance path below the top module ("" for the top itself, "u_add._12_"
// for cell _12_ inside instance u_add), `signal` a signal of that instance
// as Verilator names it ("A1", "sum_o[3]", "_0042_").
using ToggleCounts = std::unordered_map<std::string, uint64_t>;
std::string toggle_key(const std::string& instance, const std::string& signal);

// The workloads a power run can drive on `design` (names for --workload):
//   random: the unit's random_case() vectors (no corner cases);
//   zeros:  every data input all zero, same count and handshake;
// then the unit's own realistic ones (Design::workloads(): "llm" for the
// dot-product units, "attention" for the softmax units).
std::vector<Design::Workload> workloads(const Design& design);
// `base` fed with workload `name` (base must outlive the result): the same
// ports, latency and golden model, only the vectors differ (a unit workload
// is its workload_chunk() stream, cut at the vector count). Throws
// std::invalid_argument naming the known workloads for an unknown name.
std::unique_ptr<Design> workload_design(const Design& base, const std::string& name);

struct ToggleSimResult {
  VerifyResult verify;  // pass, vectors, cycles, report (with the PASS/FAIL line)
  ToggleCounts toggles;
  std::string coverage_path;  // Verilator's coverage.dat
};

// Runs `design` (usually a workload_design) from `files` (netlist and cell
// models, or RTL) for opt.random_vectors vectors, with the options of
// verify(). Throws like verify(); a mismatch is pass = false, not a throw.
ToggleSimResult simulate_toggles(const Design& design, const std::vector<std::string>& files,
                                 const VerifyOptions& opt);

// Parses a Verilator coverage.dat, keeping the toggle points (page
// v_toggle/...) below `top_instance` (e.g. "top.my_top"): instance paths
// are made relative to it. Throws std::runtime_error for a file that is not
// Verilator coverage.
ToggleCounts parse_toggle_coverage(const std::string& text, const std::string& top_instance);

}  // namespace bf::tb
