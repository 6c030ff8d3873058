#include "tb/verilator_flow.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "tb/verilator_driver.hpp"
#include "util/file_lock.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/process.hpp"

#ifndef BLOCKFORGE_TB_DIR
#error "BLOCKFORGE_TB_DIR must point at the tb/ source folder"
#endif

namespace bf::tb {

namespace fs = std::filesystem;
using util::FileLock;
using util::first_error_line;
using util::Hasher;
using util::on_path;
using util::read_text;
using util::run_process;
using util::write_if_changed;
using util::write_text;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The harness sources copied into each build, so a work directory can be
// rebuilt on its own.
const char* const kHarnessFiles[] = {"harness.hpp", "vector_file.hpp"};

std::string fixed_line(const std::string& log_path) {
  std::ifstream in(log_path);
  std::string line, last;
  while (std::getline(in, line))
    if (line.rfind("PASS: ", 0) == 0 || line.rfind("FAIL: ", 0) == 0) last = line;
  return last;
}

SimRun parse_results(const std::string& path, const std::string& log_path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text(path));
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("cannot read simulation results {}: {}", path, e.what()));
  }
  SimRun r;
  r.pass = j.at("pass").get<bool>();
  r.vectors = j.at("vectors").get<std::size_t>();
  r.mismatches = j.at("mismatches").get<std::size_t>();
  r.latency_measured = j.at("latency_measured").get<long>();
  r.cycles = j.at("cycles").get<uint64_t>();
  r.sim_seconds = j.at("sim_seconds").get<double>();
  r.errors = j.at("errors").get<std::vector<std::string>>();
  for (const auto& rec : j.at("records")) {
    MismatchRecord m;
    m.vector = rec.at("vector").get<std::size_t>();
    m.cycle = rec.at("cycle").get<uint64_t>();
    m.actual = rec.at("actual").get<std::vector<uint64_t>>();
    r.records.push_back(std::move(m));
  }
  r.log_path = log_path;
  r.line = fixed_line(log_path);
  return r;
}

// Identifies the installed Verilator (its verilated_config.h carries the
// version), so an upgrade invalidates cached builds.
std::string verilator_version() {
  const char* root = std::getenv("VERILATOR_ROOT");
  for (const std::string& dir :
       {root ? std::string(root) : std::string(), std::string("/usr/share/verilator")}) {
    if (dir.empty()) continue;
    const std::string path = dir + "/include/verilated_config.h";
    std::error_code ec;
    if (fs::exists(path, ec)) return read_text(path);
  }
  return {};
}

}  // namespace

std::string verilator_build_dir(const VerifyOptions& opt) {
  std::string dir =
      opt.build_dir.empty() ? (fs::path(opt.work_dir) / "sim").string() : opt.build_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return opt.trace ? dir + "-trace" : dir;
}

std::string verilator_build_hash(const std::vector<std::string>& rtl_files,
                                 const std::string& driver, const std::string& cmakelists,
                                 const std::string& harness_sources, const std::string& toolchain) {
  Hasher h;
  h.add("blockforge verilator build v1").add(driver).add(cmakelists).add(harness_sources);
  h.add(toolchain);
  for (const auto& f : rtl_files) h.add(f).add(read_text(f));
  return h.hex();
}

std::string stage_harness(const std::string& harness_dir) {
  std::string sources;
  for (const char* name : kHarnessFiles) {
    const std::string text = read_text(fmt::format("{}/sim/{}", BLOCKFORGE_TB_DIR, name));
    write_if_changed((fs::path(harness_dir) / name).string(), text);
    sources += text;
  }
  return sources;
}

VerilatorBuild build_verilator_project(const std::string& dir_path, const std::string& hash,
                                       const std::string& what, const util::ToolBudget& budget) {
  const fs::path dir(dir_path);
  const fs::path build = dir / "build";
  const fs::path stamp = build / "blockforge-build.hash";
  VerilatorBuild r;
  r.binary = (build / "bf_sim").string();
  const auto t0 = Clock::now();
  std::error_code ec;
  r.cached = fs::exists(r.binary, ec) && fs::exists(stamp, ec) && read_text(stamp) == hash;
  if (!r.cached) {
    fs::remove(stamp, ec);
    const std::string log = (dir / "build.log").string();
    std::vector<std::string> configure = {"cmake", "-S",           dir.string(),
                                          "-B",    build.string(), "-DCMAKE_BUILD_TYPE=Release"};
    if (!fs::exists(build / "CMakeCache.txt", ec) && on_path("ninja"))
      configure.insert(configure.end(), {"-G", "Ninja"});
    const unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    auto rc = run_process(configure, budget.apply({log, false, {}}));
    util::throw_if_stopped(rc, what, log);
    if (rc.ok()) {
      rc = run_process({"cmake", "--build", build.string(), "-j", std::to_string(jobs)},
                       budget.apply({log, true, {}}));
      util::throw_if_stopped(rc, what, log);
    }
    if (!rc.ok()) {
      const std::string first = first_error_line(log);
      throw std::runtime_error(
          fmt::format("{} failed{}{}; see {}", what, first.empty() ? "" : ": ", first, log));
    }
    write_text(stamp.string(), hash);
  }
  r.seconds = seconds_since(t0);
  return r;
}

std::vector<std::string> harness_arguments(const Design& design, const std::string& vectors_path,
                                           const std::string& results_path,
                                           const VerifyOptions& opt) {
  return {"--vectors",    vectors_path,
          "--results",    results_path,
          "--top",        design.top_name(),
          "--latency",    std::to_string(design.latency()),
          "--seed",       std::to_string(opt.seed),
          "--bubble",     fmt::format("{}", opt.bubble_prob),
          "--stall",      fmt::format("{}", opt.stall_prob),
          "--max-errors", std::to_string(opt.max_errors),
          "--watchdog",   std::to_string(opt.watchdog_cycles)};
}

SimRun run_verilator(const Design& design, const std::vector<std::string>& rtl_files,
                     const std::string& vectors_path, const VerifyOptions& opt) {
  const fs::path dir = fs::absolute(verilator_build_dir(opt));
  const fs::path build = dir / "build";
  const fs::path harness_dir = dir / "harness";
  fs::create_directories(build);
  FileLock lock((dir / ".lock").string(), FileLock::Mode::Exclusive);

  const std::string harness_sources = stage_harness(harness_dir.string());
  const std::string driver = verilator_driver(design);
  write_if_changed((dir / "driver.cpp").string(), driver);
  const std::string cmakelists =
      verilator_cmakelists({design.top_name(), rtl_files, harness_dir.string(), opt.trace,
                            opt.fast_compile, opt.netlist});
  write_if_changed((dir / "CMakeLists.txt").string(), cmakelists);
  const std::string hash =
      verilator_build_hash(rtl_files, driver, cmakelists, harness_sources, verilator_version());
  const VerilatorBuild built = build_verilator_project(
      dir.string(), hash, fmt::format("Verilator build of {}", design.top_name()), opt.budget);
  lock.set_mode(FileLock::Mode::Shared);  // others may run it too, nobody rebuilds it

  const fs::path work = fs::absolute(opt.work_dir);
  const std::string results = (work / "results.json").string();
  const std::string log = (work / "sim.log").string();
  std::error_code ec;
  fs::remove(results, ec);
  std::vector<std::string> cmd = {built.binary};
  const auto args = harness_arguments(design, vectors_path, results, opt);
  cmd.insert(cmd.end(), args.begin(), args.end());
  if (opt.trace) cmd.insert(cmd.end(), {"--trace", (work / "trace.fst").string()});
  const auto res = run_process(cmd, opt.budget.apply({log, false, {}}));
  util::throw_if_stopped(res, fmt::format("simulation of {}", design.top_name()), log);
  const int rc = res.code;
  if ((rc != 0 && rc != 1) || !fs::exists(results, ec)) {
    const std::string first = first_error_line(log);
    throw std::runtime_error(fmt::format("simulation of {} did not finish (exit {}){}{}; see {}",
                                         design.top_name(), rc, first.empty() ? "" : ": ", first,
                                         log));
  }
  SimRun parsed = parse_results(results, log);
  parsed.build_seconds = built.seconds;
  parsed.build_cached = built.cached;
  if (parsed.line.empty())
    throw std::runtime_error(
        fmt::format("simulation of {} printed no PASS/FAIL line; see {}", design.top_name(), log));
  return parsed;
}

}  // namespace bf::tb
