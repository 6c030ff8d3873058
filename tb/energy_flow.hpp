#pragma once
// Energy from gate-level activity, the flow behind `blockforge power` and
// `blockforge compare`: the design is mapped (the area flow, hierarchical
// and cached; tb/gate_level), its netlist plus the library's cell models is
// simulated in the verification harness under a workload (checked bit-exact
// against the golden model: a netlist that mismatches throws), Verilator
// counts every signal's toggles (tb/toggle_sim), and synth/power_model turns
// them into energy with the library's internal-energy tables, pin
// capacitances and leakage.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "synth/area.hpp"
#include "synth/power_model.hpp"

namespace bf::tb {

// Vectors simulated by default: enough for stable averages (the per-op
// energy of the shipped units moves < 1% beyond this), short enough for the
// large units.
inline constexpr std::size_t kDefaultEnergyVectors = 2000;

struct EnergyOptions {
  synth::AreaOptions synthesis;     // library, dont_use, clock_ns (mapping), cache, budget
  synth::PowerOptions power;        // the clock leakage and average power are over, loads
  std::string workload = "random";  // a name of tb::workloads(design)
  std::size_t vectors = kDefaultEnergyVectors;
  uint64_t seed = 1;
};

struct EnergyResult {
  synth::AreaReport area;  // the mapping simulated
  synth::PowerReport power;
  std::size_t vectors = 0;  // transactions simulated (back to back, full throughput)
  Design::Operations ops;   // what one transaction is worth
  std::string library;      // the Liberty file the figures come from
  double energy_per_op_pj() const;
  double energy_per_vector_pj() const;
};

// Measures `design` (its RTL in `rtl_files`) in `work_dir` (area/, cells.v,
// power/). Throws std::invalid_argument for an unknown workload (listing the
// design's workloads), std::runtime_error when the netlist does not match
// the golden model (the mismatch report first on stderr) or a flow fails.
EnergyResult measure_energy(const Design& design, const std::vector<std::string>& rtl_files,
                            const std::string& work_dir, const EnergyOptions& options);

}  // namespace bf::tb
