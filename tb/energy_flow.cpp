#include "tb/energy_flow.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "tb/gate_level.hpp"
#include "tb/toggle_sim.hpp"
#include "util/files.hpp"

namespace bf::tb {

namespace fs = std::filesystem;

double EnergyResult::energy_per_op_pj() const {
  return power.energy.total_fj() * 1e-3 / (ops.count * static_cast<double>(vectors));
}

double EnergyResult::energy_per_vector_pj() const {
  return power.energy.total_fj() * 1e-3 / static_cast<double>(vectors);
}

EnergyResult measure_energy(const Design& design, const std::vector<std::string>& rtl_files,
                            const std::string& work_dir, const EnergyOptions& options) {
  if (options.vectors == 0) throw std::invalid_argument("at least one vector is needed");
  // Before any synthesis: an unknown workload is a usage error.
  const auto workload = workload_design(design, options.workload);
  const std::string top = design.top_name();
  const GateLevelFiles gate = gate_level_files(rtl_files, top, work_dir, options.synthesis);
  const synth::MappingLibrary& lib = gate.library;
  const fs::path pdir = fs::path(work_dir) / "power";
  fs::create_directories(pdir);
  const std::string lib_copy = (pdir / "cells.lib").string();
  util::write_if_changed(lib_copy, lib.text);

  VerifyOptions vopt;
  vopt.work_dir = (pdir / options.workload).string();
  vopt.build_dir = (pdir / "sim").string();
  vopt.seed = options.seed;
  vopt.random_vectors = options.vectors;
  vopt.bubble_prob = 0;  // back to back: energy at full throughput, no junk inputs
  vopt.stall_prob = 0;
  vopt.quiet = true;
  vopt.budget = options.synthesis.budget;
  const ToggleSimResult sim = simulate_toggles(*workload, gate.files, vopt);
  if (!sim.verify.pass) {
    std::cerr << sim.verify.report;
    throw std::runtime_error(
        fmt::format("the mapped netlist of {} does not match the golden model on the {} workload "
                    "({} mismatches); no energy reported",
                    top, options.workload, sim.verify.mismatches));
  }
  const synth::GateNetlist netlist =
      synth::read_gate_netlist(gate.area.netlist, lib_copy, top, (pdir / "connectivity").string());
  EnergyResult r;
  r.area = gate.area;
  r.power =
      synth::compute_power(lib.library, netlist, sim.toggles, sim.verify.cycles, options.power);
  r.vectors = sim.verify.vectors;
  r.ops = design.operations();
  for (const auto& w : workloads(design))
    if (w.name == options.workload && w.ops > 0) r.ops.count = w.ops;
  r.library = lib.source;
  return r;
}

}  // namespace bf::tb
