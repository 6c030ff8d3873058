// `blockforge train-step ARRAY --baseline PE --network NAME|FILE
//                         [--batch B] [--schedule S]... [-n N] [--json]`:
// FlexBlock's training-step estimate. The step's cycles per mode schedule
// come from the mapping model (`blockforge map`), its energy from the
// array's measured energy per cycle in each mode pair the schedules use
// (gate-level simulation of the array streaming that pair's GEMM workload,
// bit-exact against the golden model); the comparison is an fp32 MAC array
// of the same area, from the PE's measured area and energy per MAC. The
// arithmetic and its assumptions: app/studies/train_step_estimate.hpp.
//
// Measurements go through the same cached flows as `blockforge power`: the
// first run on the 8 x 8 array synthesizes it and builds its toggle-counting
// simulation (about half an hour), later runs reuse both.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <set>

#include "app/cli/cli.hpp"
#include "app/cli/library_options.hpp"
#include "app/cli/work_dir.hpp"
#include "app/studies/flexblock_inputs.hpp"
#include "app/studies/train_step_estimate.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "synth/area.hpp"
#include "synth/power_model.hpp"
#include "tb/energy_flow.hpp"
#include "tb/toggle_sim.hpp"
#include "util/stop_signals.hpp"

namespace bf::cli {

namespace {

namespace fb = golden::flexblock;

struct TrainStepOptions {
  std::string config;
  std::string baseline;
  std::string baseline_workload = "gemm";
  std::string energy_from;  // a smaller flexblock.array to measure instead
  std::string network;
  int64_t batch = 128;
  std::vector<std::string> schedules;
  std::size_t vectors = tb::kDefaultEnergyVectors;
  uint64_t seed = 1;
  std::string work;  // empty: each design in its own .blockforge/<top>, shared with `power`
  bool json = false;
};

double pj_per_cycle(const tb::EnergyResult& e) {
  return e.power.energy.total_fj() * 1e-3 / static_cast<double>(e.power.cycles);
}

tb::EnergyResult measure(const Design& design, const std::string& config,
                         const std::string& workload, const std::string& work,
                         const tb::EnergyOptions& base) {
  tb::EnergyOptions options = base;
  options.workload = workload;
  const std::string dir =
      work.empty() ? default_work_dir(design.top_name()) : work + "/" + design.top_name();
  try {
    const auto rtl = write_rtl(design, dir + "/rtl");
    return tb::measure_energy(design, rtl.files, dir, options);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("energy of {} ({}) on workload {} failed: {}",
                                         design.top_name(), config, workload, e.what()));
  }
}

int run_train_step(const TrainStepOptions& o, const LibraryOptions& library) {
  if (o.vectors == 0) throw std::invalid_argument("--vectors 0: at least one vector is needed");
  // Everything that can be wrong with the arguments fails before any synthesis.
  const MappedNetwork m =
      map_request({o.config, o.network, o.batch, o.schedules, {"all16", "all8", "all4", "mixed"}});
  const golden::FlexblockArrayParams& params = m.array;
  const std::vector<fb::NetworkMapping>& maps = m.maps;
  TrainStepContext ctx;
  ctx.array_name = m.array_name;
  ctx.network = m.network;
  ctx.rows = params.rows;
  ctx.cols = params.cols;
  ctx.batch = o.batch;
  // The array whose energy is simulated: the mapped one, or a smaller one of
  // the same PE, scaled by the PE count.
  const std::string energy_config = o.energy_from.empty() ? o.config : o.energy_from;
  std::string energy_name;
  const golden::FlexblockArrayParams measured_params =
      read_flexblock_array(energy_config, energy_name);
  if (measured_params.max_segment != params.max_segment)
    throw std::invalid_argument(fmt::format(
        "--energy-from {}: max_segment {} differs from {}'s {}: the measured array must have the "
        "same PE (only rows and cols may differ)",
        energy_config, measured_params.max_segment, o.config, params.max_segment));
  const double pe_scale = static_cast<double>(params.rows * params.cols) /
                          static_cast<double>(measured_params.rows * measured_params.cols);
  ctx.energy_array =
      fmt::format("{} ({} x {})", energy_name, measured_params.rows, measured_params.cols);
  ctx.energy_scale = pe_scale;
  const auto array = load_design(energy_config);
  const auto baseline = load_design(o.baseline);
  if (baseline->operations().name != "MAC")
    throw std::invalid_argument(
        fmt::format("--baseline {}: {} counts {}s, not MACs; give an fp32 MAC PE such as "
                    "configs/baseline_fp32_mac.toml",
                    o.baseline, baseline->unit_name(), baseline->operations().name));
  try {
    tb::workload_design(*baseline, o.baseline_workload);  // an unknown workload fails here
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("--baseline-workload: {}", e.what()));
  }
  std::set<std::string> pairs;
  for (const auto& map : maps)
    for (const fb::Pass p : fb::kPasses)
      pairs.insert(fb::mode_pair_name(map.schedule.of(p).a, map.schedule.of(p).b));

  tb::EnergyOptions energy;
  library.apply(energy.synthesis);
  energy.power.clock_ns =
      energy.synthesis.clock_ns > 0 ? energy.synthesis.clock_ns : synth::kDefaultPowerClockNs;
  energy.vectors = o.vectors;
  energy.seed = o.seed;
  util::StopSignals signals;
  energy.synthesis.budget = util::ToolBudget(0, &util::stop_flag());

  std::map<std::string, ModePairEnergy> measured;
  for (const auto& pair : pairs) {
    const tb::EnergyResult e = measure(*array, energy_config, pair, o.work, energy);
    measured[pair] = {pj_per_cycle(e) * pe_scale};
    ctx.library = e.library;
  }
  // The mapped array's area: its own synthesis (cached), where `blockforge
  // area` keeps it, not a scaled one.
  synth::AreaReport area;
  {
    const auto mapped = load_design(o.config);
    const std::string top = mapped->top_name();
    const std::string dir = o.work.empty() ? default_work_dir(top) : o.work + "/" + top;
    const auto rtl = write_rtl(*mapped, dir + "/rtl");
    area = synth::run_area(rtl.files, top, dir + "/area", energy.synthesis);
  }
  const double array_area = area.area_um2;
  const tb::EnergyResult b = measure(*baseline, o.baseline, o.baseline_workload, o.work, energy);
  Fp32Baseline pe;
  pe.top = baseline->top_name();
  pe.pe_area_um2 = b.area.area_um2;
  pe.pj_per_mac = b.energy_per_op_pj();
  // The PE takes one transaction per cycle (full throughput): its MACs per
  // cycle are the transaction's, not the simulated average, which also
  // counts the pipeline's fill and would slow the baseline down.
  pe.macs_per_cycle = b.ops.count;
  ctx.vectors = o.vectors;

  const TrainStepEstimate est = estimate_train_step(maps, array_area, measured, pe);
  if (o.json)
    std::cout << train_step_json(est, ctx).dump(2) << "\n";
  else
    std::cout << train_step_text(est, ctx);
  return 0;
}

}  // namespace

void add_train_step_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "train-step",
      "FlexBlock training-step estimate: cycles and energy of a network's training step on a "
      "flexblock.array per mode schedule (mapping model plus the array's measured energy per "
      "cycle in each mode pair), against an fp32 MAC array of the same area");
  auto o = std::make_shared<TrainStepOptions>();
  cmd->add_option("config", o->config, "design file of the array (unit = \"flexblock.array\")")
      ->required();
  cmd->add_option("--baseline", o->baseline,
                  "design file of the fp32 MAC PE the same-area baseline array is tiled from "
                  "(e.g. configs/baseline_fp32_mac.toml)")
      ->required();
  cmd->add_option("--baseline-workload", o->baseline_workload,
                  "the baseline PE's workload for its energy per MAC (default gemm: Gaussian "
                  "fp32 dot products)");
  cmd->add_option("--energy-from", o->energy_from,
                  "measure the energy per cycle on this flexblock.array (the same PE, fewer rows "
                  "or cols, e.g. reports/flexblock/flexblock_array_4x4.toml) and scale it by the "
                  "PE count: the 8 x 8 array's gate-level simulation takes hours to build; the "
                  "scaled figure over-counts the edge units (one per row)");
  cmd->add_option("--network", o->network,
                  "resnet18-cifar, mobilenetv2 (shipped, configs/networks/) or the path of a layer "
                  "table (CSV: name,type,cin,cout,k,stride,pad,h,w)")
      ->required();
  cmd->add_option("--batch", o->batch, "images per training step (default 128)");
  cmd->add_option("--schedule", o->schedules,
                  "modes per pass, repeatable, as in `blockforge map` (default: all16, all8, "
                  "all4, mixed); each mode pair used is measured once");
  cmd->add_option("-n,--vectors", o->vectors,
                  fmt::format("vectors (cycles of the array, transactions of the PE) simulated per "
                              "measurement (default {})",
                              tb::kDefaultEnergyVectors));
  cmd->add_option("--seed", o->seed, "seed of the workloads (default 1)");
  cmd->add_option("--work", o->work,
                  "work directory, one folder per design (default: .blockforge/<top> of each, "
                  "as `blockforge power` uses, so their builds are shared)");
  cmd->add_flag("--json", o->json, "print JSON");
  const LibraryOptions library = add_library_options(
      cmd, fmt::format("clock period in ns: maps delay-targeted (ABC -D) and sets the time "
                       "leakage is computed over (default {} ns, area-oriented mapping)",
                       synth::kDefaultPowerClockNs));
  cmd->callback([o, library, &exit_code] {
    try {
      exit_code = run_train_step(*o, library);
    } catch (const std::exception& e) {
      exit_code = fail("train-step", e.what());
    }
  });
}

}  // namespace bf::cli
