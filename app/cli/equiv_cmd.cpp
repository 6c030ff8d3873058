// `blockforge equiv A [B] [--netlist [--netlist-file F]] [--timeout S] [--depth N]
//  [--method auto|struct|sat] [--json] [--work DIR]`: formal equivalence with
// Yosys (synth/equiv.hpp), of a design's RTL against its mapped netlist or
// of two configurations of one unit. A and B are design files (TOML) or
// generated directories (with manifest.json, as `gen` writes them).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "app/cli/cli.hpp"
#include "app/cli/work_dir.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "synth/area.hpp"
#include "synth/equiv.hpp"
#include "util/files.hpp"
#include "util/stop_signals.hpp"

namespace bf::cli {

namespace {

namespace fs = std::filesystem;

// Exit codes (documented in --help).
constexpr int kExitProven = 0;
constexpr int kExitNotProven = 1;
constexpr int kExitUnknown = 2;
constexpr int kExitError = 3;
constexpr int kInterruptedExit = 130;

struct EquivArgs {
  std::string a;
  std::string b;
  std::string work;
  bool netlist = false;
  std::string netlist_file;
  double timeout = 120;
  int depth = 20;
  std::string method = "sat";
  bool json = false;
};

// One side as the command line named it.
struct Loaded {
  std::shared_ptr<Design> design;  // a design file; null for a directory
  std::string unit;
  synth::EquivSide side;
  std::vector<synth::EquivPort> inputs;
  std::vector<synth::EquivPort> outputs;
};

std::vector<synth::EquivPort> ports_of(const std::vector<PortSpec>& specs) {
  std::vector<synth::EquivPort> out;
  for (const auto& p : specs) out.push_back({p.name, p.width});
  return out;
}

std::vector<synth::EquivPort> ports_of(const nlohmann::json& arr, const std::string& where) {
  if (!arr.is_array()) throw std::runtime_error(where + ": no port list");
  std::vector<synth::EquivPort> out;
  for (const auto& p : arr)
    out.push_back({p.at("name").get<std::string>(), p.at("width").get<int>()});
  return out;
}

// A design file: its RTL is written by write_files().
Loaded load_config(const std::string& path) {
  Loaded l;
  l.design = load_design(path);
  l.unit = l.design->unit_name();
  l.side = {
      fmt::format("{} (RTL of {}, latency {})", path, l.design->top_name(), l.design->latency()),
      {},
      l.design->top_name(),
      l.design->latency(),
      ""};
  l.inputs = ports_of(l.design->data_inputs());
  l.outputs = ports_of(l.design->data_outputs());
  return l;
}

// A generated directory: its manifest.json names the files, top, latency, ports.
Loaded load_directory(const std::string& path) {
  const fs::path manifest = fs::path(path) / "manifest.json";
  std::error_code ec;
  if (!fs::is_regular_file(manifest, ec))
    throw std::runtime_error(fmt::format(
        "{}: a directory without manifest.json; give a design file (TOML) or a directory "
        "written by `blockforge gen`",
        path));
  try {
    const auto m = nlohmann::json::parse(util::read_text(manifest.string()));
    Loaded l;
    l.unit = m.at("unit").get<std::string>();
    const std::string top = m.at("top").get<std::string>();
    const int latency = m.at("latency_cycles").get<int>();
    std::vector<std::string> files;
    for (const auto& f : m.at("files"))
      files.push_back((fs::path(path) / f.get<std::string>()).string());
    l.side = {fmt::format("{} (RTL of {}, latency {})", path, top, latency), files, top, latency,
              ""};
    l.inputs = ports_of(m.at("data_inputs"), manifest.string());
    l.outputs = ports_of(m.at("data_outputs"), manifest.string());
    return l;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(
        fmt::format("{}: not a blockforge manifest ({})", manifest.string(), e.what()));
  }
}

Loaded load_side(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw std::runtime_error(fmt::format("{}: no such file or directory", path));
  if (fs::is_directory(path, ec)) return load_directory(path);
  return load_config(path);
}

// A design file's RTL, written under `dir` (a directory side has its files).
void write_files(Loaded& l, const std::string& dir) {
  if (l.design) l.side.files = write_rtl(*l.design, dir).files;
}

std::string port_list(const std::vector<synth::EquivPort>& ports) {
  std::string s;
  for (const auto& p : ports) s += fmt::format("{}{}[{}]", s.empty() ? "" : " ", p.name, p.width);
  return s.empty() ? "(none)" : s;
}

void check_same_interface(const Loaded& a, const Loaded& b) {
  if (a.unit != b.unit)
    throw std::runtime_error(fmt::format(
        "A is a {} and B a {}: equiv compares two configurations of one unit", a.unit, b.unit));
  auto same = [](const std::vector<synth::EquivPort>& x, const std::vector<synth::EquivPort>& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i].name != y[i].name || x[i].width != y[i].width) return false;
    return true;
  };
  if (!same(a.inputs, b.inputs))
    throw std::runtime_error(fmt::format("the data inputs differ: A has {}, B has {}",
                                         port_list(a.inputs), port_list(b.inputs)));
  if (!same(a.outputs, b.outputs))
    throw std::runtime_error(fmt::format("the data outputs differ: A has {}, B has {}",
                                         port_list(a.outputs), port_list(b.outputs)));
}

}  // namespace

void add_equiv_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "equiv",
      "Prove two designs formally equivalent with Yosys: RTL vs its mapped netlist (--netlist), "
      "or two configurations of one unit");
  cmd->footer(
      "Verdict (first line of the output):\n"
      "  PROVEN      an induction proof succeeded; the line names the method and the claim\n"
      "              follows (exit 0)\n"
      "  NOT PROVEN  the designs differ: a counterexample per cycle in port values (exit 1)\n"
      "  UNKNOWN     time limit reached, or only a bounded check passed (\"no difference\n"
      "              within N cycles\", which is not a proof) (exit 2)\n"
      "Errors (bad input, a tool failure): one line on stderr, exit 3.\n\n"
      "Method (default --method sat): a miter proved with `sat -tempinduct`\n"
      "(k-induction over loop-free paths, base case from reset). The miter resets both\n"
      "designs in cycle 1, then drives both with the same free inputs (rst_ni,\n"
      "in_valid_i, data); equal latencies: out_ready_i free, in_ready_o/out_valid_o\n"
      "compared every cycle, data outputs while valid; different latencies: out_ready_i\n"
      "held 1 and the faster design's outputs delayed by the difference. Registers\n"
      "without a reset start at 0. --method struct: Yosys' equivalence cells (equal\n"
      "latencies; weaker claim, no counterexamples). SAT is slow on multipliers: designs\n"
      "with wide multipliers may end UNKNOWN; raise --timeout.");
  auto a = std::make_shared<EquivArgs>();
  cmd->add_option("A", a->a, "design file (TOML) or directory written by `gen`")->required();
  cmd->add_option("B", a->b, "second design of the same unit (TOML or directory)");
  cmd->add_flag("--netlist", a->netlist,
                "compare A's RTL with its netlist mapped onto synth/cells.lib by the flat area "
                "flow (blockforge area --flat)");
  cmd->add_option("--netlist-file", a->netlist_file,
                  "with --netlist: use this mapped netlist (cells of synth/cells.lib) instead of "
                  "synthesizing one");
  cmd->add_option("--timeout", a->timeout,
                  "seconds for the proof (all Yosys runs; netlist synthesis not counted); 0: no "
                  "limit")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--depth", a->depth, "longest induction and bounded check, in cycles")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--method", a->method,
                  "sat (default): the miter, k-induction from reset; struct: Yosys' equivalence "
                  "cells (equal latencies; faster on RTL vs netlist, weaker claim: the cycles "
                  "after reset are not checked)")
      ->capture_default_str()
      ->check(CLI::IsMember({"sat", "struct"}));
  cmd->add_flag("--json", a->json, "print the result as JSON");
  cmd->add_option("--work", a->work, "work directory (default .blockforge/equiv-<top>)");
  cmd->callback([a, &exit_code] {
    try {
      if (!a->netlist_file.empty()) a->netlist = true;
      if (a->netlist && !a->b.empty())
        throw std::runtime_error("give either a second design B or --netlist, not both");
      if (!a->netlist && a->b.empty())
        throw std::runtime_error(
            "give a second design B, or --netlist to compare A with its netlist");
      Loaded la = load_side(a->a);
      Loaded lb;
      if (!a->netlist) {
        lb = load_side(a->b);
        check_same_interface(la, lb);
      }
      const std::string work = a->work.empty() ? default_work_dir("equiv-" + la.side.top) : a->work;
      write_files(la, work + "/a");
      util::StopSignals signals;
      if (a->netlist) {
        lb = la;
        std::string netlist = a->netlist_file;
        std::string library = synth::liberty_path();
        if (netlist.empty()) {
          synth::AreaOptions options;
          options.mode = synth::AreaMode::Flat;
          options.use_cache = false;
          options.budget = util::ToolBudget(0, &util::stop_flag());
          synth::run_area(la.side.files, la.side.top, work + "/netlist", options);
          netlist = fs::absolute(work + "/netlist/mapped.v").string();
          library = fs::absolute(work + "/netlist/cells.lib").string();
          lb.side.description = fmt::format("netlist of {} (flat area flow on synth/cells.lib: {})",
                                            la.side.top, netlist);
        } else {
          std::error_code ec;
          if (!fs::is_regular_file(netlist, ec))
            throw std::runtime_error(fmt::format("--netlist-file {}: no such file", netlist));
          netlist = fs::absolute(netlist).string();
          lb.side.description = fmt::format("netlist {}", netlist);
        }
        lb.side.files = {netlist};
        lb.side.liberty = library;
      } else {
        write_files(lb, work + "/b");
      }
      for (auto* s : {&la.side, &lb.side})
        for (auto& f : s->files) f = fs::absolute(f).string();
      synth::EquivOptions options;
      options.timeout_seconds = a->timeout;
      options.depth = a->depth;
      options.method = a->method == "struct" ? synth::EquivMethod::Struct : synth::EquivMethod::Sat;
      options.cancel = &util::stop_flag();
      const auto r =
          synth::run_equiv(la.side, lb.side, la.inputs, la.outputs, work + "/proof", options);
      if (a->json) {
        std::cout << synth::to_json(r).dump(2) << "\n";
      } else {
        std::cout << synth::to_text(r);
      }
      exit_code = r.verdict == synth::EquivVerdict::Proven      ? kExitProven
                  : r.verdict == synth::EquivVerdict::NotProven ? kExitNotProven
                                                                : kExitUnknown;
    } catch (const util::ToolCancelled&) {
      std::cerr << "blockforge equiv: interrupted\n";
      exit_code = kInterruptedExit;
    } catch (const std::exception& e) {
      fail("equiv", e.what());
      exit_code = kExitError;
    }
  });
}

}  // namespace bf::cli
