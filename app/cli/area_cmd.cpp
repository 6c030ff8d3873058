// `blockforge area CONFIG... [--relative-to CONFIG] [--jobs N] [--json]`:
// Yosys area of the generated designs. One config prints the full report;
// several print one comparison table (area, NAND2-eq, flops, depth, latency,
// and each design's area ratio to the reference), running Yosys on up to
// --jobs designs at once.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/cli/cli.hpp"
#include "generator/design/rtl_writer.hpp"
#include "app/cli/work_dir.hpp"
#include "generator/design/registry.hpp"
#include "synth/area.hpp"

namespace bf::cli {

namespace {

struct Entry {
  std::string config;
  std::unique_ptr<Design> design;
  std::string dir;  // work directory
  synth::AreaReport report;
  std::string error;
};

// Runs Yosys for every entry, `jobs` at a time. Errors stay with their entry.
void synthesize(std::vector<Entry>& entries, int jobs) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < entries.size(); i = next++) {
      Entry& e = entries[i];
      try {
        const auto rtl = write_rtl(*e.design, e.dir + "/rtl");
        e.report = synth::run_area(rtl.files, e.design->top_name(), e.dir + "/area");
      } catch (const std::exception& ex) {
        e.error = ex.what();
      }
    }
  };
  std::vector<std::thread> pool;
  const int n = std::max(1, std::min<int>(jobs, static_cast<int>(entries.size())));
  for (int t = 0; t < n; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

nlohmann::ordered_json entry_json(const Entry& e) {
  auto j = synth::to_json(e.report);
  j["config"] = e.config;
  j["unit"] = e.design->unit_name();
  j["params"] = e.design->params_json();
  j["latency"] = e.design->latency();
  j["metrics"] = e.design->metrics();
  return j;
}

std::string comparison_table(const std::vector<Entry>& entries, const Entry& ref) {
  std::string out =
      fmt::format("{:<26} {:<20} {:>12} {:>10} {:>6} {:>6} {:>8} {:>8}\n", "design", "unit",
                  "area um^2", "NAND2-eq", "flops", "depth", "latency", "ratio");
  for (const auto& e : entries) {
    out += fmt::format("{:<26} {:<20} {:>12.1f} {:>10.0f} {:>6} {:>6} {:>8} {:>8.2f}\n",
                       e.design->top_name(), e.design->unit_name(), e.report.area_um2,
                       e.report.nand2_eq, e.report.flops, e.report.logic_depth, e.design->latency(),
                       ref.report.area_um2 / e.report.area_um2);
  }
  out += fmt::format("ratio = area of {} / area of the design (2.00: half the area)\n",
                     ref.design->top_name());
  return out;
}

}  // namespace

void add_area_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "area", "Synthesize with Yosys and report area and logic depth (several designs: compare)");
  auto configs = std::make_shared<std::vector<std::string>>();
  auto work = std::make_shared<std::string>();
  auto reference = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto jobs = std::make_shared<int>(2);
  cmd->add_option("config", *configs, "design file(s) (TOML)")->required();
  cmd->add_flag("--json", *json, "print JSON (an object, or an array for several designs)");
  cmd->add_option("--work", *work,
                  "work directory (default .blockforge/<top>; with several designs, "
                  "<work>/<top>)");
  cmd->add_option("--relative-to", *reference,
                  "with several designs: the reference for the ratio column (one of the "
                  "configs; default the first)");
  cmd->add_option("-j,--jobs", *jobs, "Yosys runs at once (default 2)")->check(CLI::Range(1, 64));
  cmd->callback([configs, work, reference, json, jobs, &exit_code] {
    try {
      std::vector<Entry> entries;
      const bool single = configs->size() == 1;
      for (const auto& c : *configs) {
        Entry e{c, load_design(c), {}, {}, {}};
        const std::string top = e.design->top_name();
        e.dir = work->empty() ? default_work_dir(top) : single ? *work : *work + "/" + top;
        entries.push_back(std::move(e));
      }
      std::size_t ref = 0;
      if (!reference->empty()) {
        const auto it = std::find(configs->begin(), configs->end(), *reference);
        if (it == configs->end())
          throw std::runtime_error(fmt::format(
              "--relative-to {}: not one of the configs given; list it among them", *reference));
        ref = static_cast<std::size_t>(it - configs->begin());
      }
      synthesize(entries, *jobs);
      for (const auto& e : entries)
        if (!e.error.empty())
          throw std::runtime_error(
              fmt::format("area of '{}' ({}) failed: {}", e.design->top_name(), e.config, e.error));
      if (single) {
        const Entry& e = entries[0];
        if (*json) {
          std::cout << entry_json(e).dump(2) << "\n";
        } else {
          std::cout << fmt::format("{} ({})\n", e.design->top_name(), e.design->unit_name());
          std::cout << synth::to_table(e.report);
        }
      } else if (*json) {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& e : entries) {
          auto j = entry_json(e);
          j["ratio_to_reference"] = entries[ref].report.area_um2 / e.report.area_um2;
          arr.push_back(j);
        }
        std::cout << arr.dump(2) << "\n";
      } else {
        std::cout << comparison_table(entries, entries[ref]);
      }
      exit_code = 0;
    } catch (const std::exception& e) {
      exit_code = fail("area", e.what());
    }
  });
}

}  // namespace bf::cli
