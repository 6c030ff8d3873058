#include "tb/toggle_sim.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "tb/mismatch_report.hpp"
#include "tb/vectors.hpp"
#include "tb/verilator_driver.hpp"
#include "tb/verilator_flow.hpp"
#include "util/file_lock.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/process.hpp"

#ifndef BLOCKFORGE_TB_DIR
#error "BLOCKFORGE_TB_DIR must point at the tb/ source folder"
#endif

namespace bf::tb {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Verilator's toggle coverage skips signals wider than --coverage-max-width
// (default 256 bits); gate-level nets are single bits, but ports keep their
// RTL widths, so the limit is raised past any port blockforge generates.
constexpr int kCoverageMaxWidth = 1 << 16;

// A unit fed one workload: the base design with other vectors.
class WorkloadDesign : public Design {
 public:
  enum class Kind { Random, Zeros, Unit };
  WorkloadDesign(const Design& base, Kind kind, std::string name)
      : base_(base), kind_(kind), name_(std::move(name)) {}
  std::string unit_name() const override { return base_.unit_name(); }
  std::string top_name() const override { return base_.top_name(); }
  nlohmann::ordered_json params_json() const override { return base_.params_json(); }
  std::vector<vlog::Module> modules() const override { return base_.modules(); }
  std::vector<PortSpec> data_inputs() const override { return base_.data_inputs(); }
  std::vector<PortSpec> data_outputs() const override { return base_.data_outputs(); }
  int latency() const override { return base_.latency(); }
  std::vector<TestVector> corner_cases() const override { return {}; }
  TestVector random_case(std::mt19937_64& rng) const override {
    switch (kind_) {
      case Kind::Random:
        return base_.random_case(rng);
      case Kind::Zeros: {
        TestVector tv;
        for (const auto& p : base_.data_inputs()) tv.inputs.emplace_back(p.width);
        tv.label = "all-zero inputs";
        return tv;
      }
      case Kind::Unit:
        break;
    }
    // The unit's stream comes in whole pieces (rows); hand them out one
    // transaction at a time.
    while (pending_.empty()) {
      auto chunk = base_.workload_chunk(name_, rng);
      if (chunk.empty())
        throw std::logic_error(
            fmt::format("{}: workload '{}' gave an empty chunk", base_.unit_name(), name_));
      pending_.assign(std::make_move_iterator(chunk.begin()), std::make_move_iterator(chunk.end()));
    }
    TestVector tv = std::move(pending_.front());
    pending_.pop_front();
    return tv;
  }
  PortValues emulate(const PortValues& inputs) const override { return base_.emulate(inputs); }
  std::unique_ptr<StreamModel> stream_model() const override { return base_.stream_model(); }
  nlohmann::ordered_json metrics() const override { return base_.metrics(); }

 private:
  const Design& base_;
  Kind kind_;
  std::string name_;
  mutable std::deque<TestVector> pending_;  // the rest of the current chunk
};

// The verify driver with a main() that takes --coverage FILE (removed before
// the harness parses the rest) and a model whose destructor writes the
// per-instance toggle counters while they still exist.
std::string toggle_driver(const Design& design) {
  std::string d = verilator_driver(design);
  const std::string main_line =
      "int main(int argc, char** argv) { return bf::sim::run<Vtop, Ports>(argc, argv); }\n";
  const auto at = d.rfind(main_line);
  if (at == std::string::npos)
    throw std::logic_error("toggle simulation: the verify driver has no main() to replace");
  d.erase(at);
  d += R"(#include <string>
#include <vector>

#include "verilated_cov.h"

namespace {

std::string g_coverage_path;

// Writes the toggle counters before the model (which owns them) goes away.
struct CoveredTop : Vtop {
  CoveredTop(VerilatedContext* ctx, const char* name) : Vtop(ctx, name), ctx_(ctx) {}
  ~CoveredTop() {
    if (g_coverage_path.empty()) return;
    ctx_->coveragep()->forcePerInstance(true);
    ctx_->coveragep()->write(g_coverage_path.c_str());
  }
  VerilatedContext* ctx_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::string(argv[i]) == "--coverage" && i + 1 < argc) {
      g_coverage_path = argv[++i];
      continue;
    }
    args.push_back(argv[i]);
  }
  return bf::sim::run<CoveredTop, Ports>(static_cast<int>(args.size()), args.data());
}
)";
  return d;
}

std::string toggle_cmakelists(const Design& design, const std::vector<std::string>& files,
                              const std::string& harness_dir) {
  // A power run simulates a few thousand vectors of a gate-level netlist
  // with a counter on every net: the C++ compile dominates, so it is built
  // unoptimized and split (fast_compile), as gate-level verification is.
  std::string c = verilator_cmakelists({design.top_name(), files, harness_dir, false, true, true});
  const std::string anchor = "--x-initial fast";
  const auto at = c.find(anchor);
  if (at == std::string::npos)
    throw std::logic_error("toggle simulation: unexpected Verilator CMakeLists.txt");
  c.insert(at + anchor.size(),
           fmt::format(" --coverage-toggle --coverage-underscore --coverage-max-width {}",
                       kCoverageMaxWidth));
  return c;
}

std::string verilator_version_text() {
  const char* root = std::getenv("VERILATOR_ROOT");
  for (const std::string& dir :
       {root ? std::string(root) : std::string(), std::string("/usr/share/verilator")}) {
    if (dir.empty()) continue;
    const std::string path = dir + "/include/verilated_config.h";
    std::error_code ec;
    if (fs::exists(path, ec)) return util::read_text(path);
  }
  return {};
}

std::string pass_fail_line(const std::string& log_path) {
  std::ifstream in(log_path);
  std::string line, last;
  while (std::getline(in, line))
    if (line.rfind("PASS: ", 0) == 0 || line.rfind("FAIL: ", 0) == 0) last = line;
  return last;
}

}  // namespace

std::string toggle_key(const std::string& instance, const std::string& signal) {
  return instance + ":" + signal;
}

std::vector<Design::Workload> workloads(const Design& design) {
  std::vector<Design::Workload> w = {
      {"random", "the unit's biased random vectors (no corner cases)"},
      {"zeros", "every data input all zero, same handshake"}};
  for (auto& u : design.workloads()) w.push_back(std::move(u));
  return w;
}

std::unique_ptr<Design> workload_design(const Design& base, const std::string& name) {
  using Kind = WorkloadDesign::Kind;
  if (name == "random") return std::make_unique<WorkloadDesign>(base, Kind::Random, name);
  if (name == "zeros") return std::make_unique<WorkloadDesign>(base, Kind::Zeros, name);
  std::string known;
  for (const auto& w : workloads(base)) {
    if (w.name == name) return std::make_unique<WorkloadDesign>(base, Kind::Unit, name);
    known += fmt::format("\n  {}: {}", w.name, w.doc);
  }
  throw std::invalid_argument(fmt::format("unknown workload '{}' for {} ({}); its workloads:{}",
                                          name, base.top_name(), base.unit_name(), known));
}

ToggleCounts parse_toggle_coverage(const std::string& text, const std::string& top_instance) {
  if (text.rfind("# SystemC::Coverage", 0) != 0)
    throw std::runtime_error("not a Verilator coverage file (no '# SystemC::Coverage' header)");
  ToggleCounts counts;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.size() < 2 || line[0] != 'C') continue;
    const auto open = line.find('\'');
    const auto close = line.rfind('\'');
    if (open == std::string_view::npos || close <= open)
      throw std::runtime_error(fmt::format("bad coverage line: {}", line));
    const std::string_view body = line.substr(open + 1, close - open - 1);
    std::string page, signal, hier;
    // Fields: \001key\002value, repeated.
    std::size_t k = 0;
    while (k < body.size()) {
      if (body[k] != '\001') {
        ++k;
        continue;
      }
      const auto sep = body.find('\002', k + 1);
      if (sep == std::string_view::npos) break;
      auto next = body.find('\001', sep + 1);
      if (next == std::string_view::npos) next = body.size();
      const std::string_view key = body.substr(k + 1, sep - k - 1);
      const std::string_view value = body.substr(sep + 1, next - sep - 1);
      if (key == "page")
        page = value;
      else if (key == "o")
        signal = value;
      else if (key == "h")
        hier = value;
      k = next;
    }
    if (page.rfind("v_toggle/", 0) != 0) continue;
    std::string instance;
    if (hier == top_instance) {
      instance.clear();
    } else if (hier.size() > top_instance.size() + 1 && hier.rfind(top_instance + ".", 0) == 0) {
      instance = hier.substr(top_instance.size() + 1);
    } else {
      continue;
    }
    const uint64_t count = std::stoull(std::string(line.substr(close + 1)));
    counts[toggle_key(instance, signal)] += count;
  }
  return counts;
}

ToggleSimResult simulate_toggles(const Design& design, const std::vector<std::string>& files,
                                 const VerifyOptions& opt) {
  if (opt.work_dir.empty()) throw std::invalid_argument("toggle simulation: work_dir is required");
  if (opt.random_vectors == 0)
    throw std::invalid_argument("toggle simulation: at least one vector is needed");
  if (opt.trace) throw std::invalid_argument("toggle simulation: tracing is not supported");
  if (files.empty()) throw std::invalid_argument("toggle simulation: no Verilog files");
  std::vector<std::string> sources;
  for (const auto& f : files) {
    if (!fs::is_regular_file(f))
      throw std::invalid_argument("toggle simulation: file not found: " + f);
    sources.push_back(fs::absolute(f).lexically_normal().string());
  }
  const fs::path work = fs::absolute(opt.work_dir);
  fs::create_directories(work);

  ToggleSimResult out;
  VerifyResult& res = out.verify;
  const auto t0 = Clock::now();
  const VectorSet vectors = make_vectors(design, opt.seed, opt.random_vectors);
  const std::string vectors_path = (work / "vectors.bin").string();
  vecfile::write(vectors_path, vectors.data);
  res.vector_seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  // The build: its own directory and hash, next to the verify build.
  VerifyOptions base = opt;
  base.trace = false;
  const fs::path dir = fs::absolute(verilator_build_dir(base) + "-toggle");
  const fs::path build = dir / "build";
  const fs::path harness_dir = dir / "harness";
  fs::create_directories(build);
  util::FileLock lock((dir / ".lock").string(), util::FileLock::Mode::Exclusive);
  const std::string harness_sources = stage_harness(harness_dir.string());
  const std::string driver = toggle_driver(design);
  util::write_if_changed((dir / "driver.cpp").string(), driver);
  const std::string cmakelists = toggle_cmakelists(design, sources, harness_dir.string());
  util::write_if_changed((dir / "CMakeLists.txt").string(), cmakelists);
  const std::string hash =
      verilator_build_hash(sources, driver, cmakelists, harness_sources, verilator_version_text());
  const VerilatorBuild built = build_verilator_project(
      dir.string(), hash, fmt::format("toggle-counting Verilator build of {}", design.top_name()),
      opt.budget);
  res.build_cached = built.cached;
  res.build_seconds = built.seconds;
  lock.set_mode(util::FileLock::Mode::Shared);

  // The run.
  const std::string results = (work / "results.json").string();
  const std::string log = (work / "sim.log").string();
  out.coverage_path = (work / "coverage.dat").string();
  std::error_code ec;
  fs::remove(results, ec);
  fs::remove(out.coverage_path, ec);
  std::vector<std::string> cmd = {built.binary, "--coverage", out.coverage_path};
  const auto args = harness_arguments(design, vectors_path, results, opt);
  cmd.insert(cmd.end(), args.begin(), args.end());
  const auto run = util::run_process(cmd, opt.budget.apply({log, false, {}}));
  util::throw_if_stopped(run, fmt::format("toggle simulation of {}", design.top_name()), log);
  if ((run.code != 0 && run.code != 1) || !fs::exists(results, ec) ||
      !fs::exists(out.coverage_path, ec)) {
    const std::string first = util::first_error_line(log);
    throw std::runtime_error(
        fmt::format("toggle simulation of {} did not finish (exit {}){}{}; see {}",
                    design.top_name(), run.code, first.empty() ? "" : ": ", first, log));
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(util::read_text(results));
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("cannot read simulation results {}: {}", results, e.what()));
  }
  res.pass = j.at("pass").get<bool>();
  res.vectors = j.at("vectors").get<std::size_t>();
  res.mismatches = j.at("mismatches").get<std::size_t>();
  res.latency_measured = j.at("latency_measured").get<long>();
  res.cycles = j.at("cycles").get<uint64_t>();
  res.sim_seconds = j.at("sim_seconds").get<double>();
  res.errors = j.at("errors").get<std::vector<std::string>>();
  res.vectors_per_second =
      res.sim_seconds > 0 ? static_cast<double>(res.vectors) / res.sim_seconds : 0;

  std::string& s = res.report;
  s += fmt::format("gate-level simulation of {} ({}): {} vectors, seed {}, toggle counting\n",
                   design.top_name(), design.unit_name(), vectors.size(), opt.seed);
  s += fmt::format("  build: {:.2f} s{} ({})\n", res.build_seconds,
                   res.build_cached ? " (cached)" : "", dir.string());
  s += fmt::format("  sim: {:.3f} s, {} cycles (log {})\n", res.sim_seconds, res.cycles, log);
  for (const auto& e : res.errors) s += "ERROR: " + e + "\n";
  std::size_t shown = 0;
  for (const auto& rec : j.at("records")) {
    if (shown == static_cast<std::size_t>(opt.max_errors)) break;
    MismatchRecord m;
    m.vector = rec.at("vector").get<std::size_t>();
    m.cycle = rec.at("cycle").get<uint64_t>();
    m.actual = rec.at("actual").get<std::vector<uint64_t>>();
    s += describe_mismatch(design, vectors, m, ++shown);
  }
  if (res.mismatches > shown)
    s += fmt::format("  ({} more mismatches not shown)\n", res.mismatches - shown);
  const std::string line = pass_fail_line(log);
  if (line.empty())
    throw std::runtime_error(fmt::format(
        "toggle simulation of {} printed no PASS/FAIL line; see {}", design.top_name(), log));
  s += line + "\n";
  if (!opt.quiet) std::cout << s << std::flush;

  out.toggles =
      parse_toggle_coverage(util::read_text(out.coverage_path), "top." + design.top_name());
  return out;
}

}  // namespace bf::tb
