// `blockforge power CONFIG [--clock-ns T] [--vectors N] [--workload W]
//  [--liberty F] [--dont-use ...] [--json] [--work DIR]`: energy per
// operation from gate-level activity (the flow is tb/energy_flow.hpp).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "app/cli/cli.hpp"
#include "app/cli/library_options.hpp"
#include "app/cli/work_dir.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "synth/power_model.hpp"
#include "tb/energy_flow.hpp"
#include "tb/toggle_sim.hpp"
#include "util/process.hpp"
#include "util/stop_signals.hpp"

namespace bf::cli {

namespace {

namespace fs = std::filesystem;

std::string fmt_energy(double fj) {
  if (fj >= 1e6) return fmt::format("{:.3f} nJ", fj * 1e-6);
  if (fj >= 1e3) return fmt::format("{:.3f} pJ", fj * 1e-3);
  return fmt::format("{:.3f} fJ", fj);
}

// Measured in the simulation: ops of the vectors over the cycles they took
// (back to back, so this is the unit's throughput on the workload).
double ops_per_cycle(const tb::EnergyResult& e) {
  return e.power.cycles > 0
             ? e.ops.count * static_cast<double>(e.vectors) / static_cast<double>(e.power.cycles)
             : 0.0;
}

std::string table(const Design& d, const std::string& workload, const tb::EnergyResult& e,
                  bool clock_given) {
  const synth::PowerReport& r = e.power;
  const std::size_t vectors = e.vectors;
  const double total = r.energy.total_fj();
  std::string s;
  s += fmt::format("{} ({}): workload {}, {} vectors bit-exact on the gate-level netlist\n",
                   d.top_name(), d.unit_name(), workload, vectors);
  s += fmt::format("  library {} at {} V; clock {} ns{}; {} cycles ({:.1f} ns simulated)\n",
                   e.library, r.voltage, r.clock_ns, clock_given ? "" : " (default)", r.cycles,
                   r.time_ns);
  s += fmt::format("  cells {}, flops {}, leakage {:.1f} nW\n", r.cells, r.flops, r.leakage_nw);
  s += fmt::format("  energy per {}:   {:.4f} pJ   ({} per vector)\n", e.ops.name,
                   e.energy_per_op_pj(), e.ops.count);
  s += fmt::format("  energy per vector: {:.4f} pJ\n", e.energy_per_vector_pj());
  s += fmt::format("  throughput:        {:.3f} {}s per cycle ({} vectors in {} cycles)\n",
                   ops_per_cycle(e), e.ops.name, vectors, r.cycles);
  s += fmt::format("  total energy:      {}\n", fmt_energy(total));
  s += fmt::format("  average power:     {:.3f} mW at {:.0f} MHz\n", r.average_power_uw() * 1e-3,
                   1e3 / r.clock_ns);
  auto line = [&](const char* what, double fj) {
    s += fmt::format("    {:<10} {:>14} {:>6.1f}%\n", what, fmt_energy(fj),
                     total > 0 ? 100 * fj / total : 0);
  };
  line("internal", r.energy.internal_fj);
  line("switching", r.energy.switching_fj);
  line("clock", r.energy.clock_fj);
  line("leakage", r.energy.leakage_fj);
  s += "  modules by energy (own cells, all instances):\n";
  s += fmt::format("    {:<40} {:>5} {:>14} {:>6}\n", "module", "inst", "energy", "share");
  std::size_t shown = 0;
  for (const auto& m : r.modules) {
    if (++shown > 8) break;
    s += fmt::format("    {:<40} {:>5} {:>14} {:>5.1f}%\n", m.module, m.instances,
                     fmt_energy(m.energy.total_fj()),
                     total > 0 ? 100 * m.energy.total_fj() / total : 0);
  }
  s += "  (zero-delay activity: glitches are not counted; internal energy at 20 ps input "
       "transition)\n";
  return s;
}

}  // namespace

void add_power_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "power",
      "Energy per operation from gate-level activity (mapped netlist simulated on a "
      "workload, checked bit-exact against the golden model)");
  auto config = std::make_shared<std::string>();
  auto work = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto vectors = std::make_shared<std::size_t>(tb::kDefaultEnergyVectors);
  auto workload = std::make_shared<std::string>("random");
  auto seed = std::make_shared<uint64_t>(1);
  cmd->add_option("config", *config, "design file (TOML)")->required();
  cmd->add_option("-n,--vectors", *vectors,
                  fmt::format("vectors (transactions) simulated, back to back (default {})",
                              tb::kDefaultEnergyVectors));
  cmd->add_option("--workload", *workload,
                  "input data (default random): random (the unit's biased random vectors, no "
                  "corner cases), zeros (every data input zero, same handshake), or the unit's "
                  "realistic data: llm (opal.pe, baseline.mx_dot, baseline.bf16_dot: LLM GEMV "
                  "rows, 4096 LLM-like activations x quantized weights; opal.pe with several "
                  "widths also llm-<b>bit) or attention (the softmax units: attention-score "
                  "rows); an unknown name lists the design's workloads");
  cmd->add_option("--seed", *seed, "seed of the random workload (default 1)");
  cmd->add_flag("--json", *json, "print JSON");
  cmd->add_option("--work", *work, "work directory (default .blockforge/<top>)");
  const LibraryOptions library = add_library_options(
      cmd, fmt::format("clock period in ns: maps delay-targeted (ABC -D) and sets the time "
                       "leakage and average power are computed over (default {} ns, "
                       "area-oriented mapping)",
                       synth::kDefaultPowerClockNs));
  cmd->callback([=, &exit_code] {
    try {
      if (*vectors == 0) throw std::invalid_argument("--vectors 0: at least one vector is needed");
      const auto design = load_design(*config);
      const std::string top = design->top_name();
      const std::string dir = work->empty() ? default_work_dir(top) : *work;
      tb::EnergyOptions options;
      library.apply(options.synthesis);
      const bool clock_given = options.synthesis.clock_ns > 0;
      options.power.clock_ns =
          clock_given ? options.synthesis.clock_ns : synth::kDefaultPowerClockNs;
      options.workload = *workload;
      options.vectors = *vectors;
      options.seed = *seed;
      util::StopSignals signals;
      options.synthesis.budget = util::ToolBudget(0, &util::stop_flag());
      const auto rtl = write_rtl(*design, dir + "/rtl");
      const tb::EnergyResult e = tb::measure_energy(*design, rtl.files, dir, options);
      const synth::PowerReport& r = e.power;
      if (*json) {
        nlohmann::ordered_json j;
        j["config"] = *config;
        j["unit"] = design->unit_name();
        j["top"] = top;
        j["params"] = design->params_json();
        j["workload"] = *workload;
        j["vectors"] = e.vectors;
        j["seed"] = *seed;
        j["library"] = e.library;
        j["op"] = e.ops.name;
        j["ops_per_vector"] = e.ops.count;
        j["energy_per_op_pj"] = e.energy_per_op_pj();
        j["energy_per_vector_pj"] = e.energy_per_vector_pj();
        j["ops_per_cycle"] = ops_per_cycle(e);
        j["clock_ns_given"] = clock_given;
        j["input_transition_ns"] = options.power.input_transition_ns;
        j["wire_cap_per_fanout_ff"] = options.power.wire_cap_per_fanout_ff;
        j["output_port_load_ff"] = options.power.output_port_load_ff;
        j["area_um2"] = e.area.area_um2;
        j["power"] = synth::to_json(r);
        std::cout << j.dump(2) << "\n";
      } else {
        std::cout << table(*design, *workload, e, clock_given);
      }
      exit_code = 0;
    } catch (const std::exception& e) {
      exit_code = fail("power", e.what());
    }
  });
}

}  // namespace bf::cli
