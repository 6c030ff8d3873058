// `blockforge power CONFIG [--clock-ns T] [--vectors N] [--workload W]
//  [--liberty F] [--dont-use ...] [--json] [--work DIR]`: energy per
// operation from gate-level activity. The design is mapped (the area flow,
// hierarchical and cached), its netlist plus the library's cell models is
// simulated in the verification harness under a workload (and checked
// bit-exact against the golden model: a netlist that mismatches fails the
// run), Verilator counts every signal's toggles, and synth/power_model turns
// toggles into energy with the library's own internal-energy tables, pin
// capacitances and leakage.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "app/cli/cli.hpp"
#include "app/cli/library_options.hpp"
#include "app/cli/work_dir.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "synth/area.hpp"
#include "synth/cell_models.hpp"
#include "synth/mapping_library.hpp"
#include "synth/power_model.hpp"
#include "tb/toggle_sim.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/stop_signals.hpp"

namespace bf::cli {

namespace {

namespace fs = std::filesystem;

// Vectors simulated when --vectors is not given: enough for stable averages
// (the per-op energy of the shipped units moves < 1% beyond this), short
// enough for the large units.
constexpr std::size_t kDefaultPowerVectors = 2000;

// What one transaction (one accepted input beat) of a unit is worth in the
// unit's own terms.
struct OpsPerVector {
  double ops = 1;
  std::string name = "transaction";
};

OpsPerVector ops_per_vector(const Design& d) {
  const auto p = d.params_json();
  const std::string unit = d.unit_name();
  auto num = [&](const char* key, double fallback) {
    return p.contains(key) && p[key].is_number() ? p[key].get<double>() : fallback;
  };
  if (unit == "opal.pe" || unit == "baseline.mx_dot" || unit == "baseline.bf16_dot")
    return {num("lanes", 1), "MAC"};
  if (unit == "arith.fp_mul") return {num("lanes", 1), "multiply"};
  if (unit == "arith.fp_add") return {num("lanes", 1), "add"};
  if (unit == "quant.block" || unit == "opal.quantizer") return {num("block", 1), "element"};
  if (unit == "opal.softmax" || unit == "softmax.exp_baseline") return {1, "softmax row"};
  return {1, "transaction"};
}

std::string fmt_energy(double fj) {
  if (fj >= 1e6) return fmt::format("{:.3f} nJ", fj * 1e-6);
  if (fj >= 1e3) return fmt::format("{:.3f} pJ", fj * 1e-3);
  return fmt::format("{:.3f} fJ", fj);
}

std::string table(const Design& d, const std::string& workload, std::size_t vectors,
                  const synth::PowerReport& r, const OpsPerVector& ops, bool clock_given,
                  const std::string& library) {
  const double total = r.energy.total_fj();
  const double n_ops = ops.ops * static_cast<double>(vectors);
  std::string s;
  s += fmt::format("{} ({}): workload {}, {} vectors bit-exact on the gate-level netlist\n",
                   d.top_name(), d.unit_name(), workload, vectors);
  s +=
      fmt::format("  library {} at {} V; clock {} ns{}; {} cycles ({:.1f} ns simulated)\n", library,
                  r.voltage, r.clock_ns, clock_given ? "" : " (default)", r.cycles, r.time_ns);
  s += fmt::format("  cells {}, flops {}, leakage {:.1f} nW\n", r.cells, r.flops, r.leakage_nw);
  s += fmt::format("  energy per {}:   {:.4f} pJ   ({} per vector)\n", ops.name,
                   total / n_ops * 1e-3, ops.ops);
  s += fmt::format("  energy per vector: {:.4f} pJ\n", total / static_cast<double>(vectors) * 1e-3);
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
  std::string workloads;
  for (const auto& w : tb::workload_names()) workloads += (workloads.empty() ? "" : ", ") + w;
  auto* cmd = app.add_subcommand(
      "power",
      "Energy per operation from gate-level activity (mapped netlist simulated on a "
      "workload, checked bit-exact against the golden model)");
  auto config = std::make_shared<std::string>();
  auto work = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto vectors = std::make_shared<std::size_t>(kDefaultPowerVectors);
  auto workload = std::make_shared<std::string>("random");
  auto seed = std::make_shared<uint64_t>(1);
  cmd->add_option("config", *config, "design file (TOML)")->required();
  cmd->add_option("-n,--vectors", *vectors,
                  fmt::format("vectors (transactions) simulated, back to back (default {})",
                              kDefaultPowerVectors));
  cmd->add_option("--workload", *workload,
                  "input data: random (the unit's biased random vectors, no corner cases) or "
                  "zeros (every data input zero, same handshake); default random. No LLM-like "
                  "workload yet. Available: " +
                      workloads);
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
      const auto names = tb::workload_names();
      if (std::find(names.begin(), names.end(), *workload) == names.end())
        throw std::invalid_argument(
            fmt::format("--workload {}: unknown workload; known: {}", *workload, workloads));
      const auto design = load_design(*config);
      const std::string top = design->top_name();
      const std::string dir = work->empty() ? default_work_dir(top) : *work;
      synth::AreaOptions options;
      library.apply(options);
      const bool clock_given = options.clock_ns > 0;
      synth::PowerOptions power;
      power.clock_ns = clock_given ? options.clock_ns : synth::kDefaultPowerClockNs;

      util::StopSignals signals;
      options.budget = util::ToolBudget(0, &util::stop_flag());
      const auto rtl = write_rtl(*design, dir + "/rtl");
      const synth::AreaReport area = synth::run_area(rtl.files, top, dir + "/area", options);
      const synth::MappingLibrary lib =
          synth::prepare_mapping_library(options.liberty, options.dont_use);
      std::set<std::string> used;
      for (const auto& [cell, count] : area.cells) used.insert(cell);
      const fs::path pdir = fs::path(dir) / "power";
      fs::create_directories(pdir);
      const std::string models = (pdir / "cells.v").string();
      util::write_if_changed(models, synth::cell_models_verilog(lib.library, used));
      const std::string lib_copy = (pdir / "cells.lib").string();
      util::write_if_changed(lib_copy, lib.text);

      const auto wl = tb::workload_design(*design, *workload);
      tb::VerifyOptions vopt;
      vopt.work_dir = (pdir / *workload).string();
      vopt.build_dir = (pdir / "sim").string();
      vopt.seed = *seed;
      vopt.random_vectors = *vectors;
      vopt.bubble_prob = 0;  // back to back: energy at full throughput, no junk inputs
      vopt.stall_prob = 0;
      vopt.quiet = true;
      vopt.budget = options.budget;
      const tb::ToggleSimResult sim = tb::simulate_toggles(*wl, {area.netlist, models}, vopt);
      if (!sim.verify.pass) {
        std::cerr << sim.verify.report;
        throw std::runtime_error(fmt::format(
            "the mapped netlist of {} does not match the golden model on the {} workload ({} "
            "mismatches); no energy reported",
            top, *workload, sim.verify.mismatches));
      }
      const synth::GateNetlist netlist =
          synth::read_gate_netlist(area.netlist, lib_copy, top, (pdir / "connectivity").string());
      const synth::PowerReport r =
          synth::compute_power(lib.library, netlist, sim.toggles, sim.verify.cycles, power);
      const OpsPerVector ops = ops_per_vector(*design);
      const double total = r.energy.total_fj();
      if (*json) {
        nlohmann::ordered_json j;
        j["config"] = *config;
        j["unit"] = design->unit_name();
        j["top"] = top;
        j["params"] = design->params_json();
        j["workload"] = *workload;
        j["vectors"] = sim.verify.vectors;
        j["seed"] = *seed;
        j["library"] = lib.source;
        j["op"] = ops.name;
        j["ops_per_vector"] = ops.ops;
        j["energy_per_op_pj"] = total / (ops.ops * static_cast<double>(sim.verify.vectors)) * 1e-3;
        j["energy_per_vector_pj"] = total / static_cast<double>(sim.verify.vectors) * 1e-3;
        j["clock_ns_given"] = clock_given;
        j["input_transition_ns"] = power.input_transition_ns;
        j["wire_cap_per_fanout_ff"] = power.wire_cap_per_fanout_ff;
        j["output_port_load_ff"] = power.output_port_load_ff;
        j["area_um2"] = area.area_um2;
        j["power"] = synth::to_json(r);
        std::cout << j.dump(2) << "\n";
      } else {
        std::cout << table(*design, *workload, sim.verify.vectors, r, ops, clock_given, lib.source);
      }
      exit_code = 0;
    } catch (const std::exception& e) {
      exit_code = fail("power", e.what());
    }
  });
}

}  // namespace bf::cli
