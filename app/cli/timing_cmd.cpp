// `blockforge timing CONFIG... [--clock-ns T] [--liberty F] [--dont-use ...] [--flat] [--json]
//  [--work DIR] [-j N]`: static timing with OpenSTA on the design's mapped netlist (the area
// flow's, hierarchical and cached by default). Reports the critical path, fmax, worst slack,
// TNS and failing endpoints at the target clock, the area of that mapping and the critical
// path pin by pin. One config prints the full report; several print one comparison table.
#include <fmt/format.h>

#include <iostream>

#include "app/cli/cli.hpp"
#include "app/cli/library_options.hpp"
#include "app/cli/work_dir.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "synth/timing.hpp"
#include "util/stop_signals.hpp"

namespace bf::cli {

namespace {

constexpr int kInterruptedExit = 130;  // 128 + SIGINT

struct TimingEntry {
  std::string config;
  std::unique_ptr<Design> design;
  synth::TimingReport report;
};

nlohmann::ordered_json entry_json(const TimingEntry& e) {
  auto j = synth::to_json(e.report);
  j["config"] = e.config;
  j["unit"] = e.design->unit_name();
  j["latency"] = e.design->latency();
  return j;
}

std::string comparison_table(const std::vector<TimingEntry>& entries) {
  std::string out =
      fmt::format("{:<26} {:>10} {:>10} {:>10} {:>10} {:>8} {:>12} {:>8}\n", "design", "path ns",
                  "fmax MHz", "slack ns", "TNS ns", "failing", "area um^2", "kind");
  for (const auto& e : entries) {
    const auto& r = e.report;
    out += fmt::format("{:<26} {:>10.3f} {:>10.1f} {:>10.3f} {:>10.3f} {:>8} {:>12.1f} {:>8}\n",
                       r.top, r.critical_path_ns, r.fmax_mhz, r.worst_slack_ns, r.tns_ns,
                       r.failing_endpoints, r.area.area_um2, r.path_kind);
  }
  const auto& r = entries.front().report;
  out += fmt::format("library {} ({}); {}; ports registered by the neighbour, ideal clock\n",
                     r.liberty_name, r.liberty,
                     r.target_clock
                         ? fmt::format("clock {:.3f} ns, delay-targeted mapping", r.period_ns)
                         : fmt::format("area-oriented mapping, timed at a nominal "
                                       "{:.0f} ns",
                                       r.period_ns));
  return out;
}

}  // namespace

void add_timing_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "timing",
      "Static timing with OpenSTA on the mapped netlist: critical path, fmax, slack at a clock");
  auto configs = std::make_shared<std::vector<std::string>>();
  auto work = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto jobs = std::make_shared<int>(2);
  auto flat = std::make_shared<bool>(false);
  cmd->add_option("config", *configs, "design file(s) (TOML)")->required();
  cmd->add_flag("--json", *json, "print JSON (an object, or an array for several designs)");
  cmd->add_option("--work", *work,
                  "work directory (default .blockforge/<top>; with several designs, "
                  "<work>/<top>); area/ holds the synthesis, timing/ the OpenSTA script, log "
                  "and path report");
  cmd->add_option("-j,--jobs", *jobs, "Yosys processes at once (default 2)")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--flat", *flat,
                "synthesize the design flattened in one Yosys run (no cache; slow on large "
                "designs)");
  const LibraryOptions library = add_library_options(
      cmd, fmt::format("target clock period in ns: the mapping is delay-targeted to it (ABC -D) "
                       "and slack, TNS and failing endpoints are against it (default: "
                       "area-oriented mapping, timed at a nominal {:.0f} ns)",
                       synth::kNominalClockNs));
  cmd->callback([=, &exit_code] {
    try {
      synth::TimingOptions options;
      options.area.mode = *flat ? synth::AreaMode::Flat : synth::AreaMode::Hierarchical;
      options.area.jobs = *jobs;
      options.area.budget = util::ToolBudget(0, &util::stop_flag());
      library.apply(options.area);
      options.clock_ns = options.area.clock_ns;
      synth::find_sta();  // before any synthesis

      std::vector<TimingEntry> entries;
      const bool single = configs->size() == 1;
      {
        util::StopSignals signals;
        for (const auto& c : *configs) {
          TimingEntry e{c, load_design(c), {}};
          const std::string top = e.design->top_name();
          const std::string dir = work->empty() ? default_work_dir(top)
                                  : single      ? *work
                                                : *work + "/" + top;
          try {
            const auto rtl = write_rtl(*e.design, dir + "/rtl");
            e.report = synth::run_timing(rtl.files, top, dir, options);
          } catch (const util::ToolCancelled&) {
            break;
          } catch (const std::exception& ex) {
            throw std::runtime_error(
                fmt::format("timing of '{}' ({}) failed: {}", top, c, ex.what()));
          }
          entries.push_back(std::move(e));
        }
      }
      if (util::stop_requested()) {
        std::cerr << "blockforge timing: interrupted; finished modules are cached, rerun to "
                     "continue\n";
        exit_code = kInterruptedExit;
        return;
      }
      for (const auto& e : entries)
        for (const auto& note : e.report.area.notes)
          std::cerr << fmt::format("blockforge timing: note: {}\n", note);
      if (*json) {
        if (single) {
          std::cout << entry_json(entries[0]).dump(2) << "\n";
        } else {
          nlohmann::ordered_json arr = nlohmann::ordered_json::array();
          for (const auto& e : entries) arr.push_back(entry_json(e));
          std::cout << arr.dump(2) << "\n";
        }
      } else if (single) {
        std::cout << synth::to_table(entries[0].report);
      } else {
        std::cout << comparison_table(entries);
      }
      exit_code = 0;
    } catch (const std::exception& e) {
      exit_code = fail("timing", e.what());
    }
  });
}

}  // namespace bf::cli
