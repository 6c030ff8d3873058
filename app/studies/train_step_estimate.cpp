#include "app/studies/train_step_estimate.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace bf::cli {

namespace fb = golden::flexblock;

namespace {

ScheduleEstimate estimate_schedule(const fb::NetworkMapping& map,
                                   const std::map<std::string, ModePairEnergy>& energy) {
  ScheduleEstimate s;
  s.name = map.schedule.name;
  s.spec = map.schedule.spec();
  const fb::Totals& all = map.of(fb::LayerSet::All);
  for (const fb::Pass pass : fb::kPasses) {
    const fb::GemmPrecision& prec = map.schedule.of(pass);
    const std::string name = fb::mode_pair_name(prec.a, prec.b);
    const auto it = energy.find(name);
    if (it == energy.end())
      throw std::invalid_argument(
          fmt::format("train-step: no energy measured for mode pair {} (schedule {}, pass {})",
                      name, s.name, fb::pass_name(pass)));
    PassEstimate p;
    p.pass = pass;
    p.modes = prec.text();
    p.cycles = all.of(pass).cycles;
    p.macs = all.of(pass).slots.useful;
    p.utilization = all.of(pass).weighted_utilization();
    p.pj_per_cycle = it->second.pj_per_cycle;
    p.energy_pj = static_cast<double>(p.cycles) * p.pj_per_cycle;
    s.cycles += p.cycles;
    s.energy_pj += p.energy_pj;
    s.passes.push_back(p);
  }
  return s;
}

int64_t step_macs(const fb::NetworkMapping& map) {
  int64_t macs = 0;
  for (const fb::Pass pass : fb::kPasses) macs += map.of(fb::LayerSet::All).of(pass).slots.useful;
  return macs;
}

}  // namespace

TrainStepEstimate estimate_train_step(const std::vector<fb::NetworkMapping>& maps,
                                      double array_area_um2,
                                      const std::map<std::string, ModePairEnergy>& energy,
                                      const Fp32Baseline& baseline) {
  if (maps.empty()) throw std::invalid_argument("train-step: no schedule to estimate");
  if (!(array_area_um2 > 0) || !(baseline.pe_area_um2 > 0) || !(baseline.pj_per_mac > 0) ||
      !(baseline.macs_per_cycle > 0))
    throw std::invalid_argument("train-step: areas, energies and throughputs must be positive");
  TrainStepEstimate e;
  e.array_area_um2 = array_area_um2;
  e.macs = step_macs(maps.front());
  for (const auto& m : maps) {
    if (step_macs(m) != e.macs)
      throw std::invalid_argument("train-step: the schedules map different networks or batches");
    e.schedules.push_back(estimate_schedule(m, energy));
  }
  e.baseline_pe = baseline;
  e.baseline.pes = static_cast<int64_t>(std::floor(array_area_um2 / baseline.pe_area_um2));
  if (e.baseline.pes < 1)
    throw std::invalid_argument(
        fmt::format("train-step: one {} PE ({:.0f} um^2) is larger than the array ({:.0f} um^2)",
                    baseline.top, baseline.pe_area_um2, array_area_um2));
  const double per_cycle = static_cast<double>(e.baseline.pes) * baseline.macs_per_cycle;
  e.baseline.cycles = static_cast<int64_t>(std::ceil(static_cast<double>(e.macs) / per_cycle));
  e.baseline.energy_pj = static_cast<double>(e.macs) * baseline.pj_per_mac;
  return e;
}

namespace {

std::string verdict(double ratio, double low, double high) {
  if (ratio < low) return fmt::format("below the published {:.1f}-{:.1f}x", low, high);
  if (ratio > high) return fmt::format("above the published {:.1f}-{:.1f}x", low, high);
  return fmt::format("within the published {:.1f}-{:.1f}x", low, high);
}

}  // namespace

std::string train_step_text(const TrainStepEstimate& e, const TrainStepContext& c) {
  std::string s = fmt::format(
      "Training step of {} (batch {}, {:.4g} MACs: forward, data and weight gradients) on {} "
      "({} x {} PEs, {:.0f} um^2)\n",
      c.network, c.batch, static_cast<double>(e.macs), c.array_name, c.rows, c.cols,
      e.array_area_um2);
  s += fmt::format(
      "against {} fp32 MAC PE{} of the same area ({}: {:.0f} um^2, {:.4g} pJ/MAC, {:g} MAC/cycle "
      "each), at 100% utilization\n\n",
      e.baseline.pes, e.baseline.pes == 1 ? "" : "s", e.baseline_pe.top, e.baseline_pe.pe_area_um2,
      e.baseline_pe.pj_per_mac, e.baseline_pe.macs_per_cycle);
  s += fmt::format("{:<10} {:<6} {:>6} {:>14} {:>7} {:>11} {:>12}\n", "schedule", "pass", "modes",
                   "cycles", "util %", "pJ/cycle", "energy uJ");
  for (const auto& sc : e.schedules) {
    bool first = true;
    for (const auto& p : sc.passes) {
      s += fmt::format("{:<10} {:<6} {:>6} {:>14} {:>7.1f} {:>11.1f} {:>12.2f}\n",
                       first ? sc.name : "", fb::pass_name(p.pass), p.modes, p.cycles,
                       100.0 * p.utilization, p.pj_per_cycle, p.energy_pj * 1e-6);
      first = false;
    }
    s += fmt::format("{:<10} {:<6} {:>6} {:>14} {:>7} {:>11} {:>12.2f}\n", "", "step", "",
                     sc.cycles, "", "", sc.energy_pj * 1e-6);
  }
  s += fmt::format(
      "{:<10} {:<6} {:>6} {:>14} {:>7.1f} {:>11.1f} {:>12.2f}\n\n", "fp32 array", "step", "fp32",
      e.baseline.cycles, 100.0,
      e.baseline_pe.pj_per_mac * static_cast<double>(e.baseline.pes) * e.baseline_pe.macs_per_cycle,
      e.baseline.energy_pj * 1e-6);
  s += "FlexBlock against the fp32 array of the same area (> 1: FlexBlock is better):\n";
  for (const auto& sc : e.schedules) {
    const double speedup = static_cast<double>(e.baseline.cycles) / static_cast<double>(sc.cycles);
    const double saving = e.baseline.energy_pj / sc.energy_pj;
    s += fmt::format("  {:<10} {:6.2f}x fewer cycles ({}), {:6.2f}x less energy ({})\n", sc.name,
                     speedup, verdict(speedup, kClaimSpeedupLow, kClaimSpeedupHigh), saving,
                     verdict(saving, kClaimEnergyLow, kClaimEnergyHigh));
  }
  s += fmt::format(
      "\nCore arithmetic only (no buffers, DRAM or BFP converter), one clock for both; the "
      "published ranges compare whole accelerators with other training accelerators, not an "
      "fp32 array. Energy per cycle per mode pair: gate-level simulation of {} on that pair's "
      "GEMM workload{}, {} vectors, bit-exact against the golden model; library {}. Every "
      "FlexBlock cycle is charged as busy; the fp32 array never idles.\n",
      c.energy_array,
      c.energy_scale == 1.0
          ? std::string()
          : fmt::format(", scaled x{:g} by the PE count (edge units over-counted)", c.energy_scale),
      c.vectors, c.library);
  return s;
}

nlohmann::ordered_json train_step_json(const TrainStepEstimate& e, const TrainStepContext& c) {
  nlohmann::ordered_json j;
  j["network"] = c.network;
  j["batch"] = c.batch;
  j["macs"] = e.macs;
  j["array"] = {
      {"name", c.array_name}, {"rows", c.rows}, {"cols", c.cols}, {"area_um2", e.array_area_um2}};
  j["library"] = c.library;
  j["vectors"] = c.vectors;
  j["energy_array"] = c.energy_array;
  j["energy_scale"] = c.energy_scale;
  nlohmann::ordered_json scheds = nlohmann::ordered_json::array();
  for (const auto& sc : e.schedules) {
    nlohmann::ordered_json js;
    js["schedule"] = sc.name;
    js["spec"] = sc.spec;
    nlohmann::ordered_json passes = nlohmann::ordered_json::object();
    for (const auto& p : sc.passes)
      passes[std::string(fb::pass_name(p.pass))] = {{"modes", p.modes},
                                                    {"cycles", p.cycles},
                                                    {"macs", p.macs},
                                                    {"utilization", p.utilization},
                                                    {"pj_per_cycle", p.pj_per_cycle},
                                                    {"energy_pj", p.energy_pj}};
    js["passes"] = passes;
    js["cycles"] = sc.cycles;
    js["energy_pj"] = sc.energy_pj;
    js["speedup_vs_fp32"] = static_cast<double>(e.baseline.cycles) / static_cast<double>(sc.cycles);
    js["energy_saving_vs_fp32"] = e.baseline.energy_pj / sc.energy_pj;
    scheds.push_back(js);
  }
  j["schedules"] = scheds;
  j["fp32_baseline"] = {{"pe", e.baseline_pe.top},
                        {"pe_area_um2", e.baseline_pe.pe_area_um2},
                        {"pj_per_mac", e.baseline_pe.pj_per_mac},
                        {"macs_per_cycle_per_pe", e.baseline_pe.macs_per_cycle},
                        {"pes", e.baseline.pes},
                        {"cycles", e.baseline.cycles},
                        {"energy_pj", e.baseline.energy_pj}};
  j["claim"] = {{"speedup", {kClaimSpeedupLow, kClaimSpeedupHigh}},
                {"energy_saving", {kClaimEnergyLow, kClaimEnergyHigh}}};
  return j;
}

}  // namespace bf::cli
