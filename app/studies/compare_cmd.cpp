// `blockforge compare DESIGN... [--clock-ns T] [--workload W] [-n N]`: a
// design against its baselines at one clock, in the figures a tapeout study
// weighs: area, fmax, energy per operation on a realistic workload, and
// throughput per area. DESIGN is a config, or CONFIG@WORKLOAD to give one
// design its own workload (opal_pe.toml@llm-3bit). The first design is the
// one under study, the others its baselines (--also adds designs shown but
// not counted as baselines, such as an ablation); every ratio is baseline / design for area and
// energy and design / baseline for throughput per area, so > 1 means the design wins.
//
// One clock: with --clock-ns T every design is mapped delay-targeted to T
// and a design that misses T is marked; without it the mapping is
// area-oriented and the clock is the slowest design's critical path, so
// every design meets it. Energy (leakage share) is at that clock; fmax and
// throughput per area are each design's own.
//
// Each design's figures come from the same cached mapping: timing (OpenSTA,
// synth/timing.hpp) and energy from gate-level activity checked bit-exact
// against the golden model (tb/energy_flow.hpp).
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <limits>

#include "app/cli/cli.hpp"
#include "app/cli/library_options.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "synth/timing.hpp"
#include "tb/energy_flow.hpp"
#include "tb/toggle_sim.hpp"
#include "util/stop_signals.hpp"

namespace bf::cli {

namespace {

struct CompareEntry {
  std::string config;      // as given, without @workload
  std::string workload;    // the design's workload
  bool reference = false;  // --also: shown, not a baseline (e.g. an ablation)
  std::unique_ptr<Design> design;
  std::vector<std::string> rtl;  // the generated files, written once
  synth::TimingReport timing;
  tb::EnergyResult energy;

  std::string label() const { return design->top_name() + "@" + workload; }
  double area() const { return timing.area.area_um2; }
  // Operations per second per mm^2 at the design's own fmax, in G: one
  // transaction per cycle at full throughput.
  double gops_per_mm2() const {
    return energy.ops.count * timing.fmax_mhz * 1e-3 / (area() * 1e-6);
  }
};

// "configs/x.toml@llm" -> {"configs/x.toml", "llm"}; no '@': the default.
std::pair<std::string, std::string> split_design(const std::string& arg,
                                                 const std::string& default_workload) {
  const auto at = arg.rfind('@');
  if (at == std::string::npos) return {arg, default_workload};
  if (at + 1 == arg.size() || at == 0)
    throw std::invalid_argument(fmt::format(
        "'{}': write CONFIG or CONFIG@WORKLOAD (e.g. configs/opal_pe.toml@llm-3bit)", arg));
  return {arg.substr(0, at), arg.substr(at + 1)};
}

struct Strongest {
  std::size_t area = 0, energy = 0, density = 0;  // indices into entries (0: none)
};

Strongest strongest_baselines(const std::vector<CompareEntry>& e) {
  Strongest s;
  for (std::size_t i = 1; i < e.size(); ++i) {
    if (e[i].reference) continue;
    if (s.area == 0 || e[i].area() < e[s.area].area()) s.area = i;
    if (s.energy == 0 || e[i].energy.energy_per_op_pj() < e[s.energy].energy.energy_per_op_pj())
      s.energy = i;
    if (s.density == 0 || e[i].gops_per_mm2() > e[s.density].gops_per_mm2()) s.density = i;
  }
  return s;
}

std::size_t baseline_count(const std::vector<CompareEntry>& e) {
  std::size_t n = 0;
  for (std::size_t i = 1; i < e.size(); ++i) n += e[i].reference ? 0 : 1;
  return n;
}

std::string table(const std::vector<CompareEntry>& e, double clock_ns, bool clock_given,
                  const std::string& clock_source) {
  const CompareEntry& d = e.front();
  const std::size_t baselines = baseline_count(e);
  const std::string op = d.energy.ops.name;
  std::string s = fmt::format("{} against {} baseline{} at one clock, {:.3f} ns ({:.1f} MHz; {})\n",
                              d.design->top_name(), baselines, baselines == 1 ? "" : "s", clock_ns,
                              1e3 / clock_ns, clock_source);
  s += fmt::format(
      "ratios: baseline / {} for area and energy, {} / baseline for throughput per "
      "area (> 1: {} is better)\n\n",
      d.design->top_name(), d.design->top_name(), d.design->top_name());
  s += fmt::format("{:<44} {:>11} {:>6} {:>8} {:>8} {:>10} {:>6} {:>10} {:>6}\n", "design@workload",
                   "area um^2", "x", "fmax MHz", "slack ns", "pJ/" + op, "x", "GOPS/mm^2", "x");
  for (const auto& x : e) {
    const bool ref = &x == &d;
    const auto ratio = [&](double v) { return ref ? std::string("-") : fmt::format("{:.2f}", v); };
    s += fmt::format(
        "{:<44} {:>11.1f} {:>6} {:>8.1f} {:>8.3f} {:>10.4f} {:>6} {:>10.1f} {:>6}{}{}\n", x.label(),
        x.area(), ratio(x.area() / d.area()), x.timing.fmax_mhz,
        clock_ns - x.timing.critical_path_ns, x.energy.energy_per_op_pj(),
        ratio(x.energy.energy_per_op_pj() / d.energy.energy_per_op_pj()), x.gops_per_mm2(),
        ratio(d.gops_per_mm2() / x.gops_per_mm2()),
        x.timing.critical_path_ns > clock_ns + 1e-9 ? "  MISSES the clock" : "",
        x.reference ? "  (--also: not a baseline)" : "");
  }
  if (baselines > 0) {
    const Strongest st = strongest_baselines(e);
    s += fmt::format(
        "\nstrongest baseline: by area {} ({:.2f}x), by energy per {} {} ({:.2f}x), by "
        "throughput per area {} ({:.2f}x)\n",
        e[st.area].label(), e[st.area].area() / d.area(), op, e[st.energy].label(),
        e[st.energy].energy.energy_per_op_pj() / d.energy.energy_per_op_pj(), e[st.density].label(),
        d.gops_per_mm2() / e[st.density].gops_per_mm2());
  }
  s += fmt::format(
      "\nlibrary {}; {} mapping; energy from {} vectors per design (gate-level, bit-exact "
      "against the golden model, zero-delay: glitches not counted); GOPS/mm^2 = {} per cycle x "
      "own fmax / area\n",
      d.energy.library, clock_given ? "delay-targeted" : "area-oriented", d.energy.vectors, op);
  return s;
}

nlohmann::ordered_json to_json(const std::vector<CompareEntry>& e, double clock_ns,
                               bool clock_given, const std::string& clock_source) {
  nlohmann::ordered_json j;
  j["clock_ns"] = clock_ns;
  j["clock_given"] = clock_given;
  j["clock_source"] = clock_source;
  j["op"] = e.front().energy.ops.name;
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  const CompareEntry& d = e.front();
  for (const auto& x : e) {
    nlohmann::ordered_json r;
    r["config"] = x.config;
    r["unit"] = x.design->unit_name();
    r["top"] = x.design->top_name();
    r["workload"] = x.workload;
    r["baseline"] = &x != &d && !x.reference;
    r["area_um2"] = x.area();
    r["critical_path_ns"] = x.timing.critical_path_ns;
    r["fmax_mhz"] = x.timing.fmax_mhz;
    r["slack_ns"] = clock_ns - x.timing.critical_path_ns;
    r["meets_clock"] = x.timing.critical_path_ns <= clock_ns + 1e-9;
    r["ops_per_cycle"] = x.energy.ops.count;
    r["energy_per_op_pj"] = x.energy.energy_per_op_pj();
    r["energy"] = synth::to_json(x.energy.power)["energy"];
    r["vectors"] = x.energy.vectors;
    r["gops_per_mm2"] = x.gops_per_mm2();
    r["area_ratio"] = x.area() / d.area();
    r["energy_ratio"] = x.energy.energy_per_op_pj() / d.energy.energy_per_op_pj();
    r["gops_per_mm2_ratio"] = d.gops_per_mm2() / x.gops_per_mm2();
    arr.push_back(r);
  }
  j["designs"] = arr;
  if (baseline_count(e) > 0) {
    const Strongest st = strongest_baselines(e);
    j["strongest_baseline"] = {{"area", e[st.area].label()},
                               {"energy", e[st.energy].label()},
                               {"gops_per_mm2", e[st.density].label()}};
  }
  return j;
}

}  // namespace

void add_compare_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "compare",
      "A design against its baselines at one clock: area, fmax, energy per operation on a "
      "workload (gate-level, bit-exact) and throughput per area, with ratios and the strongest "
      "baseline named");
  auto designs = std::make_shared<std::vector<std::string>>();
  auto also = std::make_shared<std::vector<std::string>>();
  auto workload = std::make_shared<std::string>("random");
  auto vectors = std::make_shared<std::size_t>(tb::kDefaultEnergyVectors);
  auto seed = std::make_shared<uint64_t>(1);
  auto work = std::make_shared<std::string>(".blockforge/compare");
  auto json = std::make_shared<bool>(false);
  auto jobs = std::make_shared<int>(2);
  cmd->add_option("design", *designs,
                  "CONFIG or CONFIG@WORKLOAD; the first is the design under study, the rest its "
                  "baselines")
      ->required();
  cmd->add_option("--also", *also,
                  "more designs (CONFIG or CONFIG@WORKLOAD) shown with their ratios but not "
                  "counted as baselines, e.g. an ablation of the design under study");
  cmd->add_option("--workload", *workload,
                  "workload of every design without its own @WORKLOAD (default random; llm for "
                  "the dot-product units, attention for the softmax units; see power --help)");
  cmd->add_option(
      "-n,--vectors", *vectors,
      fmt::format("vectors simulated per design (default {})", tb::kDefaultEnergyVectors));
  cmd->add_option("--seed", *seed, "seed of the workloads (default 1)");
  cmd->add_option("--work", *work,
                  "work directory, one folder per design (default "
                  ".blockforge/compare)");
  cmd->add_flag("--json", *json, "print JSON");
  cmd->add_option("-j,--jobs", *jobs, "Yosys processes at once (default 2)")
      ->check(CLI::Range(1, 64));
  const LibraryOptions library = add_library_options(
      cmd,
      "the common clock period in ns: every design is mapped delay-targeted to it and "
      "marked when it misses it (default: area-oriented mapping, clocked at the slowest "
      "design's critical path)");
  cmd->callback([=, &exit_code] {
    try {
      if (*vectors == 0) throw std::invalid_argument("--vectors 0: at least one vector is needed");
      std::vector<CompareEntry> entries;
      std::vector<std::pair<std::string, bool>> args;
      for (const auto& a : *designs) args.emplace_back(a, false);
      for (const auto& a : *also) args.emplace_back(a, true);
      for (const auto& [arg, reference] : args) {
        auto [config, wl] = split_design(arg, *workload);
        CompareEntry e;
        e.config = config;
        e.workload = wl;
        e.reference = reference;
        e.design = load_design(config);
        // An unknown workload fails here, before any synthesis.
        tb::workload_design(*e.design, wl);
        entries.push_back(std::move(e));
      }
      const std::string op = entries.front().design->operations().name;
      for (const auto& e : entries)
        if (e.design->operations().name != op)
          throw std::invalid_argument(fmt::format(
              "{} counts its energy per {} and {} per {}: compare designs of one operation",
              entries.front().design->top_name(), op, e.design->top_name(),
              e.design->operations().name));

      synth::TimingOptions timing;
      timing.area.jobs = *jobs;
      library.apply(timing.area);
      timing.clock_ns = timing.area.clock_ns;
      const bool clock_given = timing.clock_ns > 0;
      synth::find_sta();  // before any synthesis
      util::StopSignals signals;
      timing.area.budget = util::ToolBudget(0, &util::stop_flag());

      for (auto& e : entries) {
        const std::string dir = *work + "/" + e.design->top_name();
        e.rtl = write_rtl(*e.design, dir + "/rtl").files;
        try {
          e.timing = synth::run_timing(e.rtl, e.design->top_name(), dir, timing);
        } catch (const std::exception& ex) {
          throw std::runtime_error(fmt::format("timing of {} ({}) failed: {}", e.design->top_name(),
                                               e.config, ex.what()));
        }
      }
      double clock_ns = timing.clock_ns;
      std::string clock_source = "--clock-ns";
      if (!clock_given) {
        const CompareEntry* slowest = &entries.front();
        for (const auto& e : entries)
          if (e.timing.critical_path_ns > slowest->timing.critical_path_ns) slowest = &e;
        // Rounded up to 10 ps, so the slowest design meets it.
        clock_ns = std::ceil(slowest->timing.critical_path_ns * 100.0 - 1e-9) / 100.0;
        clock_source = "the critical path of the slowest design, " + slowest->design->top_name();
      }
      for (auto& e : entries) {
        tb::EnergyOptions energy;
        energy.synthesis = timing.area;
        energy.power.clock_ns = clock_ns;
        energy.workload = e.workload;
        energy.vectors = *vectors;
        energy.seed = *seed;
        const std::string dir = *work + "/" + e.design->top_name();
        try {
          e.energy = tb::measure_energy(*e.design, e.rtl, dir, energy);
        } catch (const std::exception& ex) {
          throw std::runtime_error(fmt::format("energy of {} ({}) failed: {}", e.design->top_name(),
                                               e.config, ex.what()));
        }
      }
      if (*json)
        std::cout << to_json(entries, clock_ns, clock_given, clock_source).dump(2) << "\n";
      else
        std::cout << table(entries, clock_ns, clock_given, clock_source);
      exit_code = 0;
    } catch (const std::exception& e) {
      exit_code = fail("compare", e.what());
    }
  });
}

}  // namespace bf::cli
